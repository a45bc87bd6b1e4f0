# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Find one virtual MFA device with as few IAM calls as possible."""

from . import api
from .transform import device_for_user
from .transform import device_from_listing


class Lookup:
    """The result of looking for a device: the device (or None) and any serial number seen on the way."""

    def __init__(self, device, seen_serial=None):
        self.device = device
        self.seen_serial = seen_serial


def find_device(client, ident, user=None):
    """Look for ``ident``; ``user`` (a GetUser answer) first tries that user's own devices, a single call.

    Otherwise the account's devices are listed a page of 1,000 at a time until the device turns up, so the cost is
    ceil(position / 1000) calls.  Tags are fetched separately (ListVirtualMFADevices returns none).
    """
    seen = None
    if user is not None:
        for entry in api.list_user_mfa_devices(client, user["UserName"]):
            seen = entry["SerialNumber"]
            if ident.matches(entry["SerialNumber"]):
                return Lookup(device_for_user(entry, user), seen)
    for entry in api.iter_virtual_mfa_devices(client):
        seen = entry["SerialNumber"]
        if ident.matches(entry["SerialNumber"]):
            return Lookup(device_from_listing(entry), seen)
    return Lookup(None, seen)
