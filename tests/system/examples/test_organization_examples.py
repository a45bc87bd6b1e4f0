"""examples/organization (inventory file, audit.yml, onboard.yml) run as their comments tell a user, against an
organization of 3 member accounts on the local endpoint: the connection comes from the environment only
(AWS_ENDPOINT_URL, keys, region), the files are used unchanged."""

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
EXAMPLES = os.path.join(ROOT, "examples", "organization")
BIN = os.path.dirname(sys.executable)
MANAGEMENT = "123456789012"


@pytest.fixture
def organization(endpoint):
    org = endpoint.create_organization(accounts=3, ou_names=("Production", "Development"))
    # a user without MFA in member-001, for the audit to find
    endpoint.assumed_client(org["accounts"][1]["id"], "iam").create_user(UserName="no-mfa")
    return org


def _run(endpoint, tmp_path, *command):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, "build", "collections"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"), AWS_ENDPOINT_URL=endpoint.url, AWS_ACCESS_KEY_ID="testing",
               AWS_SECRET_ACCESS_KEY="testing", AWS_REGION="us-east-1")
    done = subprocess.run([os.path.join(BIN, command[0]), *command[1:]], env=env, cwd=str(tmp_path),
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    return done.stdout


def _recap(output):
    recap = {}
    for line in output.split("PLAY RECAP", 1)[1].splitlines()[1:]:
        if ":" in line:
            host, counts = line.split(":", 1)
            recap[host.strip()] = dict(item.split("=") for item in counts.split())
    return recap


def _plain(value):
    """ansible-inventory --list shows AWS's strings as {"__ansible_unsafe": text} (data, never templates)."""
    return value["__ansible_unsafe"] if isinstance(value, dict) and "__ansible_unsafe" in value else value


def test_inventory_file_lists_the_organization(endpoint, organization, tmp_path):
    inventory = json.loads(_run(endpoint, tmp_path, "ansible-inventory", "-i",
                                os.path.join(EXAMPLES, "organization.aws_accounts.yml"), "--list"))
    hostvars = inventory["_meta"]["hostvars"]
    assert sorted(hostvars) == ["master", "member-000", "member-001", "member-002"]
    assert hostvars["master"]["aws_assume_role_arn"] is None  # the management account: the play's own credentials
    for account in organization["accounts"]:
        assert _plain(hostvars[account["name"]]["aws_assume_role_arn"]) == (
            "arn:aws:iam::%s:role/OrganizationAccountAccessRole" % account["id"])


def test_audit_then_onboard_then_onboard_again(endpoint, organization, tmp_path):
    inventory = os.path.join(EXAMPLES, "organization.aws_accounts.yml")
    reports, mfa = tmp_path / "reports", tmp_path / "mfa"

    audit = _run(endpoint, tmp_path, "ansible-playbook", "-i", inventory, "-f", "4",
                 os.path.join(EXAMPLES, "audit.yml"), "-e", "report_dir=%s" % reports)
    assert all(counts["failed"] == "0" for counts in _recap(audit).values())
    summary = json.loads((reports / "mfa_audit_organization.json").read_text())
    assert summary["accounts"]["audited"] == 4 and summary["not_audited"] == []
    member_001 = json.loads((reports / organization["accounts"][1]["id"] / "mfa_audit.json").read_text())
    assert [user["user_name"] for user in member_001["findings"]["users_without_mfa"]] == ["no-mfa"]

    onboard = _run(endpoint, tmp_path, "ansible-playbook", "-i", inventory, "-f", "4",
                   os.path.join(EXAMPLES, "onboard.yml"), "-e", "bootstrap_dir=%s" % mfa)
    assert all(counts["changed"] != "0" for counts in _recap(onboard).values())
    for account in organization["accounts"] + [{"id": MANAGEMENT, "name": "master"}]:
        iam = (endpoint.boto3_client("iam") if account["id"] == MANAGEMENT
               else endpoint.assumed_client(account["id"], "iam"))
        devices = iam.list_mfa_devices(UserName="breakglass-admin")["MFADevices"]
        assert [device["SerialNumber"] for device in devices] == ["arn:aws:iam::%s:mfa/breakglass-admin" % account["id"]]
        assert (mfa / account["id"] / "breakglass-admin.png").stat().st_mode & 0o777 == 0o600

    again = _run(endpoint, tmp_path, "ansible-playbook", "-i", inventory, "-f", "4",
                 os.path.join(EXAMPLES, "onboard.yml"), "-e", "bootstrap_dir=%s" % mfa)
    assert all(counts["changed"] == "0" and counts["failed"] == "0" for counts in _recap(again).values())
