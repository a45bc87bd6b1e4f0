"""API-call budgets on an account of exactly 1,000 virtual MFA devices (then 1,010, to show the growth), counted
from the local endpoint's request log; the counts are exact and do not depend on the machine.

* a converged iam_virtual_mfa run (nothing to change) makes no write call and at most 3 calls in all;
* iam_virtual_mfa_info without tags makes ceil(N / 1000) calls.

The modules run through their real entry points in this process (iam_virtual_mfa's action plugin through
tests/support/action_harness.py, iam_virtual_mfa_info's ``main()``); the same budget through ansible-playbook is
tests/system/action/test_iam_virtual_mfa_budget_playbook.py.  The fleet lives on a private endpoint shared
with test_iam_virtual_mfa_info.py (same xdist group), built once.
"""

from collections import Counter

import mfa_fleet
from module_main import run_module_main
import pytest
from action_harness import run_action

from ansible_collections.mfaops.iam.plugins.modules import iam_virtual_mfa_info

iam_virtual_mfa = "iam_virtual_mfa (action plugin)"

pytestmark = pytest.mark.xdist_group("mfa_fleet")


def sorted_indices(count):
    """Fleet indices in the order IAM lists them (by serial number)."""
    return sorted(range(count), key=mfa_fleet.serial)


def unassigned(indices):
    return [i for i in indices if mfa_fleet.holder(i) is None]


def assigned(indices):
    return [i for i in indices if mfa_fleet.holder(i) is not None]


def fleet_of(count):
    endpoint = mfa_fleet.shared_endpoint()
    endpoint.set_faults(latency_ms=0, throttle_fraction=0, drop_fraction=0, pause_after=None, fault_actions=None)
    iam = endpoint.boto3_client("iam")
    mfa_fleet.ensure(iam, count)
    assert len(iam.list_virtual_mfa_devices(MaxItems=1000)["VirtualMFADevices"]) == min(count, 1000)
    assert mfa_fleet.fleet_indices(iam) == set(range(count))
    return endpoint


@pytest.fixture(scope="module")
def fleet_1000():
    return fleet_of(1000)


def run(endpoint, module, check_mode=False, **options):
    """Run ``module.main()`` against ``endpoint``; returns (result, Counter of the IAM actions it called)."""
    endpoint.clear_requests()
    args = dict(options, endpoint_url=endpoint.url, region="us-east-1", access_key="testing", secret_key="testing")
    if module is iam_virtual_mfa:
        result = run_action(args, check_mode=check_mode)
    else:
        result = run_module_main(module.main, args, check_mode=check_mode)
    assert not result.get("failed"), result.get("msg")
    return result, Counter(request["action"] for request in endpoint.requests())


def converged(i, state):
    options = dict(name=mfa_fleet.name(i), path=mfa_fleet.path(i), tags=mfa_fleet.tags(i), state=state)
    if state == "enabled":
        options["user_name"] = mfa_fleet.holder(i)
    return options


# ---------------------------------------------------------------------------------------------- 1,000 devices
@pytest.mark.parametrize("position", [0, 500, -1])
@pytest.mark.parametrize("check_mode", [False, True])
def test_converged_present_makes_two_reads_and_no_write(fleet_1000, position, check_mode):
    i = unassigned(sorted_indices(1000))[position]
    result, calls = run(fleet_1000, iam_virtual_mfa, check_mode=check_mode, **converged(i, "present"))
    assert result["changed"] is False
    assert result["virtual_mfa_device"]["serial_number"] == mfa_fleet.serial(i)
    assert calls == {"ListVirtualMFADevices": 1, "ListMFADeviceTags": 1}
    assert fleet_1000.write_requests() == []


