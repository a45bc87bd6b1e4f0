"""The filter mfaops.iam.virtual_mfa_plan (plugin_utils/_fleet_plan) on plain dicts: no endpoint, no AWS call.

The listings are in the shapes iam_user_mfa_info and iam_virtual_mfa_info return; the comparison with real
iam_virtual_mfa runs is tests/unit/plugins/action/test_virtual_mfa_plan_parity.py.
"""

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.mfaops.iam.plugins.filter.virtual_mfa_plan import FilterModule
from ansible_collections.mfaops.iam.plugins.filter.virtual_mfa_plan import virtual_mfa_plan
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.marker import MARKER_KEY

ACCOUNT = "123456789012"
NOW = "2026-11-28T12:00:00Z"
EARLIER = "2026-01-02T03:04:05Z"
SETTINGS = {"tags": {"owner": "security"}, "now": NOW}


def device(name, path="/", user=None, tags=None):
    return {
        "serial_number": "arn:aws:iam::%s:mfa%s%s" % (ACCOUNT, path, name), "name": name, "path": path,
        "user_name": user, "user_arn": "arn:aws:iam::%s:user/%s" % (ACCOUNT, user) if user else None,
        "user_id": "AIDA" + user.upper() if user else None,
        "enable_date": "2026-11-01T00:00:00+00:00" if user else None, "tags": dict(tags or {}),
    }


def users(*names):
    return {"users": [{"user_name": name, "path": "/", "has_mfa": None, "mfa_devices": []} for name in names],
            "root": None}


def devices(*listed):
    return {"changed": False, "virtual_mfa_devices": list(listed)}


def plan(entries, users_result, devices_result, settings=None):
    return virtual_mfa_plan(entries, users_result, devices_result, SETTINGS if settings is None else settings)


def one(entry, users_result, devices_result, settings=None):
    (result,) = plan([entry], users_result, devices_result, settings)
    return result


def public(listed):
    return {key: value for key, value in listed.items() if key != "user_id"}


CONVERGED = device("alice", user="alice", tags={"owner": "security", "mfaops:created": EARLIER})


def test_the_filter_is_registered():
    assert FilterModule().filters() == {"virtual_mfa_plan": virtual_mfa_plan}


# ---------------------------------------------------------------------------------------------------- onboarding
def test_a_converged_user_needs_no_run_and_shows_its_device():
    result = one({"name": "alice"}, users("alice"), devices(CONVERGED))

    assert result["run"] is False
    assert result["problem"] is None
    assert result["decision"] == {
        "changed": False, "create": False, "tags_to_set": {}, "tags_to_unset": [], "deactivate": None,
        "enable": None, "resync": None, "delete": False, "problem": None}
    assert result["device"] == result["device_after"] == public(CONVERGED)
    assert result["tags"] == {"owner": "security", "mfaops:created": EARLIER}
    assert (result["name"], result["state"], result["device_name"], result["path"], result["user_exists"]) == (
        "alice", "present", "alice", "/", True)
    assert result["deletions"] == []


def test_a_missing_device_is_created_with_the_creation_tag_and_enabled():
    result = one({"name": "alice", "tags": {"team": "payments"}}, users("alice"), devices())

    assert result["run"] is True
    assert result["decision"]["create"] is True
    assert result["decision"]["enable"] == "alice"
    assert result["tags"] == {"owner": "security", "team": "payments", "mfaops:created": NOW}
    assert result["device"] == result["device_after"] == {}


def test_without_now_the_creation_tag_is_the_current_utc_time():
    result = one({"name": "alice"}, users("alice"), devices(), {})
    assert result["tags"]["mfaops:created"][:2] == "20" and result["tags"]["mfaops:created"].endswith("Z")
    assert len(result["tags"]["mfaops:created"]) == len(NOW)


def test_wrong_tags_are_set_and_purged_keeping_the_creation_aws_and_provisioning_tags():
    listed = device("alice", user="alice", tags={
        "owner": "nobody", "stale": "x", "aws:cloudformation:stack-name": "s", MARKER_KEY: EARLIER,
        "mfaops:created": EARLIER})

    result = one({"name": "alice"}, users("alice"), devices(listed))

    assert result["run"] is True
    assert result["decision"]["tags_to_set"] == {"owner": "security"}
    assert result["decision"]["tags_to_unset"] == ["stale"]
    assert result["tags"] == {"owner": "security", "mfaops:created": EARLIER}


