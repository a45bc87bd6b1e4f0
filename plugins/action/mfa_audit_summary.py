# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""mfa_audit_summary, in the controller's process: the organization summary from the accounts' audit states.

The states come from the report directory, an S3 prefix and/or the job's stats (``reports``, AWX artifacts), never
from one play's host variables: the summary is the same whatever the strategy, the batches or the job slices.  The
expected accounts (hosts, account ids) that have no state are listed as not audited, with what their host's
variables say (``mfa_audit_not_audited``, read with .get: a host that never ran the audit has none).  In a directory
the summary is rebuilt under an exclusive lock, so hosts finishing together each write a complete summary; a host
whose own state the summary on disk already holds, built from the same inputs, leaves it as it is
(_audit_store_sources says when, and why the last host still leaves a complete summary).  The module file holds the
documentation only.
"""

import os
from collections.abc import Mapping

from ansible.errors import AnsibleActionFail

from ansible_collections.mfaops.iam.plugins.module_utils._audit.argspec import SUMMARY_KWARGS
from ansible_collections.mfaops.iam.plugins.module_utils._audit.argspec import summary_spec
from ansible_collections.mfaops.iam.plugins.module_utils._audit.markdown import organization_markdown
from ansible_collections.mfaops.iam.plugins.module_utils._audit.organization import organization_summary
from ansible_collections.mfaops.iam.plugins.module_utils._audit.states import newest
from ansible_collections.mfaops.iam.plugins.module_utils._audit.states import summary_inputs
from ansible_collections.mfaops.iam.plugins.module_utils._common.client import client_config
from ansible_collections.mfaops.iam.plugins.module_utils._common.stamps import naive_utcnow
from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts.naming import account_directory
from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts.naming import mark_unsafe
from ansible_collections.mfaops.iam.plugins.plugin_utils._audit_store import DirectoryStore
from ansible_collections.mfaops.iam.plugins.plugin_utils._audit_store import S3Store
from ansible_collections.mfaops.iam.plugins.plugin_utils._audit_store import StoreError
from ansible_collections.mfaops.iam.plugins.plugin_utils._audit_store import to_json
from ansible_collections.mfaops.iam.plugins.plugin_utils import _audit_store_sources as sources
from ansible_collections.mfaops.iam.plugins.plugin_utils._action_module import ControllerAction
from ansible_collections.mfaops.iam.plugins.plugin_utils._aws_connection import ControllerAWS
from ansible_collections.mfaops.iam.plugins.plugin_utils._report_files import ReportFileError
from ansible_collections.mfaops.iam.plugins.plugin_utils._report_files import parse_mode


HOST_VARIABLES = ("aws_account_id", "aws_account_name", "mfa_audit_not_audited")


def host_variables(hostvars, host):
    """{name: value} of the HOST_VARIABLES of ``host`` that hold text or a number: a host may be unknown, may never
    have set one, or hold a broken template.  hostvars[host] is read once: each read computes all its variables."""
    try:
        variables = hostvars.get(host) if hostvars is not None else None
    except Exception:  # pylint: disable=broad-exception-caught  # an undefined or failing host: nothing known
        return {}
    found = {}
    for name in HOST_VARIABLES if isinstance(variables, Mapping) else ():
        try:
            value = variables.get(name)
        except Exception:  # pylint: disable=broad-exception-caught  # an undefined or failing template
            continue
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            found[name] = value
    return found


def host_account(variables, host):
    """(key, problem): the account directory of ``host`` from its aws_account_id (``variables``, host_variables'),
    or from its name (with why) when that is not an account id."""
    account_id = variables.get("aws_account_id")
    try:
        return account_directory(str(account_id) if account_id is not None else None, host), None
    except ValueError as e:
        return account_directory(None, host), "the host's aws_account_id is not an account id: %s" % e


def expected_accounts(hosts, account_ids, hostvars):
    """([{"key", "host", "name"}], {key: reason}) of the expected hosts (their account from their variables) and
    account ids."""
    expected, reasons = [], {}
    for host in hosts or []:
        variables = host_variables(hostvars, host)
        key, problem = host_account(variables, host)
        if problem:
            reasons[key] = problem
        name = variables.get("aws_account_name")
        expected.append({"key": key, "host": host, "name": str(name) if name is not None else None})
        reason = variables.get("mfa_audit_not_audited")
        if reason:
            reasons.setdefault(key, str(reason))
    for account_id in account_ids or []:
        try:
            expected.append({"key": account_directory(account_id, None)})
        except ValueError as e:
            raise AnsibleActionFail("expected_accounts: %s" % e) from e
    return expected, reasons


def _write_s3(s3, summary_name, summary, report_name):
    """The summary's JSON and Markdown objects in S3 ({"json", "markdown"} URLs), or None without a bucket."""
    if s3 is None:
        return None
    return s3.write_summary(summary_name, to_json(summary), organization_markdown(summary, report_name))


class ActionModule(ControllerAction):
    MODULE_NAME = "mfaops.iam.mfa_audit_summary"  # written in check mode too, like the accounts' reports

    def run_task(self, task_vars):
        params = self.validated(summary_spec(), **SUMMARY_KWARGS)
        if params["max_age_hours"] is not None and params["max_age_hours"] <= 0:
            raise AnsibleActionFail("max_age_hours must be a positive number of hours")
        summary_name = params["summary_name"] = params["summary_name"] or "%s_organization" % params["report_name"]
        read_from = params["read_from"]
        if read_from is None:
            read_from = params["read_from"] = ["s3"] if params["s3_bucket"] else ["directory"]
        try:
            mode = parse_mode(params["report_mode"])
            directory = (
                DirectoryStore(
                    self._loader.path_dwim(os.path.expanduser(params["report_dir"])), params["report_name"], mode
                )
                if params["report_dir"]
                else None
            )
            s3 = None
            if params["s3_bucket"]:
                client = ControllerAWS(params, ansible_name="mfaops.iam.mfa_audit_summary").client(
                    "s3", config=client_config()
                )
                s3 = S3Store(client, params["s3_bucket"], params["s3_prefix"], params["report_name"])
        except (ReportFileError, StoreError) as e:
            raise AnsibleActionFail(str(e)) from e
        if "directory" in read_from and directory is None or "s3" in read_from and s3 is None:
            raise AnsibleActionFail(
                "read_from names %s, which needs %s"
                % (", ".join(read_from), "report_dir" if directory is None else "s3_bucket")
            )
        hosts, accounts = params["expected_hosts"], params["expected_accounts"]
        expected, reasons = expected_accounts(hosts, accounts, task_vars.get("hostvars"))
        if hosts is None and accounts is None:
            expected = None
        # A summary built from the directory alone is recorded (_audit_store_sources); one that need not be returned
        # is left as it is when the record shows that it holds this host's state.
        recordable = list(read_from) == ["directory"] and not params["reports"] and s3 is None
        inputs = sources.inputs_digest(
            expected=expected, reasons=reasons, max_age_hours=params["max_age_hours"], summary_name=summary_name,
            report_name=params["report_name"], mode=mode,
        ) if recordable else None
        host = task_vars.get("inventory_hostname") if recordable and not params["return_summary"] else None
        own = host_account(host_variables(task_vars.get("hostvars"), host), host)[0] if host else None

        try:
            if directory is not None:
                with directory.lock():
                    now = naive_utcnow()
                    counts = None if own is None else sources.covered(directory, summary_name, own, inputs, now)
                    if counts is not None:
                        return dict(changed=False, accounts=counts, files=directory.summary_files(summary_name),
                                    s3_objects=None)
                    summary, files = self._rebuild(params, directory, s3, expected, reasons, now, inputs)
                    # under the lock too: hosts that rebuild one after the other write S3's copy in the same order,
                    # so the last rebuild's summary is the one S3 keeps
                    s3_objects = _write_s3(s3, summary_name, summary, params["report_name"])
            else:
                summary, files = self._build(params, None, s3, expected, reasons, naive_utcnow())[0], None
                s3_objects = _write_s3(s3, summary_name, summary, params["report_name"])
        except (StoreError, ValueError) as e:
            raise AnsibleActionFail("The organization summary could not be written: %s" % e) from e
        result = dict(changed=False, accounts=summary["accounts"], files=files, s3_objects=s3_objects)
        if params["return_summary"]:
            result["summary"] = mark_unsafe(summary)
        return result

    def _rebuild(self, params, directory, s3, expected, reasons, now, inputs):
        """(summary, files): the directory's summary rebuilt (under its lock) and, given ``inputs``, what it was built
        from recorded beside it."""
        digests = {}
        summary, states = self._build(params, directory, s3, expected, reasons, now, digests)
        texts = (to_json(summary), organization_markdown(summary, params["report_name"]))
        files, _changed = directory.write_summary(params["summary_name"], *texts)
        if inputs is not None:
            until = sources.fresh_until(states, params["max_age_hours"], now)
            try:
                sources.record(directory, params["summary_name"], digests, inputs, *texts, summary["accounts"], until)
            except StoreError as e:  # an old record holds the digests of an older summary: the next host rebuilds
                self.warn("What the organization summary was built from could not be recorded: %s" % e)
        return summary, files

    def _build(self, params, directory, s3, expected, reasons, now, digests=None):
        """(summary, {key: state} it was built from); ``digests`` gets the directory's (DirectoryStore.states)."""
        found = [params["reports"] or {}]
        for name, store in (("directory", directory), ("s3", s3)):
            if name in params["read_from"]:
                states, problems = store.states(digests) if name == "directory" else store.states()
                found.append(states)
                for problem in problems:
                    self.warn("An audit state was left out of the summary: %s" % problem)
        states = newest(*found)
        reports, not_audited, labels = summary_inputs(states, expected, reasons, params["max_age_hours"], now)
        return organization_summary(reports, not_audited, now, labels=labels), states
