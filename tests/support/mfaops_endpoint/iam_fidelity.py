"""Patches that make moto's IAM virtual-MFA handling behave like real IAM (see shared/IAM-FACTS.md)."""

from __future__ import annotations

import io
import re
import threading
import time

import qrcode
import qrcode.image.pure
from moto.core.responses import ActionResult, EmptyResult
from moto.iam import models
from moto.iam.exceptions import (
    DeleteConflictException,
    EntityAlreadyExists,
    LimitExceededException,
    NoSuchEntity,
    ValidationError,
)
from moto.iam.responses import IamResponse

from .totp import check_codes

MAX_MFA_DEVICES_PER_USER = 8
MAX_TAGS = 50
NAME_RE = re.compile(r"[\w+=,.@-]{1,226}", re.ASCII)
PATH_RE = re.compile(r"/|/[\x21-\x7e]+/")

_registry_lock = threading.Lock()
_SEEDS: dict[str, str] = {}  # serial -> seed of every device ever created (survives resets)
_CREATED: dict[str, float] = {}  # serial -> time.monotonic() of its latest creation


def seeds() -> dict[str, str]:
    with _registry_lock:
        return dict(_SEEDS)


def seconds_since_created(serial: str) -> float | None:
    with _registry_lock:
        created = _CREATED.get(serial)
    return None if created is None else time.monotonic() - created


def _invalid(value: object, field: str, constraint: str) -> ValidationError:
    return ValidationError(
        f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: {constraint}"
    )


def _qr_png(uri: str) -> bytes:
    buf = io.BytesIO()
    qrcode.make(uri, image_factory=qrcode.image.pure.PyPNGImage).save(buf)
    return buf.getvalue()


def _device(backend: models.IAMBackend, serial: str) -> models.VirtualMfaDevice:
    device = backend.virtual_mfa_devices.get(serial)
    if device is None:
        raise NoSuchEntity(f"VirtualMFADevice with serial number {serial} doesn't exist.")
    return device


def _device_tags(device: models.VirtualMfaDevice) -> dict[str, str]:
    if not hasattr(device, "tags"):
        device.tags = {}
    return device.tags


def _page(items: list, key, marker: str | None, max_items) -> tuple[list, str | None]:
    """Sort by key, start after the item whose key is `marker`; the marker is the last key returned."""
    max_items = int(max_items) if max_items is not None else 100
    if not 1 <= max_items <= 1000:
        raise _invalid(max_items, "maxItems", "Member must have value between 1 and 1000")
    items = sorted(items, key=key)
    if marker:
        items = [item for item in items if key(item) > marker]
    page = items[:max_items]
    return page, (key(page[-1]) if len(items) > max_items else None)


# --- IAMBackend -------------------------------------------------------------------------------


def create_virtual_mfa_device(self, device_name: str, path: str | None, tags=None):
    path = "/" if path is None else path
    if not NAME_RE.fullmatch(device_name or ""):
        raise _invalid(device_name, "virtualMFADeviceName", "Member must satisfy regular expression pattern: [\\w+=,.@-]+ and have length between 1 and 226")
    if len(path) > 512 or not PATH_RE.fullmatch(path):
        raise ValidationError(
            "The specified value for path is invalid. It must begin and end with / and contain only "
            "alphanumeric characters and/or / characters."
        )
    tags = tags or []
    self._tag_verification(tags)  # moto's IAM tag checks: count, key length/chars, value length, duplicates
    serial = f"arn:{self.partition}:iam::{self.account_id}:mfa{path}{device_name}"
    if serial.lower() in {s.lower() for s in self.virtual_mfa_devices}:  # IAM names are unique regardless of case
        raise EntityAlreadyExists("MFADevice entity at the same path and name already exists.")
    device = models.VirtualMfaDevice(self.account_id, self.region_name, path + device_name)
    device.tags = {t["Key"]: t["Value"] for t in tags}
    device.qr_code_png = _qr_png(f"otpauth://totp/{device_name}@{self.account_id}?secret={device.base32_string_seed}")
    self.virtual_mfa_devices[serial] = device
    with _registry_lock:
        _SEEDS[serial] = device.base32_string_seed
        _CREATED[serial] = time.monotonic()
    return device


