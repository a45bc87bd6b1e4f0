# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""user_mfa_account, whole, in the controller's process: one account's user_mfa run (plugin_utils/_user_mfa_account).

The role to assume (assume_role_arn) is assumed here, and its session used here; the seeds of the devices created
are written to their bootstrap files here.  No secret becomes a module argument, a module result or a log line, so
ANSIBLE_DEBUG has nothing to show.  The module file holds the documentation only (like iam_virtual_mfa's).
"""

from ansible.errors import AnsibleActionFail
from ansible.module_utils.basic import missing_required_lib

from ansible_collections.mfaops.iam.plugins.module_utils._assume_role import assume_role_problem
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa import api
from ansible_collections.mfaops.iam.plugins.module_utils._common.client import client_config
from ansible_collections.mfaops.iam.plugins.module_utils._common.file_mode import parse_mode
from ansible_collections.mfaops.iam.plugins.module_utils._common.pool import concurrency_problem
from ansible_collections.mfaops.iam.plugins.module_utils._common.stamps import stamp
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import RETRY
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import MFAError
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.totp import HAS_PYOTP
from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts.layout import per_account
from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts.naming import account_directory
from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts.naming import child_path
from ansible_collections.mfaops.iam.plugins.plugin_utils._action_module import ControllerAction
from ansible_collections.mfaops.iam.plugins.plugin_utils._aws_connection import ControllerAWS
from ansible_collections.mfaops.iam.plugins.plugin_utils._user_mfa_account.argspec import full_argument_spec
from ansible_collections.mfaops.iam.plugins.plugin_utils._user_mfa_account.outcome import failure_text
from ansible_collections.mfaops.iam.plugins.plugin_utils._user_mfa_account.outcome import task_result
from ansible_collections.mfaops.iam.plugins.plugin_utils._user_mfa_account.run import AccountRun
from ansible_collections.mfaops.iam.plugins.plugin_utils._user_mfa_account.run import Refusal

ACTION = "mfaops.iam.user_mfa_account"


class ActionModule(ControllerAction):
    MODULE_NAME = ACTION

    def run_task(self, task_vars):
        params = self.validated(full_argument_spec())
        problem = _options_problem(params) or assume_role_problem(params)
        if problem:
            raise AnsibleActionFail(problem)
        if not HAS_PYOTP:
            raise AnsibleActionFail(missing_required_lib("pyotp") + " (on the controller)")
        directory = self._directory(params, task_vars)

        aws = ControllerAWS(params, ansible_name=ACTION)
        client = aws.client("iam", retry_decorator=RETRY, config=client_config(params["max_concurrency"]))
        account = AccountRun(client, params, self._task.check_mode, directory,
                             lambda: api.caller_account(aws.client("sts", config=client_config())), stamp())
        try:
            outcomes = account.run()
        except Refusal as e:
            raise AnsibleActionFail(str(e)) from None
        except MFAError as e:  # reading the account: nothing was changed
            raise AnsibleActionFail(failure_text(e)) from None
        finally:
            for warning in account.warnings:
                self.warn(warning)
        return task_result(outcomes, directory, self._task.diff)

    def _directory(self, params, task_vars):
        """The account's bootstrap directory: ``bootstrap_dir`` (a relative path resolved like ansible.builtin.fetch's
        dest), then when ``account_subdirectory`` says so (layout.per_account: ``auto`` chooses by the play's hosts and
        the account id) the account's own directory under it, named by naming.py from the account id (or, for a host
        that is no AWS account, from the host name, escaped), never leaving it."""
        base = self._loader.path_dwim(params["bootstrap_dir"])
        try:
            own = per_account(params["account_subdirectory"], params["account_id"],
                              task_vars.get("ansible_play_hosts_all"))
        except ValueError as e:
            raise AnsibleActionFail("account_subdirectory %s" % e) from None
        if not own:
            return base
        try:
            return child_path(base, account_directory(params["account_id"], task_vars.get("inventory_hostname")))
        except ValueError as e:
            raise AnsibleActionFail("account_id: %s" % e if params["account_id"] else str(e)) from None


def _options_problem(params):
    """What is wrong with the options that are not the entries', or None; checked before any AWS call."""
    problem = concurrency_problem(params["max_concurrency"])
    if problem:
        return problem
    try:
        parse_mode(params["bootstrap_mode"], "bootstrap_mode")
    except ValueError as e:
        return str(e)
    return None
