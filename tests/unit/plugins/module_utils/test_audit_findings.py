"""_audit.findings.build_report on plain dicts: every finding kind, scope, exemptions, root, the summary and what fails."""

import pytest

from ansible_collections.mfaops.iam.plugins.module_utils._audit.findings import KINDS
from ansible_collections.mfaops.iam.plugins.module_utils._audit.findings import build_report

NOW = "2026-11-24T12:00:00Z"
ARN = "arn:aws:iam::123456789012"


def user(name, path="/", password=False, devices=(), complete=True):
    """A user as iam_user_mfa_info returns it; ``devices`` are serial numbers (kind from their form)."""
    kinds = {"mfa/": "virtual", "u2f/": "fido"}
    return {
        "user_name": name, "user_id": "AIDA" + name.upper(), "arn": "%s:user%s%s" % (ARN, path, name), "path": path,
        "create_date": "2026-01-01T00:00:00+00:00", "password_last_used": None,
        "password_enabled": password, "has_mfa": bool(devices), "mfa_devices_complete": complete,
        "mfa_devices": [
            {"serial_number": s, "enable_date": "2026-02-01T00:00:00+00:00",
             "kind": next((k for marker, k in kinds.items() if marker in s), "hardware")} for s in devices],
    }


def device(name, path="/", user_name=None, tags=None, root=False):
    """A virtual device as iam_virtual_mfa_info returns it."""
    holder_arn = "%s:root" % ARN if root else ("%s:user/%s" % (ARN, user_name) if user_name else None)
    return {
        "serial_number": "%s:mfa%s%s" % (ARN, path, name), "name": name, "path": path, "user_name": user_name,
        "user_arn": holder_arn, "user_id": user_name and "AIDA" + user_name.upper(),
        "enable_date": "2026-02-01T00:00:00+00:00" if holder_arn else None, "tags": dict(tags or {}),
    }


def report(users=(), devices=(), root=None, previous=None, **settings):
    root = {"mfa_enabled": True, "virtual_mfa_serial_number": None} if root is None else root
    return build_report({"users": list(users), "root": root}, {"virtual_mfa_devices": list(devices)},
                        settings, previous or {}, NOW)


def names(entries):
    return [entry["user_name"] for entry in entries]


# ------------------------------------------------------------------------------------------------ users
def test_every_kind_of_device_counts_as_mfa_and_api_only_users_without_any_are_findings():
    result = report([
        user("virtual", devices=["%s:mfa/virtual" % ARN]),
        user("fido", devices=["%s:u2f/user/fido/key-ABC" % ARN]),
        user("hardware", devices=["GAHT12345678"]),
        user("api-only"),
        user("console", password=True),
    ])
    f = result["findings"]
    assert names(f["users_without_mfa"]) == ["api-only", "console"]
    assert names(f["console_users_without_mfa"]) == ["console"]
    assert f["console_users_without_mfa"][0] == {
        "user_name": "console", "arn": ARN + ":user/console", "path": "/", "create_date": "2026-01-01T00:00:00+00:00",
        "console_access": True, "password_last_used": None}
    assert [entry["console_access"] for entry in f["users_without_mfa"]] == [False, True]


def test_a_user_known_only_by_its_virtual_device_has_mfa_whatever_its_password():
    # devices_of=users_without_virtual_mfa, password_of=users_without_mfa: password unknown (None), list incomplete
    holder = dict(user("holder", devices=["%s:mfa/holder" % ARN], complete=False), password_enabled=None)
    assert report([holder])["summary"]["users_without_mfa"] == 0


def test_exempt_users_are_left_out_of_both_user_kinds():
    result = report([user("break-glass", password=True), user("ci-bot"), user("alice", password=True)],
                    exempt_users=["ci-bot", "break-glass"])
    assert names(result["findings"]["users_without_mfa"]) == ["alice"]
    assert names(result["findings"]["console_users_without_mfa"]) == ["alice"]
    assert result["settings"]["exempt_users"] == ["break-glass", "ci-bot"]


def test_users_outside_the_path_prefix_are_not_audited_and_not_counted():
    result = report([user("in", path="/people/"), user("out", path="/svc/"), user("deeper", path="/people/ops/")],
                    user_path_prefix="/people/")
    assert names(result["findings"]["users_without_mfa"]) == ["deeper", "in"]
    assert result["totals"]["users"] == 2


def test_users_are_sorted_by_name_whatever_the_input_order():
    result = report([user("b"), user("c"), user("a")])
    assert names(result["findings"]["users_without_mfa"]) == ["a", "b", "c"]


