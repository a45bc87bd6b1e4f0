# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side of iam_virtual_mfa: seed sources and the bootstrap file; the module does the AWS calls.

Contract with the module: the action hands it the public half of a one-time key pair (``_seal_key``) only when a
new bootstrap file can be written; the module creates a device only with it and returns the seed sealed for that
key pair under ``__bootstrap__``, which this plugin pops from every result before anything else sees it. Nothing
the module is given can open it: ansible-core logs module arguments and output raw under ANSIBLE_DEBUG. For the
same reason a seed known on the controller is never passed to the module; the codes computed from it are.
"""

from ansible.errors import AnsibleActionFail
from ansible.module_utils.basic import missing_required_lib
from ansible.plugins.action import ActionBase

from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.argspec import BOOTSTRAP_RESULT_KEY
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.argspec import CODES_AHEAD
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.argspec import CONTROLLER_OPTIONS
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.argspec import CREATE_REFUSAL
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.argspec import DEFER_ENABLE
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.argspec import JUST_CREATED
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.argspec import MODULE_KWARGS
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.argspec import MODULE_NAME
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.argspec import SEAL_KEY
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.argspec import argument_spec
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.argspec import full_argument_spec
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.identity import account_id
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.identity import from_serial_number
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.seal import new_key
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.seal import public_key
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.seal import unseal
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.totp import HAS_PYOTP
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.totp import codes_ahead
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.validate import first_problem
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_file import BootstrapFile
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_file import BootstrapFileError
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_file import parse_mode
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_formats import HAS_QRCODE
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_formats import TEXT_METHODS
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_formats import render
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_formats import seed_from_text

_PRIVATE_OPTIONS = (SEAL_KEY, CREATE_REFUSAL, CODES_AHEAD, DEFER_ENABLE, JUST_CREATED)
# How many 30-second windows of codes the module gets for a seed kept on the controller: ten minutes.
CODES_AHEAD_WINDOWS = 20


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        for option in _PRIVATE_OPTIONS:
            if option in self._task.args:
                raise AnsibleActionFail("%s is set by the action plugin only" % option)
        _validation, params = self.validate_argument_spec(argument_spec=full_argument_spec(), **MODULE_KWARGS)
        problem = first_problem(params)  # before the bootstrap file is looked at, and before any AWS call
        if problem:
            raise AnsibleActionFail(problem)
        module_args = {key: value for key, value in self._task.args.items() if key not in CONTROLLER_OPTIONS}

        target, key = self._prepare_bootstrap(params, module_args)
        self._keep_seed(params, module_args)
        module_result = self._execute_module(module_name=MODULE_NAME, module_args=module_args, task_vars=task_vars)
        bootstrap = module_result.pop(BOOTSTRAP_RESULT_KEY, None)
        _hide_private_options(module_result)
        result.update(module_result)
        if bootstrap:
            seed = self._deliver(result, bootstrap, params, target, key, module_args, task_vars)
            if seed and bootstrap.get("enable_pending") and not result.get("failed"):
                self._enable_created(result, bootstrap["serial_number"], seed, module_args, task_vars)
        return result

    def _prepare_bootstrap(self, params, module_args):
        """Read a seed from an existing text bootstrap file, or prove a new one can be written and issue the key.

        A path that is a directory, a symlink or an unreadable seed file fails the task at once. A file that exists,
        or that cannot be written, only forbids creating a device (``_create_refusal``): a converged run still passes.
        """
        if params["state"] not in ("present", "enabled") or not params["bootstrap_file"]:
            return None, None
        device = "%s%s" % (params["path"], params["name"]) if params["name"] else params["serial_number"]
        try:
            target = BootstrapFile(params["bootstrap_file"], parse_mode(params["bootstrap_mode"]))
            if target.exists():
                if params["bootstrap_method"] in TEXT_METHODS and not params["seed"]:
                    module_args["seed"] = self._read_seed(target)
                module_args[CREATE_REFUSAL] = (
                    "Virtual MFA device %s does not exist and bootstrap_file %s already exists: an existing bootstrap "
                    "file is never replaced. Move it away (after checking whom it belongs to) or choose another path"
                    % (device, target.path))
                return target, None
        except BootstrapFileError as e:
            raise AnsibleActionFail(str(e))
        if params["bootstrap_method"] == "QRCodePNG" and not HAS_QRCODE:
            module_args[CREATE_REFUSAL] = "bootstrap_method=QRCodePNG needs the qrcode and pypng Python libraries on the controller"
            return target, None
        try:
            target.check_writable(probe=not self._task.check_mode)
        except BootstrapFileError as e:
            module_args[CREATE_REFUSAL] = "Virtual MFA device %s does not exist and cannot be created safely: %s" % (device, e)
            return target, None
        key = new_key()
        module_args[SEAL_KEY] = public_key(key)  # the private half never leaves this process
        if params["state"] == "enabled":
            module_args[DEFER_ENABLE] = True  # a device created now is enabled only once its seed is on disk
        return target, key

    @staticmethod
    def _keep_seed(params, module_args):
        """A seed from the task or a text bootstrap file stays on the controller: ansible-core logs module arguments
        raw under ANSIBLE_DEBUG, no_log or not. The module gets the codes of the next minutes instead."""
        seed = module_args.pop("seed", None)
        if seed is None or params["state"] != "enabled":
            return
        if not HAS_PYOTP:
            raise AnsibleActionFail(missing_required_lib("pyotp") + " (on the controller, to compute codes from the seed)")
        module_args[CODES_AHEAD] = codes_ahead(seed, CODES_AHEAD_WINDOWS)

    @staticmethod
    def _read_seed(target):
        try:
            return seed_from_text(target.read_text())
        except ValueError as e:
            raise AnsibleActionFail("bootstrap_file %s holds no usable seed: %s" % (target.path, e))

    def _deliver(self, result, bootstrap, params, target, key, module_args, task_vars):
        """Write the seed of the device the module created; if that fails, delete the device again."""
        mode = "%04o" % target.mode
        result["bootstrap_file"] = dict(path=target.path, method=params["bootstrap_method"], mode=mode)
        if bootstrap["sealed"] is None:  # check mode: the file would be written
            return None
        serial = bootstrap["serial_number"]
        try:
            seed = unseal(key, bootstrap["sealed"])
            label = params["label"] or "%s@%s" % (from_serial_number(serial).name, account_id(serial))
            target.write(render(params["bootstrap_method"], seed, label, params["issuer"]))
        except (BootstrapFileError, ValueError) as e:
            del result["bootstrap_file"]
            rollback = self._run_on_device(serial, "absent", module_args, task_vars)
            result.update(failed=True, changed=bool(rollback.get("failed")), msg="%s. %s" % (e, _rollback_outcome(serial, rollback)))
            return None
        return seed

    def _enable_created(self, result, serial, seed, module_args, task_vars):
        """Second run for a device created (and its seed written) by the first: enable it, with codes from the seed."""
        enabled = self._run_on_device(serial, "enabled", module_args, task_vars, user=module_args["user"],
                                      **{CODES_AHEAD: codes_ahead(seed, CODES_AHEAD_WINDOWS), JUST_CREATED: True})
        if enabled.get("failed"):
            result.update(failed=True, msg=(
                "Virtual MFA device %s was created and its seed written to %s, but enabling it failed: %s. Run the task "
                "again: it reads a text bootstrap file back as the seed; for a QR code, pass the seed with 'seed' or "
                "recreate the device" % (serial, result["bootstrap_file"]["path"], enabled.get("msg"))))
            return
        result["virtual_mfa_device"] = enabled["virtual_mfa_device"]
        if "diff" in result and "diff" in enabled:
            result["diff"]["after"] = enabled["diff"]["after"]

    def _run_on_device(self, serial, state, module_args, task_vars, **options):
        """Another module run on the device this task created: the task's AWS connection options, nothing else."""
        own_options = set(argument_spec()) | {"resource_tags"}
        args = {key: value for key, value in module_args.items() if key not in own_options}
        args.update(options, serial_number=serial, state=state)
        result = self._execute_module(module_name=MODULE_NAME, module_args=args, task_vars=task_vars)
        result.pop(BOOTSTRAP_RESULT_KEY, None)
        return result


def _rollback_outcome(serial, rollback):
    if rollback.get("failed"):
        return (
            "Virtual MFA device %s was created but nobody holds its seed, and deleting it failed (%s): delete it by hand"
            % (serial, rollback.get("msg")))
    return "Virtual MFA device %s was created, then deleted again since nobody would hold its seed" % serial


def _hide_private_options(module_result):
    module_args = module_result.get("invocation", {}).get("module_args", {})
    for option in _PRIVATE_OPTIONS:
        module_args.pop(option, None)
