"""organization_summary and the filter mfa_audit_organization_summary, with plain dicts: per-account reports from
build_report on random accounts, added up; the summary equals the sum of the reports, to the device."""

import copy
import random

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.mfaops.iam.plugins.filter.mfa_audit_organization_summary import FilterModule
from ansible_collections.mfaops.iam.plugins.filter.mfa_audit_organization_summary import mfa_audit_organization_summary
from ansible_collections.mfaops.iam.plugins.module_utils._audit.findings import KINDS
from ansible_collections.mfaops.iam.plugins.module_utils._audit.findings import build_report
from ansible_collections.mfaops.iam.plugins.module_utils._audit.organization import organization_summary

NOW = "2026-11-28T12:00:00Z"
SETTINGS = {"required_tags": ["owner"], "user_name_pattern": "[a-z]+", "fail_on_findings": ["root_without_mfa", "orphaned_devices"]}


def _account_report(rng, account):
    """build_report of a random account: users with and without MFA or a password, devices assigned or not, with or
    without the owner tag, root with or without (virtual) MFA."""
    users, devices = [], []
    for index in range(rng.randint(0, 30)):
        name = "user%d%s" % (index, rng.choice(["", "X"]))
        has_mfa = rng.random() < 0.6
        users.append({"user_name": name, "arn": "arn:aws:iam::%s:user/%s" % (account, name), "path": "/",
                      "password_enabled": rng.random() < 0.5, "has_mfa": has_mfa})
        if has_mfa and rng.random() < 0.8:
            devices.append({"serial_number": "arn:aws:iam::%s:mfa/%s" % (account, name), "user_name": name,
                            "user_arn": users[-1]["arn"], "path": "/",
                            "tags": {"owner": "x"} if rng.random() < 0.7 else {}})
    for index in range(rng.randint(0, 4)):
        devices.append({"serial_number": "arn:aws:iam::%s:mfa/orphan%d" % (account, index), "user_name": None,
                        "user_arn": None, "path": "/", "tags": {}})
    root = rng.choice([{"mfa_enabled": True, "virtual_mfa_serial_number": None},
                       {"mfa_enabled": False, "virtual_mfa_serial_number": None},
                       {"mfa_enabled": True, "virtual_mfa_serial_number": "arn:aws:iam::%s:mfa/root-account-mfa-device" % account}])
    return build_report({"users": users, "root": root}, {"virtual_mfa_devices": devices}, SETTINGS, {}, NOW)


@pytest.fixture
def reports():
    rng = random.Random(20261128)
    return {"%012d" % (100000000000 + index): _account_report(rng, "%012d" % (100000000000 + index)) for index in range(25)}


def test_summary_is_the_sum_of_the_reports_to_the_device(reports):
    not_audited = {"999999999999": "AccessDenied: not authorized to perform sts:AssumeRole", "888888888888": "role missing"}
    summary = organization_summary(reports, not_audited, now=NOW)
    assert summary["generated_at"] == NOW
    assert summary["accounts"] == {
        "total": 27, "audited": 25, "not_audited": 2,
        "with_findings": sum(1 for r in reports.values() if r["totals"]["findings"]),
        "failing": sum(1 for r in reports.values() if r["failing"]),
    }
    assert list(summary["by_kind"]) == list(KINDS)
    for kind in KINDS:
        # counted from the finding lists themselves, device by device
        assert summary["by_kind"][kind] == sum(len(r["findings"][kind]) for r in reports.values())
    for name in ("users", "virtual_mfa_devices", "findings"):
        assert summary["totals"][name] == sum(r["totals"][name] for r in reports.values())
    assert summary["totals"]["findings"] == sum(summary["by_kind"].values())
    assert summary["failing_by_kind"] == {
        kind: sum(r["failing"].get(kind, 0) for r in reports.values())
        for kind in ("orphaned_devices", "root_without_mfa") if any(r["failing"].get(kind) for r in reports.values())}
    assert [entry["account"] for entry in summary["per_account"]] == sorted(reports)
    for entry in summary["per_account"]:
        report = reports[entry["account"]]
        assert entry["summary"] == report["summary"]
        assert entry["totals"] == report["totals"]
        assert entry["failing"] == report["failing"]
        assert (entry["report_version"], entry["generated_at"]) == (report["report_version"], NOW)
    assert summary["not_audited"] == [{"account": "888888888888", "reason": "role missing"},
                                      {"account": "999999999999", "reason": not_audited["999999999999"]}]
    # a meaningful organization: findings of several kinds in several accounts
    assert summary["accounts"]["with_findings"] > 10 and sum(1 for count in summary["by_kind"].values() if count) >= 5