def test_purge_tags_false_only_adds():
    listed = device("alice", user="alice", tags={"owner": "security", "stale": "x"})
    result = one({"name": "alice"}, users("alice"), devices(listed), dict(SETTINGS, purge_tags=False))
    assert result["run"] is False
    assert result["decision"]["tags_to_unset"] == []


def test_an_entrys_tags_override_the_roles():
    listed = device("alice", user="alice", tags={"owner": "payments"})
    result = one({"name": "alice", "tags": {"owner": "payments"}}, users("alice"), devices(listed))
    assert result["run"] is False


def test_a_device_that_exists_without_a_creation_tag_is_not_given_one():
    listed = device("alice", user="alice", tags={"owner": "security"})
    result = one({"name": "alice"}, users("alice"), devices(listed))
    assert result["run"] is False
    assert "mfaops:created" not in result["tags"]


def test_no_creation_tag_when_the_setting_is_empty():
    result = one({"name": "alice"}, users("alice"), devices(), dict(SETTINGS, created_tag=""))
    assert result["tags"] == {"owner": "security"}


def test_a_device_enabled_for_nobody_is_to_be_enabled():
    listed = device("alice", tags={"owner": "security"})
    result = one({"name": "alice"}, users("alice"), devices(listed))
    assert result["run"] is True
    assert result["decision"]["enable"] == "alice"
    assert result["problem"] is None


def test_a_device_enabled_for_another_user_is_a_problem_the_module_reports():
    listed = device("alice", user="mallory", tags={"owner": "security"})
    result = one({"name": "alice"}, users("alice", "mallory"), devices(listed))
    assert result["run"] is True
    assert result["decision"]["changed"] is False
    assert "enabled for IAM user mallory, not alice" in result["problem"]
    assert result["problem"] == result["decision"]["problem"]


def test_a_user_that_does_not_exist_needs_a_run_whatever_the_device():
    result = one({"name": "carol"}, users("alice"), devices())
    assert (result["run"], result["user_exists"], result["decision"]["create"]) == (True, False, True)


def test_name_and_path_match_exactly_and_a_case_clash_is_a_problem():
    listed = device("Alice", path="/staff/", user=None)
    result = one({"name": "alice", "path": "/staff/"}, users("alice"), devices(listed))
    assert result["device"] == {}
    assert result["decision"]["create"] is True
    assert "arn:aws:iam::123456789012:mfa/staff/Alice already does" in result["problem"]
    assert result["run"] is True


def test_the_same_name_under_another_path_is_another_device():
    other = device("alice", path="/old/", user="alice", tags={"owner": "security"})
    result = one({"name": "alice"}, users("alice"), devices(other))
    assert result["device"] == {}
    assert result["decision"]["create"] is True
    assert result["problem"] is None


def test_device_name_and_paths_default_from_the_entry_and_the_settings():
    listed = device("bob-phone", path="/staff/", user="bob", tags={"owner": "security"})
    entries = [{"name": "bob", "device_name": "bob-phone"}, {"name": "carol", "path": "/x/"}]
    bob, carol = plan(entries, users("bob", "carol"), devices(listed), dict(SETTINGS, device_path="/staff/"))
    assert (bob["device_name"], bob["path"], bob["run"]) == ("bob-phone", "/staff/", False)
    assert (carol["device_name"], carol["path"]) == ("carol", "/x/")


@pytest.mark.parametrize("entry, settings, message", [
    ({"name": "alice", "device_name": "bad name"}, SETTINGS, "not a valid virtual MFA device name"),
    ({"name": "alice", "path": "staff"}, SETTINGS, "not a valid IAM path"),
    ({"name": "alice", "tags": {"team": 5}}, SETTINGS, "IAM tag values are strings"),
    ({"name": "alice"}, dict(SETTINGS, tags={"aws:x": "y"}), "reserved prefix"),
    ({"name": "al ice", "device_name": "alice"}, SETTINGS, "not a valid IAM user name"),
])
def test_options_the_module_refuses_are_problems(entry, settings, message):
    result = one(entry, users(entry["name"]), devices(), settings)
    assert message in result["problem"]
    assert result["run"] is True


def test_too_many_tags_is_a_problem():
    listed = device("alice", user="alice", tags={"t%02d" % i: "v" for i in range(45)})
    entry = {"name": "alice", "tags": {"n%02d" % i: "v" for i in range(10)}}
    result = one(entry, users("alice"), devices(listed), dict(SETTINGS, purge_tags=False))
    assert "IAM allows at most 50" in result["problem"]
    assert result["run"] is True


