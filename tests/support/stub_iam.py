"""A stub IAM client for fast, deterministic unit tests of the device engine (module_utils/_virtual_mfa), and the
clock it shares with the task under test.

Just enough of IAM for converge.DeviceTask: devices with tags and holders, users, and a log of calls. Its answers
are checked against the local endpoint's by tests/unit/plugins/module_utils/test_stub_iam_contract.py, so the stub
cannot drift from the endpoint (which models IAM, see shared/IAM-FACTS.md) without a test failing.
"""

import base64
import time

from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
SEED = base64.b32encode(b"12345678901234567890").decode()
WRONG_SEED = base64.b32encode(b"abcdefghijabcdefghij").decode()


def error(code, operation):
    return ClientError({"Error": {"Code": code, "Message": code}, "ResponseMetadata": {}}, operation)


class StubIAM:
    """Devices with tags and holders, users, and a log of calls. The seed of a device decides which codes are right;
    ``fail`` maps an operation to the error it raises."""

    def __init__(self, users=("alice", "bob")):
        self.users = {name: {"UserName": name, "UserId": "AID" + name, "Arn": "arn:aws:iam::%s:user/%s" % (ACCOUNT, name)}
                      for name in users}
        self.devices = {}  # serial -> {"tags": {}, "holder": None, "seed": str}
        self.extra_user_devices = {}  # user -> [serial] (hardware tokens, FIDO keys)
        self.calls = []
        self.fail = {}
        self.next_seed = SEED
        self.clock = FakeClock()  # replaced by the task's clock (task())

    # --- helpers
    def _log(self, operation, **kwargs):
        self.calls.append(operation)
        if operation in self.fail:
            raise self.fail[operation]

    def writes(self):
        return [c for c in self.calls if not c.startswith(("list", "get"))]

    def add(self, name, holder=None, tags=None, seed=SEED):
        serial = "arn:aws:iam::%s:mfa/%s" % (ACCOUNT, name)
        self.devices[serial] = {"tags": dict(tags or {}), "holder": holder, "seed": seed}
        return serial

    def _check_codes(self, serial, codes, operation):
        """As IAM judges codes: the pair of the current window of ``self.clock`` (the task's clock) give or take one,
        and each window's code accepted once per device."""
        import pyotp  # pylint: disable=import-outside-toplevel
        device = self.devices[serial]
        totp = pyotp.TOTP(device["seed"])
        now = int(self.clock.time() // 30)
        spent = device.setdefault("spent", set())
        for w in range(now - 1, now + 2):
            if tuple(codes) == (totp.at((w - 1) * 30), totp.at(w * 30)) and not {w - 1, w} & spent:
                spent.update((w - 1, w))
                return
        raise error("InvalidAuthenticationCode", operation)

    def _device(self, serial, operation):
        if serial not in self.devices:
            raise error("NoSuchEntity", operation)
        return self.devices[serial]

    # --- paginated reads
    def get_paginator(self, operation):
        stub = self

        class Pages:
            def __init__(self, kwargs):
                self.kwargs = kwargs

            def build_full_result(self):
                return getattr(stub, "_page_" + operation)(**self.kwargs)

        class Paginator:
            def paginate(self, PaginationConfig=None, **kwargs):  # pylint: disable=invalid-name
                return Pages(kwargs)

        return Paginator()

    def _page_list_virtual_mfa_devices(self, AssignmentStatus="Any"):  # pylint: disable=invalid-name
        self._log("list_virtual_mfa_devices")
        entries = []
        for serial, device in sorted(self.devices.items()):
            entry = {"SerialNumber": serial}
            if device["holder"]:
                entry.update(User=self.users[device["holder"]], EnableDate=None)
            entries.append(entry)
        return {"VirtualMFADevices": entries}

    def _page_list_mfa_devices(self, UserName):  # pylint: disable=invalid-name
        self._log("list_mfa_devices")
        serials = [s for s, d in sorted(self.devices.items()) if d["holder"] == UserName]
        serials = self.extra_user_devices.get(UserName, []) + serials
        return {"MFADevices": [{"SerialNumber": s, "UserName": UserName, "EnableDate": None} for s in serials]}

    def _page_list_mfa_device_tags(self, SerialNumber):  # pylint: disable=invalid-name
        self._log("list_mfa_device_tags")
        return {"Tags": [{"Key": k, "Value": v} for k, v in self.devices[SerialNumber]["tags"].items()]}

    # --- calls
    def get_user(self, UserName, aws_retry=False):  # pylint: disable=invalid-name,unused-argument
        self._log("get_user")
        if UserName not in self.users:
            raise error("NoSuchEntity", "GetUser")
        return {"User": self.users[UserName]}

    def create_virtual_mfa_device(self, VirtualMFADeviceName, Path, Tags=None):  # pylint: disable=invalid-name
        self._log("create_virtual_mfa_device")
        serial = "arn:aws:iam::%s:mfa%s%s" % (ACCOUNT, Path, VirtualMFADeviceName)
        if serial in self.devices:
            raise error("EntityAlreadyExists", "CreateVirtualMFADevice")
        self.devices[serial] = {"tags": {t["Key"]: t["Value"] for t in Tags or []}, "holder": None, "seed": self.next_seed}
        return {"VirtualMFADevice": {"SerialNumber": serial, "Base32StringSeed": self.next_seed.encode()}}

    def tag_mfa_device(self, SerialNumber, Tags, aws_retry=False):  # pylint: disable=invalid-name,unused-argument
        self._log("tag_mfa_device")
        self.devices[SerialNumber]["tags"].update({t["Key"]: t["Value"] for t in Tags})

    def untag_mfa_device(self, SerialNumber, TagKeys, aws_retry=False):  # pylint: disable=invalid-name,unused-argument
        self._log("untag_mfa_device")
        for key in TagKeys:
            self.devices[SerialNumber]["tags"].pop(key, None)

    def enable_mfa_device(self, UserName, SerialNumber, AuthenticationCode1, AuthenticationCode2,  # pylint: disable=invalid-name
                          aws_retry=False):  # pylint: disable=unused-argument
        self._log("enable_mfa_device")
        self._check_codes(SerialNumber, (AuthenticationCode1, AuthenticationCode2), "EnableMFADevice")
        self.devices[SerialNumber]["holder"] = UserName

    def resync_mfa_device(self, UserName, SerialNumber, AuthenticationCode1, AuthenticationCode2,  # pylint: disable=invalid-name
                          aws_retry=False):  # pylint: disable=unused-argument
        self._log("resync_mfa_device")
        self._check_codes(SerialNumber, (AuthenticationCode1, AuthenticationCode2), "ResyncMFADevice")

    def deactivate_mfa_device(self, UserName, SerialNumber, aws_retry=False):  # pylint: disable=invalid-name,unused-argument
        self._log("deactivate_mfa_device")
        self.devices[SerialNumber]["holder"] = None

    def delete_virtual_mfa_device(self, SerialNumber, aws_retry=False):  # pylint: disable=invalid-name,unused-argument
        self._log("delete_virtual_mfa_device")
        if self._device(SerialNumber, "DeleteVirtualMFADevice")["holder"]:
            raise error("DeleteConflict", "DeleteVirtualMFADevice")
        del self.devices[SerialNumber]


class FakeClock:
    def __init__(self):
        self.now = time.time()

    def sleep(self, seconds):
        self.now += seconds

    def time(self):
        return self.now
