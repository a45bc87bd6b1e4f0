"""The user_mfa_account action plugin in this process against the local endpoint: one account's whole user_mfa run.

Each test runs the action in check mode, then for real, and compares them: the same changed users, the same failed
users, no write call in check mode. The cases of issue 14 (case 7) are also run through ansible-playbook in
tests/system/action/test_user_mfa_account_playbook.py.
"""

import json

import pytest

from action_harness import run_action

ACCOUNT = "123456789012"
ACTION = "mfaops.iam.user_mfa_account"


@pytest.fixture
def account(endpoint, tmp_path, capsys):
    """``account(users, check_mode=False, **options)`` -> the task result; bootstrap files in tmp_path/bootstrap."""

    def runner(users, check_mode=False, diff=False, task_vars=None, **options):
        args = dict(users=users, bootstrap_dir=str(tmp_path / "bootstrap"), account_subdirectory=False,
                    bootstrap_method="Base32StringSeed", endpoint_url=endpoint.url, region="us-east-1",
                    access_key="testing", secret_key="testing")
        args.update(options)
        capsys.readouterr()
        result = run_action(args, check_mode=check_mode, diff=diff, task_vars=task_vars, action_name=ACTION)
        captured = capsys.readouterr()
        result["_stdout"] = captured.out + captured.err
        return result

    return runner


def summary(result):
    """What a check-mode run must predict of the real run: who changes, who fails, and whether the task fails."""
    return {"failed": bool(result.get("failed")), "changed": result["changed"],
            "changed_users": result.get("changed_users"),
            "failed_users": [failure["user"] for failure in result.get("failures", [])]}


def check_then_run(endpoint, account, users, **options):
    endpoint.clear_requests()
    checked = account(users, check_mode=True, **options)
    assert endpoint.write_requests() == [], checked
    real = account(users, **options)
    assert summary(checked) == summary(real), (checked.get("msg"), real.get("msg"))
    return checked, real


def assert_no_secret(endpoint, result):
    text = json.dumps(result)
    for seed in endpoint.seeds().values():
        assert seed not in text


# ---------------------------------------------------------------------------------------------- onboarding
def test_onboarding_creates_enables_and_writes_each_users_file_then_converges(endpoint, iam, account, tmp_path):
    for name in ("alice", "bob"):
        iam.create_user(UserName=name)
    users = [{"name": "alice"}, {"name": "bob", "device_name": "bob-phone", "path": "/staff/", "tags": {"team": "x"}}]

    checked, real = check_then_run(endpoint, account, users, tags={"owner": "security"})

    assert real["changed_users"] == ["alice", "bob"]
    assert real["bootstrap_files"] == checked["bootstrap_files"] == [
        str(tmp_path / "bootstrap" / "alice.seed"), str(tmp_path / "bootstrap" / "bob.seed")]
    assert [d["serial_number"] for d in real["devices"]] == [d["serial_number"] for d in checked["devices"]] == [
        "arn:aws:iam::%s:mfa/alice" % ACCOUNT, "arn:aws:iam::%s:mfa/staff/bob-phone" % ACCOUNT]
    assert [d["user_name"] for d in real["devices"]] == ["alice", "bob"]
    assert real["devices"][1]["tags"]["team"] == "x" and real["devices"][1]["tags"]["owner"] == "security"
    assert [u["bootstrap_file"]["path"] for u in real["users"]] == real["bootstrap_files"]
    held = iam.list_mfa_devices(UserName="bob")["MFADevices"]
    assert [d["SerialNumber"] for d in held] == ["arn:aws:iam::%s:mfa/staff/bob-phone" % ACCOUNT]
    assert_no_secret(endpoint, checked)
    assert_no_secret(endpoint, real)

    endpoint.clear_requests()
    again = account(users, tags={"owner": "security"})
    assert (again["changed"], again["changed_users"], again["bootstrap_files"]) == (False, [], [])
    assert again["devices"] == [dict(d, enable_date=again["devices"][i]["enable_date"]) for i, d in enumerate(real["devices"])]
    actions = [request["action"] for request in endpoint.requests()]
    assert sorted(set(actions)) == ["ListMFADeviceTags", "ListUsers", "ListVirtualMFADevices"]
    assert actions.count("ListUsers") == actions.count("ListVirtualMFADevices") == 1


