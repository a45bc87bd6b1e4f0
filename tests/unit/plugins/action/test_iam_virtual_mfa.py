"""iam_virtual_mfa through main(), real boto3 against the faithful local IAM endpoint (which checks TOTP codes,
refuses to delete enabled devices, and implements the MFA tag calls)."""

import time

import pyotp
import pytest

from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.seal import new_key
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.seal import unseal
from ansible_collections.mfaops.iam.plugins.modules.iam_virtual_mfa import main

ACCOUNT = "123456789012"
SERIAL = "arn:aws:iam::%s:mfa/alice" % ACCOUNT


@pytest.fixture
def run(run_module):
    def runner(check_mode=False, diff=False, **args):
        return run_module(main, args, check_mode=check_mode, diff=diff)

    return runner


@pytest.fixture
def users(iam, endpoint):
    for name in ("alice", "bob"):
        iam.create_user(UserName=name)
    endpoint.clear_requests()


def create(run, key=None, **args):
    """Create a device as the action plugin would (with a seal key); returns (result, seed)."""
    key = key or new_key()
    result = run(_seal_key=key, **args)
    assert not result.get("failed"), result.get("msg")
    return result, unseal(key, result["__bootstrap__"]["sealed"])


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


# ---------------------------------------------------------------------------------------------- present / tags
def test_create_returns_the_seed_sealed_and_only_sealed(run, endpoint, iam):
    result, seed = create(run, name="alice", tags={"team": "a", "env": "prod"})
    assert result["changed"] is True
    assert result["virtual_mfa_device"] == {
        "serial_number": SERIAL, "name": "alice", "path": "/", "user_name": None, "user_arn": None,
        "enable_date": None, "tags": {"team": "a", "env": "prod"},
    }
    assert endpoint.seeds()[SERIAL] == seed
    assert seed not in result["_stdout"]
    assert tags_on_endpoint(iam, SERIAL) == {"team": "a", "env": "prod"}


def test_create_without_a_seal_key_fails_before_any_write(run, endpoint):
    result = run(name="alice")
    assert result["failed"] is True
    assert "cannot be created without bootstrap_file" in result["msg"]
    assert endpoint.write_requests() == []


def test_create_refusal_from_the_action_plugin_is_reported(run, endpoint):
    result = run(name="alice", _create_refusal="bootstrap_file /x already exists")
    assert result["failed"] and result["msg"] == "bootstrap_file /x already exists"
    assert endpoint.write_requests() == []


def test_present_is_idempotent_with_no_write_call(run, endpoint):
    create(run, name="alice", path="/team/", tags={"a": "1"})
    endpoint.clear_requests()
    result = run(name="alice", path="/team/", tags={"a": "1"})
    assert result["changed"] is False
    assert result["virtual_mfa_device"]["serial_number"] == "arn:aws:iam::%s:mfa/team/alice" % ACCOUNT
    assert endpoint.write_requests() == []
    assert len(endpoint.requests()) <= 3


def test_check_mode_create_predicts_exactly_what_a_real_run_reports(run, endpoint):
    predicted = run(check_mode=True, diff=True, name="alice", tags={"x": "y"}, _seal_key=new_key())
    assert endpoint.write_requests() == []
    assert iam_devices(endpoint) == []
    real = run(diff=True, name="alice", tags={"x": "y"}, _seal_key=new_key())
    assert predicted["changed"] is real["changed"] is True
    assert predicted["diff"] == real["diff"]
    assert predicted["virtual_mfa_device"] == real["virtual_mfa_device"]
    assert predicted["__bootstrap__"] == {"serial_number": SERIAL, "sealed": None}


def iam_devices(endpoint):
    return endpoint.boto3_client("iam").list_virtual_mfa_devices()["VirtualMFADevices"]


@pytest.mark.parametrize("purge, wanted, expected", [
    (True, {"team": "b"}, {"team": "b"}),
    (False, {"team": "b"}, {"team": "b", "env": "prod"}),
    (True, {}, {}),
    (True, {"team": "a", "env": "prod", "new": ""}, {"team": "a", "env": "prod", "new": ""}),
])
def test_tags_converge_and_check_mode_predicts_them(run, endpoint, iam, purge, wanted, expected):
    create(run, name="alice", tags={"team": "a", "env": "prod"})
    endpoint.clear_requests()
    check = run(check_mode=True, diff=True, name="alice", tags=wanted, purge_tags=purge)
    assert endpoint.write_requests() == []
    real = run(diff=True, name="alice", tags=wanted, purge_tags=purge)
    assert tags_on_endpoint(iam, SERIAL) == expected
    assert real["virtual_mfa_device"]["tags"] == expected
    assert check["changed"] is real["changed"] is True
    assert check["diff"] == real["diff"]
    assert real["diff"]["before"]["tags"] == {"team": "a", "env": "prod"}
    again = run(name="alice", tags=wanted, purge_tags=purge)
    assert again["changed"] is False


