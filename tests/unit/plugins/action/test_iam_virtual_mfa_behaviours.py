"""The behaviours issue 8 lists as wrong on the two-process design, each through the action plugin in this process
against the local endpoint (real boto3, real files)."""

import datetime
import os

import pytest

from iam_state import ACCOUNT, MARKER, SERIAL, actions, assigned_user, tags_on_endpoint


def _stamp(seconds_ago):
    when = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=seconds_ago)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _half_provisioned(iam, seconds_ago, tags=None):
    """A device as run A leaves it between its create and its bootstrap file: unassigned, seed held by nobody else,
    marked as provisioning since ``seconds_ago``."""
    tag_list = [{"Key": MARKER, "Value": _stamp(seconds_ago)}] + [{"Key": k, "Value": v} for k, v in (tags or {}).items()]
    return iam.create_virtual_mfa_device(VirtualMFADeviceName="alice", Tags=tag_list)["VirtualMFADevice"]["SerialNumber"]


# 1 --------------------------------------------------------------------------------------- reassign keeps the holder
def test_reassign_with_a_wrong_seed_leaves_the_holder_enabled_and_changes_nothing(run, create, endpoint, iam, users, seed_file, virtual_time):
    _result, _seed = create(name="alice", state="enabled", user_name="alice")
    _other, wrong_seed = create(name="other")
    endpoint.clear_requests()
    result = run(name="alice", state="enabled", user_name="bob", reassign=True, seed=wrong_seed)
    assert result["failed"] is True and result["changed"] is False
    assert "does not belong to virtual MFA device %s" % SERIAL in result["msg"] and "alice keeps the device" in result["msg"]
    assert assigned_user(iam, SERIAL) == "alice"
    assert "DeactivateMFADevice" not in actions(endpoint.write_requests())


def test_reassign_with_codes_that_fail_after_the_deactivation_reports_changed_and_how_to_recover(run, create, iam, users):
    create(name="alice", state="enabled", user_name="alice")
    result = run(name="alice", state="enabled", user_name="bob", reassign=True,
                 authentication_code_1="123456", authentication_code_2="654321")
    assert result["failed"] is True and result["changed"] is True
    assert "now enabled for nobody" in result["msg"] and "user_name=alice" in result["msg"]
    assert assigned_user(iam, SERIAL) is None


# 2 --------------------------------------------------------------------------------------- changed after a write
def test_a_failure_after_a_tag_write_reports_changed(run, create, iam, users):
    _result, _seed = create(name="alice", tags={"team": "a"})
    result = run(name="alice", state="enabled", user_name="alice", tags={"team": "b"},
                 authentication_code_1="123456", authentication_code_2="654321")
    assert result["failed"] is True and result["changed"] is True
    assert tags_on_endpoint(iam, SERIAL) == {"team": "b"}
    assert result["error"]["code"] == "InvalidAuthenticationCode"


# 3 --------------------------------------------------------------------------------------- provisioning marker
def test_recreate_never_deletes_a_device_another_run_is_provisioning(run, endpoint, iam, users, seed_file):
    _half_provisioned(iam, seconds_ago=5)
    endpoint.clear_requests()
    path = seed_file()
    result = run(name="alice", state="enabled", user_name="alice", on_missing_seed="recreate", bootstrap_file=path)
    assert result["failed"] is True and result["changed"] is False
    assert "being provisioned by another run" in result["msg"] and "Nothing was changed" in result["msg"]
    assert endpoint.write_requests() == [] and not os.path.exists(path)


def test_on_missing_seed_fail_does_not_advise_destroying_a_device_being_provisioned(run, iam, users):
    _half_provisioned(iam, seconds_ago=5)
    result = run(name="alice", state="enabled", user_name="alice")
    assert result["failed"] is True
    assert "being provisioned by another run" in result["msg"]
    assert "state=absent" not in result["msg"] and "replaces the device once the tag is 900 seconds old" in result["msg"]


def test_a_marker_older_than_the_grace_period_means_its_run_died_and_recreate_replaces_the_device(run, endpoint, iam, users, seed_file):
    _half_provisioned(iam, seconds_ago=3600, tags={"team": "a"})
    endpoint.clear_requests()
    path = seed_file()
    result = run(name="alice", state="enabled", user_name="alice", on_missing_seed="recreate", bootstrap_file=path,
                 bootstrap_method="Base32StringSeed")
    assert result["changed"] is True, result.get("msg")
    assert assigned_user(iam, SERIAL) == "alice"
    assert open(path).read().strip() == endpoint.seeds()[SERIAL]
    assert tags_on_endpoint(iam, SERIAL) == {"team": "a"}  # 4: the old device's tags, without the marker


