"""MFA of the root user, for audits. IAM's API cannot enable it, so a test sets it with the control API:
`POST /_mfaops/root_mfa` {"kind": "virtual" | "hardware" | "none", "name"?, "account"?}.

What the endpoint then shows, as IAM does:

* "virtual": a virtual MFA device (name `name`, default "root-account-mfa-device", path "/") that
  ListVirtualMFADevices lists as Assigned, with `User` = {"Path": "/", "UserId": "<acct>",
  "Arn": "arn:aws:iam::<acct>:root", "CreateDate": <when the endpoint first saw the account>} and NO "UserName":
  the root user has no user name, and IAM leaves the member out although botocore's User shape marks it required
  (tools that assumed it present crashed on accounts with root MFA, e.g. terraform-provider-aws PR #11072). Identify
  the root device by that ARN, not by its name. It cannot be enabled, resynced, deactivated or deleted through the
  API (EntityAlreadyExists / NoSuchEntity / DeleteConflict).
* "hardware": no listed virtual device (a hardware token's serial is not an ARN and is not listed anywhere an IAM
  user can call), but root has MFA.
* "none": root has no MFA; a root virtual device is deleted.

Each call replaces root's previous MFA. GetAccountSummary's SummaryMap AccountMFAEnabled is 1 while root holds any
MFA, else 0, and the credential report's `<root_account>` row says mfa_active true/false accordingly.
"""

from __future__ import annotations

from moto.core.utils import utcnow
from moto.iam import models

from .accounts import iam_backend

KINDS = ("virtual", "hardware", "none")
DEFAULT_NAME = "root-account-mfa-device"


class RootUser:
    """The root user as the User of its assigned virtual device (see the module docstring)."""

    name = None
    path = "/"

    def __init__(self, backend) -> None:
        self.id = backend.account_id
        self.arn = f"arn:{backend.partition}:iam::{backend.account_id}:root"
        self.create_date = account_created(backend)


def account_created(backend):
    """When the endpoint first saw the account: the root user's CreateDate and user_creation_time."""
    if not hasattr(backend, "root_created"):
        backend.root_created = utcnow()
    return backend.root_created


def kind_of(backend) -> str:
    """"virtual", "hardware" or "none": the MFA the account's root user holds."""
    return getattr(backend, "root_mfa_kind", "none")


def set_root_mfa(account_id: str | None, kind: str, name: str | None = None) -> dict:
    """Give root `kind` of MFA (replacing what it had); returns {"kind", "serial_number"}. Call under the app lock.

    Raises ValueError (bad input), ValidationError (bad name) or EntityAlreadyExists (a device has that name).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {list(KINDS)}")
    if name is not None and (kind != "virtual" or not isinstance(name, str)):
        raise ValueError("name is a string, and only for kind virtual")
    backend = iam_backend(account_id)
    old_serial = getattr(backend, "root_mfa_serial", None)
    old_device = backend.virtual_mfa_devices.pop(old_serial, None) if old_serial else None
    serial = None
    if kind == "virtual":
        try:
            device = backend.create_virtual_mfa_device(name or DEFAULT_NAME, "/")
        except Exception:
            if old_device is not None:
                backend.virtual_mfa_devices[old_serial] = old_device
            raise
        device.user, device.enable_date = RootUser(backend), utcnow()
        serial = device.serial_number
    backend.root_mfa_kind, backend.root_mfa_serial = kind, serial
    return {"kind": kind, "serial_number": serial}


_moto_summary_map = models.AccountSummary.summary_map


def _summary_map(self) -> dict:
    summary = _moto_summary_map.fget(self)
    summary["AccountMFAEnabled"] = 0 if kind_of(self._iam_backend) == "none" else 1
    return summary


def install() -> None:
    models.AccountSummary.summary_map = property(_summary_map)