def test_missing_users_are_created_when_asked_and_refused_otherwise(endpoint, iam, account):
    refused = account([{"name": "carol"}, {"name": "dave"}])
    assert refused["failed"] is True and refused["changed"] is False
    assert "These IAM users do not exist: carol, dave." in refused["msg"]
    assert endpoint.write_requests() == []

    checked, real = check_then_run(endpoint, account, [{"name": "carol"}], create_users=True)
    assert real["changed_users"] == ["carol"] and real["users"][0]["user_created"] is True
    assert checked["devices"][0]["user_name"] == "carol"
    assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName="carol")["MFADevices"]] == [
        "arn:aws:iam::%s:mfa/carol" % ACCOUNT]


def test_offboarding_deletes_the_users_devices(endpoint, iam, account, tmp_path):
    iam.create_user(UserName="erin")
    account([{"name": "erin", "device_name": "erin-phone", "path": "/old/"}])
    iam.create_virtual_mfa_device(VirtualMFADeviceName="erin")  # unassigned, at the entry's path and name

    checked, real = check_then_run(endpoint, account, [{"name": "erin", "state": "absent"}], diff=True)

    assert real["changed_users"] == ["erin"]
    assert sorted(real["users"][0]["deleted"]) == sorted(checked["users"][0]["deleted"]) == [
        "arn:aws:iam::%s:mfa/erin" % ACCOUNT, "arn:aws:iam::%s:mfa/old/erin-phone" % ACCOUNT]
    assert real["devices"] == [{}]
    assert iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []
    assert [d["name"] for d in real["diff"]["before"]["erin"]] == ["erin-phone", "erin"]
    iam.delete_user(UserName="erin")  # IAM refuses DeleteUser while the user holds MFA devices


def test_an_offboarding_entry_naming_another_users_device_refuses_the_run(endpoint, iam, account):
    for name in ("alice", "frank"):
        iam.create_user(UserName=name)
    account([{"name": "alice"}, {"name": "frank"}])
    endpoint.clear_requests()
    result = account([{"name": "frank", "state": "absent"}, {"name": "zoe", "state": "absent", "device_name": "alice"}])
    assert result["failed"] is True
    assert "mfa/alice is enabled for IAM user alice, not zoe" in result["msg"]
    assert endpoint.write_requests() == []


# ---------------------------------------------------------------------------------------------- issue 14, case 7
def test_two_entries_naming_one_device_fail_alike_in_check_mode_and_for_real(endpoint, iam, account):
    for name in ("alice", "bob"):
        iam.create_user(UserName=name)
    users = [{"name": "alice", "device_name": "shared"}, {"name": "bob", "device_name": "shared"}]

    checked, real = check_then_run(endpoint, account, users)

    assert real["failed"] is True and real["changed"] is False
    assert real["msg"] == checked["msg"]
    assert "named by more than one entry: /shared (alice, bob)" in real["msg"]
    assert endpoint.write_requests() == []


@pytest.mark.parametrize("leaver_holds_it", [True, False])
def test_offboarding_frees_a_name_onboarding_takes_in_the_same_run(endpoint, iam, account, leaver_holds_it):
    for name in ("leaver", "newbie"):
        iam.create_user(UserName=name)
    if leaver_holds_it:
        account([{"name": "leaver", "device_name": "desk-token"}])
    else:
        iam.create_virtual_mfa_device(VirtualMFADeviceName="desk-token")
    users = [{"name": "newbie", "device_name": "desk-token"}, {"name": "leaver", "state": "absent",
                                                               "device_name": "desk-token"}]

    checked, real = check_then_run(endpoint, account, users)

    assert real["changed_users"] == ["newbie", "leaver"] and not real.get("failed")
    assert real["devices"][0]["user_name"] == "newbie"
    held = iam.list_mfa_devices(UserName="newbie")["MFADevices"]
    assert [d["SerialNumber"] for d in held] == ["arn:aws:iam::%s:mfa/desk-token" % ACCOUNT]
    assert iam.list_mfa_devices(UserName="leaver")["MFADevices"] == []


