"""user_mfa over the accounts of an organization on the local endpoint, through real ansible-playbook over the
aws_accounts inventory: one user_mfa_account task per account assumes that account's role in its own process, the
bootstrap files land in <dir>/<account id>/, nothing secret shows even with ANSIBLE_DEBUG=1 -vvvv (no issued access
key id, secret access key or session token, no seed), and a failure under an assumed role says what failed."""

import json
import os
import re
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from org_helpers import ACCESS_ROLE, BIN  # noqa: E402
from org_helpers import inventory_source, run  # noqa: E402

NAMES = ["alice", "bob"]


def _organization(endpoint, accounts):
    org = endpoint.create_organization(accounts=accounts, ou_names=())
    for account in org["accounts"]:
        iam = endpoint.assumed_client(account["id"], "iam")
        for name in NAMES:
            iam.create_user(UserName=name)
    return org


def _playbook(endpoint, tmp_path, bootstrap, **connection):
    options = {"endpoint_url": endpoint.url, "region": "us-east-1", "access_key": "testing", "secret_key": "testing"}
    options.update(connection)
    path = tmp_path / "onboard.yml"
    path.write_text(yaml.safe_dump([{
        "hosts": "all", "gather_facts": False, "module_defaults": {"group/mfaops.iam.aws": options},
        "roles": [{"role": "mfaops.iam.user_mfa", "vars": {
            "user_mfa_users": [{"name": n} for n in NAMES], "user_mfa_bootstrap_dir": str(bootstrap),
            "user_mfa_bootstrap_method": "Base32StringSeed"}}],
    }]))
    return path


def _recap(output):
    """{host: (changed, failed)} from the PLAY RECAP."""
    found = re.findall(r"^(\S+)\s+: ok=\d+\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)", output[output.rindex("PLAY RECAP"):], re.M)
    return {host: (int(changed), int(failed)) for host, changed, failed in found}


def _secrets(endpoint):
    """The sessions the role's tasks were issued (not the test's own), and everything secret the endpoint handed out:
    every session's keys, every device's seed."""
    sessions = endpoint.sessions()
    values = [s[key] for s in sessions for key in ("access_key_id", "secret_access_key", "session_token")]
    return [s for s in sessions if s["session_name"] == "mfaops-onboarding"], values + list(endpoint.seeds().values())


def test_user_mfa_onboards_in_each_account_and_shows_no_secret_under_ansible_debug(endpoint, tmp_path):
    org = _organization(endpoint, 3)
    source = inventory_source(endpoint, tmp_path / "org.aws_accounts.yml", exclude=["123456789012"])
    bootstrap = tmp_path / "bootstrap"
    command = [os.path.join(BIN, "ansible-playbook"), "-i", str(source), "-f", "3", "-vvvv",
               str(_playbook(endpoint, tmp_path, bootstrap))]
    debug = {"ANSIBLE_DEBUG": "1"}

    # check mode: each account's task assumes its role, predicts, creates nothing
    checked = run(command + ["--check"], tmp_path, env=debug)
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-3000:]
    assert {host: changed for host, (changed, _failed) in _recap(checked.stdout).items()} == {
        a["name"]: 1 for a in org["accounts"]}
    for account in org["accounts"]:
        assert endpoint.assumed_client(account["id"], "iam").list_virtual_mfa_devices()["VirtualMFADevices"] == []

    proc = run(command, tmp_path, env=debug)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    for account in org["accounts"]:
        devices = endpoint.assumed_client(account["id"], "iam").list_virtual_mfa_devices()["VirtualMFADevices"]
        assert sorted(d["User"]["UserName"] for d in devices) == NAMES
        assert all(":%s:" % account["id"] in d["SerialNumber"] for d in devices)
        assert sorted(os.listdir(bootstrap / account["id"])) == ["alice.seed", "bob.seed"]
    assert sorted(os.listdir(bootstrap)) == sorted(a["id"] for a in org["accounts"])  # account ids, never names
    assert endpoint.boto3_client("iam").list_virtual_mfa_devices()["VirtualMFADevices"] == []  # none in management

    sessions, secrets = _secrets(endpoint)
    # one AssumeRole per account and run (check mode, then the real run), in the task's process
    assert sorted(s["role_arn"].split(":")[4] for s in sessions) == sorted(2 * [a["id"] for a in org["accounts"]])
    members = {a["id"] for a in org["accounts"]}
    assert len([serial for serial in endpoint.seeds() if serial.split(":")[4] in members]) == 6
    for name, output in (("check mode", checked.stdout + checked.stderr), ("real run", proc.stdout + proc.stderr)):
        assert re.search(r"^\s*\d+ \d+\.\d+: ", output, re.M), "%s: no ANSIBLE_DEBUG line" % name
        leaked = [secret[:8] for secret in secrets if secret in output]
        assert leaked == [], (name, leaked)

    # converged: a second run changes nothing
    again = run(command, tmp_path)
    assert again.returncode == 0 and set(_recap(again.stdout).values()) == {(0, 0)}, again.stdout[-3000:]


def test_a_failure_under_an_assumed_role_shows_its_reason(endpoint, tmp_path):
    """Issue 14, case 9: the role used to hide a listing's failure under no_log (msg: None)."""
    org = _organization(endpoint, 2)
    locked, listed = org["accounts"]
    endpoint.assumed_client(locked["id"], "iam").delete_role(RoleName=ACCESS_ROLE)
    source = inventory_source(endpoint, tmp_path / "org.aws_accounts.yml", exclude=["123456789012"])
    endpoint.set_faults(throttle_fraction=1.0, fault_actions=["ListUsers"])
    playbook = _playbook(endpoint, tmp_path, tmp_path / "bootstrap", aws_config={"retries": {"max_attempts": 1}})

    proc = run([os.path.join(BIN, "ansible-playbook"), "-i", str(source), "-f", "2", str(playbook)], tmp_path,
               env={"ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.json"})

    assert proc.returncode == 2, proc.stdout[-3000:] + proc.stderr[-3000:]
    failed = {}  # each host's failed task result
    for task in json.loads(proc.stdout)["plays"][0]["tasks"]:
        failed.update({host: result for host, result in task["hosts"].items() if result.get("failed")})
    assert set(failed) == {locked["name"], listed["name"]}
    cannot_assume = str(failed[locked["name"]].get("msg"))
    assert "arn:aws:iam::%s:role/%s" % (locked["id"], ACCESS_ROLE) in cannot_assume and "AccessDenied" in cannot_assume
    listing = str(failed[listed["name"]].get("msg"))
    assert listing.startswith("Failed to list IAM users: ") and "ListUsers" in listing, listing
