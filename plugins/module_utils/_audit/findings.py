# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The findings of the mfa_audit role, computed from what iam_user_mfa_info and iam_virtual_mfa_info return.

``build_report`` is the whole decision: the role only renders its result (JSON and Markdown) and fails the play on
``report["failing"]``.  Plain dicts in, a plain dict out, so the unit tests need no endpoint.
"""

import re

from .._common.stamps import stamp
from .ages import first_seen_by_serial
from .ages import orphan_entry
from .fail_on import fail_on_kinds
from .fail_on import failing

REPORT_VERSION = 2

# Every finding kind, in the report's order.  The first four are those of report version 1, unchanged.
KINDS = (
    "users_without_mfa",
    "orphaned_devices",
    "devices_missing_tags",
    "devices_of_users_not_matching_pattern",
    "console_users_without_mfa",
    "root_without_mfa",
    "root_with_virtual_mfa",
)

# The AWS Security Hub controls (CIS AWS Foundations Benchmark checks) a kind corresponds to.
CONTROLS = {
    "users_without_mfa": ["IAM.19"],
    "console_users_without_mfa": ["IAM.5"],
    "root_without_mfa": ["IAM.9"],
    "root_with_virtual_mfa": ["IAM.6"],
}

DEFAULT_SETTINGS = {
    "required_tags": [],
    "user_name_pattern": None,
    "exempt_users": [],
    "user_path_prefix": "/",
    "device_path_prefix": "/",
    "created_tag": "mfaops:created",
    "fail_on_findings": False,
}


def _has_mfa(user):
    return bool(user.get("has_mfa", user.get("mfa_devices")))


def _user_entry(user):
    return {
        "user_name": user["user_name"],
        "arn": user.get("arn"),
        "path": user.get("path"),
        "create_date": user.get("create_date"),
        "console_access": bool(user.get("password_enabled")),
        "password_last_used": user.get("password_last_used"),
    }


def user_findings(users, exempt):
    """(users_without_mfa, console_users_without_mfa): audited users holding no MFA device of any kind; the second
    list is those of them with a console password (they are in both)."""
    no_mfa = [_user_entry(user) for user in users if user["user_name"] not in exempt and not _has_mfa(user)]
    return no_mfa, [entry for entry in no_mfa if entry["console_access"]]


def root_findings(root):
    """(root_without_mfa, root_with_virtual_mfa); both empty when the root user was not audited (``root`` None)."""
    if not root:
        return [], []
    serial = root.get("virtual_mfa_serial_number")
    if serial:
        return [], [{"user": "root", "serial_number": serial}]
    if not root.get("mfa_enabled"):
        return [{"user": "root", "mfa_enabled": False}], []
    return [], []


def device_findings(devices, in_scope, settings, previous, generated):
    """(orphaned_devices, devices_missing_tags, devices_of_users_not_matching_pattern)."""
    seen = first_seen_by_serial(previous)
    orphans = [orphan_entry(d, settings["created_tag"], seen, generated) for d in devices if not d.get("user_arn")]
    untagged = []
    for device in devices:
        missing = sorted(set(settings["required_tags"]) - set(device.get("tags") or {}))
        if missing:
            untagged.append({"serial_number": device["serial_number"], "user_name": device.get("user_name"), "missing_tags": missing})
    misnamed = []
    pattern = settings["user_name_pattern"]
    if pattern:
        rule = _compile(pattern)
        misnamed = [
            {"serial_number": d["serial_number"], "user_name": d["user_name"], "enable_date": d.get("enable_date")}
            for d in devices
            if d.get("user_name") in in_scope and d["user_name"] not in settings["exempt_users"] and not rule.fullmatch(d["user_name"])
        ]
    return orphans, untagged, misnamed


def _compile(pattern):
    try:
        return re.compile(pattern)
    except re.error as e:
        raise ValueError("user_name_pattern %r is not a valid Python regular expression: %s" % (pattern, e)) from None


def _settings(settings):
    merged = dict(DEFAULT_SETTINGS)
    merged.update((key, value) for key, value in (settings or {}).items() if value is not None)
    unknown = sorted(set(merged) - set(DEFAULT_SETTINGS))
    if unknown:
        raise ValueError("unknown settings: %s" % ", ".join(unknown))
    merged["required_tags"] = sorted(set(merged["required_tags"]), key=str.lower)
    merged["exempt_users"] = sorted(set(merged["exempt_users"]), key=str.lower)
    merged["created_tag"] = merged["created_tag"] or ""
    merged["fail_on_findings"] = fail_on_kinds(merged["fail_on_findings"], KINDS)
    return merged


def build_report(users_result, devices_result, settings=None, previous=None, now=None):
    """The audit report: ``users_result`` is iam_user_mfa_info's result (``users``, ``root``), ``devices_result``
    iam_virtual_mfa_info's (``virtual_mfa_devices``, with tags), ``previous`` the last JSON report (or {}), ``now``
    a UTC datetime or ``YYYY-MM-DDTHH:MM:SSZ`` (default: the current time)."""
    settings = _settings(settings)
    generated = stamp(now)
    # Sorted ignoring case, as report version 1 (Jinja's sort filter) sorted them.
    users = sorted(
        (u for u in users_result["users"] if (u.get("path") or "/").startswith(settings["user_path_prefix"])),
        key=lambda user: user["user_name"].lower())
    devices = sorted(
        (d for d in devices_result["virtual_mfa_devices"] if (d.get("path") or "/").startswith(settings["device_path_prefix"])),
        key=lambda device: device["serial_number"].lower())
    in_scope = {user["user_name"] for user in users}

    no_mfa, console_no_mfa = user_findings(users, settings["exempt_users"])
    orphans, untagged, misnamed = device_findings(devices, in_scope, settings, previous, generated)
    root_none, root_virtual = root_findings(users_result.get("root"))
    findings = dict(zip(KINDS, (no_mfa, orphans, untagged, misnamed, console_no_mfa, root_none, root_virtual)))
    summary = {kind: len(entries) for kind, entries in findings.items()}
    return {
        "report_version": REPORT_VERSION,
        "generated_at": generated,
        "settings": settings,
        "totals": {"users": len(users), "virtual_mfa_devices": len(devices), "findings": sum(summary.values())},
        "root": users_result.get("root"),
        "controls": CONTROLS,
        "summary": summary,
        "failing": failing(summary, settings["fail_on_findings"]),
        "findings": findings,
    }