def test_the_creating_run_removes_its_marker_once_the_seed_is_safe(create, iam, users):
    create(name="alice", state="enabled", user_name="alice", tags={"k": "v"})
    assert tags_on_endpoint(iam, SERIAL) == {"k": "v"}
    create(name="bob", tags={"k": "v"})
    assert tags_on_endpoint(iam, "arn:aws:iam::%s:mfa/bob" % ACCOUNT) == {"k": "v"}


def test_the_marker_is_set_in_the_create_call_itself(create, endpoint):
    create(name="alice")
    create_call = endpoint.requests("CreateVirtualMFADevice")[0]
    assert MARKER in str(create_call.get("params", create_call))


# 4 --------------------------------------------------------------------------------------- recreate keeps tags
def test_recreate_keeps_the_old_devices_tags_and_check_mode_predicts_them(run, create, iam, users, seed_file):
    create(name="alice", tags={"team": "a", "env": "prod"})
    path = seed_file()
    check = run(check_mode=True, diff=True, name="alice", state="enabled", user_name="alice", on_missing_seed="recreate",
                bootstrap_file=path)
    assert check["virtual_mfa_device"]["tags"] == {"team": "a", "env": "prod"}
    real = run(diff=True, name="alice", state="enabled", user_name="alice", on_missing_seed="recreate", bootstrap_file=path)
    assert real["changed"] is True and real["virtual_mfa_device"]["tags"] == {"team": "a", "env": "prod"}
    assert tags_on_endpoint(iam, SERIAL) == {"team": "a", "env": "prod"}
    assert check["diff"] == real["diff"]


# 5 --------------------------------------------------------------------------------------- disabled creates
def test_disabled_creates_a_missing_device_when_a_bootstrap_file_is_given(run, endpoint, seed_file):
    path = seed_file()
    check = run(check_mode=True, name="alice", state="disabled", bootstrap_file=path)
    assert check["changed"] is True and check["bootstrap_file"]["path"] == path
    result = run(name="alice", state="disabled", bootstrap_file=path)
    assert result["changed"] is True and result["virtual_mfa_device"]["user_name"] is None
    assert os.path.exists(path)
    assert run(name="alice", state="disabled", bootstrap_file=path)["changed"] is False


# 6 --------------------------------------------------------------------------------------- hardware tokens
@pytest.mark.parametrize("kind", ["hardware", "fido"])
def test_check_mode_for_a_user_with_a_hardware_token_or_fido_key(run, endpoint, users, seed_file, kind):
    endpoint.add_user_mfa_device("alice", kind)
    result = run(check_mode=True, name="alice", state="enabled", user_name="alice", bootstrap_file=seed_file())
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is True and result["virtual_mfa_device"]["serial_number"] == SERIAL
    real = run(name="alice", state="enabled", user_name="alice", bootstrap_file=seed_file())
    assert real["changed"] is True and real["virtual_mfa_device"]["user_name"] == "alice"


# 7 --------------------------------------------------------------------------------------- tag value types
@pytest.mark.parametrize("value, shown", [(None, "null"), (5, "a number (5)"), (True, "a boolean (True)")])
def test_tag_values_that_are_not_strings_are_refused_before_any_call(run, endpoint, seed_file, value, shown):
    result = run(name="alice", tags={"owner": value}, bootstrap_file=seed_file())
    assert result["failed"] is True and result["changed"] is False
    assert "the value of 'owner' is %s" % shown in result["msg"] and "quote it" in result["msg"]
    assert endpoint.requests() == []


# 8 --------------------------------------------------------------------------------------- check mode refuses alike
@pytest.mark.parametrize("check_mode", [True, False])
def test_more_than_50_tags_after_merging_is_refused_up_front_in_both_modes(run, create, endpoint, iam, check_mode):
    create(name="alice", tags={"old%02d" % i: "v" for i in range(30)})
    endpoint.clear_requests()
    result = run(check_mode=check_mode, name="alice", tags={"new%02d" % i: "v" for i in range(30)}, purge_tags=False)
    assert result["failed"] is True
    assert "would hold 60 tags" in result["msg"] and "at most 50" in result["msg"] and "purge_tags=true" in result["msg"]
    assert "new05" not in result["msg"] and "old05" not in result["msg"]
    assert endpoint.write_requests() == []


@pytest.mark.parametrize("check_mode", [True, False])
def test_an_unwritable_bootstrap_directory_is_refused_in_check_mode_too(run, endpoint, check_mode):
    result = run(check_mode=check_mode, name="alice", bootstrap_file="/proc/mfaops/alice.png")
    assert result["failed"] is True and "cannot be created safely" in result["msg"]
    assert endpoint.write_requests() == []


# 9 --------------------------------------------------------------------------------------- case-insensitive names
def test_a_name_that_clashes_by_case_fails_at_once_naming_the_existing_device(run, create, endpoint, seed_file):
    create(name="Alice")
    endpoint.clear_requests()
    started = datetime.datetime.now()
    result = run(name="alice", bootstrap_file=seed_file())
    assert (datetime.datetime.now() - started).total_seconds() < 5
    assert result["failed"] is True
    assert "arn:aws:iam::%s:mfa/Alice already does" % ACCOUNT in result["msg"] and "regardless of case" in result["msg"]
    assert endpoint.write_requests() == []


