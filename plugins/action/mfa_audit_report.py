# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""mfa_audit_report, in the controller's process: write the audit's JSON and Markdown report files.

Writing them with ansible.builtin.copy and ansible.builtin.template costs four module runs (a stat and a copy
each), a fixed second or two per audit; here it costs none.  The module file holds the documentation only.
"""

import os

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.mfaops.iam.plugins.plugin_utils._report_files import ReportFileError
from ansible_collections.mfaops.iam.plugins.plugin_utils._report_files import ensure_directory
from ansible_collections.mfaops.iam.plugins.plugin_utils._report_files import parse_mode
from ansible_collections.mfaops.iam.plugins.plugin_utils._report_files import write_file

ARGUMENT_SPEC = dict(
    directory=dict(type="path", required=True),
    name=dict(type="str", required=True),
    mode=dict(type="raw", default="0640"),
    json=dict(type="str", required=True),
    markdown=dict(type="str", required=True),
)


def report_paths(directory, name):
    """{"json": <directory>/<name>.json, "markdown": <directory>/<name>.md}; ``name`` must be a plain file name."""
    if not name or name in (".", "..") or os.sep in name:
        raise ReportFileError("name %r is not a plain file name" % name)
    base = os.path.join(directory, name)
    return {"json": base + ".json", "markdown": base + ".md"}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True  # the report is written in check mode too: it is the audit's output
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        result.pop("invocation", None)  # the arguments hold the whole report
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        directory = self._loader.path_dwim(os.path.expanduser(args["directory"]))
        try:
            mode = parse_mode(args["mode"])
            paths = report_paths(directory, args["name"])
            changed = ensure_directory(directory)
            for kind in ("json", "markdown"):
                changed = write_file(paths[kind], args[kind], mode) or changed
        except ReportFileError as e:
            raise AnsibleActionFail(str(e)) from e
        result.update(changed=changed, files=paths)
        return result
