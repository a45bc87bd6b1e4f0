"""A fleet of virtual MFA devices on the local endpoint, for the call-budget tests and the benchmark.

Device ``i`` is defined by its index alone: name ``dev00042``, one of four paths, two tags, and every tenth one
enabled for its own IAM user ``user-dev00040``.  ``ensure(iam, n)`` brings an endpoint to exactly devices 0..n-1
(creating the missing ones on a few threads, deleting the others), so tests that share one endpoint can each ask
for the size they need.  ``sequential_listing`` is the reference: what a plain boto3 loop sees, one call at a time.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

import pyotp

ACCOUNT = "123456789012"
PATHS = ("/", "/admins/", "/team/payments/", "/team/ops/")
TEAMS = ("payments", "ops", "security", "data", "web")
ASSIGN_EVERY = 10
NAME = re.compile(r"^dev(\d{5})$")


def name(i: int) -> str:
    return "dev%05d" % i


def path(i: int) -> str:
    return PATHS[i % len(PATHS)]


def serial(i: int) -> str:
    return "arn:aws:iam::%s:mfa%s%s" % (ACCOUNT, path(i), name(i))


def tags(i: int) -> dict[str, str]:
    return {"team": TEAMS[i % len(TEAMS)], "env": "dev" if i % 3 == 0 else "prod"}


def holder(i: int) -> str | None:
    """The IAM user device ``i`` is enabled for, or None."""
    return "user-%s" % name(i) if i % ASSIGN_EVERY == 0 else None


def enable_codes(seed: str) -> tuple[str, str]:
    """Two consecutive TOTP codes, the previous window's and the current one's, as IAM wants them."""
    totp = pyotp.TOTP(seed)
    now = time.time()
    return totp.at(now - 30), totp.at(now)


def enable(iam, user_name: str, serial_number: str, seed: str) -> None:
    code1, code2 = enable_codes(seed)
    iam.enable_mfa_device(UserName=user_name, SerialNumber=serial_number, AuthenticationCode1=code1, AuthenticationCode2=code2)


def create(iam, i: int) -> None:
    """Create device ``i`` with its tags and, if it has a holder, the user and the enablement."""
    answer = iam.create_virtual_mfa_device(
        VirtualMFADeviceName=name(i), Path=path(i), Tags=[{"Key": k, "Value": v} for k, v in tags(i).items()]
    )["VirtualMFADevice"]
    user = holder(i)
    if user:
        iam.create_user(UserName=user)
        enable(iam, user, answer["SerialNumber"], answer["Base32StringSeed"].decode("ascii"))


def remove(iam, i: int) -> None:
    user = holder(i)
    if user:
        iam.deactivate_mfa_device(UserName=user, SerialNumber=serial(i))
        iam.delete_user(UserName=user)
    iam.delete_virtual_mfa_device(SerialNumber=serial(i))


def fleet_indices(iam) -> set[int]:
    """The indices of the fleet devices on the endpoint (other devices are ignored)."""
    found = set()
    for page in iam.get_paginator("list_virtual_mfa_devices").paginate(PaginationConfig={"PageSize": 1000}):
        for entry in page["VirtualMFADevices"]:
            match = NAME.match(entry["SerialNumber"].rpartition("/")[2])
            if match and entry["SerialNumber"] == serial(int(match.group(1))):
                found.add(int(match.group(1)))
    return found


def ensure(iam, count: int, workers: int = 4) -> None:
    """Make the fleet on the endpoint exactly devices 0..count-1 (their tags and users as defined above)."""
    present = fleet_indices(iam)
    missing = sorted(set(range(count)) - present)
    surplus = sorted(i for i in present if i >= count)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(lambda i: remove(iam, i), surplus))
        list(pool.map(lambda i: create(iam, i), missing))


def expected_view(i: int) -> dict:
    """What the info module must say of device ``i``, minus what IAM makes up (user ARN and ID, enable date)."""
    return {"serial_number": serial(i), "name": name(i), "path": path(i), "user_name": holder(i), "tags": tags(i)}


def sequential_listing(iam, assignment_status: str = "Any", with_tags: bool = True) -> list[dict]:
    """The reference result: ListVirtualMFADevices page by page, then ListMFADeviceTags for one device at a time.

    Built from boto3's answers directly (not with the collection's code), in the info module's shape, sorted by
    serial number.
    """
    devices = []
    pages = iam.get_paginator("list_virtual_mfa_devices").paginate(
        AssignmentStatus=assignment_status, PaginationConfig={"PageSize": 1000}
    )
    for page in pages:
        for entry in page["VirtualMFADevices"]:
            resource = entry["SerialNumber"].split(":", 5)[5][len("mfa"):]
            device_path, _sep, device_name = resource.rpartition("/")
            user = entry.get("User") or {}
            enabled = entry.get("EnableDate")
            devices.append({
                "serial_number": entry["SerialNumber"], "name": device_name, "path": device_path + "/",
                "user_name": user.get("UserName"), "user_arn": user.get("Arn"), "user_id": user.get("UserId"),
                "enable_date": enabled.isoformat() if enabled else None, "tags": {},
            })
    if with_tags:
        for device in devices:
            answer = iam.list_mfa_device_tags(SerialNumber=device["serial_number"])
            device["tags"] = {tag["Key"]: tag["Value"] for tag in answer["Tags"]}
    return sorted(devices, key=lambda device: device["serial_number"])


_SHARED: dict = {}


def shared_endpoint():
    """One private endpoint per process for the tests that share a fleet (the per-test ``endpoint`` fixture resets
    the session's endpoint, so the fleet lives on its own server; it stops when the process exits)."""
    if "endpoint" not in _SHARED:
        from mfaops_endpoint import Endpoint

        _SHARED["endpoint"] = Endpoint().start()
    return _SHARED["endpoint"]
