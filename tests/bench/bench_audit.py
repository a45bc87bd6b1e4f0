"""Benchmark: the mfa_audit role next to one iam_virtual_mfa_info listing of the same account, and the former role.

Starts the local IAM endpoint with a per-call latency (default 20 ms), builds an account of N IAM users (default
1,000; latency off while building): two users in three hold a virtual MFA device (tagged), of the others some hold a
hardware token, some a FIDO key and the rest nothing; every fifth user has a console password; 20 devices are
unassigned; the root user has a virtual device.  Then times, through ansible-playbook (local connection, Ansible's
start-up included):

1. one iam_virtual_mfa_info listing of the account with tags (the yardstick);
2. the mfa_audit role (report written to a temporary directory);
3. the former mfa_audit role (the last commit with roles/mfa_audit/templates/findings.json.j2, from ``git archive``),
   on a smaller account (--old-users, default 130) where the new role and the listing are timed again, since the
   former role costs about a second per user without a virtual device; --old-full also times it at N.

1 and 2 run --repeat times (default 3) and their medians are compared; the goal is a ratio of at most 2.  Prints the
IAM calls of each run (from the endpoint's request log) and checks that the former and the new role found the same
findings of the kinds both have.  The endpoint is always stopped.  Usage:
.venv/bin/python tests/bench/bench_audit.py [--users 1000] [--latency-ms 20] [--old-users 130] [--old-full]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path[:0] = [os.path.join(ROOT, "tests", "support")]

import mfa_fleet  # noqa: E402  pylint: disable=wrong-import-position
from mfaops_endpoint import Endpoint  # noqa: E402  pylint: disable=wrong-import-position

from bench_playbooks import Timer, ansible_playbook, listing, play  # noqa: E402  pylint: disable=wrong-import-position

TARGET_RATIO = 2.0
ORPHANS = 20
OLD_TEMPLATE = "roles/mfa_audit/templates/findings.json.j2"
V1_KINDS = ("users_without_mfa", "orphaned_devices", "devices_missing_tags", "devices_of_users_not_matching_pattern")
AUDIT_VARS = {"mfa_audit_required_tags": ["owner", "team"], "mfa_audit_user_name_pattern": "au[0-9]+"}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--users", type=int, default=1000, help="IAM users in the account (default 1000)")
    parser.add_argument("--latency-ms", type=float, default=20, help="endpoint latency per IAM call (default 20)")
    parser.add_argument("--workers", type=int, default=10, help="max_concurrency of both modules (default 10)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the listing and of the role (default 3)")
    parser.add_argument("--old-users", type=int, default=130, help="users of the account for the former role (0: skip)")
    parser.add_argument("--old-full", action="store_true", help="also time the former role at --users (slow)")
    parser.add_argument("--old-ref", help="git revision of the former role (default: the last with findings.json.j2)")
    return parser.parse_args(argv)


# ---------------------------------------------------------------------------------------------- the account
def user_name(i):
    return "au%05d" % i


def other_kind(i):
    """The MFA of user ``i`` when it holds no virtual device (i % 3 == 2): hardware, fido or None."""
    return {2: "hardware", 5: "fido"}.get(i % 9)


def build_user(endpoint, iam, i):
    name = user_name(i)
    iam.create_user(UserName=name, Path=("/", "/people/", "/svc/")[i % 3])
    if i % 5 == 0:
        iam.create_login_profile(UserName=name, Password="Console-Passw0rd!")
    if i % 3 != 2:
        tags = [{"Key": "owner", "Value": name}, {"Key": "mfaops:created", "Value": "2026-01-01T00:00:00Z"}]
        if i % 4:
            tags.append({"Key": "team", "Value": "t%d" % (i % 7)})
        answer = iam.create_virtual_mfa_device(VirtualMFADeviceName=name, Tags=tags)["VirtualMFADevice"]
        mfa_fleet.enable(iam, name, answer["SerialNumber"], answer["Base32StringSeed"].decode("ascii"))
    elif other_kind(i):
        endpoint.add_user_mfa_device(name, other_kind(i))


def build_account(endpoint, users):
    """Reset the endpoint and build the account (latency off meanwhile); returns a description of it."""
    endpoint.reset()
    endpoint.set_faults(latency_ms=0)
    iam = endpoint.boto3_client("iam")
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda i: build_user(endpoint, iam, i), range(users)))
        list(pool.map(lambda i: iam.create_virtual_mfa_device(VirtualMFADeviceName="orphan%02d" % i), range(ORPHANS)))
    endpoint.set_root_mfa("virtual")
    no_virtual = [i for i in range(users) if i % 3 == 2]
    return "%d users (%d without a virtual device: %d hardware, %d FIDO, %d none; %d with a console password), " \
        "%d virtual devices (%d unassigned), root with a virtual device" % (
            users, len(no_virtual), sum(other_kind(i) == "hardware" for i in no_virtual),
            sum(other_kind(i) == "fido" for i in no_virtual), sum(other_kind(i) is None for i in no_virtual),
            sum(i % 5 == 0 for i in range(users)), users - len(no_virtual) + ORPHANS + 1, ORPHANS)


# ---------------------------------------------------------------------------------------------- the runs
def audit(endpoint, workers, workdir, role="mfaops.iam.mfa_audit", roles_path=None):
    """Run an audit role; returns its JSON report."""
    report_dir = tempfile.mkdtemp(dir=workdir)
    role_vars = dict(AUDIT_VARS, mfa_audit_report_dir=report_dir)
    if roles_path is None:
        role_vars["mfa_audit_max_concurrency"] = workers
    ansible_playbook(play(endpoint, "  roles:\n    - role: %s\n      vars: %s\n" % (role, json.dumps(role_vars))),
                     workdir, roles_path=roles_path)
    with open(os.path.join(report_dir, "mfa_audit.json"), encoding="utf-8") as handle:
        return json.load(handle)


def old_role(workdir, ref):
    """The former role, extracted with git archive into <workdir>/old-roles/mfa_audit; returns the roles path."""
    if ref is None:
        last = subprocess.run(["git", "rev-list", "-1", "HEAD", "--", OLD_TEMPLATE], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
        ref = last + "^" if not _exists_at(last) else last
    roles = os.path.join(workdir, "old-roles")
    os.makedirs(roles)
    archive = subprocess.run(["git", "archive", ref, "roles/mfa_audit"], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "--strip-components=1", "-C", roles], input=archive, check=True)
    return roles, ref


def _exists_at(commit):
    return subprocess.run(["git", "cat-file", "-e", "%s:%s" % (commit, OLD_TEMPLATE)], cwd=ROOT,
                          capture_output=True, check=False).returncode == 0


def same_findings(old, new):
    """The findings of the kinds both reports have, orphans' first-seen dates apart (each report is a first run)."""
    def strip(report):
        found = {kind: report["findings"][kind] for kind in V1_KINDS}
        found["orphaned_devices"] = [{k: v for k, v in o.items() if k != "first_seen"} for o in found["orphaned_devices"]]
        return found
    return strip(old) == strip(new)


