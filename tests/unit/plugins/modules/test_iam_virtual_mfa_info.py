"""iam_virtual_mfa_info through main(), real boto3 against the local IAM endpoint, on a fleet of 1,010 devices
(two pages of ListVirtualMFADevices) plus a few special ones; API calls are counted from the endpoint's request log.

The fleet is built once per process (about 40 s on 2 cores) on a private endpoint shared with
test_iam_virtual_mfa_budget.py, and only read by the tests.  Both files are in the xdist group "mfa_fleet" so that
``--dist loadgroup`` runs them on one worker (pytest-xdist 3.8 ignores the group under pytest 9.2, which renamed
the node id attribute xdist sets; each worker then builds its own fleet).
"""

import json
import math
import threading
import time
from collections import Counter

import mfa_fleet
from module_main import run_module_main
import pytest

from ansible_collections.mfaops.iam.plugins.modules.iam_virtual_mfa_info import main

pytestmark = pytest.mark.xdist_group("mfa_fleet")

FLEET = 1010
ACCOUNT = mfa_fleet.ACCOUNT
# Devices beside the fleet: (name, path, tags, user or None).
SPECIAL = [
    ("twin", "/", {"team": "twins", "cost-center": "42"}, None),
    ("twin", "/admins/", {"team": "twins"}, None),
    ("multi-a", "/", {"owner": "multi"}, "multi"),
    ("multi-b", "/people/", {"owner": "multi"}, "multi"),
    ("multi-c", "/people/", {}, "multi"),
    ("untagged", "/", {}, None),
]


def special_serial(name, path):
    return "arn:aws:iam::%s:mfa%s%s" % (ACCOUNT, path, name)


@pytest.fixture(scope="module")
def fleet():
    """The shared endpoint with fleet devices 0..1009 and the SPECIAL ones; the specials are removed afterwards."""
    endpoint = mfa_fleet.shared_endpoint()
    endpoint.set_faults(latency_ms=0, throttle_fraction=0, drop_fraction=0, pause_after=None, fault_actions=None)
    iam = endpoint.boto3_client("iam")
    mfa_fleet.ensure(iam, FLEET)
    iam.create_user(UserName="multi")
    for name, path, tags, user in SPECIAL:
        answer = iam.create_virtual_mfa_device(
            VirtualMFADeviceName=name, Path=path, Tags=[{"Key": k, "Value": v} for k, v in tags.items()]
        )["VirtualMFADevice"]
        if user:
            mfa_fleet.enable(iam, user, answer["SerialNumber"], answer["Base32StringSeed"].decode("ascii"))
    try:
        yield endpoint
    finally:
        endpoint.set_faults(latency_ms=0, throttle_fraction=0, drop_fraction=0, pause_after=None, fault_actions=None)
        for name, path, _tags, user in SPECIAL:
            if user:
                iam.deactivate_mfa_device(UserName=user, SerialNumber=special_serial(name, path))
            iam.delete_virtual_mfa_device(SerialNumber=special_serial(name, path))
        iam.delete_user(UserName="multi")


@pytest.fixture(scope="module")
def reference(fleet):
    """What a sequential boto3 loop sees (ListVirtualMFADevices pages, then one ListMFADeviceTags per device)."""
    return mfa_fleet.sequential_listing(fleet.boto3_client("iam"))


@pytest.fixture
def info(fleet):
    """``info(check_mode=False, **options)`` -> the module's result; the request log holds only this run's calls."""

    def run(check_mode=False, **options):
        fleet.clear_requests()
        args = dict(options, endpoint_url=fleet.url, region="us-east-1", access_key="testing", secret_key="testing")
        return run_module_main(main, args, check_mode=check_mode)

    return run


def calls(endpoint):
    return Counter(request["action"] for request in endpoint.requests())


def tag_calls(endpoint):
    return Counter(request["params"]["SerialNumber"] for request in endpoint.requests("ListMFADeviceTags"))


def pick(reference, predicate):
    return [device for device in reference if predicate(device)]


# ---------------------------------------------------------------------------------------------- the whole account
@pytest.fixture(scope="module")
def everything(fleet):
    """One run with no filter (the most expensive one), and the requests it made."""
    fleet.clear_requests()
    args = dict(endpoint_url=fleet.url, region="us-east-1", access_key="testing", secret_key="testing")
    return run_module_main(main, args), fleet.requests()


