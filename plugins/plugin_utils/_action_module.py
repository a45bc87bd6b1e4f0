# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every controller-side action of the collection does around its task, as a module would.

``ControllerAction.run`` applies the task's ``environment:`` to this process, runs ``run_task``, turns an
AnsibleActionFail into a failed result, and returns the result the way AnsibleModule's exit_json does (community.crypto's
``_return_formatted``): the warnings given to ``warn`` in ``result["warnings"]`` (ansible-core shows them with the
task, and a registered result keeps them), and every value of a ``no_log`` option (the seed, a secret key) replaced
by ``********`` wherever it would appear in the result.
"""

from ansible.errors import AnsibleActionFail
from ansible.module_utils.basic import remove_values
from ansible.plugins.action import ActionBase

from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts.naming import mark_unsafe
from ansible_collections.mfaops.iam.plugins.plugin_utils._action_args import validated_args
from ansible_collections.mfaops.iam.plugins.plugin_utils._aws_connection import task_environment
from ansible_collections.mfaops.iam.plugins.plugin_utils._task_result import failed_result


class ControllerAction(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = False
    # The module named in "Unsupported parameters for (...) module" (the action's Python path otherwise).
    MODULE_NAME = None

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        result.pop("invocation", None)  # the arguments may hold secrets or a whole report
        self._warnings = []
        self._no_log_values = set()
        environment = {}
        self._compute_environment_string(environment)
        with task_environment(environment):
            try:
                result.update(self.run_task(task_vars or {}))
            except AnsibleActionFail as e:
                result.update(failed_result(e))
        return self._return_formatted(result)

    def run_task(self, task_vars):
        """The task's result (a dict); raise AnsibleActionFail to fail it."""
        raise NotImplementedError

    def validated(self, argument_spec, **kwargs):
        """The task's arguments validated as the module's; the values of its no_log options are kept to scrub."""
        validation, params = validated_args(self, self.MODULE_NAME or self._load_name, argument_spec, **kwargs)
        self._no_log_values.update(getattr(validation, "_no_log_values", ()))
        return params

    def warn(self, message):
        """A warning in the task's result, as a module's ``warn``."""
        self._warnings.append(message)

    def _return_formatted(self, result):
        if self._warnings:
            result["warnings"] = list(result.get("warnings") or []) + self._warnings
        if not self._no_log_values:
            return result
        # remove_values rebuilds every string; ansible-core before 2.19 then needs them marked unsafe again.
        return mark_unsafe(remove_values(result, self._no_log_values))
