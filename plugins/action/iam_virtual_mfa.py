# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""iam_virtual_mfa, whole, in the controller's process: validate, build the IAM client, look the device up,
converge it, and on create write the bootstrap file, then enable, rolling back on failure.

The seed exists only in this process: it never becomes a module argument, a module result or a log line, so
ANSIBLE_DEBUG has nothing to show.  The module file holds the documentation only (like ansible.builtin.debug).
"""

from ansible.errors import AnsibleActionFail
from ansible.module_utils.basic import missing_required_lib

from ansible_collections.mfaops.iam.plugins.module_utils._assume_role import assume_role_problem
from ansible_collections.mfaops.iam.plugins.module_utils._common.client import client_config
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa import api
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.argspec import MODULE_KWARGS
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.argspec import full_argument_spec
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.converge import DeviceTask
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import RETRY
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import MFAError
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.identity import DeviceId
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.identity import from_serial_number
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.lookup import find_device
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.totp import HAS_PYOTP
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.totp import normalize_seed
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.transform import diff_view
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.transform import public_view
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.validate import first_problem
from ansible_collections.mfaops.iam.plugins.plugin_utils._action_module import ControllerAction
from ansible_collections.mfaops.iam.plugins.plugin_utils._aws_connection import ControllerAWS
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_file import BootstrapFileError
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_sink import BootstrapSink


class ActionModule(ControllerAction):
    MODULE_NAME = "mfaops.iam.iam_virtual_mfa"

    def run_task(self, task_vars):
        params = self.validated(full_argument_spec(), **MODULE_KWARGS)
        problem = first_problem(params) or assume_role_problem(params)  # before the bootstrap file is looked at, and before any AWS call
        if problem:
            raise AnsibleActionFail(problem)
        if not HAS_PYOTP:
            raise AnsibleActionFail(missing_required_lib("pyotp") + " (on the controller)")
        ident = from_serial_number(params["serial_number"]) if params["serial_number"] else DeviceId(params["name"], params["path"])
        sink = self._sink(params, ident)
        seed = normalize_seed(params["seed"]) if params["seed"] else (sink.seed if sink else None)

        aws = ControllerAWS(params)
        client = aws.client("iam", retry_decorator=RETRY, config=client_config())
        task = None
        try:
            user = self._user(client, params)
            lookup = find_device(client, ident, user if user and user.get("Arn") else None, with_tags=True)
            before = dict(lookup.device) if lookup.device else None
            task = DeviceTask(
                client, params, self._task.check_mode, ident, lookup, user, sink=sink, seed=seed,
                account_lookup=lambda: api.caller_account(aws.client("sts", config=client_config())),
            )
            changed = task.run()
        except MFAError as e:
            for warning in task.warnings if task else ():
                self.warn(warning)
            aws.fail_task(e.message, e.exception, **_failure_details(e.exception, bool(task and task.wrote)))

        for warning in task.warnings:
            self.warn(warning)
        result = dict(changed=changed, virtual_mfa_device=public_view(task.device))
        if task.bootstrap:
            result["bootstrap_file"] = task.bootstrap
        if self._task.diff:
            result["diff"] = dict(before=diff_view(before), after=diff_view(task.device))
        return result

    def _sink(self, params, ident):
        """The bootstrap file, its relative path resolved like ansible.builtin.fetch's dest (against the playbook's
        directory), inspected before any AWS call."""
        if params["state"] == "absent":
            return None
        path = params["bootstrap_file"]
        if path:
            path = self._loader.path_dwim(path)
        label = ident.serial_number or "%s%s" % (ident.path, ident.name)
        try:
            sink = BootstrapSink(path, params)
            sink.prepare(label)
        except BootstrapFileError as e:
            raise AnsibleActionFail(str(e))
        return sink

    def _user(self, client, params):
        """The GetUser answer for state=enabled. A missing user fails, except in check mode (an earlier task of the
        play may create it): then the enable is predicted for a user whose ARN is not known yet."""
        if params["state"] != "enabled":
            return None
        user = api.get_user(client, params["user_name"])
        if user is not None:
            return user
        if not self._task.check_mode:
            raise MFAError(message="IAM user %s does not exist" % params["user_name"])
        self.warn(
            "IAM user %s does not exist; check mode predicts the device enabled for it, as if an earlier task created "
            "the user" % params["user_name"])
        return {"UserName": params["user_name"], "Arn": None, "UserId": None}


def _failure_details(aws_error, wrote):
    """changed=true when a write call was made before the failure; the AWS error code, as amazon.aws reports it."""
    details = dict(changed=wrote)
    response = getattr(aws_error, "response", None)
    if response and "Error" in response:
        details["error"] = dict(code=response["Error"].get("Code"), message=response["Error"].get("Message"))
    return details
