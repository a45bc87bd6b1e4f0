# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""mfa_audit_account, whole, in the controller's process: one account's MFA audit.

Assume the account's role (plugin_utils/_aws_connection), read the account (module_utils/_audit/sources: the credential
report or the live listing, with the listing code of iam_user_mfa_info and iam_virtual_mfa_info), decide
(findings.build_report), render (markdown), and keep the report and the account's state in a directory and/or S3
(plugin_utils/_audit_store); the state also goes to the job's stats (set_stats semantics).  The assumed role's keys
never leave this process.  The module file holds the documentation only.
"""

import os
import re

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.mfaops.iam.plugins.module_utils._assume_role import assume_role_problem
from ansible_collections.mfaops.iam.plugins.module_utils._common.client import client_config
from ansible_collections.mfaops.iam.plugins.module_utils._common.paths import path_prefix_problem
from ansible_collections.mfaops.iam.plugins.module_utils._common.pool import concurrency_problem
from ansible_collections.mfaops.iam.plugins.module_utils._common.stamps import stamp
from ansible_collections.mfaops.iam.plugins.module_utils._audit.argspec import ACCOUNT_KWARGS
from ansible_collections.mfaops.iam.plugins.module_utils._audit.argspec import account_spec
from ansible_collections.mfaops.iam.plugins.module_utils._audit.fail_on import fail_on_kinds
from ansible_collections.mfaops.iam.plugins.module_utils._audit.findings import KINDS
from ansible_collections.mfaops.iam.plugins.module_utils._audit.findings import build_report
from ansible_collections.mfaops.iam.plugins.module_utils._audit.markdown import account_markdown
from ansible_collections.mfaops.iam.plugins.module_utils._audit.messages import account_label
from ansible_collections.mfaops.iam.plugins.module_utils._audit.messages import findings_message
from ansible_collections.mfaops.iam.plugins.module_utils._audit.messages import report_location
from ansible_collections.mfaops.iam.plugins.module_utils._audit.sources import read_account
from ansible_collections.mfaops.iam.plugins.module_utils._audit.states import audited_state
from ansible_collections.mfaops.iam.plugins.module_utils._audit.states import not_audited_state
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import RETRY
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import MFAError
from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts.layout import per_account
from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts.naming import account_directory
from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts.naming import mark_unsafe
from ansible_collections.mfaops.iam.plugins.plugin_utils._audit_store import DirectoryStore
from ansible_collections.mfaops.iam.plugins.plugin_utils._audit_store import S3Store
from ansible_collections.mfaops.iam.plugins.plugin_utils._audit_store import StoreError
from ansible_collections.mfaops.iam.plugins.plugin_utils._audit_store import to_json
from ansible_collections.mfaops.iam.plugins.plugin_utils._action_module import ControllerAction
from ansible_collections.mfaops.iam.plugins.plugin_utils._aws_connection import ControllerAWS
from ansible_collections.mfaops.iam.plugins.plugin_utils._report_files import ReportFileError
from ansible_collections.mfaops.iam.plugins.plugin_utils._report_files import parse_mode

STATS_KEY = "mfa_audit_reports"
SETTINGS = (
    "required_tags",
    "user_name_pattern",
    "exempt_users",
    "user_path_prefix",
    "device_path_prefix",
    "created_tag",
    "fail_on_findings",
)


def options_problem(params):
    """What is wrong with the options, as a message, or None; checked before any AWS call."""
    for option in ("user_path_prefix", "device_path_prefix"):
        if path_prefix_problem(params[option], option):
            return path_prefix_problem(params[option], option)
    if concurrency_problem(params["max_concurrency"]):
        return concurrency_problem(params["max_concurrency"])
    if params["user_name_pattern"]:
        try:
            re.compile(params["user_name_pattern"])
        except re.error as e:
            return "user_name_pattern %r is not a valid Python regular expression: %s" % (
                params["user_name_pattern"],
                e,
            )
    try:
        fail_on_kinds(params["fail_on_findings"], KINDS)
    except ValueError as e:
        return str(e)
    return assume_role_problem(params)


def report_subdir(params, key, account_id, play_hosts):
    """The account's directory under report_dir and s3_prefix: ``report_subdir`` when set; else the account directory
    ``key``, or none ("") when ``account_subdirectory`` says so (layout.per_account: ``auto`` chooses by the play's
    hosts ``play_hosts`` and the account's id). ValueError for a bad ``account_subdirectory``."""
    if params["report_subdir"] is not None:
        return params["report_subdir"]
    try:
        return key if per_account(params["account_subdirectory"], account_id, play_hosts) else ""
    except ValueError as e:
        raise ValueError("account_subdirectory %s" % e) from None


def stats(key, state):
    """The account's state as the job's stats (set_stats with aggregate: AWX keeps them as the job's artifacts)."""
    return {"data": {STATS_KEY: {key: mark_unsafe(state)}}, "per_host": False, "aggregate": True}


def fail_message(report, subdir, account, locations):
    """The message that fails the host on the report's findings of failing kinds (None when there is none): the
    account is named unless its report is straight in the base directory (subdir ""), the play's only account."""
    label = account_label(account["host"], account["id"]) if subdir != "" else None
    return findings_message(report, label, report_location(locations.get("directory"), locations.get("s3")))


def _reason(error):
    """The text of a failed audit: the operation that failed and AWS's answer (never a credential)."""
    if isinstance(error, MFAError):
        return "%s: %s" % (error.message, to_native(error.exception)) if error.exception else error.message
    return to_native(getattr(error, "message", None) or error)


class ActionModule(ControllerAction):
    MODULE_NAME = "mfaops.iam.mfa_audit_account"  # check mode writes the report too: it is the audit's output

    def run_task(self, task_vars):
        params = self.validated(account_spec(), **ACCOUNT_KWARGS)
        problem = options_problem(params)
        if problem:
            raise AnsibleActionFail(problem)
        account = {
            "id": params["account_id"] or task_vars.get("aws_account_id") or None,
            "host": task_vars.get("inventory_hostname"),
            "name": params["account_name"] or task_vars.get("aws_account_name") or None,
        }
        try:
            key = account_directory(account["id"], account["host"])
            subdir = report_subdir(params, key, account["id"], task_vars.get("ansible_play_hosts_all"))
            mode = parse_mode(params["report_mode"])
        except (ValueError, ReportFileError) as e:
            raise AnsibleActionFail(str(e)) from e
        aws = ControllerAWS(params, ansible_name="mfaops.iam.mfa_audit_account")
        stores = self._stores(params, aws, mode)
        label = account["name"] or account["host"] or key

        try:
            previous = stores[0].previous(subdir)
            settings = {name: params[name] for name in SETTINGS}
            client = aws.client("iam", retry_decorator=RETRY, config=client_config(params["max_concurrency"]))
            users, devices, source = read_account(
                client, params["source"], settings, params["max_concurrency"], params["credential_report_timeout"]
            )
            report = build_report(users, devices, settings, previous)
        except (AnsibleActionFail, MFAError, StoreError) as e:
            return self._not_audited(params, stores, subdir, key, account, label, _reason(e))
        report["source"] = source
        report["account"] = account

        locations = {}
        try:
            for store in stores:
                kind = "s3" if isinstance(store, S3Store) else "directory"
                written = store.write_account(subdir, to_json(report), account_markdown(report, label))
                locations[kind] = written[0] if kind == "directory" else written
            state = audited_state(key, account, report, locations)
            for store in stores:
                store.write_state(subdir, state)
        except StoreError as e:
            raise AnsibleActionFail("The MFA audit of account %s could not be kept: %s" % (label, e)) from e
        message = fail_message(report, subdir, account, locations)
        result = dict(
            changed=False,
            audited=True,
            account_key=key,
            report=mark_unsafe(report),
            files=locations.get("directory"),
            s3_objects=locations.get("s3"),
            findings_fail=message is not None,
            fail_message=mark_unsafe(message),
        )
        if params["publish_stats"]:
            result["ansible_stats"] = stats(key, state)
        return result

    def _stores(self, params, aws, mode):
        """The S3 store first (its previous report outlives the controller), then the directory."""
        stores = []
        if params["s3_bucket"]:
            s3 = aws.client("s3", own_credentials=True, config=client_config())
            stores.append(S3Store(s3, params["s3_bucket"], params["s3_prefix"], params["report_name"]))
        if params["report_dir"]:
            base = self._loader.path_dwim(os.path.expanduser(params["report_dir"]))
            try:
                stores.append(DirectoryStore(base, params["report_name"], mode))
            except StoreError as e:
                raise AnsibleActionFail(str(e)) from e
        return stores

    def _not_audited(self, params, stores, subdir, key, account, label, reason):
        """Record that the account could not be audited (its state, for the summary), then fail or report it."""
        message = "The MFA audit of account %s did not run: %s" % (label, reason)
        state = not_audited_state(key, account, message, stamp())
        for store in stores:
            try:
                store.write_state(subdir, state)
            except StoreError as e:
                self.warn("The failed audit of account %s could not be recorded: %s" % (label, e))
        details = dict(
            changed=False,
            audited=False,
            account_key=key,
            not_audited_reason=mark_unsafe(message),
            report=None,
            findings_fail=False,
            fail_message=None,
        )
        if params["not_audited"] == "fail":
            raise AnsibleActionFail(message, result=details)
        if params["publish_stats"]:
            details["ansible_stats"] = stats(key, state)
        return details
