"""An organization of member accounts on the local endpoint, each seeded with its own users and virtual MFA
devices, and an aws_accounts inventory source over it; shared by the organization tests and the benchmark."""

import os
import re
import subprocess
import sys

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
BIN = os.path.dirname(sys.executable)
ACCESS_ROLE = "OrganizationAccountAccessRole"
# What the endpoint's STS issues (moto): session tokens start with this, access key ids with ASIA.
TOKEN_PREFIX = "FQoGZXIvYXdzEBYaD"
ACCESS_KEY_ID = re.compile(r"ASIA[A-Z0-9]{16}")


def seed_account(endpoint, account_id, index, users=None):
    """Users and devices in one account, different in each; returns what mfa_audit must find there."""
    iam = endpoint.assumed_client(account_id, "iam")
    count = users if users is not None else 2 + index % 5
    expected = {"users": count, "virtual_mfa_devices": 0, "users_without_mfa": 0, "console_users_without_mfa": 0,
                "orphaned_devices": 0, "root_without_mfa": 1}
    for number in range(count):
        name = "u%02d-%04d" % (index, number)
        iam.create_user(UserName=name)
        kind = number % 3  # 0: hardware token (has MFA), 1: no MFA, 2: no MFA with a console password
        if kind == 0:
            endpoint.add_user_mfa_device(name, "hardware", account=account_id)
        else:
            expected["users_without_mfa"] += 1
        if kind == 2:
            iam.create_login_profile(UserName=name, Password="Console-Passw0rd!")
            expected["console_users_without_mfa"] += 1
    for number in range(index % 4):
        iam.create_virtual_mfa_device(VirtualMFADeviceName="orphan-%02d-%d" % (index, number))
        expected["virtual_mfa_devices"] += 1
        expected["orphaned_devices"] += 1
    return expected


def inventory_source(endpoint, path, exclude=()):
    path.write_text(yaml.safe_dump({
        "plugin": "mfaops.iam.aws_accounts", "endpoint_url": endpoint.url, "region": "us-east-1",
        "hostname_template": "{name}", "exclude_accounts": list(exclude),
    }))
    return path


def run(command, tmp_path, env=None, timeout=900):
    environment = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, "build", "collections"),
                       ANSIBLE_NOCOLOR="1", ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"), **(env or {}))
    return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=timeout, check=False)


def audit_playbook(path, endpoint_url, extra_vars=None):
    connection = {"endpoint_url": endpoint_url, "region": "us-east-1", "access_key": "testing",
                  "secret_key": "testing"}
    path.write_text(yaml.safe_dump([{
        "name": "Audit every account", "hosts": "all", "gather_facts": False,
        "module_defaults": {"group/mfaops.iam.aws": connection},
        "roles": [{"role": "mfaops.iam.mfa_audit", "vars": dict(extra_vars or {})}],
    }]))
    return path
