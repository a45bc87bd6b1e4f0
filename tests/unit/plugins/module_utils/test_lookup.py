"""module_utils/_virtual_mfa/lookup: one device found with as few IAM calls as possible (real boto3, local endpoint)."""

from collections import Counter

import pytest

from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa import lookup
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import MFAError
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.identity import DeviceId

import mfa_fleet


def calls(endpoint):
    return Counter(request["action"] for request in endpoint.requests())


def test_a_users_device_is_found_in_one_call(endpoint, iam):
    answer = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
    iam.create_user(UserName="alice")
    mfa_fleet.enable(iam, "alice", answer["SerialNumber"], answer["Base32StringSeed"].decode())
    user = iam.get_user(UserName="alice")["User"]
    endpoint.clear_requests()
    found = lookup.find_device(iam, DeviceId("alice", "/"), user)
    assert found.device["serial_number"] == answer["SerialNumber"] and found.device["user_name"] == "alice"
    assert calls(endpoint) == {"ListMFADevices": 1}


def test_a_missing_device_lists_the_account_once_and_remembers_a_serial_seen(endpoint, iam):
    iam.create_virtual_mfa_device(VirtualMFADeviceName="bob", Path="/team/")
    endpoint.clear_requests()
    found = lookup.find_device(iam, DeviceId("alice", "/"))
    assert found.device is None and found.seen_serial.endswith(":mfa/team/bob")
    assert calls(endpoint) == {"ListVirtualMFADevices": 1}


def test_a_case_twin_is_a_clash_not_a_miss(endpoint, iam):
    iam.create_virtual_mfa_device(VirtualMFADeviceName="Alice")
    with pytest.raises(MFAError, match="unique regardless of case"):
        lookup.find_device(iam, DeviceId("alice", "/"))


def test_the_same_name_under_another_path_is_another_device(endpoint, iam):
    iam.create_virtual_mfa_device(VirtualMFADeviceName="alice", Path="/team/")
    assert lookup.find_device(iam, DeviceId("alice", "/")).device is None
    assert lookup.find_device(iam, DeviceId("alice", "/team/")).device["path"] == "/team/"


def test_with_tags_a_found_device_brings_its_tags_in_one_more_call(endpoint, iam):
    iam.create_virtual_mfa_device(VirtualMFADeviceName="alice", Tags=[{"Key": "team", "Value": "a"}])
    endpoint.clear_requests()
    found = lookup.find_device(iam, DeviceId("alice", "/"), with_tags=True)
    assert found.device["tags"] == {"team": "a"}
    assert calls(endpoint) == {"ListVirtualMFADevices": 1, "ListMFADeviceTags": 1}


def test_with_tags_a_missing_device_costs_no_tag_call(endpoint, iam):
    endpoint.clear_requests()
    assert lookup.find_device(iam, DeviceId("alice", "/"), with_tags=True).device is None
    assert calls(endpoint) == {"ListVirtualMFADevices": 1}
