# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inputs of the virtual_mfa_plan filter, checked and normalised: the role's entries, the two listings, settings.

Every check raises PlanInputError with a message naming what is wrong; nothing here looks at AWS.
"""

from ansible_collections.mfaops.iam.plugins.module_utils._common.stamps import stamp

PRESENT = "present"
ABSENT = "absent"
ENTRY_KEYS = frozenset(("name", "state", "device_name", "path", "tags"))
DEFAULT_SETTINGS = {
    "device_path": "/",
    "tags": {},
    "purge_tags": True,
    "created_tag": "mfaops:created",
    "now": None,
}


class PlanInputError(ValueError):
    """An input the plan cannot be made from."""


class Entry:
    """One entry of user_mfa_users: the user, the state, and the device's name and path (defaults applied)."""

    def __init__(self, raw, settings):
        self.name = raw["name"]
        self.state = raw.get("state") or PRESENT
        self.device_name = raw.get("device_name") or self.name
        self.path = raw.get("path") or settings["device_path"]
        self.tags = raw.get("tags") or {}


def settings_of(settings):
    """The settings with the defaults filled in; a missing or null setting takes its default."""
    if settings is None:
        settings = {}
    if not isinstance(settings, dict):
        raise PlanInputError("settings must be a dict, not %s" % type(settings).__name__)
    unknown = sorted(set(settings) - set(DEFAULT_SETTINGS))
    if unknown:
        raise PlanInputError("unknown settings: %s (known: %s)" % (", ".join(unknown), ", ".join(sorted(DEFAULT_SETTINGS))))
    merged = {key: default if settings.get(key) is None else settings[key] for key, default in DEFAULT_SETTINGS.items()}
    if not isinstance(merged["tags"], dict):
        raise PlanInputError("settings: tags must be a dict")
    if merged["now"] is None:
        merged["now"] = stamp()
    return merged


def entries_of(entries, settings):
    """The entries as Entry objects, in their order."""
    if not isinstance(entries, list):
        raise PlanInputError("the input must be the list of user entries, not %s" % type(entries).__name__)
    result = []
    for position, raw in enumerate(entries):
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"]:
            raise PlanInputError("entry %d must be a dict with a user name (name): %r" % (position, raw))
        unknown = sorted(set(raw) - ENTRY_KEYS)
        if unknown:
            raise PlanInputError("entry %s: unknown keys %s" % (raw["name"], ", ".join(unknown)))
        if raw.get("state") not in (None, PRESENT, ABSENT):
            raise PlanInputError("entry %s: state must be present or absent, not %r" % (raw["name"], raw["state"]))
        if raw.get("tags") is not None and not isinstance(raw["tags"], dict):
            raise PlanInputError("entry %s: tags must be a dict" % raw["name"])
        result.append(Entry(raw, settings))
    problem = repeated_problem(result)
    if problem:
        raise PlanInputError(problem)
    return result


def _repeats(keys):
    """The groups of more than one item that share a key, in the order their first item comes: [(key, [items])]."""
    groups = {}
    for key, item in keys:
        groups.setdefault(key, []).append(item)
    return [(key, items) for key, items in groups.items() if len(items) > 1]


def repeated_problem(entries):
    """Why the entries cannot be planned together, or None: a user listed twice (IAM user names are unique regardless
    of case), or one device named by two onboarding entries (the second would find it enabled for the first) or by
    two offboarding entries. An offboarding and an onboarding entry may name the same device: it is deleted, then
    created anew."""
    users = _repeats((entry.name.lower(), entry.name) for entry in entries)
    if users:
        spellings = [name for _key, names in users for name in dict.fromkeys(names)]  # each spelling once
        return "these users are listed more than once: %s" % ", ".join(spellings)
    devices = _repeats(((entry.state, entry.path.lower(), entry.device_name.lower()), entry) for entry in entries)
    if devices:
        described = []
        for _key, named in devices:
            spellings = {}  # the same device may be spelt in other cases: each spelling with its users
            for entry in named:
                spellings.setdefault((entry.path, entry.device_name), []).append(entry.name)
            described.extend("%s%s (%s)" % (path, name, ", ".join(users)) for (path, name), users in spellings.items())
        return ("these virtual MFA devices are named by more than one entry: %s. Each device belongs to one user: give "
                "each entry its own device_name or path" % ", ".join(described))
    return None


def _listed(listing, keys, what):
    """The list inside a registered module result (under the first of ``keys`` it has), or the list itself."""
    if isinstance(listing, dict):
        for key in keys:
            if key in listing:
                listing = listing[key]
                break
        else:
            raise PlanInputError("%s: a registered result with %s, or a list, is needed" % (what, " or ".join(keys)))
    if not isinstance(listing, list):
        raise PlanInputError("%s must be a list, not %s" % (what, type(listing).__name__))
    return listing


def user_names(users):
    """The names of the IAM users that exist, from iam_user_mfa_info's result (``users``), amazon.aws.iam_user_info's
    (``iam_users``), or a list of user dicts (``user_name``) or names."""
    names = set()
    for user in _listed(users, ("users", "iam_users"), "the user listing"):
        name = user if isinstance(user, str) else (user.get("user_name") if isinstance(user, dict) else None)
        if not isinstance(name, str):
            raise PlanInputError("the user listing holds an entry without user_name: %r" % (user,))
        names.add(name)
    return names


def devices_of(devices):
    """The devices from iam_virtual_mfa_info's result (``virtual_mfa_devices``, with tags) or a list of them."""
    listed = _listed(devices, ("virtual_mfa_devices",), "the device listing")
    for device in listed:
        if not isinstance(device, dict) or not all(key in device for key in ("serial_number", "name", "path")):
            raise PlanInputError("the device listing holds an entry without serial_number, name and path: %r" % (device,))
    return listed