# 10 -------------------------------------------------------------------------------------- relative bootstrap_file
def test_a_relative_bootstrap_file_resolves_against_the_playbook_directory(run, endpoint, tmp_path, monkeypatch):
    playbook_dir = tmp_path / "playbooks"
    playbook_dir.mkdir(mode=0o700)
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run(name="alice", bootstrap_file="mfa/alice.png", basedir=str(playbook_dir))
    assert result["bootstrap_file"]["path"] == str(playbook_dir / "mfa" / "alice.png")
    assert (playbook_dir / "mfa" / "alice.png").exists() and not (elsewhere / "mfa").exists()


# 11 -------------------------------------------------------------------------------------- filesystem errors
def test_a_bootstrap_file_name_too_long_is_a_clear_message_and_creates_nothing(run, endpoint, tmp_path):
    result = run(name="alice", bootstrap_file=str(tmp_path / ("x" * 300 + ".png")))
    assert result["failed"] is True and "File name too long" in result["msg"] and str(tmp_path) in result["msg"]
    assert "Traceback" not in result["msg"] and "Errno" not in result["msg"]
    assert endpoint.write_requests() == []


def test_a_symlink_loop_in_the_bootstrap_path_is_a_clear_message(run, endpoint, tmp_path):
    os.symlink(str(tmp_path / "b"), str(tmp_path / "a"))
    os.symlink(str(tmp_path / "a"), str(tmp_path / "b"))
    result = run(name="alice", bootstrap_file=str(tmp_path / "a" / "alice.png"))
    assert result["failed"] is True and "Too many levels of symbolic links" in result["msg"]
    assert endpoint.write_requests() == []


# 12 -------------------------------------------------------------------------------------- remedies that apply
def test_reassign_without_a_seed_does_not_suggest_recreate(run, create, users):
    create(name="alice", state="enabled", user_name="alice")
    result = run(name="alice", state="enabled", user_name="bob", reassign=True)
    assert result["failed"] is True and "needs its seed" in result["msg"]
    assert "on_missing_seed" not in result["msg"]


def test_the_task_environment_keyword_reaches_the_aws_options(endpoint, create, monkeypatch, tmp_path):
    """The credentials and region come only from the task's environment: keyword, read on the controller. The
    controller's own environment holds none and points at no config file: were the keyword ignored, botocore would
    find no credentials and the task would fail."""
    from action_harness import run_action  # pylint: disable=import-outside-toplevel
    create(name="alice")
    for name in [name for name in os.environ if name.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    environment = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "eu-west-1"}
    result = run_action({"name": "alice", "endpoint_url": endpoint.url}, environment=environment)
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is False and result["virtual_mfa_device"]["name"] == "alice"
    ignored = run_action({"name": "alice", "endpoint_url": endpoint.url})
    assert ignored.get("failed") is True  # the same task without the keyword: no credentials


# retries ------------------------------------------------------------------------------------ one layer, not two
def test_a_throttled_call_is_tried_as_often_as_botocore_is_told_not_that_many_times_more(run, endpoint):
    """botocore's standard mode owns throttling; the task's own retry layer does not retry it again."""
    endpoint.set_faults(throttle_fraction=1.0)
    try:
        result = run(name="alice", state="absent", aws_config={"retries": {"mode": "standard", "max_attempts": 3}})
    finally:
        endpoint.set_faults(throttle_fraction=0.0)
    assert result["failed"] is True and "Throttling" in result["msg"]
    assert len(endpoint.requests("ListVirtualMFADevices")) == 1 + 3  # botocore's max_attempts counts retries


def test_aws_profile_from_the_task_environment_is_used_on_the_controller(endpoint, tmp_path, create):
    """No connection option in the task: AWS_PROFILE (and the config files it lives in) come from the task's
    environment: keyword, and the profile's endpoint_url and region reach the client. Were the keyword ignored, the
    task would try real AWS, which is unreachable here."""
    from action_harness import run_action  # pylint: disable=import-outside-toplevel
    create(name="alice")
    config = tmp_path / "aws-config"
    config.write_text("[profile mfa-ops]\nregion = us-east-1\nendpoint_url = %s\n" % endpoint.url)
    credentials = tmp_path / "aws-credentials"
    credentials.write_text("[mfa-ops]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    environment = {"AWS_PROFILE": "mfa-ops", "AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
                   "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_DEFAULT_REGION": ""}
    endpoint.clear_requests()
    result = run_action({"name": "alice"}, environment=environment)
    assert not result.get("failed"), result.get("msg")
    assert result["virtual_mfa_device"]["name"] == "alice"
    assert endpoint.requests("ListVirtualMFADevices")
