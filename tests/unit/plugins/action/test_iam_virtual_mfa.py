"""iam_virtual_mfa through its action plugin, in this process (tests/support/action_harness.py), with real boto3
against the faithful local IAM endpoint (which checks TOTP codes, refuses to delete enabled devices, and implements
the MFA tag calls)."""

import json

import pytest

from iam_state import ACCOUNT, SERIAL, actions, assigned_user, codes, iam_devices, tags_on_endpoint


# ---------------------------------------------------------------------------------------------- present / tags
def test_create_writes_the_seed_to_the_bootstrap_file_and_nowhere_else(create, endpoint, iam):
    result, seed = create(name="alice", tags={"team": "a", "env": "prod"})
    assert result["changed"] is True
    assert result["virtual_mfa_device"] == {
        "serial_number": SERIAL, "name": "alice", "path": "/", "user_name": None, "user_arn": None,
        "enable_date": None, "tags": {"team": "a", "env": "prod"},
    }
    assert endpoint.seeds()[SERIAL] == seed
    assert seed not in result["_stdout"]
    assert tags_on_endpoint(iam, SERIAL) == {"team": "a", "env": "prod"}


def test_create_without_a_bootstrap_file_fails_before_any_write(run, endpoint):
    result = run(name="alice")
    assert result["failed"] is True
    assert "cannot be created without bootstrap_file" in result["msg"]
    assert endpoint.write_requests() == []


def test_an_existing_bootstrap_file_refuses_the_create(run, endpoint, tmp_path):
    existing = tmp_path / "alice.png"
    existing.write_bytes(b"someone's QR code")
    result = run(name="alice", bootstrap_file=str(existing))
    assert result["failed"] and "already exists: an existing bootstrap file is never replaced" in result["msg"]
    assert existing.read_bytes() == b"someone's QR code"
    assert endpoint.write_requests() == []


def test_present_is_idempotent_with_no_write_call(run, create, endpoint):
    create(name="alice", path="/team/", tags={"a": "1"})
    endpoint.clear_requests()
    result = run(name="alice", path="/team/", tags={"a": "1"})
    assert result["changed"] is False
    assert result["virtual_mfa_device"]["serial_number"] == "arn:aws:iam::%s:mfa/team/alice" % ACCOUNT
    assert endpoint.write_requests() == []
    assert len(endpoint.requests()) <= 3


def test_check_mode_create_predicts_exactly_what_a_real_run_reports(run, endpoint, seed_file):
    path = seed_file()
    predicted = run(check_mode=True, diff=True, name="alice", tags={"x": "y"}, bootstrap_file=path)
    assert endpoint.write_requests() == []
    assert iam_devices(endpoint) == []
    real = run(diff=True, name="alice", tags={"x": "y"}, bootstrap_file=path)
    assert predicted["changed"] is real["changed"] is True
    assert predicted["diff"] == real["diff"]
    assert predicted["virtual_mfa_device"] == real["virtual_mfa_device"]
    assert predicted["bootstrap_file"] == real["bootstrap_file"] == {"path": path, "method": "QRCodePNG", "mode": "0600"}


@pytest.mark.parametrize("purge, wanted, expected", [
    (True, {"team": "b"}, {"team": "b"}),
    (False, {"team": "b"}, {"team": "b", "env": "prod"}),
    (True, {}, {}),
    (True, {"team": "a", "env": "prod", "new": ""}, {"team": "a", "env": "prod", "new": ""}),
])
def test_tags_converge_and_check_mode_predicts_them(run, create, endpoint, iam, purge, wanted, expected):
    create(name="alice", tags={"team": "a", "env": "prod"})
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


def test_tags_omitted_leave_tags_alone(run, create, iam):
    create(name="alice", tags={"team": "a"})
    result = run(name="alice")
    assert result["changed"] is False
    assert tags_on_endpoint(iam, SERIAL) == {"team": "a"}


# ---------------------------------------------------------------------------------------------- enabled
def test_create_and_enable_in_one_run_with_codes_the_endpoint_accepts(run, create, iam, users, endpoint):
    result, seed = create(name="alice", state="enabled", user_name="alice", diff=True)
    assert result["changed"] is True
    device = result["virtual_mfa_device"]
    assert device["user_name"] == "alice"
    assert device["user_arn"] == "arn:aws:iam::%s:user/alice" % ACCOUNT
    assert device["enable_date"]
    assert assigned_user(iam, SERIAL) == "alice"
    assert result["diff"]["after"]["user_name"] == "alice"
    assert [r["status"] for r in endpoint.requests("EnableMFADevice")] == [200]


