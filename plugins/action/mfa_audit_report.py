# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""mfa_audit_report, in the controller's process: write the audit's JSON and Markdown report files, or read back the
previous JSON report, in a report directory checked by plugin_utils/_report_files (private, not a symlink).

Writing them with ansible.builtin.copy and ansible.builtin.template costs four module runs (a stat and a copy
each), a fixed second or two per audit; here it costs none.  The module file holds the documentation only.
"""

import os

from ansible.errors import AnsibleActionFail

from ansible_collections.mfaops.iam.plugins.plugin_utils._action_module import ControllerAction
from ansible_collections.mfaops.iam.plugins.plugin_utils._report_files import ReportFileError
from ansible_collections.mfaops.iam.plugins.plugin_utils._report_files import open_directory
from ansible_collections.mfaops.iam.plugins.plugin_utils._report_files import parse_mode
from ansible_collections.mfaops.iam.plugins.plugin_utils._report_files import read_report
from ansible_collections.mfaops.iam.plugins.plugin_utils._report_files import write_file

ARGUMENT_SPEC = dict(
    directory=dict(type="path", required=True),
    name=dict(type="str", required=True),
    mode=dict(type="raw", default="0640"),
    json=dict(type="str"),
    markdown=dict(type="str"),
    read_previous=dict(type="bool", default=False),
)
REQUIRED_IF = [("read_previous", False, ("json", "markdown"))]
MUTUALLY_EXCLUSIVE = [("read_previous", "json"), ("read_previous", "markdown")]


def report_paths(directory, name):
    """{"json": <directory>/<name>.json, "markdown": <directory>/<name>.md}; ``name`` must be a plain file name."""
    if not name or name in (".", "..") or os.sep in name:
        raise ReportFileError("name %r is not a plain file name" % name)
    base = os.path.join(directory, name)
    return {"json": base + ".json", "markdown": base + ".md"}


class ActionModule(ControllerAction):
    MODULE_NAME = "mfaops.iam.mfa_audit_report"  # check mode writes the report too: it is the audit's output

    def run_task(self, task_vars):
        result = {}
        args = self.validated(ARGUMENT_SPEC, required_if=REQUIRED_IF, mutually_exclusive=MUTUALLY_EXCLUSIVE)
        directory = self._loader.path_dwim(os.path.expanduser(args["directory"]))
        try:
            paths = report_paths(directory, args["name"])
            if args["read_previous"]:
                previous = read_report(paths["json"])
                result.update(changed=False, files=paths, previous={} if previous is None else previous)
                return result
            mode = parse_mode(args["mode"])
            created = not os.path.isdir(directory)
            opened = open_directory(directory)
            try:
                changed = created
                for kind in ("json", "markdown"):
                    changed = write_file(opened, os.path.basename(paths[kind]), args[kind], mode) or changed
            finally:
                opened.close()
        except ReportFileError as e:
            raise AnsibleActionFail(str(e)) from e
        result.update(changed=changed, files=paths)
        return result
