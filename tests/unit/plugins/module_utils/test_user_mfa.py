"""_user_mfa: device kinds from serial numbers, the root ARN, the bounded pool, and a user deleted mid-run."""

import threading
import time

import pytest

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.mfaops.iam.plugins.module_utils._user_mfa.collect import ALL_USERS
from ansible_collections.mfaops.iam.plugins.module_utils._user_mfa.collect import user_state
from ansible_collections.mfaops.iam.plugins.module_utils._user_mfa.devices import device_kind
from ansible_collections.mfaops.iam.plugins.module_utils._user_mfa.devices import is_root_arn
from ansible_collections.mfaops.iam.plugins.module_utils._user_mfa.pool import map_bounded
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import RETRY


@pytest.mark.parametrize("serial, kind", [
    ("arn:aws:iam::123456789012:mfa/alice", "virtual"),
    ("arn:aws:iam::123456789012:mfa/people/ops/alice", "virtual"),
    ("arn:aws-us-gov:iam::123456789012:mfa/root-account-mfa-device", "virtual"),
    ("arn:aws:iam::123456789012:u2f/user/alice/security-key-ABCDEF", "fido"),
    ("arn:aws:iam::123456789012:u2f/root/root-account-mfa-device-XYZ", "fido"),
    ("GAHT12345678", "hardware"),
    ("SKEY-1234-5678", "hardware"),
    ("arn:aws:iam::123456789012:sms-mfa/alice", "other"),
])
def test_device_kind(serial, kind):
    assert device_kind(serial) == kind


@pytest.mark.parametrize("arn, root", [
    ("arn:aws:iam::123456789012:root", True),
    ("arn:aws-cn:iam::123456789012:root", True),
    ("arn:aws:iam::123456789012:user/root", False),
    ("arn:aws:iam::123456789012:user/x/root", False),
    (None, False),
])
def test_is_root_arn(arn, root):
    assert is_root_arn(arn) is root


def test_map_bounded_keeps_the_order_and_never_exceeds_its_workers():
    lock, running, peak = threading.Lock(), [0], [0]

    def work(item):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.01)
        with lock:
            running[0] -= 1
        return item * 2

    assert map_bounded(work, range(30), 3) == [i * 2 for i in range(30)]
    assert 1 <= peak[0] <= 3  # never more than its workers (how many overlap is up to the scheduler)
    assert map_bounded(work, [], 3) == []


def test_map_bounded_raises_the_first_failure():
    def work(item):
        if item == 5:
            raise ValueError("five")
        return item

    with pytest.raises(ValueError, match="five"):
        map_bounded(work, range(10), 4)


def test_a_user_deleted_since_the_listing_is_none(endpoint):
    client = RetryingBotoClientWrapper(endpoint.boto3_client("iam"), RETRY)
    gone = {"user_name": "gone", "path": "/"}
    assert user_state(client, gone, {}, ALL_USERS, ALL_USERS) is None
