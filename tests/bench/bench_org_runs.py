"""The fleet benchmark's Ansible runs: the mfa_audit role (or user_mfa) over some accounts of the organization, one
inventory host per account (mfaops.iam.aws_accounts with the accounts listed, so no Organizations call; each host
assumes its OrganizationAccountAccessRole), through ansible-playbook with the default output, measured with
bench_measure; and what the audit's reports found."""

from __future__ import annotations

import json
import os
import sys

import yaml

import bench_measure
from bench_playbooks import environment

BIN = os.path.dirname(sys.executable)
REPORT_NAME = "mfa_audit.json"
COUNTED = ("users_without_mfa", "console_users_without_mfa", "orphaned_devices", "root_without_mfa",
           "root_with_virtual_mfa")


def inventory(endpoint, accounts, path):
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump({"plugin": "mfaops.iam.aws_accounts", "endpoint_url": endpoint.url, "region": "us-east-1",
                        "accounts": [{"id": a["id"], "name": a["name"]} for a in accounts]}, handle)
    return path


def playbook(endpoint, role, role_vars, path):
    connection = {"endpoint_url": endpoint.url, "region": "us-east-1"}
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump([{"hosts": "all", "gather_facts": False,
                         "module_defaults": {"group/mfaops.iam.aws": connection},
                         "roles": [{"role": role, "vars": role_vars}]}], handle)
    return path


def run_role(endpoint, accounts, forks, workdir, label, role="mfaops.iam.mfa_audit", role_vars=None, debug=False):
    """One ansible-playbook of ``role`` over ``accounts`` with ``forks``; returns the Measure (exit code judged here).

    The audit's reports go to <workdir>/reports-<label>; ``debug`` runs with ANSIBLE_DEBUG=1 and -vvvv.
    """
    role_vars = dict(role_vars or {})
    if role == "mfaops.iam.mfa_audit":
        role_vars.setdefault("mfa_audit_report_dir", os.path.join(workdir, "reports-" + label))
    source = inventory(endpoint, accounts, os.path.join(workdir, "%s.aws_accounts.yml" % label))
    book = playbook(endpoint, role, role_vars, os.path.join(workdir, "%s.yml" % label))
    env = environment()
    env.update(ANSIBLE_STDOUT_CALLBACK="default", ANSIBLE_LOCAL_TEMP=os.path.join(workdir, "tmp"))
    argv = [os.path.join(BIN, "ansible-playbook"), "-i", source, "-f", str(forks), book]
    if debug:
        env["ANSIBLE_DEBUG"] = "1"
        argv.insert(1, "-vvvv")
    measure = bench_measure.run(label, argv, env, endpoint_pid=endpoint_pid(endpoint))
    if measure.returncode != 0:
        raise SystemExit("%s failed (exit %d):\n%s\n%s" % (
            label, measure.returncode, measure.stdout[-4000:], measure.stderr[-3000:]))
    return measure


def endpoint_pid(endpoint):
    proc = getattr(endpoint, "_proc", None)
    return proc.pid if proc is not None else None


def reports(report_dir):
    """The accounts' reports under ``report_dir`` (any depth), the organization summary left out."""
    found = []
    for folder, _dirs, files in os.walk(report_dir):
        if REPORT_NAME in files:
            with open(os.path.join(folder, REPORT_NAME), encoding="utf-8") as handle:
                found.append(json.load(handle))
    return found


def totals(found):
    """{kind: count over the reports} of the kinds c7n also finds, and the orphans."""
    result = dict.fromkeys(COUNTED, 0)
    for report in found:
        for kind in COUNTED:
            result[kind] += len(report.get("findings", {}).get(kind) or [])
    return result
