"""converge.DeviceTask with a stub IAM client: the order of calls, rollback, check mode, and the seed rules.

Fast and deterministic (no endpoint, an injected clock); the same behaviours run end to end against the endpoint in
tests/unit/plugins/action/.
"""

import pytest
from stub_iam import ACCOUNT
from stub_iam import SEED
from stub_iam import WRONG_SEED
from stub_iam import FakeClock
from stub_iam import StubIAM
from stub_iam import error
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.converge import DeliveryError
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.converge import DeviceTask
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import MFAError
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.identity import DeviceId
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.lookup import find_device
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.marker import MARKER_KEY
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.marker import now_value


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