def list_virtual_mfa_devices(self, assignment_status: str, marker: str | None, max_items):
    if assignment_status not in ("Assigned", "Unassigned", "Any"):
        raise _invalid(assignment_status, "assignmentStatus", "Member must satisfy enum value set: [Unassigned, Any, Assigned]")
    devices = [
        d for d in self.virtual_mfa_devices.values()
        if assignment_status == "Any" or (d.user is not None) == (assignment_status == "Assigned")
    ]
    return _page(devices, lambda d: d.serial_number, marker, max_items)


_moto_enable_mfa_device = models.IAMBackend.enable_mfa_device


def enable_mfa_device(self, user_name: str, serial_number: str, code1: str, code2: str) -> None:
    user = self.get_user(user_name)  # NoSuchEntity; the root user has no user name, so root MFA can't be enabled here
    device = _device(self, serial_number)
    if device.user is not None:
        raise EntityAlreadyExists("MFA Device is already in use.")
    if len(user.mfa_devices) >= MAX_MFA_DEVICES_PER_USER:
        raise LimitExceededException(f"Cannot exceed quota for MFADevicesPerUser: {MAX_MFA_DEVICES_PER_USER}")
    check_codes(device, code1, code2)
    _moto_enable_mfa_device(self, user_name, serial_number, code1, code2)


def resync_mfa_device(self, user_name: str, serial_number: str, code1: str, code2: str) -> None:
    user = self.get_user(user_name)
    device = _device(self, serial_number)
    if serial_number not in user.mfa_devices:
        raise NoSuchEntity(f"MFA device {serial_number} is not enabled for user {user_name}.")
    check_codes(device, code1, code2)


def delete_virtual_mfa_device(self, serial_number: str) -> None:
    if _device(self, serial_number).user is not None:
        raise DeleteConflictException("MFA VirtualDevice in use. Must deactivate first.")
    del self.virtual_mfa_devices[serial_number]


_moto_delete_user = models.IAMBackend.delete_user


def delete_user(self, user_name: str) -> None:
    if self.get_user(user_name).mfa_devices:
        raise DeleteConflictException("Cannot delete entity, must remove MFA device first.")
    _moto_delete_user(self, user_name)


def tag_mfa_device(self, serial_number: str, tags: list[dict[str, str]]) -> None:
    """Tag keys are case-insensitive in IAM: a key differing only in case from a present one replaces it."""
    current = _device_tags(_device(self, serial_number))
    self._tag_verification(tags)  # at most 50 per call, sizes, no case-duplicates
    new = {t["Key"].lower() for t in tags}
    if len({k.lower() for k in current} | new) > MAX_TAGS:  # the limit holds across calls
        raise LimitExceededException("The number of tags has reached the maximum limit.")
    for key in [k for k in current if k.lower() in new]:
        del current[key]
    current.update({t["Key"]: t["Value"] for t in tags})


def untag_mfa_device(self, serial_number: str, tag_keys: list[str]) -> None:
    current = _device_tags(_device(self, serial_number))
    if len(tag_keys) > MAX_TAGS:
        raise _invalid(tag_keys, "tagKeys", "Member must have length less than or equal to 50")
    for key in tag_keys:
        self._validate_tag_key(key, exception_param="tagKeys")
    gone = {key.lower() for key in tag_keys}
    for key in [k for k in current if k.lower() in gone]:
        del current[key]


def list_mfa_device_tags(self, serial_number: str, marker: str | None, max_items):
    tags = [{"Key": k, "Value": v} for k, v in _device_tags(_device(self, serial_number)).items()]
    return _page(tags, lambda t: t["Key"], marker, max_items)


# --- IamResponse (answers built as plain dicts, so seeds only leave through CreateVirtualMFADevice) ---


