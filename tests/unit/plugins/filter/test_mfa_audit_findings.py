"""The filter mfaops.iam.mfa_audit_findings: build_report's report, errors as filter errors.

The role_mfa_audit integration target calls it by its collection name.
"""

import re

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.mfaops.iam.plugins.filter.mfa_audit_findings import FilterModule
from ansible_collections.mfaops.iam.plugins.filter.mfa_audit_findings import mfa_audit_findings
from ansible_collections.mfaops.iam.plugins.module_utils._audit.findings import build_report

USERS = {"users": [{"user_name": "nomfa", "path": "/", "password_enabled": True, "has_mfa": False, "mfa_devices": []}],
         "root": {"mfa_enabled": False, "virtual_mfa_serial_number": None}}
DEVICES = {"virtual_mfa_devices": []}


def test_the_filter_is_build_report():
    now = "2026-11-24T12:00:00Z"
    settings = {"fail_on_findings": ["root_without_mfa"], "user_name_pattern": None}
    assert FilterModule().filters() == {"mfa_audit_findings": mfa_audit_findings}
    assert mfa_audit_findings(USERS, DEVICES, settings, None, now) == build_report(USERS, DEVICES, settings, {}, now)


def test_without_now_the_report_is_stamped_with_the_current_utc_time():
    report = mfa_audit_findings(USERS, DEVICES)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", report["generated_at"])
    assert report["failing"] == {}


@pytest.mark.parametrize("settings, message", [
    ({"fail_on_findings": ["nope"]}, "unknown finding kinds nope"),
    ({"user_name_pattern": "("}, "not a valid Python regular expression"),
    ({"colour": "blue"}, "unknown settings: colour"),
])
def test_bad_settings_are_filter_errors(settings, message):
    with pytest.raises(AnsibleFilterError, match="mfa_audit_findings: .*" + message):
        mfa_audit_findings(USERS, DEVICES, settings)
