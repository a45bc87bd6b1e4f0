"""iam_virtual_mfa with ``_codes_ahead``: the codes the action plugin computes on the controller from a seed it keeps
(the module never receives that seed). Through main(), real boto3, the endpoint that checks the codes."""

import time

import pytest

from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.seal import new_key
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.seal import unseal
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.totp import codes_ahead
from ansible_collections.mfaops.iam.plugins.modules.iam_virtual_mfa import main


@pytest.fixture
def device(run_module, iam, endpoint):
    """An unassigned device 'alice' and its seed; user alice exists."""
    iam.create_user(UserName="alice")
    key = new_key()
    result = run_module(main, dict(name="alice", _seal_key=key))
    endpoint.clear_requests()
    return unseal(key, result["__bootstrap__"]["sealed"])


def test_enable_and_resync_with_codes_ahead(run_module, endpoint, device):
    result = run_module(main, dict(name="alice", state="enabled", user="alice", _codes_ahead=codes_ahead(device, 20)))
    assert result["changed"] is True and result["virtual_mfa_device"]["user_name"] == "alice"
    resync = run_module(main, dict(name="alice", state="enabled", user="alice", resync=True,
                                   _codes_ahead=codes_ahead(device, 20)))
    assert resync["changed"] is True
    assert [(r["action"], r["status"]) for r in endpoint.write_requests()] == [("EnableMFADevice", 200), ("ResyncMFADevice", 200)]
    assert device not in result["_stdout"] + resync["_stdout"]


def test_the_pair_is_chosen_by_the_time_elapsed_since_the_codes_were_computed(run_module, endpoint, device):
    """Codes computed 95 s ago: the pair for three windows later is the one that works now."""
    ahead = codes_ahead(device, 20, now=time.time() - 95)
    ahead["offset"] += 95  # as if the module had started 95 s after the action computed them
    result = run_module(main, dict(name="alice", state="enabled", user="alice", _codes_ahead=ahead))
    assert result["changed"] is True
    assert [r["status"] for r in endpoint.requests("EnableMFADevice")] == [200]


def test_codes_ahead_that_ran_out_fail_clearly_before_any_write(run_module, endpoint, device):
    result = run_module(main, dict(name="alice", state="enabled", user="alice", _codes_ahead={"offset": 29.0, "pairs": []}))
    assert result["failed"] is True
    assert "The codes computed on the controller from the seed cover 0 seconds" in result["msg"]
    assert endpoint.write_requests() == []


def test_codes_ahead_in_check_mode_count_as_a_seed_source(run_module, endpoint, device):
    result = run_module(main, dict(name="alice", state="enabled", user="alice", _codes_ahead={"offset": 0.0, "pairs": []}),
                        check_mode=True)
    assert result["changed"] is True and result["virtual_mfa_device"]["user_name"] == "alice"
    assert endpoint.write_requests() == []
