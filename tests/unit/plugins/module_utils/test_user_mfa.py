"""_user_mfa: device kinds from serial numbers, the root ARN, and a user deleted mid-run."""

import pytest

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.mfaops.iam.plugins.module_utils._user_mfa.collect import ALL_USERS
from ansible_collections.mfaops.iam.plugins.module_utils._user_mfa.collect import user_state
from ansible_collections.mfaops.iam.plugins.module_utils._user_mfa.devices import device_kind
from ansible_collections.mfaops.iam.plugins.module_utils._user_mfa.devices import is_root_arn
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


def test_a_user_deleted_since_the_listing_is_none(endpoint):
    client = RetryingBotoClientWrapper(endpoint.boto3_client("iam"), RETRY)
    gone = {"user_name": "gone", "path": "/"}
    assert user_state(client, gone, {}, ALL_USERS, ALL_USERS) is None