def test_user_is_an_alias_of_user_name(run, create, endpoint, users):
    """``user`` (the name before 1.0.0) still works, and is checked as ``user_name``."""
    create(name="alice", state="enabled", user="alice")
    endpoint.clear_requests()
    result = run(name="alice", state="enabled", user="alice")
    assert result["changed"] is False and result["virtual_mfa_device"]["user_name"] == "alice"
    endpoint.clear_requests()
    assert run(name="alice", state="absent", user="alice")["msg"].startswith("user_name only applies")
    assert endpoint.requests() == []


def test_enabled_converged_run_makes_at_most_three_calls_and_no_write(run, create, endpoint, users):
    create(name="alice", state="enabled", user_name="alice")
    endpoint.clear_requests()
    result = run(name="alice", state="enabled", user_name="alice")
    assert result["changed"] is False
    assert result["virtual_mfa_device"]["enable_date"]
    assert endpoint.write_requests() == []
    assert len(endpoint.requests()) <= 3


def test_check_mode_enable_predicts_the_real_run(run, create, endpoint, users):
    _result, seed = create(name="alice")
    endpoint.clear_requests()
    check = run(check_mode=True, diff=True, name="alice", state="enabled", user_name="alice", seed=seed)
    assert endpoint.write_requests() == []
    real = run(diff=True, name="alice", state="enabled", user_name="alice", seed=seed)
    assert check["changed"] is real["changed"] is True
    assert check["diff"] == real["diff"]


def test_enable_an_existing_device_with_a_seed(run, create, iam, users):
    _result, seed = create(name="alice")
    result = run(name="alice", state="enabled", user_name="alice", seed=seed.lower())
    assert result["changed"] is True
    assert assigned_user(iam, SERIAL) == "alice"


def test_enable_with_explicit_codes(run, create, iam, users):
    _result, seed = create(name="alice")
    result = run(name="alice", state="enabled", user_name="alice", **codes(seed))
    assert result["changed"] is True
    assert assigned_user(iam, SERIAL) == "alice"


def test_wrong_codes_fail_naming_the_operation(run, create, iam, users):
    create(name="alice")
    result = run(name="alice", state="enabled", user_name="alice", authentication_code_1="123456", authentication_code_2="654321")
    assert result["failed"] is True
    assert result["msg"].startswith("Failed to enable MFA device")
    assert "InvalidAuthenticationCode" in result["msg"]
    assert assigned_user(iam, SERIAL) is None


def test_enable_without_any_seed_source_fails_and_explains(run, create, endpoint, users):
    create(name="alice")
    endpoint.clear_requests()
    result = run(name="alice", state="enabled", user_name="alice")
    assert result["failed"] is True
    assert "seed is unrecoverable" in result["msg"] and "on_missing_seed=recreate" in result["msg"]
    assert endpoint.write_requests() == []


def test_on_missing_seed_recreate_replaces_the_device_and_hands_back_the_new_seed(run, create, iam, endpoint, users):
    _result, old_seed = create(name="alice", tags={"k": "v"})
    result, new_seed = create(name="alice", state="enabled", user_name="alice", on_missing_seed="recreate", tags={"k": "v"})
    assert result["changed"] is True and new_seed != old_seed
    assert endpoint.seeds()[SERIAL] == new_seed
    assert assigned_user(iam, SERIAL) == "alice"
    assert tags_on_endpoint(iam, SERIAL) == {"k": "v"}
    assert actions(endpoint.write_requests()) == [
        "CreateVirtualMFADevice", "UntagMFADevice",  # the first device, its seed on disk: marker removed
        "DeleteVirtualMFADevice", "CreateVirtualMFADevice", "EnableMFADevice", "UntagMFADevice"]


def test_recreate_is_refused_before_deleting_when_no_new_device_could_be_created(run, create, endpoint, users, tmp_path):
    create(name="alice")
    endpoint.clear_requests()
    existing = tmp_path / "taken.png"
    existing.write_bytes(b"x")
    result = run(name="alice", state="enabled", user_name="alice", on_missing_seed="recreate", bootstrap_file=str(existing))
    assert result["failed"] is True
    assert "on_missing_seed=recreate cannot replace it" in result["msg"] and "already exists" in result["msg"]
    assert endpoint.write_requests() == []


def test_enabled_for_another_user_fails_without_reassign(run, create, iam, users):
    _result, seed = create(name="alice", state="enabled", user_name="alice")
    result = run(name="alice", state="enabled", user_name="bob", seed=seed)
    assert result["failed"] is True
    assert "is enabled for IAM user alice, not bob" in result["msg"]
    assert assigned_user(iam, SERIAL) == "alice"


def test_reassign_without_seed_fails_and_with_seed_moves_the_device(run, create, iam, users, virtual_time):
    _result, seed = create(name="alice", state="enabled", user_name="alice")
    failed = run(name="alice", state="enabled", user_name="bob", reassign=True)
    assert failed["failed"] is True and assigned_user(iam, SERIAL) == "alice"
    moved = run(name="alice", state="enabled", user_name="bob", reassign=True, seed=seed, diff=True)
    assert moved["changed"] is True
    assert assigned_user(iam, SERIAL) == "bob"
    assert moved["diff"]["before"]["user_name"] == "alice" and moved["diff"]["after"]["user_name"] == "bob"