# ------------------------------------------------------------------------------------------------ root
@pytest.mark.parametrize("root, without, virtual", [
    ({"mfa_enabled": False, "virtual_mfa_serial_number": None}, 1, 0),
    ({"mfa_enabled": True, "virtual_mfa_serial_number": ARN + ":mfa/root-account-mfa-device"}, 0, 1),
    ({"mfa_enabled": True, "virtual_mfa_serial_number": ARN + ":mfa/anything"}, 0, 1),
    ({"mfa_enabled": True, "virtual_mfa_serial_number": None}, 0, 0),  # hardware (or FIDO): IAM.6 is satisfied
])
def test_root_without_mfa_and_root_with_a_virtual_device(root, without, virtual):
    result = report(root=root)
    assert result["summary"]["root_without_mfa"] == without
    assert result["summary"]["root_with_virtual_mfa"] == virtual
    assert result["root"] == root
    if virtual:
        assert result["findings"]["root_with_virtual_mfa"] == [{"user": "root", "serial_number": root["virtual_mfa_serial_number"]}]
    if without:
        assert result["findings"]["root_without_mfa"] == [{"user": "root", "mfa_enabled": False}]


def test_root_not_audited_gives_no_root_finding():
    result = build_report({"users": [], "root": None}, {"virtual_mfa_devices": []}, {}, {}, NOW)
    assert result["summary"]["root_without_mfa"] == result["summary"]["root_with_virtual_mfa"] == 0
    assert result["root"] is None


def test_the_root_device_is_never_an_orphan_nor_subject_to_the_naming_rule():
    root_device = device("root-account-mfa-device", root=True)
    result = report(devices=[root_device], root={"mfa_enabled": True, "virtual_mfa_serial_number": root_device["serial_number"]},
                    user_name_pattern="[a-z]+\\.[a-z]+")
    assert result["summary"]["orphaned_devices"] == 0
    assert result["summary"]["devices_of_users_not_matching_pattern"] == 0


# ------------------------------------------------------------------------------------------------ devices
def test_orphans_age_from_the_creation_tag_or_from_first_seen():
    devices = [
        device("stamp", tags={"mfaops:created": "2026-11-20T13:00:00Z"}),
        device("date", tags={"mfaops:created": "2026-11-14"}),
        device("bad", tags={"mfaops:created": "last week"}),
        device("impossible", tags={"mfaops:created": "2026-13-45"}),
        device("seen"),
        device("new"),
        device("held", user_name="alice"),
    ]
    previous = {"findings": {"orphaned_devices": [
        {"serial_number": ARN + ":mfa/seen", "first_seen": "2026-11-01T12:00:01Z"},
        {"serial_number": ARN + ":mfa/new", "first_seen": "garbage"},
        {"serial_number": ARN + ":mfa/held", "first_seen": "2020-01-01T00:00:00Z"},
    ]}}
    orphans = {o["name"]: o for o in report(devices=devices, previous=previous)["findings"]["orphaned_devices"]}
    assert sorted(orphans) == ["bad", "date", "impossible", "new", "seen", "stamp"]
    assert (orphans["stamp"]["age_days"], orphans["stamp"]["age_source"]) == (3, "created_tag")
    assert (orphans["date"]["age_days"], orphans["date"]["age_source"]) == (10, "created_tag")
    assert orphans["stamp"]["created"] == "2026-11-20T13:00:00Z"
    for name in ("bad", "impossible"):
        assert (orphans[name]["age_source"], orphans[name]["first_seen"], orphans[name]["age_days"]) == ("first_seen", NOW, 0)
    assert (orphans["bad"]["created"], orphans["impossible"]["created"]) == ("last week", "2026-13-45")
    assert (orphans["seen"]["first_seen"], orphans["seen"]["age_days"]) == ("2026-11-01T12:00:01Z", 22)
    assert (orphans["new"]["first_seen"], orphans["new"]["age_days"]) == (NOW, 0)
    assert orphans["new"]["created"] is None and orphans["new"]["tags"] == {}


def test_a_creation_tag_in_the_future_gives_age_zero_and_an_empty_created_tag_setting_ignores_tags():
    future = device("future", tags={"mfaops:created": "2030-01-01"})
    assert report(devices=[future])["findings"]["orphaned_devices"][0]["age_days"] == 0
    ignored = report(devices=[future], created_tag="")["findings"]["orphaned_devices"][0]
    assert (ignored["age_source"], ignored["created"]) == ("first_seen", None)


def test_devices_missing_tags_assigned_or_not_with_the_missing_keys_sorted():
    devices = [device("ok", user_name="a", tags={"team": "x", "owner": "y"}), device("half", user_name="b", tags={"owner": "y"}),
               device("bare")]
    result = report(devices=devices, required_tags=["team", "owner", "team"])
    assert result["findings"]["devices_missing_tags"] == [
        {"serial_number": ARN + ":mfa/bare", "user_name": None, "missing_tags": ["owner", "team"]},
        {"serial_number": ARN + ":mfa/half", "user_name": "b", "missing_tags": ["team"]},
    ]
    assert result["settings"]["required_tags"] == ["owner", "team"]
    assert report(devices=devices)["summary"]["devices_missing_tags"] == 0


