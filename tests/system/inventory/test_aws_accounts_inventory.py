"""The aws_accounts inventory through real ansible-inventory and ansible-playbook against an organization of 20
member accounts on the local endpoint, with temporary credentials (a role of the management account) in the
environment, as an AWX AWS credential gives them."""

import json
import os
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
BIN = os.path.dirname(sys.executable)
MANAGEMENT = "123456789012"
OUS = ("Production", "Development", "Security")
TEAMS = ("payments", "identity")


@pytest.fixture
def organization(endpoint):
    org = endpoint.create_organization(accounts=20, ou_names=OUS)
    client = endpoint.boto3_client("organizations")
    for index, account in enumerate(org["accounts"]):
        account["team"] = TEAMS[index % 2]
        client.tag_resource(ResourceId=account["id"], Tags=[{"Key": "team", "Value": account["team"]}])
    iam = endpoint.boto3_client("iam")
    iam.create_role(RoleName="OrganizationReader", AssumeRolePolicyDocument="{}")
    creds = endpoint.boto3_client("sts").assume_role(
        RoleArn="arn:aws:iam::%s:role/OrganizationReader" % MANAGEMENT, RoleSessionName="inventory")["Credentials"]
    org["env"] = {"AWS_ACCESS_KEY_ID": creds["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
                  "AWS_SESSION_TOKEN": creds["SessionToken"]}
    return org


@pytest.fixture
def source(endpoint, organization, tmp_path):
    path = tmp_path / "organization.aws_accounts.yml"
    path.write_text(yaml.safe_dump({
        "plugin": "mfaops.iam.aws_accounts", "endpoint_url": endpoint.url, "region": "us-east-1",
        "keyed_groups": [{"key": "aws_account_tags", "prefix": "tag"}],
        "cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(tmp_path / "cache"),
    }))
    return path


def _run(command, organization, tmp_path):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, "build", "collections"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"), **organization["env"])
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)


def _inventory(source, organization, tmp_path, *extra):
    output = tmp_path / "inventory.json"
    proc = _run([os.path.join(BIN, "ansible-inventory"), "-i", str(source), "--list", "--output", str(output),
                 "-vvv", *extra], organization, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return output.read_text(), proc.stdout + proc.stderr


def _plain(value):
    """ansible-inventory marks strings that came from the API as unsafe: {"__ansible_unsafe": "..."} -> "..."."""
    if isinstance(value, dict):
        return value["__ansible_unsafe"] if set(value) == {"__ansible_unsafe"} else {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def test_ansible_inventory_lists_the_organization_then_serves_it_from_cache(endpoint, organization, source, tmp_path):
    text, log = _inventory(source, organization, tmp_path)
    data = _plain(json.loads(text))
    hostvars = data["_meta"]["hostvars"]
    assert sorted(hostvars) == sorted(["master"] + [a["name"] for a in organization["accounts"]])
    for account in organization["accounts"]:
        host = hostvars[account["name"]]
        assert host["aws_account_id"] == account["id"]
        assert host["aws_account_email"] == account["email"]
        assert host["aws_account_status"] == "ACTIVE"
        assert host["aws_ou_path"] == "/Root/%s/" % account["ou"]
        assert host["aws_account_tags"] == {"team": account["team"]}
        assert host["aws_assume_role_arn"] == "arn:aws:iam::%s:role/OrganizationAccountAccessRole" % account["id"]
        assert (host["ansible_connection"], host["aws_partition"]) == ("local", "aws")
    for ou in OUS:
        assert sorted(data["ou_%s" % ou.lower()]["hosts"]) == sorted(
            a["name"] for a in organization["accounts"] if a["ou"] == ou)
    for team in TEAMS:
        assert sorted(data["tag_team_%s" % team]["hosts"]) == sorted(
            a["name"] for a in organization["accounts"] if a["team"] == team)
    assert data["ou_root"]["hosts"] == ["master"]
    # no credential: not in the listing, not in what ansible-inventory printed at -vvv, not in the cache
    cached = "".join(path.read_text() for path in (tmp_path / "cache").iterdir())
    for secret in organization["env"].values():
        for where in (text, log, cached):
            assert secret not in where

    # The organization is gone from the endpoint: the second run is the cache's; a refresh finds no organization.
    endpoint.reset()
    assert _inventory(source, organization, tmp_path)[0] == text
    assert "not in an organization" in _inventory(source, organization, tmp_path, "--flush-cache")[1]


def test_a_play_assumes_each_host_role(endpoint, organization, source, tmp_path):
    """The play of guide_organizations: each host's aws_assume_role_arn, assumed with amazon.aws.sts_assume_role,
    gives module_defaults that act in that host's account (its caller identity, its own virtual MFA device)."""
    security = [a for a in organization["accounts"] if a["ou"] == "Security"]
    for account in security:
        endpoint.assumed_client(account["id"]).create_virtual_mfa_device(VirtualMFADeviceName="dev-" + account["name"])
    session = {name: "{{ account_session.sts_creds.%s }}" % name for name in ("access_key", "secret_key", "session_token")}
    checks = ["who.account == aws_account_id",
              "devices.virtual_mfa_devices | map(attribute='name') | list == ['dev-' ~ aws_account_name]"]
    in_the_account = [
        {"name": "who", "amazon.aws.aws_caller_info": {}, "register": "who"},
        {"name": "devices", "mfaops.iam.iam_virtual_mfa_info": {}, "register": "devices"},
        {"name": "check", "ansible.builtin.assert": {"quiet": True, "that": checks}},
    ]
    assume = {"name": "assume", "register": "account_session", "no_log": True,
              "amazon.aws.sts_assume_role": {"role_arn": "{{ aws_assume_role_arn }}", "role_session_name": "audit"}}
    connection = {"endpoint_url": "{{ endpoint_url }}", "region": "us-east-1"}
    playbook = tmp_path / "whoami.yml"
    playbook.write_text(yaml.safe_dump([{
        "hosts": "ou_security", "gather_facts": False,
        "module_defaults": {"group/amazon.aws.aws": connection},
        "tasks": [
            assume,
            {"name": "in the account", "module_defaults": {"group/mfaops.iam.aws": dict(connection, **session)},
             "block": in_the_account},
        ],
    }]))
    proc = _run([os.path.join(BIN, "ansible-playbook"), "-i", str(source), "-f", "4", str(playbook),
                 "-e", "endpoint_url=%s" % endpoint.url], organization, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    recap = " ".join(proc.stdout.split())
    for account in security:
        assert "%s : ok=4 " % account["name"] in recap
