# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the audit of one account reads, from either source, in the shape findings.build_report takes.

- ``listing``: the live, up-to-the-second path of iam_user_mfa_info and iam_virtual_mfa_info (their own code:
  _user_mfa.collect and _virtual_mfa.listing): the users, the devices of users holding no virtual device and the
  console password of users holding no MFA at all, one or two calls per such user.
- ``credential_report``: GenerateCredentialReport and GetCredentialReport give every user's ``password_enabled`` and
  ``mfa_active`` at once, and the root user's; ListVirtualMFADevices tells virtual devices from others and gives
  the unassigned devices, whose tags (and, with required tags, every device's) are then listed.  The calls do not
  grow with the users.  IAM makes a new report only when the last one is over four hours old, so its answers may be
  that old: ``source.credential_report_generated_at`` and ``source.credential_report_age_seconds`` say how old.

Each function returns (users_result, devices_result, source).
"""

import time
from datetime import datetime
from datetime import timezone

from .._common.stamps import stamp
from .._user_mfa import collect
from .._user_mfa.devices import is_root_arn
from .._virtual_mfa import listing
from .._virtual_mfa.errors import MFAError
from .._virtual_mfa.errors import MFAErrorHandler
from .credential_report import users_and_root

CREDENTIAL_REPORT = "credential_report"
LISTING = "listing"
SOURCES = (CREDENTIAL_REPORT, LISTING)
_DATE = "%Y-%m-%dT%H:%M:%S+00:00"


def second_precision(value):
    """An ISO 8601 UTC date as the credential report writes it (``2024-05-01T12:00:00+00:00``): the listing's
    dates carry fractions of a second on some endpoints, so both sources show the same text."""
    if not isinstance(value, str) or len(value) < 19:
        return value
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc)
    return parsed.strftime(_DATE)


def _dated(users):
    return [
        dict(
            user,
            create_date=second_precision(user.get("create_date")),
            password_last_used=second_precision(user.get("password_last_used")),
        )
        for user in users
    ]


def _in_prefix(device, prefix):
    return (device.get("path") or "/").startswith(prefix or "/")


def from_listing(client, settings, max_workers):
    """The live listing, as the mfa_audit role read it with its two modules."""
    params = dict(
        path_prefix=settings["user_path_prefix"],
        name=None,
        devices_of=collect.USERS_WITHOUT_VIRTUAL_MFA,
        password_of=collect.USERS_WITHOUT_MFA,
        include_root=True,
        max_concurrency=max_workers,
    )
    users, root = collect.collect(client, params)
    filters = dict(listing.EVERY_DEVICE, path_prefix=settings["device_path_prefix"])
    devices = listing.add_tags(client, listing.list_devices(client, filters), filters, max_workers)
    return {"users": _dated(users), "root": root}, {"virtual_mfa_devices": devices}, {"kind": LISTING}


@MFAErrorHandler.common_error_handler("generate the credential report")
def _generate(client):
    return client.generate_credential_report(aws_retry=True)["State"]


@MFAErrorHandler.common_error_handler("get the credential report")
def _get(client):
    return client.get_credential_report(aws_retry=True)


def read_credential_report(client, timeout=300, sleep=time.sleep):
    """GetCredentialReport's answer once GenerateCredentialReport says it is COMPLETE (polled with a growing pause,
    at most ``timeout`` seconds); MFAError naming the call otherwise."""
    delay, waited = 0.1, 0.0
    while _generate(client) != "COMPLETE":
        if waited >= timeout:
            raise MFAError(message="the credential report was not ready after %d seconds" % timeout)
        sleep(delay)
        waited += delay
        delay = min(delay * 2, 5.0)
    return _get(client)


def _age(generated, now):
    if not isinstance(generated, datetime):
        return None, None
    generated = generated.astimezone(timezone.utc) if generated.tzinfo else generated.replace(tzinfo=timezone.utc)
    return stamp(generated), max(int((now - generated).total_seconds()), 0)


def from_credential_report(client, settings, max_workers, timeout=300, now=None):
    """The credential report, and the virtual devices (tags of the unassigned ones, of all with required tags)."""
    answer = read_credential_report(client, timeout)
    users, root_mfa_active = users_and_root(answer["Content"])
    every = listing.list_devices(client, listing.EVERY_DEVICE)
    root_serials = sorted(device["serial_number"] for device in every if is_root_arn(device.get("user_arn")))
    devices = [device for device in every if _in_prefix(device, settings["device_path_prefix"])]
    needs_tags = [device for device in devices if settings["required_tags"] or not device.get("user_arn")]
    tagged = {
        device["serial_number"]: device
        for device in listing.add_tags(client, needs_tags, listing.EVERY_DEVICE, max_workers)
    }
    gone = {device["serial_number"] for device in needs_tags} - set(tagged)  # deleted since they were listed
    devices = [tagged.get(device["serial_number"], device) for device in devices if device["serial_number"] not in gone]

    holders = {
        device["user_name"] for device in every if device.get("user_name") and not is_root_arn(device.get("user_arn"))
    }
    for user in users:  # a virtual device enabled since the report was made is MFA too (the listing is live)
        user["has_mfa"] = user["has_mfa"] or user["user_name"] in holders
    root = collect.root_mfa(bool(root_mfa_active) or bool(root_serials), root_serials)
    generated_at, age = _age(answer.get("GeneratedTime"), now or datetime.now(timezone.utc))
    source = {
        "kind": CREDENTIAL_REPORT,
        "credential_report_generated_at": generated_at,
        "credential_report_age_seconds": age,
    }
    return {"users": _dated(users), "root": root}, {"virtual_mfa_devices": devices}, source


def read_account(client, source, settings, max_workers, timeout=300):
    """(users_result, devices_result, source) of the account through ``source``."""
    if source == LISTING:
        return from_listing(client, settings, max_workers)
    return from_credential_report(client, settings, max_workers, timeout)
