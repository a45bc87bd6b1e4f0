# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn IAM's answers into the snake_case device dictionaries the modules return (never with a seed)."""

from .._common.stamps import iso
from .identity import from_serial_number

# The keys of a device in iam_virtual_mfa's result and diff; iam_virtual_mfa_info adds user_id.
DEVICE_KEYS = ("serial_number", "name", "path", "user_name", "user_arn", "enable_date", "tags")


def _split_serial(serial_number):
    """Name and path of a device ARN; ARNs IAM would never hand out (root devices) still split cleanly."""
    try:
        ident = from_serial_number(serial_number)
        return ident.name, ident.path
    except ValueError:
        resource = serial_number.split(":", 5)[-1][len("mfa"):]
        path, _sep, name = resource.rpartition("/")
        return name, path + "/"


def device_from_listing(entry, tags=None):
    """One ListVirtualMFADevices entry (a dict from botocore) as a device dictionary."""
    name, path = _split_serial(entry["SerialNumber"])
    user = entry.get("User") or {}
    return {
        "serial_number": entry["SerialNumber"],
        "name": name,
        "path": path,
        "user_name": user.get("UserName"),
        "user_arn": user.get("Arn"),
        "user_id": user.get("UserId"),
        "enable_date": iso(entry.get("EnableDate")),
        "tags": dict(tags or {}),
    }


def device_for_user(mfa_device, user):
    """One ListMFADevices entry of ``user`` (a GetUser answer) as a device dictionary."""
    entry = {"SerialNumber": mfa_device["SerialNumber"], "EnableDate": mfa_device.get("EnableDate"), "User": user}
    return device_from_listing(entry)


def public_view(device):
    """The device as iam_virtual_mfa returns it: the keys of DEVICE_KEYS, or {} when there is no device."""
    if not device:
        return {}
    return {key: device.get(key) for key in DEVICE_KEYS}


def diff_view(device):
    """The device as the diff shows it: everything but enable_date, which check mode cannot know in advance."""
    return {key: value for key, value in public_view(device).items() if key != "enable_date"}
