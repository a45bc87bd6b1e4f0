"""plugin_utils/_fleet_plan: the plan of one account's user_mfa run, on stub listings (no endpoint, no AWS call).

What the plan must see that a user-by-user decision cannot (issue 14, case 7): the order of the run's steps
(offboarding runs first and frees its devices' names), IAM's limit of 8 MFA devices per user, and entries that
name the same user or the same device.
"""

import pytest

from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.plan import MAX_MFA_DEVICES
from ansible_collections.mfaops.iam.plugins.plugin_utils._fleet_plan.fleet import plan_fleet
from ansible_collections.mfaops.iam.plugins.plugin_utils._fleet_plan.fleet import users_to_count
from ansible_collections.mfaops.iam.plugins.plugin_utils._fleet_plan.inputs import PlanInputError

ACCOUNT = "123456789012"
SETTINGS = {"tags": {"owner": "security"}, "now": "2026-11-28T12:00:00Z"}


def device(name, path="/", user=None, tags=None, user_arn=None):
    return {
        "serial_number": "arn:aws:iam::%s:mfa%s%s" % (ACCOUNT, path, name), "name": name, "path": path,
        "user_name": user, "user_arn": user_arn or ("arn:aws:iam::%s:user/%s" % (ACCOUNT, user) if user else None),
        "user_id": None, "enable_date": "2026-11-01T00:00:00+00:00" if user else None,
        "tags": dict(tags if tags is not None else {"owner": "security"}),
    }


def by_name(plan):
    return {entry["name"]: entry for entry in plan}


# ---------------------------------------------------------------------------------------------- order of the steps
@pytest.mark.parametrize("offboard_first", [True, False])
def test_offboarding_frees_the_name_another_user_is_onboarded_with(offboard_first):
    entries = [{"name": "newbie", "device_name": "shared"}, {"name": "leaver", "state": "absent", "device_name": "shared"}]
    if offboard_first:
        entries.reverse()
    listed = [device("shared", user="leaver")]

    plan = by_name(plan_fleet(entries, ["newbie", "leaver"], listed, SETTINGS))

    assert [d["serial_number"] for d in plan["leaver"]["deletions"]] == [listed[0]["serial_number"]]
    assert plan["newbie"]["problem"] is None
    assert plan["newbie"]["device"] == {}
    assert plan["newbie"]["decision"]["create"] is True
    assert plan["newbie"]["decision"]["enable"] == "newbie"
    assert [entry["name"] for entry in plan_fleet(entries, ["newbie", "leaver"], listed, SETTINGS)] == [
        entry["name"] for entry in entries]  # the entries' order is kept


def test_an_unassigned_device_deleted_by_offboarding_is_created_anew_not_enabled():
    entries = [{"name": "newbie", "device_name": "spare"}, {"name": "leaver", "state": "absent", "device_name": "spare"}]
    plan = by_name(plan_fleet(entries, ["newbie", "leaver"], [device("spare")], SETTINGS))
    assert plan["newbie"]["decision"]["create"] is True
    assert plan["leaver"]["deletions"][0]["name"] == "spare"


def test_a_case_twin_freed_by_offboarding_is_no_clash():
    entries = [{"name": "newbie", "device_name": "Shared"}, {"name": "leaver", "state": "absent", "device_name": "shared"}]
    plan = by_name(plan_fleet(entries, ["newbie", "leaver"], [device("shared", user="leaver")], SETTINGS))
    assert plan["newbie"]["problem"] is None
    assert plan["newbie"]["decision"]["create"] is True


def test_a_device_offboarding_keeps_still_blocks_onboarding():
    """leaver's entry names a device enabled for alice: offboarding leaves it, so onboarding newbie there fails."""
    entries = [{"name": "newbie", "device_name": "alices"}, {"name": "leaver", "state": "absent", "device_name": "alices"}]
    plan = by_name(plan_fleet(entries, ["newbie", "leaver", "alice"], [device("alices", user="alice")], SETTINGS))
    assert "enabled for IAM user alice, not leaver" in plan["leaver"]["problem"]
    assert "enabled for IAM user alice, not newbie" in plan["newbie"]["problem"]