def test_tags_omitted_leave_tags_alone(run, iam):
    create(run, name="alice", tags={"team": "a"})
    result = run(name="alice")
    assert result["changed"] is False
    assert tags_on_endpoint(iam, SERIAL) == {"team": "a"}


# ---------------------------------------------------------------------------------------------- enabled
def test_create_and_enable_in_one_run_with_codes_the_endpoint_accepts(run, iam, users, endpoint):
    result, seed = create(run, name="alice", state="enabled", user="alice", diff=True)
    assert result["changed"] is True
    device = result["virtual_mfa_device"]
    assert device["user_name"] == "alice"
    assert device["user_arn"] == "arn:aws:iam::%s:user/alice" % ACCOUNT
    assert device["enable_date"]
    assert assigned_user(iam, SERIAL) == "alice"
    assert result["diff"]["after"]["user_name"] == "alice"
    assert [r["status"] for r in endpoint.requests("EnableMFADevice")] == [200]


def test_enabled_converged_run_makes_at_most_three_calls_and_no_write(run, endpoint, users):
    create(run, name="alice", state="enabled", user="alice")
    endpoint.clear_requests()
    result = run(name="alice", state="enabled", user="alice")
    assert result["changed"] is False
    assert result["virtual_mfa_device"]["enable_date"]
    assert endpoint.write_requests() == []
    assert len(endpoint.requests()) <= 3


def test_check_mode_enable_predicts_the_real_run(run, endpoint, users):
    _result, seed = create(run, name="alice")
    endpoint.clear_requests()
    check = run(check_mode=True, diff=True, name="alice", state="enabled", user="alice", seed=seed)
    assert endpoint.write_requests() == []
    real = run(diff=True, name="alice", state="enabled", user="alice", seed=seed)
    assert check["changed"] is real["changed"] is True
    assert check["diff"] == real["diff"]


def test_enable_an_existing_device_with_a_seed(run, iam, users):
    _result, seed = create(run, name="alice")
    result = run(name="alice", state="enabled", user="alice", seed=seed.lower())
    assert result["changed"] is True
    assert assigned_user(iam, SERIAL) == "alice"


def test_enable_with_explicit_codes(run, iam, users):
    _result, seed = create(run, name="alice")
    result = run(name="alice", state="enabled", user="alice", **codes(seed))
    assert result["changed"] is True
    assert assigned_user(iam, SERIAL) == "alice"


def test_wrong_codes_fail_naming_the_operation(run, iam, users):
    create(run, name="alice")
    result = run(name="alice", state="enabled", user="alice", authentication_code_1="123456", authentication_code_2="654321")
    assert result["failed"] is True
    assert result["msg"].startswith("Failed to enable MFA device")
    assert "InvalidAuthenticationCode" in result["msg"]
    assert assigned_user(iam, SERIAL) is None


def test_enable_without_any_seed_source_fails_and_explains(run, endpoint, users):
    create(run, name="alice")
    endpoint.clear_requests()
    result = run(name="alice", state="enabled", user="alice")
    assert result["failed"] is True
    assert "seed is unrecoverable" in result["msg"] and "on_missing_seed=recreate" in result["msg"]
    assert endpoint.write_requests() == []


def test_on_missing_seed_recreate_replaces_the_device_and_hands_back_the_new_seed(run, iam, endpoint, users):
    _result, old_seed = create(run, name="alice", tags={"k": "v"})
    result, new_seed = create(run, name="alice", state="enabled", user="alice", on_missing_seed="recreate", tags={"k": "v"})
    assert result["changed"] is True and new_seed != old_seed
    assert endpoint.seeds()[SERIAL] == new_seed
    assert assigned_user(iam, SERIAL) == "alice"
    assert tags_on_endpoint(iam, SERIAL) == {"k": "v"}
    assert [r["action"] for r in endpoint.write_requests()] == [
        "CreateVirtualMFADevice", "DeleteVirtualMFADevice", "CreateVirtualMFADevice", "EnableMFADevice"]


def test_recreate_is_refused_before_deleting_when_no_new_device_could_be_created(run, endpoint, users):
    create(run, name="alice")
    endpoint.clear_requests()
    result = run(name="alice", state="enabled", user="alice", on_missing_seed="recreate",
                 _create_refusal="bootstrap_file /x already exists")
    assert result["failed"] is True
    assert "cannot replace it: bootstrap_file /x already exists" in result["msg"]
    assert endpoint.write_requests() == []


