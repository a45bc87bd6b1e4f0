"""MFA devices that are not virtual: hardware TOTP tokens and FIDO security keys, attached through the control API.

IAM lists every kind of device a user holds in ListMFADevices(UserName); a hardware token's serial number is not an
ARN (e.g. `GAHT12345678`), a FIDO key's is `arn:aws:iam::<acct>:u2f/user/<user>/<id>`. Neither can be made through
the API in a way the endpoint could model (no seed to check codes against, no FIDO ceremony), so a test attaches one
with `POST /_mfaops/mfa_devices` {"user", "kind": "hardware" | "fido", "serial"?, "account"?}.

Such a device is kept where moto keeps enabled devices (User.mfa_devices), so it behaves as in IAM: ListMFADevices
lists it, it counts toward the 8 devices a user may hold (EnableMFADevice answers LimitExceeded), DeactivateMFADevice
removes it, DeleteUser answers DeleteConflict while the user holds it, the credential report's mfa_active counts it,
and ListVirtualMFADevices never lists it.
"""

from __future__ import annotations

import random
import re
import string

from moto.iam import models
from moto.iam.exceptions import EntityAlreadyExists, LimitExceededException

from .accounts import iam_backend
from .iam_fidelity import MAX_MFA_DEVICES_PER_USER

KINDS = ("hardware", "fido")
HARDWARE_SERIAL_RE = re.compile(r"[\w+=/:,.@-]{9,256}", re.ASCII)  # SerialNumber: 9-256 characters of this set
FIDO_ID_RE = re.compile(r"[\w+=,.@-]{1,128}", re.ASCII)


def _new_serial(backend, user_name: str, kind: str) -> str:
    if kind == "hardware":
        return "GAHT" + "".join(random.choices(string.digits, k=8))
    key_id = "security-key-" + "".join(random.choices(string.ascii_uppercase + string.digits, k=26))
    return f"arn:{backend.partition}:iam::{backend.account_id}:u2f/user/{user_name}/{key_id}"


def _check_serial(backend, user_name: str, kind: str, serial: str) -> None:
    if kind == "hardware":
        if serial.startswith("arn:") or not HARDWARE_SERIAL_RE.fullmatch(serial):
            raise ValueError("a hardware serial is 9-256 characters of [\\w+=/:,.@-] and not an ARN")
        return
    prefix = f"arn:{backend.partition}:iam::{backend.account_id}:u2f/user/{user_name}/"
    if not (serial.startswith(prefix) and FIDO_ID_RE.fullmatch(serial[len(prefix):])):
        raise ValueError(f"a FIDO serial is {prefix}<id>")


def attach(account_id: str | None, user_name: str, kind: str, serial: str | None = None) -> str:
    """Attach a hardware or FIDO device to an existing user; returns its serial number. Call under the app lock.

    Raises ValueError (bad input), NoSuchEntity (no such user), LimitExceeded (the user holds 8 devices) or
    EntityAlreadyExists (a user of the account already holds this serial).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {list(KINDS)}")
    if not isinstance(user_name, str) or not user_name:
        raise ValueError("user must be a user name")
    backend = iam_backend(account_id)
    user = backend.get_user(user_name)  # NoSuchEntity
    if serial is None:
        serial = _new_serial(backend, user_name, kind)
    elif not isinstance(serial, str):
        raise ValueError("serial must be a string")
    _check_serial(backend, user_name, kind, serial)
    if any(serial in u.mfa_devices for u in backend.users.values()):
        raise EntityAlreadyExists("MFA Device is already in use.")
    if len(user.mfa_devices) >= MAX_MFA_DEVICES_PER_USER:
        raise LimitExceededException(f"Cannot exceed quota for MFADevicesPerUser: {MAX_MFA_DEVICES_PER_USER}")
    device = models.MFADevice(serial, None, None)
    device.kind = kind
    user.mfa_devices[serial] = device
    return serial
