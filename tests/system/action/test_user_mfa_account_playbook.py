"""`user_mfa --check` predicts the real run (issue 14, case 7), through real ansible-playbook against the endpoint.

Each situation runs the role mfaops.iam.user_mfa in check mode, then for real, with the same variables, and compares
what each reports: whether the account failed, the users that changed (``user_mfa_changed_users``, or the task's
``changed_users`` when it failed) and the users that failed. Check mode must make no write call.
"""

import json
import os
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
ACCOUNT = "123456789012"

# The outcome of the role, whether it failed (rescue) or not: from the published facts, or from the failed task's result.
SUMMARY = (
    "{{ {'failed': ansible_failed_result is defined,"
    " 'changed_users': ansible_failed_result.changed_users | default(none) if ansible_failed_result is defined"
    " else user_mfa_changed_users,"
    " 'failed_users': ansible_failed_result.failures | default([]) | map(attribute='user') | list"
    " if ansible_failed_result is defined else [],"
    " 'msg': ansible_failed_result.msg | default(none) if ansible_failed_result is defined else none} }}"
)


@pytest.fixture
def role(endpoint, tmp_path):
    """``role(users, check=False, **variables)`` -> the summary of one run of the role on localhost."""

    def run(users, check=False, **variables):
        role_vars = dict(user_mfa_users=users, user_mfa_bootstrap_dir=str(tmp_path / "bootstrap"),
                         user_mfa_bootstrap_method="Base32StringSeed", **variables)
        playbook = [{
            "hosts": "localhost", "gather_facts": False,
            "module_defaults": {"group/mfaops.iam.aws": {
                "endpoint_url": endpoint.url, "access_key": "testing", "secret_key": "testing", "region": "us-east-1"}},
            "tasks": [
                {"name": "run", "block": [{"ansible.builtin.include_role": {"name": "mfaops.iam.user_mfa"},
                                           "vars": role_vars}],
                 "rescue": [{"name": "failed", "ansible.builtin.debug": {"msg": "rescued"}}]},
                {"name": "summary", "ansible.builtin.debug": {"msg": SUMMARY}},
            ],
        }]
        path = tmp_path / "play.yml"
        path.write_text(yaml.safe_dump(playbook))
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, "build", "collections"),
                   ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json", ANSIBLE_NOCOLOR="1", ANSIBLE_DEPRECATION_WARNINGS="0")
        command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,", "-c", "local",
                   "-e", "ansible_python_interpreter=%s" % sys.executable, str(path)] + (["--check"] if check else [])
        proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        tasks = json.loads(proc.stdout)["plays"][0]["tasks"]
        return [t["hosts"]["localhost"]["msg"] for t in tasks if t["task"]["name"] == "summary"][0]

    return run


def check_then_run(endpoint, role, users, **variables):
    endpoint.clear_requests()
    checked = role(users, check=True, **variables)
    assert endpoint.write_requests() == [], checked
    real = role(users, **variables)
    assert {key: value for key, value in checked.items() if key != "msg"} == {
        key: value for key, value in real.items() if key != "msg"}, (checked, real)
    return checked, real


def test_two_entries_with_one_device_name_fail_in_check_mode_as_for_real(endpoint, iam, role):
    for name in ("alice", "bob"):
        iam.create_user(UserName=name)
    users = [{"name": "alice", "device_name": "shared"}, {"name": "bob", "device_name": "shared"}]

    checked, real = check_then_run(endpoint, role, users)

    assert real["failed"] is True and checked["msg"] == real["msg"]
    assert "/shared (alice, bob)" in real["msg"]
    assert iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []


def test_offboarding_a_device_and_onboarding_another_user_with_its_path_and_name(endpoint, iam, role):
    for name in ("leaver", "newbie"):
        iam.create_user(UserName=name)
    role([{"name": "leaver", "device_name": "desk", "path": "/shared/"}])
    users = [{"name": "leaver", "state": "absent", "device_name": "desk", "path": "/shared/"},
             {"name": "newbie", "device_name": "desk", "path": "/shared/"}]

    checked, real = check_then_run(endpoint, role, users)

    assert real == {"failed": False, "changed_users": ["leaver", "newbie"], "failed_users": [], "msg": None}
    held = iam.list_mfa_devices(UserName="newbie")["MFADevices"]
    assert [d["SerialNumber"] for d in held] == ["arn:aws:iam::%s:mfa/shared/desk" % ACCOUNT]
    assert iam.list_mfa_devices(UserName="leaver")["MFADevices"] == []


def test_a_user_already_holding_eight_mfa_devices(endpoint, iam, role, tmp_path):
    for name in ("full", "fine"):
        iam.create_user(UserName=name)
    for _token in range(8):
        endpoint.add_user_mfa_device("full", "hardware")
    users = [{"name": "full"}, {"name": "fine"}]

    checked, real = check_then_run(endpoint, role, users)

    assert real["failed"] is True
    assert (real["changed_users"], real["failed_users"]) == (["fine"], ["full"])
    assert "IAM user full already holds 8 MFA devices" in real["msg"]
    # Nothing was created for full: no unassigned device with the provisioning marker, no seed file.
    assert [d["SerialNumber"] for d in iam.list_virtual_mfa_devices()["VirtualMFADevices"]] == [
        "arn:aws:iam::%s:mfa/fine" % ACCOUNT]
    assert sorted(os.listdir(tmp_path / "bootstrap")) == ["fine.seed"]
