"""converge.DeviceTask with a stub IAM client: the order of calls, rollback, check mode, and the seed rules.

Fast and deterministic (no endpoint, an injected clock); the same behaviours run end to end against the endpoint in
tests/unit/plugins/action/.
"""

import base64

import pytest
from botocore.exceptions import ClientError

from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.converge import DeliveryError
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.converge import DeviceTask
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import MFAError
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.identity import DeviceId
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.lookup import find_device
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.marker import MARKER_KEY
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.marker import now_value

ACCOUNT = "123456789012"
SEED = base64.b32encode(b"12345678901234567890").decode()
WRONG_SEED = base64.b32encode(b"abcdefghijabcdefghij").decode()


def error(code, operation):
    return ClientError({"Error": {"Code": code, "Message": code}, "ResponseMetadata": {}}, operation)


class StubIAM:
    """Just enough of IAM: devices with tags and holders, users, and a log of calls. ``seeds`` decides which codes
    are right; ``fail`` maps an operation to the error it raises."""

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
        del self.devices[SerialNumber]


class StubSink:
    def __init__(self, refusal=None, fail=None):
        self.refusal = refusal
        self.fail = fail
        self.written = []

    def describe(self):
        return {"path": "/secure/alice.png", "method": "QRCodePNG", "mode": "0600"}

    def write(self, serial, seed):
        if self.fail:
            raise DeliveryError(self.fail)
        self.written.append((serial, seed))


class FakeClock:
    def __init__(self):
        import time  # pylint: disable=import-outside-toplevel
        self.now = time.time()

    def sleep(self, seconds):
        self.now += seconds

    def time(self):
        return self.now


def params(**overrides):
    base = dict(name="alice", path="/", serial_number=None, state="present", user_name=None, tags=None, purge_tags=True,
                seed=None, authentication_code_1=None, authentication_code_2=None, resync=False, reassign=False,
                on_missing_seed="fail")
    base.update(overrides)
    return base


def task(client, sink=None, check_mode=False, seed=None, **options):
    p = params(**options)
    ident = DeviceId(p["name"], p["path"])
    user = client.users.get(p["user_name"]) if p["state"] == "enabled" else None
    lookup = find_device(client, ident, user)
    if lookup.device is not None:
        lookup.device["tags"] = dict(client.devices[lookup.device["serial_number"]]["tags"])
    client.calls.clear()
    clock = client.clock = FakeClock()
    return DeviceTask(client, p, check_mode, ident, lookup, user, sink=sink, seed=seed,
                      account_lookup=lambda: ("aws", ACCOUNT), sleep=clock.sleep, now=clock.time)


def test_create_then_write_then_enable_then_remove_the_marker():
    client, sink = StubIAM(), StubSink()
    t = task(client, sink, state="enabled", user_name="alice", tags={"k": "v"})
    assert t.run() is True
    assert client.writes() == ["create_virtual_mfa_device", "enable_mfa_device", "untag_mfa_device"]
    assert sink.written == [("arn:aws:iam::%s:mfa/alice" % ACCOUNT, SEED)]
    assert t.device["user_name"] == "alice" and t.device["tags"] == {"k": "v"}
    assert client.devices["arn:aws:iam::%s:mfa/alice" % ACCOUNT]["tags"] == {"k": "v"}


def test_the_create_call_carries_the_marker():
    client = StubIAM()
    client.fail["enable_mfa_device"] = error("ServiceFailure", "EnableMFADevice")
    with pytest.raises(MFAError, match="created and its seed written"):
        task(client, StubSink(), state="enabled", user_name="alice").run()
    assert MARKER_KEY in client.devices["arn:aws:iam::%s:mfa/alice" % ACCOUNT]["tags"]


def test_a_failed_write_deletes_the_device_again_and_counts_as_a_change():
    client = StubIAM()
    t = task(client, StubSink(fail="cannot write bootstrap_file /x: No space left on device"), state="enabled", user_name="alice")
    with pytest.raises(MFAError, match="deleted again since nobody would hold its seed"):
        t.run()
    assert client.writes() == ["create_virtual_mfa_device", "delete_virtual_mfa_device"]
    assert t.wrote is True and client.devices == {}


def test_check_mode_writes_nothing_and_predicts():
    client, sink = StubIAM(), StubSink()
    t = task(client, sink, check_mode=True, state="enabled", user_name="alice", tags={"k": "v"})
    assert t.run() is True
    assert client.writes() == [] and sink.written == []
    assert t.device["serial_number"] == "arn:aws:iam::%s:mfa/alice" % ACCOUNT and t.device["user_name"] == "alice"
    assert t.bootstrap == sink.describe()


