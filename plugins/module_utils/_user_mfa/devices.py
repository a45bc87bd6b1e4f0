# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What kind of MFA device a serial number names, and IAM's user and device entries as snake_case dicts.

ListMFADevices returns every kind of device a user holds: virtual devices (ARN ``arn:<partition>:iam::<account>:mfa/...``),
FIDO security keys (ARN ``...:u2f/...``) and hardware TOTP tokens, whose serial numbers are not ARNs at all (for
example ``GAHT12345678``).
"""

import re

from .._common.stamps import iso

VIRTUAL = "virtual"
FIDO = "fido"
HARDWARE = "hardware"
OTHER = "other"

_IAM_ARN = re.compile(r"arn:[\w-]+:iam::\d*:(?P<type>[^/:]+)/")
_ROOT_ARN = re.compile(r"arn:[\w-]+:iam::\d*:root")


def device_kind(serial_number):
    """``virtual``, ``fido`` or ``hardware``; ``other`` for an ARN of a kind IAM may add later (still MFA)."""
    if not serial_number.startswith("arn:"):
        return HARDWARE
    match = _IAM_ARN.match(serial_number)
    resource_type = match.group("type") if match else None
    if resource_type == "mfa":
        return VIRTUAL
    if resource_type == "u2f":
        return FIDO
    return OTHER


def is_root_arn(arn):
    """True for the root user's ARN, ``arn:<partition>:iam::<account>:root``."""
    return bool(arn) and _ROOT_ARN.fullmatch(arn) is not None


def mfa_device(entry):
    """A ListMFADevices (or ListVirtualMFADevices) entry as ``{serial_number, kind, enable_date}``."""
    return {
        "serial_number": entry["SerialNumber"],
        "kind": device_kind(entry["SerialNumber"]),
        "enable_date": iso(entry.get("EnableDate")),
    }


def user_from_listing(entry):
    """A ListUsers (or GetUser) entry as a user dict, without its MFA devices and password status yet."""
    return {
        "user_name": entry["UserName"],
        "user_id": entry.get("UserId"),
        "arn": entry.get("Arn"),
        "path": entry.get("Path", "/"),
        "create_date": iso(entry.get("CreateDate")),
        "password_last_used": iso(entry.get("PasswordLastUsed")),
    }