def test_a_user_holding_eight_mfa_devices_fails_before_any_create_in_both_modes(endpoint, iam, account, tmp_path):
    for name in ("full", "fine"):
        iam.create_user(UserName=name)
    for _token in range(8):
        endpoint.add_user_mfa_device("full", "hardware")
    users = [{"name": "full"}, {"name": "fine"}]

    checked, real = check_then_run(endpoint, account, users)

    assert real["failed"] is True
    assert real["changed_users"] == ["fine"]
    assert [f["user"] for f in real["failures"]] == ["full"]
    assert "IAM user full already holds 8 MFA devices" in real["msg"]
    assert [d["SerialNumber"] for d in iam.list_virtual_mfa_devices()["VirtualMFADevices"]] == [
        "arn:aws:iam::%s:mfa/fine" % ACCOUNT]  # no device left behind for full
    assert not (tmp_path / "bootstrap" / "full.seed").exists()
    assert real["users"][0]["device"] == {}


# ---------------------------------------------------------------------------------------------- failures
def test_a_failure_names_the_user_and_the_call_and_the_others_go_on(endpoint, iam, account):
    for name in ("alice", "bob"):
        iam.create_user(UserName=name)
    endpoint.set_faults(throttle_fraction=1.0, fault_actions=["CreateVirtualMFADevice"])
    result = account([{"name": "alice"}], aws_config={"retries": {"mode": "standard", "max_attempts": 1}})
    assert result["failed"] is True
    assert result["failures"] == [dict(user="alice", operation="CreateVirtualMFADevice", msg=result["failures"][0]["msg"])]
    assert "CreateVirtualMFADevice" in result["msg"] and "[alice]" in result["msg"]


def test_a_listing_that_fails_says_which_call(endpoint, account):
    endpoint.set_faults(throttle_fraction=1.0, fault_actions=["ListUsers"])
    result = account([{"name": "alice"}], aws_config={"retries": {"mode": "standard", "max_attempts": 1}})
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"].startswith("Failed to list IAM users: ")
    assert "ListUsers" in result["msg"]


# ---------------------------------------------------------------------------------------------- the account's directory
@pytest.mark.parametrize("options, host, directory", [
    ({"account_id": ACCOUNT}, "prod", ACCOUNT),
    ({}, "../escape", "host_%2E%2E%2Fescape"),
    ({}, "Victim/.", "host_%56ictim%2F%2E"),
])
def test_the_bootstrap_files_go_to_the_accounts_own_directory(endpoint, iam, account, tmp_path, options, host, directory):
    iam.create_user(UserName="alice")
    result = account([{"name": "alice"}], account_subdirectory=True, task_vars={"inventory_hostname": host}, **options)
    assert not result.get("failed"), result.get("msg")
    assert result["bootstrap_directory"] == str(tmp_path / "bootstrap" / directory)
    assert result["bootstrap_files"] == [str(tmp_path / "bootstrap" / directory / "alice.seed")]
    assert (tmp_path / "bootstrap" / directory / "alice.seed").is_file()


@pytest.mark.parametrize("hosts, options, directory", [
    (["localhost"], {}, None),  # one host, no account id: the caller's own account, straight into bootstrap_dir
    (["localhost", "other"], {}, "host_localhost"),
    (["localhost"], {"account_id": ACCOUNT}, ACCOUNT),
])
def test_account_subdirectory_auto_chooses_by_the_plays_hosts_and_the_account_id(
        endpoint, iam, account, tmp_path, hosts, options, directory):
    iam.create_user(UserName="alice")
    task_vars = {"inventory_hostname": "localhost", "ansible_play_hosts_all": hosts}
    result = account([{"name": "alice"}], account_subdirectory="auto", task_vars=task_vars, **options)
    assert not result.get("failed"), result.get("msg")
    expected = tmp_path / "bootstrap" / directory if directory else tmp_path / "bootstrap"
    assert result["bootstrap_directory"] == str(expected)
    assert result["bootstrap_files"] == [str(expected / "alice.seed")]


def test_a_bad_account_subdirectory_is_refused_before_any_call(endpoint, account):
    endpoint.clear_requests()
    result = account([{"name": "alice"}], account_subdirectory="sometimes")
    assert result["failed"] is True
    assert result["msg"] == "account_subdirectory must be true, false or auto, not 'sometimes'"
    assert endpoint.requests() == []


def test_an_account_id_that_is_no_account_id_is_refused(endpoint, account):
    result = account([{"name": "alice"}], account_subdirectory=True, account_id="../x")
    assert result["failed"] is True and "is not a 12-digit account id" in result["msg"]
    assert endpoint.requests() == []