def test_everything_over_two_pages_with_tags_is_identical_to_a_sequential_listing(everything, reference):
    total = FLEET + len(SPECIAL)
    result, requests = everything
    assert result["changed"] is False and "failed" not in result
    assert result["virtual_mfa_devices"] == reference
    assert len(reference) == total
    # every fleet device is there as defined (the reference is built from boto3's answers, not from the definition)
    by_serial = {device["serial_number"]: device for device in result["virtual_mfa_devices"]}
    for i in range(FLEET):
        device = by_serial[mfa_fleet.serial(i)]
        assert {key: device[key] for key in mfa_fleet.expected_view(i)} == mfa_fleet.expected_view(i)
        assert bool(device["user_arn"]) is bool(device["user_id"]) is bool(device["enable_date"]) is bool(mfa_fleet.holder(i))
    # the calls: ceil(N / 1000) pages of 1,000, then exactly one ListMFADeviceTags per device, and nothing else
    assert Counter(request["action"] for request in requests) == {
        "ListVirtualMFADevices": math.ceil(total / 1000), "ListMFADeviceTags": total}
    tagged = Counter(request["params"]["SerialNumber"] for request in requests if request["action"] == "ListMFADeviceTags")
    assert set(tagged.values()) == {1} and set(tagged) == set(by_serial)
    pages = [request for request in requests if request["action"] == "ListVirtualMFADevices"]
    assert [page["params"].get("MaxItems") for page in pages] == ["1000", "1000"]
    assert "Marker" not in pages[0]["params"] and pages[1]["params"]["Marker"]
    assert all(page["params"]["AssignmentStatus"] == "Any" for page in pages)


def test_the_result_is_sorted_by_serial_number_and_never_holds_a_seed(info, fleet, everything):
    result = info(name="twin")
    serials = [device["serial_number"] for device in result["virtual_mfa_devices"]]
    assert serials == sorted(serials) == [special_serial("twin", "/admins/"), special_serial("twin", "/")]
    text = json.dumps(everything[0])
    seeds = fleet.seeds()
    assert len(seeds) >= FLEET
    assert not [seed for seed in seeds.values() if seed in text]
    assert "seed" not in text.lower() and "qrcode" not in text.lower()


@pytest.mark.parametrize("status", ["any", "assigned", "unassigned"])
def test_without_tags_costs_ceil_n_over_1000_list_calls_and_nothing_else(info, fleet, reference, status):
    iam_status = status.capitalize()
    expected = [dict(device, tags={}) for device in reference
                if status == "any" or (device["user_name"] is not None) == (status == "assigned")]
    result = info(include_tags=False, assignment_status=status)
    assert result["virtual_mfa_devices"] == expected
    assert calls(fleet) == {"ListVirtualMFADevices": max(1, math.ceil(len(expected) / 1000))}
    assert {request["params"]["AssignmentStatus"] for request in fleet.requests()} == {iam_status}


def test_assignment_status_is_passed_to_iam_and_only_those_devices_are_tagged(info, fleet, reference):
    result = info(assignment_status="assigned")
    expected = pick(reference, lambda device: device["user_name"] is not None)
    assert result["virtual_mfa_devices"] == expected
    assert len(expected) == FLEET // mfa_fleet.ASSIGN_EVERY + 3
    assert calls(fleet) == {"ListVirtualMFADevices": 1, "ListMFADeviceTags": len(expected)}
    assert fleet.requests("ListVirtualMFADevices")[0]["params"]["AssignmentStatus"] == "Assigned"


# ---------------------------------------------------------------------------------------------- filters
def test_name_matches_under_every_path_and_only_matches_are_tagged(info, fleet, reference):
    result = info(name="twin")
    assert result["virtual_mfa_devices"] == pick(reference, lambda device: device["name"] == "twin")
    assert [device["path"] for device in result["virtual_mfa_devices"]] == ["/admins/", "/"]
    assert calls(fleet) == {"ListVirtualMFADevices": 2, "ListMFADeviceTags": 2}
    assert info(name="twin", path_prefix="/admins/")["virtual_mfa_devices"] == result["virtual_mfa_devices"][:1]
    assert info(name="nobody")["virtual_mfa_devices"] == []
    assert calls(fleet) == {"ListVirtualMFADevices": 2}


@pytest.mark.parametrize("prefix", ["/team/", "/team/payments/", "/people/"])
def test_path_prefix(info, fleet, reference, prefix):
    expected = pick(reference, lambda device: device["path"].startswith(prefix))
    result = info(path_prefix=prefix)
    assert result["virtual_mfa_devices"] == expected and expected
    assert calls(fleet) == {"ListVirtualMFADevices": 2, "ListMFADeviceTags": len(expected)}


def test_path_prefix_slash_is_everything(info, fleet, reference):
    result = info(path_prefix="/", include_tags=False)
    assert result["virtual_mfa_devices"] == [dict(device, tags={}) for device in reference]
    assert calls(fleet) == {"ListVirtualMFADevices": 2}