@pytest.mark.parametrize("position", [0, -1])
@pytest.mark.parametrize("check_mode", [False, True])
def test_converged_enabled_makes_three_reads_and_no_write(fleet_1000, position, check_mode):
    i = assigned(sorted_indices(1000))[position]
    result, calls = run(fleet_1000, iam_virtual_mfa, check_mode=check_mode, **converged(i, "enabled"))
    assert result["changed"] is False
    assert result["virtual_mfa_device"]["user_name"] == mfa_fleet.holder(i)
    assert calls == {"GetUser": 1, "ListMFADevices": 1, "ListMFADeviceTags": 1}
    assert fleet_1000.write_requests() == []


def test_converged_present_of_an_enabled_device_and_disabled_of_an_unassigned_one(fleet_1000):
    enabled = assigned(sorted_indices(1000))[-1]
    result, calls = run(fleet_1000, iam_virtual_mfa, **converged(enabled, "present"))
    assert result["changed"] is False and result["virtual_mfa_device"]["user_name"] == mfa_fleet.holder(enabled)
    assert calls == {"ListVirtualMFADevices": 1, "ListMFADeviceTags": 1}
    idle = unassigned(sorted_indices(1000))[-1]
    result, calls = run(fleet_1000, iam_virtual_mfa, **converged(idle, "disabled"))
    assert result["changed"] is False
    assert calls == {"ListVirtualMFADevices": 1, "ListMFADeviceTags": 1}
    assert fleet_1000.write_requests() == []


def test_converged_absent_lists_once(fleet_1000):
    result, calls = run(fleet_1000, iam_virtual_mfa, name="no-such-device", state="absent")
    assert result["changed"] is False and result["virtual_mfa_device"] == {}
    assert calls == {"ListVirtualMFADevices": 1}


def test_info_without_tags_lists_1000_devices_in_one_call(fleet_1000):
    result, calls = run(fleet_1000, iam_virtual_mfa_info, include_tags=False)
    assert len(result["virtual_mfa_devices"]) == 1000
    assert calls == {"ListVirtualMFADevices": 1}


def test_info_with_tags_adds_one_call_per_device(fleet_1000):
    result, calls = run(fleet_1000, iam_virtual_mfa_info)
    assert len(result["virtual_mfa_devices"]) == 1000
    assert calls == {"ListVirtualMFADevices": 1, "ListMFADeviceTags": 1000}


# ---------------------------------------------------------------------------------------------- beyond 1,000
@pytest.fixture(scope="module")
def fleet_1010():
    """The same endpoint grown to 1,010 devices (requested only by the tests below, which run last)."""
    return fleet_of(1010)


class TestBeyondOneThousand:
    """1,010 devices (two pages): listing grows by one call per 1,000 devices; the enabled path does not grow at all."""

    def test_present_on_the_first_page_still_costs_two(self, fleet_1010):
        i = unassigned(sorted_indices(1010))[0]
        _result, calls = run(fleet_1010, iam_virtual_mfa, **converged(i, "present"))
        assert calls == {"ListVirtualMFADevices": 1, "ListMFADeviceTags": 1}

    def test_present_on_the_second_page_costs_one_more_list_call(self, fleet_1010):
        i = unassigned(sorted_indices(1010))[-1]
        result, calls = run(fleet_1010, iam_virtual_mfa, **converged(i, "present"))
        assert result["changed"] is False
        assert calls == {"ListVirtualMFADevices": 2, "ListMFADeviceTags": 1}
        assert fleet_1010.write_requests() == []

    def test_enabled_stays_at_three(self, fleet_1010):
        i = assigned(sorted_indices(1010))[-1]
        _result, calls = run(fleet_1010, iam_virtual_mfa, **converged(i, "enabled"))
        assert calls == {"GetUser": 1, "ListMFADevices": 1, "ListMFADeviceTags": 1}

    def test_info_without_tags_makes_two_list_calls(self, fleet_1010):
        result, calls = run(fleet_1010, iam_virtual_mfa_info, include_tags=False)
        assert len(result["virtual_mfa_devices"]) == 1010
        assert calls == {"ListVirtualMFADevices": 2}
