"""marker.py: the provisioning marker's rule (younger than the grace period: a run may still hold the seed)."""

import datetime

from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.marker import GRACE_SECONDS
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.marker import MARKER_KEY
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.marker import now_value
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.marker import provisioning
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.marker import without_marker

NOW = datetime.datetime(2026, 11, 28, 12, 0, 0, tzinfo=datetime.timezone.utc)


def test_no_marker_means_nobody_is_provisioning():
    assert provisioning({"team": "a"}, NOW) == (False, None)
    assert provisioning(None, NOW) == (False, None)


def test_a_young_marker_means_a_run_may_still_hold_the_seed():
    created = NOW - datetime.timedelta(seconds=GRACE_SECONDS - 1)
    assert provisioning({MARKER_KEY: now_value(created)}, NOW) == (True, created)


def test_a_marker_past_the_grace_period_means_its_run_died():
    created = NOW - datetime.timedelta(seconds=GRACE_SECONDS)
    assert provisioning({MARKER_KEY: now_value(created)}, NOW) == (False, created)


def test_an_unreadable_marker_is_treated_as_busy():
    assert provisioning({MARKER_KEY: "yesterday"}, NOW) == (True, None)


def test_the_value_is_a_valid_iam_tag_value_and_round_trips():
    value = now_value(NOW)
    assert value == "2026-11-28T12:00:00Z"
    assert without_marker({MARKER_KEY: value, "k": "v"}) == {"k": "v"}
