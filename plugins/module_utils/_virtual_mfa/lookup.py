# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Find one virtual MFA device with as few IAM calls as possible."""

from . import api
from .errors import MFAError
from .identity import is_virtual_device_serial
from .identity import parse_serial
from .transform import device_for_user
from .transform import device_from_listing


class Lookup:
    """The result of looking for a device: the device (or None), a virtual device serial number seen on the way
    (an ARN of the same account, to predict a new device's serial number in check mode), and the serial numbers of
    every MFA device the user holds (virtual, FIDO, hardware: IAM's limit counts them all), None when not listed."""

    def __init__(self, device, seen_serial=None, user_devices=None):
        self.device = device
        self.seen_serial = seen_serial
        self.user_devices = user_devices


def case_clash(ident, serial_number):
    """True when ``serial_number`` names the device ``ident`` means but for the case of its name or path: IAM names
    are unique regardless of case, so such a device blocks ``ident`` for good."""
    other = parse_serial(serial_number)
    if ident.serial_number is not None or other is None:
        return False
    same = (other.path.lower(), other.name.lower()) == (ident.path.lower(), ident.name.lower())
    return same and (other.path, other.name) != (ident.path, ident.name)


def _clash_error(ident, serial_number):
    return MFAError(message=(
        "Virtual MFA device %s%s cannot exist: %s already does, and IAM device names are unique regardless of case. "
        "Use that device's exact name and path, or another name" % (ident.path, ident.name, serial_number)))


def find_device(client, ident, user=None, with_tags=False, fresh=False):
    """Look for ``ident``; ``user`` (a GetUser answer) first tries that user's own devices, a single call.
    ``with_tags``: a device found gets its ``tags`` (one more call; ``fresh``: retried while IAM may not know a device
    created a moment ago).

    Otherwise the account's devices are listed a page of 1,000 at a time until the device turns up, so the cost is
    ceil(position / 1000) calls.  The user's listing also gives the devices they hold, for IAM's limit of
    plan.MAX_MFA_DEVICES.  Tags are a call of their own (ListVirtualMFADevices returns none).  ListMFADevices
    also lists hardware tokens (serial numbers that are not ARNs) and FIDO keys: only virtual devices match.
    A device whose name differs only in case raises MFAError at once.
    """
    found = _find(client, ident, user)
    if with_tags and found.device is not None:
        found.device["tags"] = api.list_tags(client, found.device["serial_number"], fresh=fresh)
    return found


def _find(client, ident, user):
    seen = held = None
    if user is not None:
        entries = api.list_user_mfa_devices(client, user["UserName"])
        held = [entry["SerialNumber"] for entry in entries]
        for entry in entries:
            serial = entry["SerialNumber"]
            if is_virtual_device_serial(serial):
                seen = serial
                if ident.matches(serial):
                    return Lookup(device_for_user(entry, user), seen, held)
    for entry in api.iter_virtual_mfa_devices(client):
        serial = entry["SerialNumber"]
        seen = serial
        if ident.matches(serial):
            return Lookup(device_from_listing(entry), seen, held)
        if case_clash(ident, serial):
            raise _clash_error(ident, serial)
    return Lookup(None, seen, held)
