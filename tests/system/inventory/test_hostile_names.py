"""Accounts and OUs with the names an organization's administrator may give them ({{ }}, ../, victim/., twins, the
summary's file name), through real ansible-inventory and ansible-playbook over the aws_accounts inventory on the
local endpoint: no name runs code, every account is a host of its own, distinct OUs are distinct groups, and
mfa_audit's reports and user_mfa's bootstrap files go to one directory per account id under their base directory."""

import json
import os
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
BIN = os.path.dirname(sys.executable)
MANAGEMENT = "123456789012"
NAMES = ["{{lookup('pipe','touch pwn')}}", "dup", "dup", "../escape", "victim", "victim/.",
         "mfa_audit_organization.json"]


@pytest.fixture
def hostile(endpoint):
    org = endpoint.create_organization(names=NAMES, ou_names=())
    accounts = org["accounts"]
    client = endpoint.boto3_client("organizations")
    twin = client.create_account(AccountName="dup_" + accounts[1]["id"], Email="twin@example.com")
    accounts.append({"id": twin["CreateAccountStatus"]["AccountId"], "name": "dup_" + accounts[1]["id"]})

    def ou(parent, name):
        return client.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]

    def move(account, target):
        client.move_account(AccountId=account["id"], SourceParentId=org["root_id"], DestinationParentId=target)

    prod = ou(org["root_id"], "Prod")
    move(accounts[0], ou(prod, "Web"))  # /Root/Prod/Web/
    move(accounts[4], prod)  # victim, /Root/Prod/
    move(accounts[1], ou(org["root_id"], "Prod_Web"))  # /Root/Prod_Web/: not in Prod
    org["prod"] = [accounts[0]["id"], accounts[4]["id"]]
    # victim has a console user without MFA; "victim/." has none: its report must not replace victim's
    iam = endpoint.assumed_client(accounts[4]["id"])
    iam.create_user(UserName="console-user")
    iam.create_login_profile(UserName="console-user", Password="Console-Passw0rd!")
    return org


def _run(command, tmp_path):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, "build", "collections"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"))
    work = tmp_path / "work"  # the controller's working directory: where `touch pwn` would create its file
    work.mkdir(exist_ok=True)
    proc = subprocess.run(command, env=env, cwd=str(work), capture_output=True, text=True, timeout=900, check=False)
    return proc.returncode, proc.stdout, proc.stderr


def _plain(value):
    """ansible-inventory shows a string marked unsafe as {"__ansible_unsafe": "..."}: the string."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {key: _plain(item) for key, item in value.items()}
    return value


def _hosts(source, tmp_path):
    """{account id: host name} of what ansible-inventory lists."""
    code, out, err = _run([os.path.join(BIN, "ansible-inventory"), "-i", str(source), "--list"], tmp_path)
    assert code == 0, out + err
    hostvars = _plain(json.loads(out))["_meta"]["hostvars"]
    return {hostvars[host]["aws_account_id"]: host for host in hostvars}


def test_hostile_names_through_ansible_inventory_and_both_roles(endpoint, hostile, tmp_path):
    source = tmp_path / "org.aws_accounts.yml"
    source.write_text(yaml.safe_dump({"plugin": "mfaops.iam.aws_accounts", "endpoint_url": endpoint.url,
                                      "region": "us-east-1", "access_key": "testing", "secret_key": "testing",
                                      "exclude_accounts": [MANAGEMENT]}))
    accounts = hostile["accounts"]
    host_of = _hosts(source, tmp_path)
    # every account is a host of its own (dup, dup and dup_<id of the first> are three hosts)
    assert sorted(host_of) == sorted(a["id"] for a in accounts)
    # --limit ou_prod reaches Production's accounts only (not /Root/Prod_Web/)
    code, out, err = _run([os.path.join(BIN, "ansible"), "-i", str(source), "ou_prod", "--list-hosts"], tmp_path)
    assert code == 0, out + err
    assert sorted(line.strip() for line in out.splitlines()[1:] if line.strip()) == sorted(
        host_of[account_id] for account_id in hostile["prod"])

    reports, bootstrap = tmp_path / "reports", tmp_path / "bootstrap"
    connection = {"endpoint_url": endpoint.url, "region": "us-east-1", "access_key": "testing", "secret_key": "testing"}
    playbook = tmp_path / "play.yml"
    playbook.write_text(yaml.safe_dump([
        {"name": "Use the account's name", "hosts": "all", "gather_facts": False,
         "tasks": [{"ansible.builtin.debug": {
             "msg": "account {{ aws_account_id }} is named <{{ aws_account_name }}>"}}]},
        {"name": "Audit", "hosts": "all", "gather_facts": False,
         "module_defaults": {"group/mfaops.iam.aws": connection},
         "roles": [{"role": "mfaops.iam.mfa_audit", "vars": {"mfa_audit_report_dir": str(reports)}}]},
        {"name": "Onboard", "hosts": "all", "gather_facts": False,
         "module_defaults": {"group/mfaops.iam.aws": connection},
         "roles": [{"role": "mfaops.iam.user_mfa", "vars": {
             "user_mfa_users": [{"name": "alice"}], "user_mfa_create_users": True,
             "user_mfa_bootstrap_dir": str(bootstrap), "user_mfa_bootstrap_method": "Base32StringSeed"}}]},
    ]))
    command = [os.path.join(BIN, "ansible-playbook"), "-i", str(source), "-f", "4", str(playbook)]
    code, out, err = _run(command, tmp_path)
    output = out + err
    assert code == 0, output
    assert not os.path.exists(tmp_path / "work" / "pwn")  # the name was never a template
    for account in accounts:
        assert "account %s is named <%s>" % (account["id"], account["name"]) in output

    # one report directory per account id, nothing outside the base; the summary next to them, with the hidden record
    # of what it was built from
    ids = sorted(a["id"] for a in accounts)
    assert sorted(os.listdir(reports)) == sorted(ids + ["mfa_audit_organization.json", "mfa_audit_organization.md",
                                                        ".mfa_audit_organization.sources.json"])
    assert sorted(os.listdir(tmp_path)) == ["bootstrap", "org.aws_accounts.yml", "play.yml", "reports", "tmp", "work"]
    victim, dotted = accounts[4]["id"], accounts[5]["id"]
    assert json.loads((reports / victim / "mfa_audit.json").read_text())["summary"]["console_users_without_mfa"] == 1
    assert json.loads((reports / dotted / "mfa_audit.json").read_text())["summary"]["console_users_without_mfa"] == 0
    summary = json.loads((reports / "mfa_audit_organization.json").read_text())
    assert summary["accounts"]["audited"] == len(accounts) and summary["accounts"]["not_audited"] == 0
    # one bootstrap file per account, each in its account's directory
    assert sorted(os.listdir(bootstrap)) == ids
    for account_id in ids:
        assert os.listdir(bootstrap / account_id) == ["alice.seed"]
