# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An action plugin's arguments validated as a module's are: the same values, the same messages.

A module receives its arguments through JSON: plain str, int, float, bool, list and dict. An action plugin gets the
task's own objects, which ansible-core 2.19+ tags (``_AnsibleTaggedInt``, ``_AnsibleTaggedList``: their class names
would show in messages) and 2.17 wraps (AnsibleUnicode, AnsibleUnsafeText). ``validated_args`` hands
ActionBase.validate_argument_spec plain copies, and names the module, not the action's Python path, in
"Unsupported parameters for (...) module".
"""

import datetime
from collections.abc import Mapping
from collections.abc import Set

from ansible.errors import AnsibleActionFail


def plain(value):
    """``value`` as a module would receive it: builtin types only, dates as ISO text (as ansible's JSON encoder)."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return {plain(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, Set)):
        return [plain(item) for item in value]
    if isinstance(value, bool):
        return bool(value)
    for kind in (str, int, float, bytes):
        if isinstance(value, kind):
            return kind(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return value


def validated_args(action, module_name, argument_spec, **kwargs):
    """(validation result, arguments): the task's arguments of ``action`` (an ActionBase), validated against
    ``argument_spec`` as module ``module_name`` (``mfaops.iam.iam_virtual_mfa``) validates them; raises
    AnsibleActionFail with its message.  The validation result's ``_no_log_values`` are the secrets given."""
    original = action._task.args
    action._task.args = plain(original)
    try:
        return action.validate_argument_spec(argument_spec=argument_spec, **kwargs)
    except AnsibleActionFail as e:
        prefix = "Unsupported parameters for (%s) module" % action._load_name
        if not e.message.startswith(prefix):
            raise
        rest = e.message[len(prefix):]
        raise AnsibleActionFail("Unsupported parameters for (%s) module%s" % (module_name, rest)) from None
    finally:
        action._task.args = original
