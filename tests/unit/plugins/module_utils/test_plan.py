"""plan.decide: what iam_virtual_mfa would do to a device, from the device as listed (no AWS call)."""

import pytest

from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.marker import MARKER_KEY
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.plan import Want
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.plan import decide
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.plan import replacement_tags
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.plan import tag_changes

SERIAL = "arn:aws:iam::123456789012:mfa/alice"


def device(holder=None, tags=None):
    return {"serial_number": SERIAL, "name": "alice", "path": "/", "user_name": holder, "tags": dict(tags or {})}


def test_converged_enabled_device_needs_nothing():
    decision = decide(device("alice", {"k": "v"}), Want("enabled", "alice", {"k": "v"}))
    assert not decision.changed and decision.problem is None


def test_missing_device_is_created_and_enabled():
    decision = decide(None, Want("enabled", "alice", {"k": "v"}))
    assert decision.create and decision.enable == "alice" and decision.tags_after == {"k": "v"}


@pytest.mark.parametrize("purge, to_unset", [(True, ["old"]), (False, [])])
def test_tags_follow_amazon_aws_semantics_and_keep_aws_keys_and_the_marker(purge, to_unset):
    current = {"old": "1", "aws:cloudformation:stack-name": "s", MARKER_KEY: "2026-01-01T00:00:00Z"}
    decision = decide(device(tags=current), Want("present", tags={"new": "2"}, purge_tags=purge))
    assert decision.tags_to_set == {"new": "2"} and decision.tags_to_unset == to_unset


def test_tags_none_leaves_tags_alone():
    assert not decide(device(tags={"a": "b"}), Want("present")).changed


def test_too_many_tags_after_merging_is_a_problem_without_listing_them():
    current = {"old%02d" % i: "v" for i in range(30)}
    decision = decide(device(tags=current), Want("present", tags={"new%02d" % i: "v" for i in range(30)}, purge_tags=False))
    assert "would hold 60 tags" in decision.problem and "old01" not in decision.problem


def test_a_new_device_leaves_one_tag_for_the_marker():
    assert "at most 49 tags" in decide(None, Want("present", tags={"k%d" % i: "v" for i in range(50)})).problem


def test_enabled_for_another_user_without_reassign_is_a_problem_that_does_not_suggest_recreate():
    decision = decide(device("bob"), Want("enabled", "alice"))
    assert "enabled for IAM user bob, not alice" in decision.problem and "on_missing_seed" not in decision.problem


def test_reassign_deactivates_then_enables():
    decision = decide(device("bob"), Want("enabled", "alice", reassign=True))
    assert (decision.deactivate, decision.enable) == ("bob", "alice")


def test_disabled_and_absent():
    assert decide(device("bob"), Want("disabled")).deactivate == "bob"
    assert decide(None, Want("disabled")).create
    absent = decide(device("bob"), Want("absent"))
    assert absent.deactivate == "bob" and absent.delete
    assert not decide(None, Want("absent")).changed


def test_resync_only_when_asked_and_assigned_to_the_user():
    assert decide(device("alice"), Want("enabled", "alice", resync=True)).resync == "alice"
    assert decide(device("alice"), Want("enabled", "alice")).resync is None


# issue 14 -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dev, want, step", [
    (None, Want("enabled", "alice"), "created"),
    (device(), Want("enabled", "alice"), "enabled"),
    (device("bob"), Want("enabled", "alice", reassign=True), "moved"),
])
def test_an_enable_for_a_user_holding_eight_devices_is_a_problem_before_any_step(dev, want, step):
    decision = decide(dev, want, 8)
    assert decision.problem.startswith("IAM user alice already holds 8 MFA devices")
    assert "the device is not %s" % step in decision.problem


def test_the_device_limit_counts_only_for_an_enable_and_only_when_known():
    assert decide(None, Want("enabled", "alice"), 7).problem is None
    assert decide(None, Want("enabled", "alice")).problem is None  # the user's devices not listed
    assert decide(device("alice"), Want("enabled", "alice"), 8).problem is None  # holds it already
    assert decide(None, Want("present"), 8).problem is None


@pytest.mark.parametrize("want, expected", [
    (Want("enabled", "alice"), {"team": "a", "env": "prod"}),
    (Want("enabled", "alice", {"env": "dev", "new": "1"}, purge_tags=False), {"team": "a", "env": "dev", "new": "1"}),
    (Want("enabled", "alice", {"env": "dev", "new": "1"}, purge_tags=True), {"env": "dev", "new": "1"}),
])
def test_a_recreated_device_gets_the_tags_the_task_would_leave_on_the_old_one(want, expected):
    current = {"team": "a", "env": "prod", MARKER_KEY: "2000-01-01T00:00:00Z", "aws:cloudformation:stack-name": "s"}
    assert replacement_tags(current, want) == expected


@pytest.mark.parametrize("current, wanted, purge, expected", [
    ({"a": "1", "b": "2"}, {"a": "1", "b": "3", "c": "4"}, True, ({"b": "3", "c": "4"}, [])),
    ({"a": "1", "b": "2"}, {"a": "1"}, True, ({}, ["b"])),
    ({"a": "1", "b": "2"}, {"a": "1"}, False, ({}, [])),
    ({"a": "1"}, {}, True, ({}, ["a"])),
    ({"a": "1"}, None, True, ({}, [])),  # no tags given: left as they are
    ({"aws:x": "1", "AWS:y": "2", MARKER_KEY: "t", "z": "3"}, {}, True, ({}, ["z"])),
])
def test_tag_changes_are_amazon_aws_compare_aws_tags_sparing_aws_keys_in_any_case_and_the_marker(
        current, wanted, purge, expected):
    assert tag_changes(current, wanted, purge) == expected
