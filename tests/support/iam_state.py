"""Read back what the local IAM endpoint holds, for assertions."""

import time

import pyotp

ACCOUNT = "123456789012"
SERIAL = "arn:aws:iam::%s:mfa/alice" % ACCOUNT
MARKER = "mfaops:provisioning"


def tags_on_endpoint(iam, serial):
    return {t["Key"]: t["Value"] for t in iam.list_mfa_device_tags(SerialNumber=serial)["Tags"]}


def assigned_user(iam, serial):
    for device in iam.list_virtual_mfa_devices()["VirtualMFADevices"]:
        if device["SerialNumber"] == serial:
            return device.get("User", {}).get("UserName")
    raise AssertionError("no device %s" % serial)


def codes(seed):
    totp = pyotp.TOTP(seed)
    return {"authentication_code_1": totp.at(time.time() - 30), "authentication_code_2": totp.now()}


def iam_devices(endpoint):
    return endpoint.boto3_client("iam").list_virtual_mfa_devices()["VirtualMFADevices"]


def actions(requests):
    return [r["action"] for r in requests]
