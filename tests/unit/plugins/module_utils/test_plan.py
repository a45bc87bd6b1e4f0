"""plan.decide: what iam_virtual_mfa would do to a device, from the device as listed (no AWS call)."""

import pytest

from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.marker import MARKER_KEY
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.plan import Want
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.plan import decide

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
