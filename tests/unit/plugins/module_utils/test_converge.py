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
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.delivery import DeliveryError
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.converge import DeviceTask
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.converge import Race
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import MFAError
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.identity import DeviceId
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.lookup import find_device
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.marker import MARKER_KEY
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.marker import now_value


class StubSink:
    def __init__(self, refusal=None, fail=None, unread_file=False):
        self.refusal = refusal
        self.fail = fail
        self.written = []
        self.unread_file = unread_file  # a QR code file is at the path already

    def describe(self):
        return {"path": "/secure/alice.png", "method": "QRCodePNG", "mode": "0600"}

    def write(self, serial, seed):
        if self.fail:
            raise DeliveryError(self.fail)
        self.written.append((serial, seed))

    def discard(self):
        self.written.pop()


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
    lookup = find_device(client, ident, user, with_tags=True)
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


# issue 14, case 7: IAM's limit of 8 MFA devices per user -------------------------------------------------------
def _holding(client, user, count):
    client.extra_user_devices[user] = ["GAHT%08d" % index for index in range(count)]


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_user_holding_eight_devices_is_refused_before_the_create(check_mode):
    client, sink = StubIAM(), StubSink()
    _holding(client, "alice", 8)
    with pytest.raises(MFAError, match="IAM user alice already holds 8 MFA devices .* the device is not created. "
                                       "Nothing was changed"):
        task(client, sink, check_mode=check_mode, state="enabled", user_name="alice").run()
    assert client.writes() == [] and sink.written == []


def test_a_user_holding_seven_devices_gets_the_eighth():
    client = StubIAM()
    _holding(client, "alice", 7)
    assert task(client, StubSink(), state="enabled", user_name="alice").run() is True


def test_a_reassign_to_a_user_holding_eight_devices_never_deactivates_the_holder():
    client = StubIAM()
    client.add("alice", holder="bob")
    _holding(client, "alice", 8)
    with pytest.raises(MFAError, match="already holds 8 MFA devices .* the device is not moved"):
        task(client, StubSink(), state="enabled", user_name="alice", reassign=True, seed=SEED).run()
    assert client.writes() == []


def test_an_enable_refused_by_the_limit_after_the_create_deletes_the_device_and_its_bootstrap_file():
    """The user got an eighth device between the lookup and the enable."""
    client, sink = StubIAM(), StubSink()
    client.fail["enable_mfa_device"] = error("LimitExceeded", "EnableMFADevice")
    t = task(client, sink, state="enabled", user_name="alice")
    expected = "could not be enabled: IAM user alice holds 8 MFA devices.*deleted again and its bootstrap file /secure/"
    with pytest.raises(MFAError, match=expected) as caught:
        t.run()
    assert client.writes() == ["create_virtual_mfa_device", "enable_mfa_device", "delete_virtual_mfa_device"]
    assert client.devices == {} and sink.written == [] and t.wrote is True
    assert caught.value.exception.response["Error"]["Code"] == "LimitExceeded"


def test_when_the_undo_cannot_delete_the_device_its_bootstrap_file_stays():
    client, sink = StubIAM(), StubSink()
    client.fail["enable_mfa_device"] = error("LimitExceeded", "EnableMFADevice")
    client.fail["delete_virtual_mfa_device"] = error("ServiceFailure", "DeleteVirtualMFADevice")
    with pytest.raises(MFAError, match="Deleting it again failed .*its seed is in /secure/alice.png"):
        task(client, sink, state="enabled", user_name="alice").run()
    assert len(client.devices) == 1 and len(sink.written) == 1


# issue 14, case 8: neighbours of on_missing_seed=recreate ---------------------------------------------------------
@pytest.mark.parametrize("check_mode", [False, True])
def test_recreate_with_tags_and_purge_tags_false_merges_the_old_devices_other_tags(check_mode):
    client = StubIAM()
    client.add("alice", tags={MARKER_KEY: "2000-01-01T00:00:00Z", "team": "a", "env": "prod"})
    t = task(client, StubSink(), check_mode=check_mode, state="enabled", user_name="alice", on_missing_seed="recreate",
             tags={"env": "dev"}, purge_tags=False)
    assert t.run() is True
    assert t.device["tags"] == {"team": "a", "env": "dev"}
    if not check_mode:
        assert client.devices["arn:aws:iam::%s:mfa/alice" % ACCOUNT]["tags"] == {"team": "a", "env": "dev"}
        assert client.writes() == ["delete_virtual_mfa_device", "create_virtual_mfa_device", "enable_mfa_device",
                                   "untag_mfa_device"]  # no tag write on the old device