def test_enabled_for_another_user_fails_without_reassign(run, iam, users):
    _result, seed = create(run, name="alice", state="enabled", user="alice")
    result = run(name="alice", state="enabled", user="bob", seed=seed)
    assert result["failed"] is True
    assert "is enabled for IAM user alice, not bob" in result["msg"]
    assert assigned_user(iam, SERIAL) == "alice"


def test_reassign_without_seed_fails_and_with_seed_moves_the_device(run, iam, users):
    _result, seed = create(run, name="alice", state="enabled", user="alice")
    failed = run(name="alice", state="enabled", user="bob", reassign=True)
    assert failed["failed"] is True and assigned_user(iam, SERIAL) == "alice"
    moved = run(name="alice", state="enabled", user="bob", reassign=True, seed=seed, diff=True)
    assert moved["changed"] is True
    assert assigned_user(iam, SERIAL) == "bob"
    assert moved["diff"]["before"]["user_name"] == "alice" and moved["diff"]["after"]["user_name"] == "bob"


def test_resync_needs_a_seed_and_calls_resync(run, endpoint, users):
    _result, seed = create(run, name="alice", state="enabled", user="alice")
    assert run(name="alice", state="enabled", user="alice", resync=True)["failed"] is True
    endpoint.clear_requests()
    result = run(name="alice", state="enabled", user="alice", resync=True, seed=seed)
    assert result["changed"] is True
    assert [r["action"] for r in endpoint.write_requests()] == ["ResyncMFADevice"]


def test_unknown_user_fails_before_any_write(run, endpoint):
    result = run(name="alice", state="enabled", user="nobody", _seal_key=new_key())
    assert result["failed"] is True and result["msg"] == "IAM user nobody does not exist"
    assert endpoint.write_requests() == []


def test_check_mode_with_a_user_an_earlier_task_would_create_warns_and_predicts(run, endpoint):
    result = run(check_mode=True, name="alice", state="enabled", user="alice", _seal_key=new_key())
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is True
    assert result["virtual_mfa_device"]["user_name"] == "alice" and result["virtual_mfa_device"]["user_arn"] is None
    assert "IAM user alice does not exist" in result["_stdout"]
    assert "deprecat" not in result["_stdout"]
    assert endpoint.write_requests() == []


# ---------------------------------------------------------------------------------------------- disabled / absent
def test_disabled_deactivates_and_converges(run, iam, endpoint, users):
    create(run, name="alice", state="enabled", user="alice")
    check = run(check_mode=True, serial_number=SERIAL, state="disabled")
    assert check["changed"] is True and assigned_user(iam, SERIAL) == "alice"
    result = run(serial_number=SERIAL, state="disabled")
    assert result["changed"] is True and result["virtual_mfa_device"]["user_name"] is None
    assert assigned_user(iam, SERIAL) is None
    endpoint.clear_requests()
    assert run(serial_number=SERIAL, state="disabled")["changed"] is False
    assert endpoint.write_requests() == []


def test_absent_deactivates_then_deletes_an_enabled_device(run, endpoint, users):
    create(run, name="alice", state="enabled", user="alice")
    check = run(check_mode=True, diff=True, name="alice", state="absent")
    assert check["changed"] is True and len(iam_devices(endpoint)) == 1
    endpoint.clear_requests()
    result = run(diff=True, name="alice", state="absent")
    assert result["changed"] is True and result["virtual_mfa_device"] == {}
    assert result["diff"] == check["diff"] and result["diff"]["after"] == {}
    assert [r["action"] for r in endpoint.write_requests()] == ["DeactivateMFADevice", "DeleteVirtualMFADevice"]
    assert iam_devices(endpoint) == []
    assert run(name="alice", state="absent")["changed"] is False


def test_serial_number_of_a_missing_device_is_not_created(run, endpoint):
    result = run(serial_number=SERIAL, _seal_key=new_key())
    assert result["failed"] is True and "No virtual MFA device has serial_number" in result["msg"]
    assert endpoint.write_requests() == []


def test_same_name_under_another_path_is_another_device(run, endpoint):
    create(run, name="alice", path="/a/")
    create(run, name="alice", path="/b/")
    assert sorted(d["SerialNumber"] for d in iam_devices(endpoint)) == [
        "arn:aws:iam::%s:mfa/a/alice" % ACCOUNT, "arn:aws:iam::%s:mfa/b/alice" % ACCOUNT]
