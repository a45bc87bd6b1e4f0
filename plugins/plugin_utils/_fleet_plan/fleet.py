# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan of the user_mfa role: for each entry, the device it manages and what iam_virtual_mfa would do to it.

The decision is ``_virtual_mfa.plan.decide``, the function iam_virtual_mfa's converge executes, fed with the device as
iam_virtual_mfa_info listed it and the options the role passes to the module; the options are checked by the
module's own ``validate.first_problem``.  An entry needs a module run (``run``) when the decision changes something,
when the module would fail (a problem: it then reports it in its own words), or when the user does not exist yet.
Offboarding entries (``state: absent``) list the devices to deactivate and delete: every device enabled for the
user, and the device at the entry's path and name unless it is enabled for someone else (a problem).
"""

from ansible_collections.mfaops.iam.plugins.module_utils._user_mfa.devices import is_root_arn
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.plan import Want
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.plan import decide
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.transform import public_view
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.validate import first_problem

from .inputs import ABSENT
from .inputs import devices_of
from .inputs import entries_of
from .inputs import settings_of
from .inputs import user_names
from .match import DeviceIndex


def wanted_tags(entry, device, settings):
    """The role's tags over the entry's, and the creation tag: the device's own value, the plan's time for a device
    to be created, none for a device that exists without one."""
    tags = dict(settings["tags"])
    tags.update(entry.tags)
    key = settings["created_tag"]
    if key:
        if device is None:
            tags[key] = settings["now"]
        elif key in (device.get("tags") or {}):
            tags[key] = device["tags"][key]
    return tags


def module_params(user, device_name, path, tags, settings):
    """The iam_virtual_mfa options of an onboarding entry (those the decision depends on), as user_mfa_account
    converges it and as the user_mfa role used to pass them to iam_virtual_mfa."""
    return dict(
        state="enabled", name=device_name, path=path, serial_number=None, user_name=user, tags=tags,
        purge_tags=settings["purge_tags"], resync=False, reassign=False, seed=None,
        authentication_code_1=None, authentication_code_2=None,
    )


def _clash_problem(entry, clash):
    return (
        "Virtual MFA device %s%s cannot exist: %s already does, and IAM device names are unique regardless of case"
        % (entry.path, entry.device_name, clash["serial_number"]))


def _root_problem(entry, device):
    """The root user's device (listed with the root's ARN and no user name) is never the entry's to change."""
    if device is not None and is_root_arn(device.get("user_arn")):
        return ("Virtual MFA device %s is the root user's: the IAM API cannot manage it. Give the entry of %s another "
                "device_name or path" % (device["serial_number"], entry.name))
    return None


def _onboard(entry, index, existing, settings, held):
    device = index.find(entry.path, entry.device_name)
    tags = wanted_tags(entry, device, settings)
    params = module_params(entry.name, entry.device_name, entry.path, tags, settings)
    user_exists = entry.name in existing
    count = (held or {}).get(entry.name) if user_exists else 0
    decision = decide(device, Want.from_params(params), None if held is None else count)
    problem = first_problem(params) or _root_problem(entry, device)
    if problem is None and device is None and index.clash(entry.path, entry.device_name):
        problem = _clash_problem(entry, index.clash(entry.path, entry.device_name))
    problem = problem or decision.problem
    return dict(
        tags=tags, user_exists=user_exists, device=public_view(device), device_after=public_view(device),
        decision=decision.as_dict(), deletions=[], problem=problem,
        run=bool(decision.changed or problem or not user_exists),
    )


def _deletion(device):
    return dict(serial_number=device["serial_number"], name=device["name"], path=device["path"],
                user_name=device.get("user_name"), decision=decide(device, Want(ABSENT)).as_dict())


def _offboard(entry, index, existing):
    device = index.find(entry.path, entry.device_name)
    doomed = index.held_by(entry.name)
    problem = _root_problem(entry, device)
    if device is not None and device not in doomed and problem is None:
        if device.get("user_name"):
            problem = (
                "Virtual MFA device %s is enabled for IAM user %s, not %s: offboarding %s does not delete it. Correct "
                "the entry's device_name or path" % (device["serial_number"], device["user_name"], entry.name, entry.name))
        else:
            doomed.append(device)
    decision = decide(device if device in doomed else None, Want(ABSENT))
    deletions = [_deletion(each) for each in doomed]
    return dict(
        tags=None, user_exists=entry.name in existing, device=public_view(device), device_after={},
        decision=decision.as_dict(), deletions=deletions, problem=problem, run=bool(deletions),
    )


def users_to_count(plan):
    """The existing users a device is to be enabled for, in the plan's order: the users whose MFA devices must be
    counted (``held``) to see IAM's limit."""
    return [entry["name"] for entry in plan
            if entry["state"] != ABSENT and entry["user_exists"] and entry["decision"]["enable"] and not entry["problem"]]


def plan_fleet(entries, users, devices, settings=None, held=None):
    """One dict per entry, in the entries' order (see the filter's documentation for the keys). ``held``: {user name:
    number of MFA devices of any kind the user holds} for the users ``users_to_count`` names, or None (not known)."""
    settings = settings_of(settings)
    entries = entries_of(entries, settings)
    existing = user_names(users)
    listed = devices_of(devices)
    index = DeviceIndex(listed)
    planned = {}
    for position, entry in enumerate(entries):  # offboarding runs first
        if entry.state == ABSENT:
            planned[position] = _offboard(entry, index, existing)
    deleted = {deletion["serial_number"] for each in planned.values() for deletion in each["deletions"]}
    remaining = DeviceIndex([device for device in listed if device["serial_number"] not in deleted])
    for position, entry in enumerate(entries):
        if entry.state != ABSENT:
            planned[position] = _onboard(entry, remaining, existing, settings, held)
    return [dict(planned[position], name=entry.name, state=entry.state, device_name=entry.device_name, path=entry.path)
            for position, entry in enumerate(entries)]
