# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The IAM users with their MFA devices and console password, and the root user's MFA, for iam_user_mfa_info.

The users come from one paginated listing (or one GetUser for a single name).  Each user's own calls
(ListMFADevices, GetLoginProfile) run on a bounded pool, one task per user, so at most ``max_concurrency`` calls are
in flight.  The assigned virtual devices are listed once (ListVirtualMFADevices, 1,000 per call) when the root user's
device must be found (by ``User.Arn`` ending in ``:root``) or when users holding a virtual device are not asked for
their devices (``devices_of=users_without_virtual_mfa``).  The users, the account summary and the virtual devices are
listed side by side, on three threads.  With ``devices_of=no_users`` and ``password_of=no_users``
the result is the listing alone: no per-user call at all.
"""

from . import api
from .devices import is_root_arn
from .devices import mfa_device
from .devices import user_from_listing
from .._common.pool import map_bounded

ALL_USERS = "all_users"
USERS_WITHOUT_VIRTUAL_MFA = "users_without_virtual_mfa"
USERS_WITHOUT_MFA = "users_without_mfa"
NO_USERS = "no_users"


def list_users(client, path_prefix=None, name=None):
    """The users (ListUsers; GetUser when ``name`` is given), as dicts, in IAM's order."""
    if name is None:
        entries = list(api.iter_users(client, path_prefix))
    else:
        entry = api.get_user(client, name)
        entries = [] if entry is None else [entry]
        if path_prefix is not None:
            entries = [entry for entry in entries if entry.get("Path", "/").startswith(path_prefix)]
    return [user_from_listing(entry) for entry in entries]


def assigned_virtual_devices(client):
    """({user name: [device dicts]}, root's virtual device serial numbers), from one listing of assigned devices."""
    by_user, root = {}, []
    for entry in api.iter_assigned_virtual_devices(client):
        user = entry.get("User") or {}
        if is_root_arn(user.get("Arn")):
            root.append(entry["SerialNumber"])
        elif user.get("UserName"):
            by_user.setdefault(user["UserName"], []).append(mfa_device(entry))
    return by_user, sorted(root)


def user_state(client, user, known_virtual, devices_of, password_of):
    """The user with ``mfa_devices``, ``has_mfa``, ``mfa_devices_complete`` and ``password_enabled``; None if the
    user was deleted since it was listed.  What was not asked is None (``has_mfa``, ``password_enabled``)."""
    devices = known_virtual.get(user["user_name"]) if devices_of == USERS_WITHOUT_VIRTUAL_MFA else None
    complete = devices_of != NO_USERS and not devices
    if complete:
        entries = api.mfa_devices_or_none(client, user["user_name"])
        if entries is None:
            return None
        devices = [mfa_device(entry) for entry in entries]
    password = None
    if password_of == ALL_USERS or (password_of == USERS_WITHOUT_MFA and not devices):
        password = api.has_login_profile(client, user["user_name"])
    return dict(
        user,
        password_enabled=password,
        has_mfa=None if devices is None else bool(devices),
        mfa_devices_complete=complete,
        mfa_devices=sorted(devices or [], key=lambda device: device["serial_number"]),
    )


def root_mfa(mfa_enabled, root_serials):
    """The root user's MFA: whether it has any, and its virtual device (the first by serial number) or None."""
    return {
        "mfa_enabled": mfa_enabled,
        "virtual_mfa_serial_number": root_serials[0] if root_serials else None,
    }


def collect(client, params):
    """(users sorted by name, root dict or None) for the module's parameters."""
    devices_of, password_of = params["devices_of"], params["password_of"]
    need_virtual = devices_of == USERS_WITHOUT_VIRTUAL_MFA or params["include_root"]
    # The three listings are independent: side by side, so that their latencies (and parsing) overlap.
    listings = [
        lambda: list_users(client, params["path_prefix"], params["name"]),
        lambda: api.account_mfa_enabled(client) if params["include_root"] else None,
        lambda: assigned_virtual_devices(client) if need_virtual else ({}, []),
    ]
    users, root_enabled, (known_virtual, root_serials) = map_bounded(lambda listing: listing(), listings, 3)

    def state(user):
        return user_state(client, user, known_virtual, devices_of, password_of)

    workers = 1 if devices_of == NO_USERS and password_of == NO_USERS else params["max_concurrency"]  # no call to make
    found = [user for user in map_bounded(state, users, workers) if user is not None]
    found.sort(key=lambda user: user["user_name"])
    root = root_mfa(root_enabled, root_serials) if params["include_root"] else None
    return found, root