def test_check_mode_with_a_hardware_token_and_a_fido_key_predicts_the_serial():
    client = StubIAM()
    client.extra_user_devices["alice"] = ["GAHT12345678", "arn:aws:iam::%s:u2f/user/alice/key-1" % ACCOUNT]
    t = task(client, StubSink(), check_mode=True, state="enabled", user_name="alice")
    assert t.run() is True and t.device["serial_number"] == "arn:aws:iam::%s:mfa/alice" % ACCOUNT


def test_refusal_is_reported_before_any_write():
    client = StubIAM()
    with pytest.raises(MFAError, match="already exists"):
        task(client, StubSink(refusal="bootstrap_file /x already exists")).run()
    assert client.writes() == []


def test_reassign_with_a_wrong_seed_never_deactivates():
    client = StubIAM()
    client.add("alice", holder="bob")
    t = task(client, StubSink(), state="enabled", user_name="alice", reassign=True, seed=WRONG_SEED)
    with pytest.raises(MFAError, match="bob keeps the device"):
        t.run()
    assert client.writes() == ["resync_mfa_device", "resync_mfa_device"]  # the second with a fresh pair
    assert client.devices["arn:aws:iam::%s:mfa/alice" % ACCOUNT]["holder"] == "bob"


def test_reassign_with_the_right_seed_checks_then_moves_with_fresh_codes():
    client = StubIAM()
    client.add("alice", holder="bob")
    t = task(client, StubSink(), state="enabled", user_name="alice", reassign=True, seed=SEED)
    assert t.run() is True
    assert client.writes() == ["resync_mfa_device", "deactivate_mfa_device", "enable_mfa_device"]
    assert client.devices["arn:aws:iam::%s:mfa/alice" % ACCOUNT]["holder"] == "alice"


def test_an_enable_failing_after_the_deactivation_says_enabled_for_nobody():
    client = StubIAM()
    client.add("alice", holder="bob")
    client.fail["enable_mfa_device"] = error("LimitExceeded", "EnableMFADevice")
    t = task(client, StubSink(), state="enabled", user_name="alice", reassign=True, seed=SEED)
    with pytest.raises(MFAError, match="now enabled for nobody"):
        t.run()
    assert t.wrote is True


def test_a_young_marker_blocks_recreate_and_an_old_one_does_not():
    client = StubIAM()
    client.add("alice", tags={MARKER_KEY: now_value(), "k": "v"})
    with pytest.raises(MFAError, match="being provisioned by another run"):
        task(client, StubSink(), state="enabled", user_name="alice", on_missing_seed="recreate").run()
    assert client.writes() == []
    client.devices["arn:aws:iam::%s:mfa/alice" % ACCOUNT]["tags"][MARKER_KEY] = "2000-01-01T00:00:00Z"
    client.next_seed = WRONG_SEED
    t = task(client, StubSink(), state="enabled", user_name="alice", on_missing_seed="recreate")
    assert t.run() is True
    assert client.writes() == ["delete_virtual_mfa_device", "create_virtual_mfa_device", "enable_mfa_device",
                               "untag_mfa_device"]
    assert client.devices["arn:aws:iam::%s:mfa/alice" % ACCOUNT]["tags"] == {"k": "v"}  # the old tags kept


def test_a_failure_after_a_tag_write_is_a_change():
    client = StubIAM()
    client.add("alice", tags={"k": "old"})
    t = task(client, StubSink(), state="enabled", user_name="alice", tags={"k": "new"}, seed=WRONG_SEED)
    with pytest.raises(MFAError):
        t.run()
    assert t.wrote is True and client.writes()[0] == "tag_mfa_device"


def test_a_device_whose_path_ends_like_the_wanted_serial_is_another_device():
    """/x:mfa/alice ends with ':mfa/alice' but is not the device alice at /."""
    from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.identity import DeviceId as Ident  # pylint: disable=import-outside-toplevel
    assert not Ident("alice", "/").matches("arn:aws:iam::%s:mfa/x:mfa/alice" % ACCOUNT)
    assert Ident("alice", "/x:mfa/").matches("arn:aws:iam::%s:mfa/x:mfa/alice" % ACCOUNT)
    assert Ident("alice", "/").matches("arn:aws:iam::%s:mfa/alice" % ACCOUNT)