def measure(args, endpoint, workdir, users, with_old):
    print("building %s ..." % build_account(endpoint, users), flush=True)
    endpoint.set_faults(latency_ms=args.latency_ms)
    timers = [Timer(endpoint, "iam_virtual_mfa_info listing, %d users" % users, width=46),
              Timer(endpoint, "mfa_audit role, %d users" % users, width=46)]
    for _repetition in range(args.repeat):
        timers[0].run(listing, endpoint, args.workers, workdir)
        report = timers[1].run(audit, endpoint, args.workers, workdir)
    problems = []
    if with_old:
        roles_path, ref = old_role(os.path.join(workdir, "old-%d" % users), args.old_ref)
        old = Timer(endpoint, "former mfa_audit role (%s), %d users" % (ref[:12], users), width=46)
        old_report = old.run(audit, endpoint, args.workers, workdir, role="mfa_audit", roles_path=roles_path)
        timers.append(old)
        if not same_findings(old_report, report):
            problems.append("the former and the new role found different findings at %d users" % users)
    print()
    for timer in timers:
        print(timer.line())
    ratio = timers[1].seconds / timers[0].seconds
    print("  mfa_audit / listing: %.2fx (goal: at most %gx) %s" % (ratio, TARGET_RATIO, "PASS" if ratio <= TARGET_RATIO else "FAIL"))
    if with_old:
        print("  former role / new role: %.1fx" % (timers[2].seconds / timers[1].seconds))
    print("  findings of the new role: %s" % json.dumps({k: v for k, v in report["summary"].items() if v}))
    print(flush=True)
    return problems


def main(argv=None):
    args = parse_args(argv)
    print("mfa_audit benchmark: endpoint latency %g ms per IAM call, max_concurrency %d, %d CPUs" % (
        args.latency_ms, args.workers, os.cpu_count()), flush=True)
    problems = []
    with Endpoint(latency_ms=args.latency_ms) as endpoint, tempfile.TemporaryDirectory(prefix="mfaops-bench-audit-") as workdir:
        if args.old_users:
            problems += measure(args, endpoint, workdir, args.old_users, True)
        problems += measure(args, endpoint, workdir, args.users, args.old_full)
    print("load average at the end: %.1f" % os.getloadavg()[0])
    for problem in problems:
        print("PROBLEM: %s" % problem)
    return 2 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