def test_serial_number_on_the_first_page_stops_listing_there(info, fleet, reference):
    first_page = sorted(device["serial_number"] for device in reference)[:1000]
    target = first_page[500]
    result = info(serial_number=target)
    assert result["virtual_mfa_devices"] == pick(reference, lambda device: device["serial_number"] == target)
    assert calls(fleet) == {"ListVirtualMFADevices": 1, "ListMFADeviceTags": 1}


def test_serial_number_on_the_second_page_and_a_missing_one(info, fleet, reference):
    target = sorted(device["serial_number"] for device in reference)[-1]
    assert info(serial_number=target)["virtual_mfa_devices"] == reference[-1:]
    assert calls(fleet) == {"ListVirtualMFADevices": 2, "ListMFADeviceTags": 1}
    missing = info(serial_number="arn:aws:iam::%s:mfa/no-such-device" % ACCOUNT)
    assert missing["virtual_mfa_devices"] == [] and "failed" not in missing
    assert calls(fleet) == {"ListVirtualMFADevices": 2}


def test_user_name_lists_only_assigned_devices_and_tags_only_the_users(info, fleet, reference):
    result = info(user_name="multi")
    assert result["virtual_mfa_devices"] == pick(reference, lambda device: device["user_name"] == "multi")
    assert [device["name"] for device in result["virtual_mfa_devices"]] == ["multi-a", "multi-b", "multi-c"]
    assert {device["user_arn"] for device in result["virtual_mfa_devices"]} == {"arn:aws:iam::%s:user/multi" % ACCOUNT}
    assert calls(fleet) == {"ListVirtualMFADevices": 1, "ListMFADeviceTags": 3}
    assert fleet.requests("ListVirtualMFADevices")[0]["params"]["AssignmentStatus"] == "Assigned"
    one = info(user_name="user-dev00010", include_tags=False)["virtual_mfa_devices"]
    assert [device["serial_number"] for device in one] == [mfa_fleet.serial(10)]
    assert calls(fleet) == {"ListVirtualMFADevices": 1}


def test_user_name_with_unassigned_makes_no_call_and_unknown_user_finds_nothing(info, fleet):
    assert info(user_name="multi", assignment_status="unassigned")["virtual_mfa_devices"] == []
    assert fleet.requests() == []
    assert info(user_name="nobody")["virtual_mfa_devices"] == []
    assert calls(fleet) == {"ListVirtualMFADevices": 1}


def test_tags_filter_every_pair_must_match(info, fleet, reference):
    wanted = {"team": "security", "env": "dev"}
    result = info(tags=wanted)
    expected = pick(reference, lambda device: all(device["tags"].get(k) == v for k, v in wanted.items()))
    assert result["virtual_mfa_devices"] == expected
    assert {device["serial_number"] for device in expected} == {
        mfa_fleet.serial(i) for i in range(FLEET) if mfa_fleet.tags(i) == wanted}
    assert calls(fleet) == {"ListVirtualMFADevices": 2, "ListMFADeviceTags": len(reference)}


def test_tags_filter_after_the_cheap_filters(info, fleet, reference):
    result = info(name="twin", tags={"cost-center": "42"})
    assert result["virtual_mfa_devices"] == pick(reference, lambda device: device["serial_number"] == special_serial("twin", "/"))
    assert calls(fleet) == {"ListVirtualMFADevices": 2, "ListMFADeviceTags": 2}
    assert info(path_prefix="/people/", tags={"owner": "multi"})["virtual_mfa_devices"] == pick(
        reference, lambda device: device["name"] == "multi-b")
    assert info(name="twin", tags={"team": "nope"})["virtual_mfa_devices"] == []


def test_tags_filter_with_include_tags_false_still_filters_and_returns_the_tags_it_fetched(info, fleet, reference):
    result = info(include_tags=False, user_name="multi", tags={"owner": "multi"})
    assert result["virtual_mfa_devices"] == pick(reference, lambda device: device["name"] in ("multi-a", "multi-b"))
    assert calls(fleet) == {"ListVirtualMFADevices": 1, "ListMFADeviceTags": 3}


# ---------------------------------------------------------------------------------------------- concurrency, faults
@pytest.mark.parametrize("workers", [1, 3, 50])
def test_any_pool_size_gives_the_sequential_result(info, fleet, reference, workers):
    result = info(path_prefix="/admins/", max_concurrency=workers)
    expected = pick(reference, lambda device: device["path"] == "/admins/")
    assert result["virtual_mfa_devices"] == expected and len(expected) > 250
    assert set(tag_calls(fleet).values()) == {1}


def test_tag_calls_run_side_by_side_within_the_pool_size(info, fleet):
    fleet.set_faults(latency_ms=200)
    try:
        result = info(user_name="multi", max_concurrency=2)
    finally:
        fleet.set_faults(latency_ms=0)
    assert len(result["virtual_mfa_devices"]) == 3
    # the request log has when each call reached the endpoint: two at once, the third when a worker was free again
    starts = sorted(request["time"] for request in fleet.requests("ListMFADeviceTags"))
    assert starts[1] - starts[0] < 0.15
    assert starts[2] - starts[0] >= 0.19


