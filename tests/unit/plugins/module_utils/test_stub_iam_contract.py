"""The stub IAM client (tests/support/stub_iam.py) answers as the local endpoint does, call for call.

The same scenario runs against both: the endpoint through real boto3 and the stub, each answer reduced to what the
engine reads (serial numbers, holders, tags, error codes). A stub that drifted from the endpoint (and so from IAM as
shared/IAM-FACTS.md describes it) fails here, not silently in test_converge.py.
"""

import time

import pyotp
import pytest
from botocore.exceptions import ClientError
from stub_iam import StubIAM

SERIAL = "arn:aws:iam::123456789012:mfa/team/alice"


class RealClock:
    @staticmethod
    def time():
        return time.time()


def outcome(call, **kwargs):
    """What the engine sees of a call: ("ok", answer) or ("error", the error code)."""
    try:
        return "ok", call(**kwargs)
    except ClientError as e:
        return "error", e.response["Error"]["Code"]


def listing(client, operation, key, **kwargs):
    return client.get_paginator(operation).paginate(**kwargs).build_full_result()[key]


def codes(seed, window_offset=0):
    while time.time() % 30 > 28:
        time.sleep(0.2)
    totp, now = pyotp.TOTP(seed), int(time.time()) // 30 + window_offset
    return {"AuthenticationCode1": totp.at((now - 1) * 30), "AuthenticationCode2": totp.at(now * 30)}


def scenario(client):
    """Every call the engine makes, in the order a device lives through them; the reduced answers."""
    seen = []
    status, created = outcome(client.create_virtual_mfa_device, VirtualMFADeviceName="alice", Path="/team/",
                              Tags=[{"Key": "team", "Value": "a"}])
    seen.append((status, created["VirtualMFADevice"]["SerialNumber"]))
    seed = created["VirtualMFADevice"]["Base32StringSeed"].decode()
    seen.append(outcome(client.create_virtual_mfa_device, VirtualMFADeviceName="alice", Path="/team/"))
    seen.append(outcome(client.get_user, UserName="nobody"))
    client.tag_mfa_device(SerialNumber=SERIAL, Tags=[{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "b"}])
    client.untag_mfa_device(SerialNumber=SERIAL, TagKeys=["env", "absent-key"])
    seen.append(("tags", listing(client, "list_mfa_device_tags", "Tags", SerialNumber=SERIAL)))
    seen.append(("unassigned", [(d["SerialNumber"], "User" in d)
                                for d in listing(client, "list_virtual_mfa_devices", "VirtualMFADevices")]))
    pair = codes(seed)
    seen.append(outcome(client.enable_mfa_device, UserName="alice", SerialNumber=SERIAL, **pair)[0])
    seen.append(("assigned", [(d["SerialNumber"], d.get("User", {}).get("UserName"))
                              for d in listing(client, "list_virtual_mfa_devices", "VirtualMFADevices")]))
    seen.append(("user", [d["SerialNumber"] for d in listing(client, "list_mfa_devices", "MFADevices", UserName="alice")]))
    seen.append(outcome(client.resync_mfa_device, UserName="alice", SerialNumber=SERIAL, **pair))  # spent codes
    seen.append(outcome(client.delete_virtual_mfa_device, SerialNumber=SERIAL))  # still enabled
    seen.append(outcome(client.deactivate_mfa_device, UserName="alice", SerialNumber=SERIAL)[0])
    seen.append(outcome(client.enable_mfa_device, UserName="alice", SerialNumber=SERIAL, **pair))  # spent codes
    seen.append(outcome(client.delete_virtual_mfa_device, SerialNumber=SERIAL)[0])
    seen.append(outcome(client.delete_virtual_mfa_device, SerialNumber=SERIAL))
    seen.append(("gone", listing(client, "list_virtual_mfa_devices", "VirtualMFADevices")))
    return seen


@pytest.fixture
def both(endpoint, iam):
    iam.create_user(UserName="alice")
    stub = StubIAM(users=("alice",))
    stub.clock = RealClock()
    return stub, iam


def test_the_stub_answers_as_the_endpoint_does(both):
    stub, iam = both
    expected = scenario(iam)
    assert expected[1] == ("error", "EntityAlreadyExists")  # the endpoint is IAM's model: a sanity check of it
    assert scenario(stub) == expected