def test_naming_rule_matches_entirely_and_applies_to_audited_not_exempt_holders_only():
    users = [user(n, devices=["%s:mfa/%s" % (ARN, n)]) for n in ("alice.smith", "Bob", "alice.smith2x", "exempt")]
    devices = [device(n, user_name=n) for n in ("alice.smith", "Bob", "alice.smith2x", "exempt", "outsider")]
    result = report(users, devices, user_name_pattern="[a-z]+\\.[a-z]+", exempt_users=["exempt"])
    misnamed = result["findings"]["devices_of_users_not_matching_pattern"]
    assert [entry["user_name"] for entry in misnamed] == ["alice.smith2x", "Bob"]  # sorted ignoring case, as in v1
    assert misnamed[1] == {"serial_number": ARN + ":mfa/Bob", "user_name": "Bob", "enable_date": "2026-02-01T00:00:00+00:00"}
    assert report(users, devices)["summary"]["devices_of_users_not_matching_pattern"] == 0


def test_devices_outside_the_device_path_prefix_are_not_audited_but_their_users_still_have_mfa():
    users = [user("alice", devices=[ARN + ":mfa/other/alice"])]
    devices = [device("alice", path="/other/", user_name="alice"), device("orphan", path="/mfa/")]
    result = report(users, devices, device_path_prefix="/mfa/")
    assert result["totals"]["virtual_mfa_devices"] == 1
    assert result["summary"]["users_without_mfa"] == 0
    assert [o["name"] for o in result["findings"]["orphaned_devices"]] == ["orphan"]


def test_a_bad_naming_rule_is_an_error_naming_it():
    with pytest.raises(ValueError, match="user_name_pattern '\\[' is not a valid"):
        report([user("a", devices=["x"])], [device("a", user_name="a")], user_name_pattern="[")


# ------------------------------------------------------------------------------------------------ report shape
def test_report_keys_of_version_1_are_kept_and_totals_count_every_kind():
    result = report([user("nomfa", password=True)], [device("orphan")], root={"mfa_enabled": False, "virtual_mfa_serial_number": None})
    assert {"report_version", "generated_at", "settings", "totals", "summary", "findings"} <= set(result)
    assert result["report_version"] == 2 and result["generated_at"] == NOW
    assert set(result["findings"]) == set(result["summary"]) == set(KINDS)
    assert {"users_without_mfa", "orphaned_devices", "devices_missing_tags", "devices_of_users_not_matching_pattern"} <= set(KINDS)
    assert result["totals"] == {"users": 1, "virtual_mfa_devices": 1, "findings": 4}
    assert result["summary"] == {
        "users_without_mfa": 1, "console_users_without_mfa": 1, "root_without_mfa": 1, "root_with_virtual_mfa": 0,
        "orphaned_devices": 1, "devices_missing_tags": 0, "devices_of_users_not_matching_pattern": 0}
    assert result["controls"]["console_users_without_mfa"] == ["IAM.5"]
    assert result["settings"] == {
        "required_tags": [], "user_name_pattern": None, "exempt_users": [], "user_path_prefix": "/",
        "device_path_prefix": "/", "created_tag": "mfaops:created", "fail_on_findings": []}


@pytest.mark.parametrize("fail_on, failing", [
    (False, {}),
    (None, {}),
    ([], {}),
    (True, {"users_without_mfa": 1, "console_users_without_mfa": 1, "root_without_mfa": 1, "orphaned_devices": 1}),
    ("yes", {"users_without_mfa": 1, "console_users_without_mfa": 1, "root_without_mfa": 1, "orphaned_devices": 1}),
    (["root_without_mfa", "root_with_virtual_mfa"], {"root_without_mfa": 1}),
    ("console_users_without_mfa", {"console_users_without_mfa": 1}),
    (["devices_missing_tags"], {}),
])
def test_fail_on_findings_selects_the_kinds_that_fail(fail_on, failing):
    result = report([user("nomfa", password=True)], [device("orphan")],
                    root={"mfa_enabled": False, "virtual_mfa_serial_number": None}, fail_on_findings=fail_on)
    assert result["failing"] == failing


def test_an_unknown_kind_in_fail_on_findings_is_an_error_listing_the_kinds():
    with pytest.raises(ValueError, match="unknown finding kinds users_without_mfaa; the kinds are users_without_mfa, "):
        report(fail_on_findings=["users_without_mfaa"])


def test_now_as_an_aware_datetime_is_converted_to_utc():
    from datetime import datetime, timedelta, timezone

    moment = datetime(2026, 11, 24, 14, 0, 0, tzinfo=timezone(timedelta(hours=2)))
    result = build_report({"users": [], "root": None}, {"virtual_mfa_devices": []}, {}, {}, moment)
    assert result["generated_at"] == NOW