def test_lists_are_the_same_as_dicts(reports):
    as_list = [{"account": account, "report": report} for account, report in reversed(list(reports.items()))]
    failed = [{"account": "999999999999", "reason": "denied"}]
    assert organization_summary(as_list, failed, NOW) == organization_summary(reports, {"999999999999": "denied"}, NOW)


def test_nothing_audited():
    summary = organization_summary({}, {"111111111111": "denied"}, NOW)
    assert summary["accounts"] == {"total": 1, "audited": 0, "not_audited": 1, "with_findings": 0, "failing": 0}
    assert summary["totals"] == {"users": 0, "virtual_mfa_devices": 0, "findings": 0}
    assert set(summary["by_kind"].values()) == {0} and summary["failing_by_kind"] == {}


def test_a_newer_kind_is_summed_after_the_known_ones(reports):
    account, report = next(iter(reports.items()))
    newer = copy.deepcopy(report)
    newer["summary"]["access_keys_of_users_without_mfa"] = 2
    newer["findings"]["access_keys_of_users_without_mfa"] = [{}, {}]
    newer["totals"]["findings"] += 2
    summary = organization_summary(dict(reports, **{account: newer}), None, NOW)
    assert list(summary["by_kind"])[-1] == "access_keys_of_users_without_mfa"
    assert summary["by_kind"]["access_keys_of_users_without_mfa"] == 2
    assert all(entry["summary"]["access_keys_of_users_without_mfa"] == (2 if entry["account"] == account else 0)
               for entry in summary["per_account"])


def _tampered(reports, change):
    account = sorted(reports)[0]
    report = copy.deepcopy(reports[account])
    change(report)
    return dict(reports, **{account: report}), account


@pytest.mark.parametrize("change, message", [
    (lambda r: r["summary"].update(users_without_mfa=r["summary"]["users_without_mfa"] + 1), "counts .* users_without_mfa but lists"),
    (lambda r: r["totals"].update(findings=r["totals"]["findings"] + 1), "totals .* findings but its summary adds up to"),
    (lambda r: r.pop("summary"), "has no summary or totals"),
])
def test_an_inconsistent_report_is_an_error_naming_the_account(reports, change, message):
    tampered, account = _tampered(reports, change)
    with pytest.raises(ValueError, match="report of %s %s" % (account, message)):
        organization_summary(tampered, None, NOW)


@pytest.mark.parametrize("audited, failed, message", [
    ([{"account": "1", "report": {}}, {"account": "1", "report": {}}], None, "listed twice"),
    ({"1": {}}, {"1": "denied"}, "both audited and not audited"),
    ("reports", None, "must be a dictionary"),
    ([{"report": {}}], None, r"reports\[0\] must be a dictionary with account and report"),
])
def test_bad_input(audited, failed, message):
    with pytest.raises(ValueError, match=message):
        organization_summary(audited, failed, NOW)


def test_the_filter(reports):
    assert FilterModule().filters() == {"mfa_audit_organization_summary": mfa_audit_organization_summary}
    assert mfa_audit_organization_summary(reports, None, NOW) == organization_summary(reports, None, NOW)
    assert mfa_audit_organization_summary(reports)["generated_at"]
    with pytest.raises(AnsibleFilterError, match="mfa_audit_organization_summary: .*has no summary"):
        mfa_audit_organization_summary({"1": {"totals": {}}})