def test_resync_needs_a_seed_and_calls_resync(run, create, endpoint, users, virtual_time):
    _result, seed = create(name="alice", state="enabled", user_name="alice")
    assert run(name="alice", state="enabled", user_name="alice", resync=True)["failed"] is True
    endpoint.clear_requests()
    result = run(name="alice", state="enabled", user_name="alice", resync=True, seed=seed)
    assert result["changed"] is True
    # IAM takes a code once: the pair of the enable's window is refused, the next fresh pair is accepted
    assert set(actions(endpoint.write_requests())) == {"ResyncMFADevice"}
    assert endpoint.write_requests()[-1]["status"] == 200
    assert virtual_time.slept >= 30  # the fresh pair took a wait (on the virtual clock)


def test_unknown_user_fails_before_any_write(run, endpoint, tmp_path):
    result = run(name="alice", state="enabled", user_name="nobody", bootstrap_file=str(tmp_path / "a.png"))
    assert result["failed"] is True and result["msg"] == "IAM user nobody does not exist"
    assert endpoint.write_requests() == []


def test_check_mode_with_a_user_an_earlier_task_would_create_warns_and_predicts(run, endpoint, tmp_path):
    result = run(check_mode=True, name="alice", state="enabled", user_name="alice", bootstrap_file=str(tmp_path / "a.png"))
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is True
    assert result["virtual_mfa_device"]["user_name"] == "alice" and result["virtual_mfa_device"]["user_arn"] is None
    assert [warning for warning in result["warnings"] if "IAM user alice does not exist" in warning]
    assert "deprecat" not in result["_stdout"] and "deprecations" not in result
    assert endpoint.write_requests() == []


def test_a_no_log_value_is_scrubbed_from_the_result(run, create, users):
    """As AnsibleModule does: a value of a no_log option (here the seed) never shows in the result, even where AWS
    echoes it (a tag holding it), in the result and in the diff."""
    _created, seed = create(name="alice", state="present")
    result = run(name="alice", state="present", seed=seed, tags={"copy": seed, "other": "x-%s-y" % seed}, diff=True)
    assert not result.get("failed"), result.get("msg")
    assert seed not in json.dumps(result)
    assert result["virtual_mfa_device"]["tags"] == {"copy": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER",
                                                    "other": "x-********-y"}
    assert result["diff"]["after"]["tags"]["copy"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


# ---------------------------------------------------------------------------------------------- disabled / absent
def test_disabled_deactivates_and_converges(run, create, iam, endpoint, users):
    create(name="alice", state="enabled", user_name="alice")
    check = run(check_mode=True, serial_number=SERIAL, state="disabled")
    assert check["changed"] is True and assigned_user(iam, SERIAL) == "alice"
    result = run(serial_number=SERIAL, state="disabled")
    assert result["changed"] is True and result["virtual_mfa_device"]["user_name"] is None
    assert assigned_user(iam, SERIAL) is None
    endpoint.clear_requests()
    assert run(serial_number=SERIAL, state="disabled")["changed"] is False
    assert endpoint.write_requests() == []


def test_absent_deactivates_then_deletes_an_enabled_device(run, create, endpoint, users):
    create(name="alice", state="enabled", user_name="alice")
    check = run(check_mode=True, diff=True, name="alice", state="absent")
    assert check["changed"] is True and len(iam_devices(endpoint)) == 1
    endpoint.clear_requests()
    result = run(diff=True, name="alice", state="absent")
    assert result["changed"] is True and result["virtual_mfa_device"] == {}
    assert result["diff"] == check["diff"] and result["diff"]["after"] == {}
    assert [r["action"] for r in endpoint.write_requests()] == ["DeactivateMFADevice", "DeleteVirtualMFADevice"]
    assert iam_devices(endpoint) == []
    assert run(name="alice", state="absent")["changed"] is False


def test_serial_number_of_a_missing_device_is_not_created(run, endpoint, tmp_path):
    result = run(serial_number=SERIAL, bootstrap_file=str(tmp_path / "a.png"))
    assert result["failed"] is True and "No virtual MFA device has serial_number" in result["msg"]
    assert endpoint.write_requests() == []


def test_same_name_under_another_path_is_another_device(run, create, endpoint):
    create(name="alice", path="/a/")
    create(name="alice", path="/b/")
    assert sorted(d["SerialNumber"] for d in iam_devices(endpoint)) == [
        "arn:aws:iam::%s:mfa/a/alice" % ACCOUNT, "arn:aws:iam::%s:mfa/b/alice" % ACCOUNT]