def test_throttled_tag_calls_are_retried_and_the_result_is_unchanged(info, fleet, reference):
    fleet.set_faults(throttle_fraction=0.05, fault_actions=["ListMFADeviceTags"], random_seed=7)
    try:
        result = info(path_prefix="/team/ops/")
    finally:
        fleet.set_faults(throttle_fraction=0, fault_actions=None)
    assert result["virtual_mfa_devices"] == pick(reference, lambda device: device["path"] == "/team/ops/")
    throttled = [request for request in fleet.requests("ListMFADeviceTags") if request["status"] == 400]
    assert throttled, "the fault knob should have throttled some calls"
    assert Counter(request["status"] for request in fleet.requests("ListMFADeviceTags"))[200] == len(result["virtual_mfa_devices"])


def test_a_device_deleted_between_listing_and_tags_is_left_out(info, fleet):
    iam = fleet.boto3_client("iam")
    doomed = iam.create_virtual_mfa_device(VirtualMFADeviceName="doomed", Path="/people/")["VirtualMFADevice"]["SerialNumber"]
    fleet.clear_requests()
    fleet.set_faults(pause_after={"action": "ListVirtualMFADevices", "seconds": 30})
    outcome = {}
    runner = threading.Thread(target=lambda: outcome.update(result=info(path_prefix="/people/")))
    try:
        runner.start()
        deadline = time.monotonic() + 20
        while not fleet.requests("ListVirtualMFADevices") and time.monotonic() < deadline:
            time.sleep(0.05)
        # the first page (which lists the device) is answered but held: delete the device, then let the page go
        iam.delete_virtual_mfa_device(SerialNumber=doomed)
    finally:
        fleet.set_faults(pause_after=None)
        runner.join(60)
    assert [device["name"] for device in outcome["result"]["virtual_mfa_devices"]] == ["multi-b", "multi-c"]
    assert [r["status"] for r in fleet.requests("ListMFADeviceTags") if r["params"]["SerialNumber"] == doomed] == [404]


def test_a_failing_tag_call_fails_the_task_naming_the_operation(info, fleet):
    fleet.set_faults(drop_fraction=1.0, fault_actions=["ListMFADeviceTags"])
    try:
        result = info(name="twin", max_concurrency=2, aws_config={"retries": {"mode": "standard", "max_attempts": 2}})
    finally:
        fleet.set_faults(drop_fraction=0, fault_actions=None)
    assert result["failed"] is True
    assert result["msg"].startswith("Failed to list the tags of a virtual MFA device")
    assert "virtual_mfa_devices" not in result


# ---------------------------------------------------------------------------------------------- check mode, input
def test_check_mode_returns_the_same_and_writes_nothing(info, fleet, reference):
    normal = info(path_prefix="/people/")
    checked = info(check_mode=True, path_prefix="/people/")
    assert checked["virtual_mfa_devices"] == normal["virtual_mfa_devices"] == pick(
        reference, lambda device: device["path"] == "/people/")
    assert checked["changed"] is False
    assert fleet.write_requests() == []


@pytest.mark.parametrize("options, message", [
    ({"path_prefix": "admins/"}, "path_prefix 'admins/' is not an IAM path prefix"),
    ({"serial_number": "GAHT12345678"}, "serial_number 'GAHT12345678' is not the ARN of a virtual MFA device"),
    ({"name": "bad name"}, "name 'bad name' is not a valid virtual MFA device name"),
    ({"user_name": "a/b"}, "user_name 'a/b' is not a valid IAM user name"),
    ({"max_concurrency": 0}, "max_concurrency must be between 1 and 50, not 0"),
    ({"max_concurrency": 51}, "max_concurrency must be between 1 and 50, not 51"),
    ({"assignment_status": "Assigned"}, "value of assignment_status must be one of"),
    # tag values as iam_virtual_mfa checks them: strings only (a YAML "owner:" is null, not "")
    ({"tags": {"owner": None}}, "tags: the value of 'owner' is null, not a string"),
    ({"tags": {"cost": 5}}, "tags: the value of 'cost' is a number (5), not a string"),
])
def test_bad_input_fails_before_any_call(endpoint, options, message):
    """On the session's small endpoint: refusing input needs no fleet (and must make no call at all)."""
    args = dict(options, endpoint_url=endpoint.url, region="us-east-1", access_key="testing", secret_key="testing")
    result = run_module_main(main, args)
    assert result["failed"] is True
    assert message in result["msg"]
    assert endpoint.requests() == []