# ---------------------------------------------------------------------------------------------- IAM's limits
def test_a_user_holding_the_most_devices_iam_allows_gets_no_new_one():
    held = {"full": MAX_MFA_DEVICES}
    plan = by_name(plan_fleet([{"name": "full"}], ["full"], [], SETTINGS, held))
    assert plan["full"]["run"] is True
    assert "already holds 8 MFA devices" in plan["full"]["problem"]
    assert plan["full"]["decision"]["problem"] == plan["full"]["problem"]


def test_the_limit_also_stops_enabling_an_unassigned_device():
    plan = by_name(plan_fleet([{"name": "full"}], ["full"], [device("full")], SETTINGS, {"full": 8}))
    assert "already holds 8 MFA devices" in plan["full"]["problem"]


def test_below_the_limit_and_converged_users_are_not_stopped():
    listed = [device("full", user="full")]
    plan = by_name(plan_fleet([{"name": "seven"}, {"name": "full"}], ["seven", "full"], listed, SETTINGS,
                              {"seven": 7, "full": 8}))
    assert plan["seven"]["problem"] is None and plan["seven"]["decision"]["enable"] == "seven"
    assert plan["full"]["problem"] is None and plan["full"]["run"] is False


def test_the_users_to_count_are_the_existing_users_a_device_is_to_be_enabled_for():
    listed = [device("conv", user="conv"), device("spare"), device("alices", user="alice")]
    entries = [{"name": "conv"}, {"name": "new"}, {"name": "spare"}, {"name": "ghost"}, {"name": "victim",
               "device_name": "alices"}, {"name": "leaver", "state": "absent"}]
    plan = plan_fleet(entries, ["conv", "new", "spare", "victim", "alice", "leaver"], listed, SETTINGS)
    assert users_to_count(plan) == ["new", "spare"]


# ---------------------------------------------------------------------------------------------- repeated entries
@pytest.mark.parametrize("entries, message", [
    ([{"name": "alice"}, {"name": "alice", "device_name": "alice-2"}], "users are listed more than once: alice$"),
    ([{"name": "alice"}, {"name": "Alice", "device_name": "x"}], "users are listed more than once: alice, Alice"),
    ([{"name": "alice", "device_name": "shared"}, {"name": "bob", "device_name": "shared"}],
     "more than one entry: /shared (alice, bob)"),
    ([{"name": "alice", "device_name": "shared"}, {"name": "bob", "device_name": "Shared"}],
     "more than one entry: /shared (alice), /Shared (bob)"),
    ([{"name": "alice", "device_name": "x", "state": "absent"}, {"name": "bob", "device_name": "x", "state": "absent"}],
     "more than one entry: /x (alice, bob)"),
])
def test_entries_naming_one_user_or_one_device_are_refused(entries, message):
    with pytest.raises(PlanInputError, match=message.replace("(", r"\(").replace(")", r"\)").replace("/", "/")):
        plan_fleet(entries, ["alice", "bob"], [], SETTINGS)


def test_the_same_device_may_be_offboarded_and_onboarded_in_one_run():
    entries = [{"name": "alice", "device_name": "x", "state": "absent"}, {"name": "bob", "device_name": "x"}]
    assert len(plan_fleet(entries, ["alice", "bob"], [], SETTINGS)) == 2


def test_the_same_name_under_two_paths_is_two_devices():
    entries = [{"name": "alice", "device_name": "x"}, {"name": "bob", "device_name": "x", "path": "/b/"}]
    assert len(plan_fleet(entries, ["alice", "bob"], [], SETTINGS)) == 2


def test_the_root_users_device_is_never_offboarded_or_enabled():
    root = device("root-account-mfa-device", user_arn="arn:aws:iam::%s:root" % ACCOUNT)
    entries = [{"name": "mallory", "state": "absent", "device_name": "root-account-mfa-device"}]
    (result,) = plan_fleet(entries, ["mallory"], [root], SETTINGS)
    assert result["deletions"] == [] and "the root user" in result["problem"]
    (result,) = plan_fleet([{"name": "bob", "device_name": "root-account-mfa-device"}], ["bob"], [root], SETTINGS)
    assert "the root user" in result["problem"]