# ---------------------------------------------------------------------------------------------------- offboarding
def test_offboarding_deletes_every_device_enabled_for_the_user_and_the_unassigned_path_name_device():
    held = device("mallory-phone", path="/old/", user="mallory")
    spare = device("mallory")
    others = [device("alice", user="alice"), device("root-account-mfa-device")]
    result = one({"name": "mallory", "state": "absent"}, users("mallory", "alice"), devices(held, spare, *others))

    assert result["run"] is True
    assert [d["serial_number"] for d in result["deletions"]] == [held["serial_number"], spare["serial_number"]]
    assert result["deletions"][0]["decision"]["deactivate"] == "mallory"
    assert result["deletions"][0]["decision"]["delete"] is True
    assert result["deletions"][1]["decision"]["deactivate"] is None
    assert result["decision"]["delete"] is True
    assert result["device"] == public(spare)
    assert result["device_after"] == {}
    assert result["tags"] is None
    assert result["problem"] is None


def test_offboarding_a_user_without_devices_needs_no_run():
    result = one({"name": "mallory", "state": "absent"}, users(), devices(device("alice", user="alice")))
    assert result["run"] is False
    assert result["deletions"] == []
    assert result["decision"]["changed"] is False
    assert result["user_exists"] is False


def test_offboarding_never_deletes_the_path_name_device_of_another_user():
    alices = device("shared", user="alice")
    result = one({"name": "mallory", "state": "absent", "device_name": "shared"}, users("alice", "mallory"),
                 devices(alices))
    assert result["deletions"] == []
    assert result["run"] is False
    assert "enabled for IAM user alice, not mallory" in result["problem"]


def test_the_path_name_device_enabled_for_the_user_is_deleted_once():
    held = device("mallory", user="mallory")
    result = one({"name": "mallory", "state": "absent"}, users("mallory"), devices(held))
    assert [d["serial_number"] for d in result["deletions"]] == [held["serial_number"]]
    assert result["decision"]["deactivate"] == "mallory"


# ---------------------------------------------------------------------------------------------------- inputs
def test_a_mixed_fleet_keeps_the_entries_order():
    entries = [{"name": "zed"}, {"name": "alice"}, {"name": "mallory", "state": "absent"}]
    result = plan(entries, users("alice", "zed"), devices(CONVERGED))
    assert [(r["name"], r["run"]) for r in result] == [("zed", True), ("alice", False), ("mallory", False)]


def test_listings_as_plain_lists_and_amazon_aws_iam_user_info_results():
    by_names = one({"name": "alice"}, ["alice"], [CONVERGED])
    by_iam_user_info = one({"name": "alice"}, {"iam_users": [{"user_name": "alice"}]}, devices(CONVERGED))
    assert by_names == by_iam_user_info == one({"name": "alice"}, users("alice"), devices(CONVERGED))


@pytest.mark.parametrize("entries, users_result, devices_result, settings, message", [
    ([{"name": "a"}], users(), devices(), {"colour": "blue"}, "unknown settings: colour"),
    ([{"name": "a"}], users(), devices(), {"tags": ["x"]}, "tags must be a dict"),
    ({"name": "a"}, users(), devices(), {}, "the input must be the list of user entries"),
    ([{"device_name": "a"}], users(), devices(), {}, "entry 0 must be a dict with a user name"),
    ([{"name": "a", "colour": "x"}], users(), devices(), {}, "entry a: unknown keys colour"),
    ([{"name": "a", "state": "enabled"}], users(), devices(), {}, "state must be present or absent"),
    ([{"name": "a", "tags": "x"}], users(), devices(), {}, "entry a: tags must be a dict"),
    ([{"name": "a"}], {"changed": False}, devices(), {}, "the user listing: a registered result with users"),
    ([{"name": "a"}], [{"arn": "x"}], devices(), {}, "entry without user_name"),
    ([{"name": "a"}], users(), {"results": []}, {}, "a registered result with virtual_mfa_devices"),
    ([{"name": "a"}], users(), [{"name": "a"}], {}, "without serial_number, name and path"),
])
def test_bad_inputs_are_filter_errors(entries, users_result, devices_result, settings, message):
    with pytest.raises(AnsibleFilterError, match="virtual_mfa_plan: .*" + message):
        virtual_mfa_plan(entries, users_result, devices_result, settings)
