"""tag_fetch.fetch_tags with real boto3 against the local IAM endpoint (the per-test, reset one)."""

from collections import Counter

import pytest

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import RETRY
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import MFAError
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.tag_fetch import fetch_tags
from ansible_collections.mfaops.iam.plugins.module_utils._common.client import pool_config


@pytest.fixture
def devices(iam, endpoint):
    """30 devices, device i tagged {"i": str(i)} (device 0 untagged); returns their serial numbers."""
    serials = []
    for i in range(30):
        tags = [{"Key": "i", "Value": str(i)}] if i else []
        serials.append(iam.create_virtual_mfa_device(VirtualMFADeviceName="d%02d" % i, Tags=tags)["VirtualMFADevice"]["SerialNumber"])
    endpoint.clear_requests()
    return serials


@pytest.fixture
def client(endpoint):
    return RetryingBotoClientWrapper(endpoint.boto3_client("iam"), RETRY)


@pytest.mark.parametrize("workers", [1, 4, 30, 50])
def test_every_device_once_whatever_the_pool_size(client, endpoint, devices, workers):
    tags = fetch_tags(client, devices, workers)
    assert tags == {serial: ({"i": str(i)} if i else {}) for i, serial in enumerate(devices)}
    asked = Counter(request["params"]["SerialNumber"] for request in endpoint.requests("ListMFADeviceTags"))
    assert asked == Counter(devices)


def test_nothing_to_fetch_makes_no_call(client, endpoint):
    assert fetch_tags(client, [], 10) == {}
    assert endpoint.requests() == []


def test_a_device_that_is_gone_maps_to_none(client, iam, devices):
    iam.delete_virtual_mfa_device(SerialNumber=devices[3])
    tags = fetch_tags(client, devices[:6], 3)
    assert tags[devices[3]] is None
    assert tags[devices[4]] == {"i": "4"}


def test_a_failure_is_raised_naming_the_operation(endpoint, devices):
    endpoint.set_faults(drop_fraction=1.0, fault_actions=["ListMFADeviceTags"])
    client = RetryingBotoClientWrapper(endpoint.boto3_client("iam", config=_no_retries()), RETRY)
    with pytest.raises(MFAError, match="Failed to list the tags of a virtual MFA device"):
        fetch_tags(client, devices, 4)


def test_pool_config_has_a_connection_per_worker():
    assert pool_config(1) == {"max_pool_connections": 10}
    assert pool_config(50) == {"max_pool_connections": 50}


def _no_retries():
    from botocore.config import Config  # pylint: disable=import-outside-toplevel

    return Config(retries={"mode": "standard", "max_attempts": 1})