def _user_dict(user) -> dict:
    """The User of an assigned device. The root user (root_mfa.RootUser) has no name: IAM leaves UserName out."""
    result = {"Path": user.path, "UserName": user.name, "UserId": user.id, "Arn": user.arn, "CreateDate": user.create_date}
    if user.name is None:
        del result["UserName"]
    return result


def _paged(key: str, items: list, marker: str | None) -> ActionResult:
    result = {key: items, "IsTruncated": marker is not None}
    if marker is not None:
        result["Marker"] = marker
    return ActionResult(result)


def r_create_virtual_mfa_device(self) -> ActionResult:
    device = self.backend.create_virtual_mfa_device(
        self._get_param("VirtualMFADeviceName"), self._get_param("Path"), self._get_param("Tags", [])
    )
    result = {
        "SerialNumber": device.serial_number,
        "Base32StringSeed": device.base32_string_seed.encode("ascii"),
        "QRCodePNG": device.qr_code_png,
    }
    if device.tags:
        result["Tags"] = [{"Key": k, "Value": v} for k, v in device.tags.items()]
    return ActionResult({"VirtualMFADevice": result})


def r_list_virtual_mfa_devices(self) -> ActionResult:
    devices, marker = self.backend.list_virtual_mfa_devices(
        self._get_param("AssignmentStatus", "Any"), self._get_param("Marker"), self._get_param("MaxItems")
    )
    entries = []
    for d in devices:
        entry = {"SerialNumber": d.serial_number}
        if d.user is not None:
            entry.update(EnableDate=d.enable_date, User=_user_dict(d.user))
        entries.append(entry)
    return _paged("VirtualMFADevices", entries, marker)


def r_resync_mfa_device(self) -> ActionResult:
    self.backend.resync_mfa_device(*(self._get_param(p) for p in ("UserName", "SerialNumber", "AuthenticationCode1", "AuthenticationCode2")))
    return EmptyResult()


def r_tag_mfa_device(self) -> ActionResult:
    self.backend.tag_mfa_device(self._get_param("SerialNumber"), self._get_param("Tags", []))
    return EmptyResult()


def r_untag_mfa_device(self) -> ActionResult:
    self.backend.untag_mfa_device(self._get_param("SerialNumber"), self._get_param("TagKeys", []))
    return EmptyResult()


def r_list_mfa_device_tags(self) -> ActionResult:
    tags, marker = self.backend.list_mfa_device_tags(
        self._get_param("SerialNumber"), self._get_param("Marker"), self._get_param("MaxItems")
    )
    return _paged("Tags", tags, marker)


def r_list_service_specific_credentials(self) -> ActionResult:
    """amazon.aws.iam_user calls this before deleting a user; moto lacks it. Nothing here creates such credentials."""
    self.backend.get_user(self._get_param("UserName"))  # NoSuchEntity for an unknown user, as IAM
    return ActionResult({"ServiceSpecificCredentials": []})


def install() -> None:
    """Patch moto's IAMBackend and IamResponse in place (idempotent)."""
    for name, func in {
        "create_virtual_mfa_device": create_virtual_mfa_device,
        "list_virtual_mfa_devices": list_virtual_mfa_devices,
        "enable_mfa_device": enable_mfa_device,
        "resync_mfa_device": resync_mfa_device,
        "delete_virtual_mfa_device": delete_virtual_mfa_device,
        "delete_user": delete_user,
        "tag_mfa_device": tag_mfa_device,
        "untag_mfa_device": untag_mfa_device,
        "list_mfa_device_tags": list_mfa_device_tags,
    }.items():
        setattr(models.IAMBackend, name, func)
    for name, func in {
        "create_virtual_mfa_device": r_create_virtual_mfa_device,
        "list_virtual_mfa_devices": r_list_virtual_mfa_devices,
        "resync_mfa_device": r_resync_mfa_device,
        "tag_mfa_device": r_tag_mfa_device,
        "untag_mfa_device": r_untag_mfa_device,
        "list_mfa_device_tags": r_list_mfa_device_tags,
        "list_service_specific_credentials": r_list_service_specific_credentials,
    }.items():
        setattr(IamResponse, name, func)
