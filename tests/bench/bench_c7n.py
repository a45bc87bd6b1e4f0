"""Cloud Custodian's c7n-org as the fleet benchmark's peer: its own venv, an accounts file, the policies, one run.

c7n and c7n-org come from PyPI (versions in tests/bench/requirements-c7n.txt) into build/bench/c7n-venv, never into
the project's venv (c7n pins its own boto3); ``make bench-org`` creates it, and ``ensure_venv`` does on first use.

The policies find what c7n can of what mfa_audit finds (c7n has no resource for virtual MFA devices, so unassigned
devices, device tags and device naming are not covered):

* ``users-without-mfa``: iam-user, credential report ``mfa_active`` false (mfa_audit: users_without_mfa);
* ``console-users-without-mfa``: the same and ``password_enabled`` true (console_users_without_mfa);
* ``root-without-mfa``: account, the credential report's ``<root_account>`` row ``mfa_active`` false
  (root_without_mfa);
* ``root-with-virtual-mfa``: account, ``has-virtual-mfa`` (root_with_virtual_mfa).

Each account is assumed through its OrganizationAccountAccessRole (c7n-org's ``role``), with c7n-org's worker
processes (``C7N_ORG_PARALLEL``); the endpoint is given through ``AWS_ENDPOINT_URL``, which botocore honours for
every service (STS and IAM here). c7n's cache keeps its default period, in a directory of each run's own, so the
two iam-user policies of an account share one listing, as they do for a user.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV = os.path.join(ROOT, "build", "bench", "c7n-venv")
REQUIREMENTS = os.path.join(ROOT, "tests", "bench", "requirements-c7n.txt")
ROLE = "OrganizationAccountAccessRole"
SESSION_NAME = "CloudCustodian"  # what c7n-org names its sessions (shows in the endpoint's AssumedRole records)
NO_DELAY = {"report_generate": True, "report_delay": 0}

POLICIES = {"policies": [
    {"name": "users-without-mfa", "resource": "iam-user",
     "filters": [dict(NO_DELAY, type="credential", key="mfa_active", value=False)]},
    {"name": "console-users-without-mfa", "resource": "iam-user",
     "filters": [dict(NO_DELAY, type="credential", key="mfa_active", value=False),
                 dict(NO_DELAY, type="credential", key="password_enabled", value=True)]},
    {"name": "root-without-mfa", "resource": "account",
     "filters": [dict(NO_DELAY, type="credential", key="mfa_active", value=False)]},
    {"name": "root-with-virtual-mfa", "resource": "account", "filters": [{"type": "has-virtual-mfa", "value": True}]},
]}
FINDINGS = {"users-without-mfa": "users_without_mfa", "console-users-without-mfa": "console_users_without_mfa",
            "root-without-mfa": "root_without_mfa", "root-with-virtual-mfa": "root_with_virtual_mfa"}


def binary():
    return os.path.join(VENV, "bin", "c7n-org")


def ensure_venv():
    """The c7n-org executable, installing c7n and c7n-org into their own venv on first use."""
    if not os.path.exists(binary()):
        print("installing c7n and c7n-org from PyPI into %s (their own venv)" % VENV, flush=True)
        subprocess.run(["python3", "-m", "venv", VENV], check=True)
        subprocess.run([os.path.join(VENV, "bin", "python"), "-m", "pip", "install", "--quiet", "-r", REQUIREMENTS],
                       check=True)
    return binary()


def version():
    if not os.path.exists(os.path.join(VENV, "bin", "python")):
        return "c7n not installed (the c7n figure installs it)"
    answer = subprocess.run([os.path.join(VENV, "bin", "python"), "-c",
                             "import importlib.metadata as m; print(m.version('c7n'), m.version('c7n-org'))"],
                            capture_output=True, text=True, check=False)
    return "c7n %s, c7n-org %s" % tuple(answer.stdout.split()) if answer.returncode == 0 else "c7n (unknown version)"


def write_config(accounts, workdir, label):
    """The accounts file (one entry per account, its OrganizationAccountAccessRole) and the policy file."""
    config = os.path.join(workdir, "%s.accounts.yml" % label)
    with open(config, "w", encoding="utf-8") as handle:
        yaml.safe_dump({"accounts": [
            {"account_id": a["id"], "name": a["name"], "regions": ["us-east-1"],
             "role": "arn:aws:iam::%s:role/%s" % (a["id"], ROLE)} for a in accounts]}, handle)
    policies = os.path.join(workdir, "c7n-policies.yml")
    with open(policies, "w", encoding="utf-8") as handle:
        yaml.safe_dump(POLICIES, handle, sort_keys=False)
    return config, policies


def command(accounts, workdir, label, endpoint_url, workers, credentials):
    """(argv, env, output directory) of one c7n-org run over ``accounts``."""
    config, policies = write_config(accounts, workdir, label)
    output = os.path.join(workdir, "c7n-" + label)
    cache = os.path.join(workdir, "c7n-cache-" + label)
    os.makedirs(cache, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "AWS_", "PYTHON"))}
    env.update(credentials, AWS_ENDPOINT_URL=endpoint_url, C7N_ORG_PARALLEL=str(workers), HOME=workdir)
    argv = [binary(), "run", "-c", config, "-u", policies, "-s", output, "--cache-path", cache, "-r", "us-east-1"]
    return argv, env, output


def findings(accounts, output):
    """{account id: {finding kind: count}} from c7n-org's resources.json files; a missing file counts as None."""
    result = {}
    for account in accounts:
        counts = {}
        for policy, kind in FINDINGS.items():
            path = os.path.join(output, account["name"], "us-east-1", policy, "resources.json")
            try:
                with open(path, encoding="utf-8") as handle:
                    counts[kind] = len(json.load(handle))
            except (OSError, ValueError):
                counts[kind] = None
        result[account["id"]] = counts
    return result


if __name__ == "__main__":  # print the policies, e.g. for the docs
    yaml.safe_dump(POLICIES, sys.stdout, sort_keys=False)
