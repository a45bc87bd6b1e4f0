# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How old an unassigned (orphaned) virtual MFA device is, for the mfa_audit report.

IAM records no creation date for virtual MFA devices.  The age counts from the device's creation tag when it holds
``YYYY-MM-DDTHH:MM:SSZ`` (UTC) or ``YYYY-MM-DD``, otherwise from when the audit first saw the device unassigned,
carried over from the previous report (a lower bound, 0 the first time).  Times are naive UTC datetimes.
"""

import re
from datetime import datetime

from .._common import stamps

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_stamp(value):
    """A ``YYYY-MM-DDTHH:MM:SSZ`` string as a datetime, or None for anything else (impossible dates included)."""
    try:
        return stamps.parse_stamp(value).replace(tzinfo=None)
    except ValueError:
        return None


def parse_created(value):
    """A creation tag as a datetime: a UTC stamp, or a date (midnight); None if it is neither."""
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return datetime.strptime(value, "%Y-%m-%d")
        except ValueError:
            return None
    return parse_stamp(value)


def first_seen_by_serial(previous):
    """{serial number: first_seen} of the orphans of a previous report (any malformed part is ignored)."""
    findings = previous.get("findings") if isinstance(previous, dict) else None
    orphans = findings.get("orphaned_devices") if isinstance(findings, dict) else None
    seen = {}
    for orphan in orphans if isinstance(orphans, list) else []:
        if isinstance(orphan, dict) and "serial_number" in orphan and "first_seen" in orphan:
            seen[orphan["serial_number"]] = orphan["first_seen"]
    return seen


def orphan_entry(device, created_tag, previously_seen, generated):
    """The ``orphaned_devices`` entry of an unassigned device; ``generated`` is the report's UTC stamp."""
    created = device.get("tags", {}).get(created_tag) if created_tag else None
    created_at = parse_created(created)
    first_seen = previously_seen.get(device["serial_number"], generated)
    if parse_stamp(first_seen) is None:
        first_seen = generated
    since = created_at if created_at is not None else parse_stamp(first_seen)
    return {
        "serial_number": device["serial_number"],
        "name": device.get("name"),
        "path": device.get("path"),
        "tags": device.get("tags", {}),
        "created": created,
        "first_seen": first_seen,
        "age_days": max((parse_stamp(generated) - since).days, 0),
        "age_source": "created_tag" if created_at is not None else "first_seen",
    }
