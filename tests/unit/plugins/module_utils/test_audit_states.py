"""module_utils/_audit/states: which state of an account counts, and which accounts the summary counts as audited,
with plain dicts."""

from datetime import datetime

import pytest

from ansible_collections.mfaops.iam.plugins.module_utils._audit.findings import build_report
from ansible_collections.mfaops.iam.plugins.module_utils._audit.organization import organization_summary
from ansible_collections.mfaops.iam.plugins.module_utils._audit.states import NO_STATE
from ansible_collections.mfaops.iam.plugins.module_utils._audit.states import audited_state
from ansible_collections.mfaops.iam.plugins.module_utils._audit.states import compact
from ansible_collections.mfaops.iam.plugins.module_utils._audit.states import newest
from ansible_collections.mfaops.iam.plugins.module_utils._audit.states import not_audited_state
from ansible_collections.mfaops.iam.plugins.module_utils._audit.states import state_problem
from ansible_collections.mfaops.iam.plugins.module_utils._audit.states import summary_inputs

NOW = datetime(2026, 11, 28, 12, 0, 0)


def _report(users_without_mfa, when="2026-11-28T11:00:00Z"):
    users = [
        {"user_name": "u%d" % n, "arn": "arn:aws:iam::1:user/u%d" % n, "path": "/", "has_mfa": False}
        for n in range(users_without_mfa)
    ]
    return build_report({"users": users, "root": None}, {"virtual_mfa_devices": []}, {}, {}, when)


def _audited(key, users_without_mfa=1, when="2026-11-28T11:00:00Z", host=None):
    return audited_state(key, {"id": key, "host": host or "h" + key, "name": None}, _report(users_without_mfa, when))


def test_compact_keeps_the_counts_and_drops_the_findings():
    report = _report(3)
    assert compact(report) == {
        key: report[key] for key in ("report_version", "generated_at", "totals", "summary", "failing")
    }
    assert state_problem(_audited("111111111111")) is None


def test_the_newest_state_of_an_account_counts_and_broken_states_are_left_out():
    old = _audited("111111111111", 1, "2026-11-27T11:00:00Z")
    new = _audited("111111111111", 2, "2026-11-28T11:00:00Z")
    failed = not_audited_state("222222222222", {"id": "222222222222"}, "AccessDenied", "2026-11-28T10:00:00Z")
    lying = _audited("333333333333", 1)
    lying["report"]["summary"]["users_without_mfa"] = "many"
    chosen = newest({"a": new, "b": failed}, {"c": old, "d": lying, "e": "text", "f": {"key": "x"}})
    assert chosen == {"111111111111": new, "222222222222": failed}


def test_expected_accounts_without_a_state_are_not_audited_with_what_the_play_knows():
    states = newest({"a": _audited("111111111111")})
    expected = [
        {"key": "111111111111", "host": "prod"},
        {"key": "222222222222", "host": "dev", "name": "Dev"},
        {"key": "333333333333", "host": "test"},
    ]
    reports, not_audited, labels = summary_inputs(states, expected, {"333333333333": "failed in a pre-task"}, now=NOW)
    assert list(reports) == ["111111111111"]
    assert not_audited == {"222222222222": NO_STATE, "333333333333": "failed in a pre-task"}
    assert labels["222222222222"] == {"host": "dev", "name": "Dev"}
    assert labels["111111111111"] == {"host": "h111111111111"}  # the state's own account wins over the expected entry


def test_a_state_of_the_account_overrides_the_plays_reason_and_a_failed_state_gives_its_own():
    states = newest(
        {"a": not_audited_state("111111111111", {}, "Unable to assume role (AccessDenied)", "2026-11-28T11:00:00Z")}
    )
    _reports, not_audited, _labels = summary_inputs(
        states, [{"key": "111111111111"}], {"111111111111": "other"}, now=NOW
    )
    assert not_audited == {"111111111111": "Unable to assume role (AccessDenied)"}


def test_without_expected_accounts_every_state_counts_and_unexpected_states_are_ignored_otherwise():
    states = newest({"a": _audited("111111111111"), "b": _audited("222222222222")})
    assert sorted(summary_inputs(states, None, now=NOW)[0]) == ["111111111111", "222222222222"]
    assert sorted(summary_inputs(states, [{"key": "222222222222"}], now=NOW)[0]) == ["222222222222"]


@pytest.mark.parametrize("max_age, audited", [(None, True), (24, True), (0.5, False)])
def test_a_state_older_than_max_age_counts_as_not_audited(max_age, audited):
    states = newest({"a": _audited("111111111111", when="2026-11-28T10:00:00Z")})
    reports, not_audited, _labels = summary_inputs(states, None, max_age_hours=max_age, now=NOW)
    assert bool(reports) is audited
    if not audited:
        assert "older than 0.5 hours" in not_audited["111111111111"]


def test_two_hosts_of_one_account_count_once_and_the_summary_adds_up_states():
    states = newest({"a": _audited("111111111111", 2), "b": _audited("222222222222", 3)})
    expected = [{"key": "111111111111"}, {"key": "111111111111"}, {"key": "222222222222"}, {"key": "444444444444"}]
    summary = organization_summary(
        *summary_inputs(states, expected, now=NOW)[:2],
        now="2026-11-28T12:00:00Z",
        labels=summary_inputs(states, expected, now=NOW)[2]
    )
    assert summary["accounts"] == {"total": 3, "audited": 2, "not_audited": 1, "with_findings": 2, "failing": 0}
    assert summary["by_kind"]["users_without_mfa"] == 5
    assert [entry["host"] for entry in summary["per_account"]] == ["h111111111111", "h222222222222"]