def test_a_young_marker_with_tags_to_change_writes_nothing():
    client = StubIAM()
    client.add("alice", tags={MARKER_KEY: now_value(), "k": "v"})
    with pytest.raises(MFAError, match="being provisioned by another run.*Nothing was changed"):
        task(client, StubSink(), state="enabled", user_name="alice", on_missing_seed="recreate", tags={"k": "w"}).run()
    assert client.writes() == []


def test_a_recreate_whose_merged_tags_leave_no_room_for_the_marker_deletes_nothing():
    client = StubIAM()
    client.add("alice", tags=dict({"k%d" % index: "v" for index in range(45)}, **{MARKER_KEY: "2000-01-01T00:00:00Z"}))
    with pytest.raises(MFAError, match="the new device would carry 50 tags"):
        task(client, StubSink(), state="enabled", user_name="alice", on_missing_seed="recreate",
             tags={"n%d" % index: "v" for index in range(5)}, purge_tags=False).run()
    assert client.writes() == []


@pytest.mark.parametrize("marker", [now_value(), None], ids=["fresh_marker", "no_marker"])
def test_an_unassigned_device_whose_qr_bootstrap_file_exists_is_told_to_pass_the_seed_not_to_wait(marker):
    """What a run whose enable failed right after its create leaves: the device (with its marker) and the QR file."""
    client = StubIAM()
    client.add("alice", tags={MARKER_KEY: marker} if marker else {})
    with pytest.raises(MFAError) as caught:
        task(client, StubSink(refusal="bootstrap_file exists", unread_file=True), state="enabled", user_name="alice",
             on_missing_seed="recreate").run()
    message = caught.value.message
    assert "its bootstrap_file /secure/alice.png already exists: a QRCodePNG file" in message
    assert "run the task again with that seed as 'seed'" in message and "Nothing was changed" in message
    assert "another run" not in message
    assert ("900 seconds old" in message) is bool(marker)
    assert client.writes() == []


class RacingIAM(StubIAM):
    """Another run creates the device (with its own seed and provisioning marker) between this run's lookup and its
    create; ``retried``: botocore had retried this run's create, so the attempt whose answer was lost may be the one
    that created it."""

    def __init__(self, retried=False):
        super().__init__()
        self.retried = retried

    def create_virtual_mfa_device(self, VirtualMFADeviceName, Path, Tags=None):  # pylint: disable=invalid-name
        self._log("create_virtual_mfa_device")
        self.add(VirtualMFADeviceName, tags={MARKER_KEY: now_value()}, seed=WRONG_SEED)
        raced = error("EntityAlreadyExists", "CreateVirtualMFADevice")
        if self.retried:
            raced.response["ResponseMetadata"]["RetryAttempts"] = 1
        raise raced


def test_a_create_race_carries_on_with_the_device_found_writing_no_seed():
    client, sink = RacingIAM(), StubSink()
    device_task = task(client, sink=sink, tags={"team": "a"})
    assert device_task.run() is True  # the task's tag is added to the device the other run made
    assert device_task.race is Race.CONCURRENT and device_task.warnings == []
    assert sink.written == [] and device_task.bootstrap is None
    assert client.devices["arn:aws:iam::%s:mfa/alice" % ACCOUNT]["tags"]["team"] == "a"


def test_a_create_race_never_enables_or_recreates_the_other_runs_device():
    client = RacingIAM()
    device_task = task(client, sink=StubSink(), state="enabled", user_name="alice", on_missing_seed="recreate")
    with pytest.raises(MFAError, match="was created by another run at the same time as this one"):
        device_task.run()
    assert "delete_virtual_mfa_device" not in client.calls and "enable_mfa_device" not in client.calls


def test_a_create_race_after_a_retried_create_warns_that_nobody_may_hold_the_seed():
    device_task = task(RacingIAM(retried=True), sink=StubSink())
    device_task.run()
    assert device_task.race is Race.RETRIED
    assert len(device_task.warnings) == 1 and "either another run created it" in device_task.warnings[0]
