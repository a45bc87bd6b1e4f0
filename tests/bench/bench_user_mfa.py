"""Benchmark: the user_mfa role, converged, next to one iam_virtual_mfa_info listing of the same account; onboarding.

Starts the local IAM endpoint with a per-call latency (default 20 ms, a real API round trip) and times, through
ansible-playbook (local connection, Ansible's start-up included):

1. converged: an account of N IAM users (default 1,000), each holding the virtual MFA device the role would give it
   (named after the user, tags ``owner`` and ``mfaops:created``, enabled for the user); one iam_virtual_mfa_info
   listing of the account with tags (the yardstick) and the user_mfa role over the N users, which must change
   nothing, make no write call and no iam_virtual_mfa run (no GetUser, no ListMFADevices).  Both run --repeat times
   (default 3); the medians are compared, the goal being a ratio of at most 3;
2. onboarding: a fresh account of M IAM users without devices (default 100), onboarded by the role (QR codes); the
   time per user, and every device then enabled with its bootstrap file;
3. with --old-users K (default 0: skipped), the former role (the last commit of roles/user_mfa/tasks/main.yml
   without the virtual_mfa_plan filter, from ``git archive``), converged over K users next to the listing; it costs
   several seconds per user.

Accounts are built with the latency switched off.  Prints wall times and IAM calls (from the endpoint's request log)
of each run; exits 2 if a run changed, wrote or left something other than expected.  The endpoint is always stopped.
Usage: .venv/bin/python tests/bench/bench_user_mfa.py [--users 1000] [--onboard 100] [--latency-ms 20] [--old-users 40]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path[:0] = [os.path.join(ROOT, "tests", "support")]

import mfa_fleet  # noqa: E402  pylint: disable=wrong-import-position
from mfaops_endpoint import Endpoint  # noqa: E402  pylint: disable=wrong-import-position

from bench_playbooks import Timer, ansible_playbook, listing, play  # noqa: E402  pylint: disable=wrong-import-position

TARGET_RATIO = 3.0
ROLE_TASKS = "roles/user_mfa/tasks/main.yml"
CREATED = "2026-01-01T00:00:00Z"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--users", type=int, default=1000, help="users of the converged account (default 1000)")
    parser.add_argument("--onboard", type=int, default=100, help="users onboarded on a fresh account (default 100; 0: skip)")
    parser.add_argument("--latency-ms", type=float, default=20, help="endpoint latency per IAM call (default 20)")
    parser.add_argument("--workers", type=int, default=10, help="max_concurrency of the device listing (default 10)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the listing and of the converged role (default 3)")
    parser.add_argument("--old-users", type=int, default=0, help="users for the former role, converged (default 0: skip)")
    parser.add_argument("--old-ref", help="git revision of the former role (default: the last without virtual_mfa_plan)")
    return parser.parse_args(argv)


# ---------------------------------------------------------------------------------------------- accounts
def user_name(i):
    return "um%05d" % i


def build_converged_user(iam, i):
    name = user_name(i)
    iam.create_user(UserName=name)
    tags = [{"Key": "owner", "Value": "security"}, {"Key": "mfaops:created", "Value": CREATED}]
    answer = iam.create_virtual_mfa_device(VirtualMFADeviceName=name, Tags=tags)["VirtualMFADevice"]
    mfa_fleet.enable(iam, name, answer["SerialNumber"], answer["Base32StringSeed"].decode("ascii"))


def build_account(endpoint, users, converged):
    """Reset the endpoint and create ``users`` users, each with its device enabled if ``converged`` (latency off)."""
    latency = endpoint.faults()["latency_ms"]
    endpoint.reset()
    endpoint.set_faults(latency_ms=0)
    iam = endpoint.boto3_client("iam")
    started = time.perf_counter()
    build = (lambda i: build_converged_user(iam, i)) if converged else (lambda i: iam.create_user(UserName=user_name(i)))
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(build, range(users)))
    endpoint.set_faults(latency_ms=latency)
    print("  built %d users%s in %.1f s" % (users, " with their devices" if converged else "", time.perf_counter() - started),
          flush=True)


# ---------------------------------------------------------------------------------------------- the runs
def role(endpoint, workdir, users, workers, name="mfaops.iam.user_mfa", roles_path=None):
    """The role over ``users`` user names; returns (play stats, bootstrap directory, published facts or None)."""
    bootstrap = tempfile.mkdtemp(dir=workdir, prefix="bootstrap-")
    os.rmdir(bootstrap)  # the role creates it (0700) when it has something to write
    role_vars = {"user_mfa_users": [{"name": user} for user in users], "user_mfa_bootstrap_dir": bootstrap,
                 "user_mfa_tags": {"owner": "security"}}
    if roles_path is None:
        role_vars["user_mfa_max_concurrency"] = workers
    vars_file = os.path.join(workdir, "vars-%d.json" % time.monotonic_ns())
    with open(vars_file, "w", encoding="utf-8") as handle:
        json.dump(role_vars, handle)
    output = ansible_playbook(play(endpoint, """\
  vars_files:
    - %s
  roles:
    - role: %s
""" % (vars_file, name)), workdir, roles_path=roles_path)
    facts = None
    for task in output["plays"][0]["tasks"]:
        result = task["hosts"].get("localhost", {})
        if "user_mfa_changed" in result.get("ansible_facts", {}):
            facts = result["ansible_facts"]
    return output["stats"]["localhost"], bootstrap, facts


def old_role(workdir, ref):
    """The former role, from git archive, in <workdir>/old-roles/user_mfa; returns (roles path, revision)."""
    if ref is None:
        revisions = subprocess.run(["git", "rev-list", "HEAD", "--", ROLE_TASKS], cwd=ROOT, capture_output=True,
                                   text=True, check=True).stdout.split()
        for revision in revisions:
            text = subprocess.run(["git", "show", "%s:%s" % (revision, ROLE_TASKS)], cwd=ROOT, capture_output=True,
                                  text=True, check=True).stdout
            if "virtual_mfa_plan" not in text:
                ref = revision
                break
        else:
            raise RuntimeError("no former user_mfa role in the history")
    roles = os.path.join(workdir, "old-roles")
    os.makedirs(roles)
    archive = subprocess.run(["git", "archive", ref, "roles/user_mfa"], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "--strip-components=1", "-C", roles], input=archive, check=True)
    return roles, ref


# ---------------------------------------------------------------------------------------------- measurements
def converged(args, endpoint, workdir, users, problems, old_roles=None):
    """Listing and converged role at ``users``; returns (listing timer, role timer)."""
    names = [user_name(i) for i in range(users)]
    label = "former user_mfa role (%s), converged" % old_roles[1][:12] if old_roles else "user_mfa role, converged"
    timers = (Timer(endpoint, "iam_virtual_mfa_info listing, %d devices" % users),
              Timer(endpoint, "%s, %d users" % (label, users)))
    repeat = 1 if old_roles else args.repeat
    for _repetition in range(repeat):
        seen = timers[0].run(listing, endpoint, args.workers, workdir)
        if seen != users:
            problems.append("the listing saw %d devices, not %d" % (seen, users))
        if old_roles:
            stats, _dir, facts = timers[1].run(role, endpoint, workdir, names, args.workers, "user_mfa", old_roles[0])
        else:
            stats, _dir, facts = timers[1].run(role, endpoint, workdir, names, args.workers)
        module_runs = timers[1].calls["GetUser"] + timers[1].calls["ListMFADevices"]
        # The former role creates (or re-chmods) the bootstrap directory on every run: only its IAM calls count.
        if (stats.get("changed") and not old_roles) or timers[1].writes or (module_runs and not old_roles):
            problems.append("%s: changed %s, %d write calls, %d module-run calls" % (
                timers[1].label, stats.get("changed"), timers[1].writes, module_runs))
        if facts is not None and (facts["user_mfa_changed"] or len(facts["user_mfa_devices"]) != users
                                  or any(device.get("user_name") != name for device, name in zip(facts["user_mfa_devices"], names))):
            problems.append("%s did not publish every user's device" % timers[1].label)
    return timers


def onboarding(args, endpoint, workdir, problems):
    build_account(endpoint, args.onboard, converged=False)
    names = [user_name(i) for i in range(args.onboard)]
    timer = Timer(endpoint, "user_mfa role, first onboarding, %d users" % args.onboard)
    _stats, bootstrap, facts = timer.run(role, endpoint, workdir, names, args.workers)
    iam = endpoint.boto3_client("iam")
    assigned = [entry for page in iam.get_paginator("list_virtual_mfa_devices").paginate(AssignmentStatus="Assigned")
                for entry in page["VirtualMFADevices"]]
    files = sorted(os.listdir(bootstrap))
    if len(assigned) != args.onboard or files != sorted(name + ".png" for name in names) or not facts["user_mfa_changed"]:
        problems.append("onboarding left %d devices enabled and %d bootstrap files for %d users" % (
            len(assigned), len(files), args.onboard))
    return timer


def main(argv=None):
    args = parse_args(argv)
    print("user_mfa benchmark: endpoint latency %g ms per IAM call, listing max_concurrency %d, %d CPUs" % (
        args.latency_ms, args.workers, os.cpu_count()), flush=True)
    problems = []
    lines = []
    with Endpoint(latency_ms=args.latency_ms) as endpoint, tempfile.TemporaryDirectory(prefix="mfaops-bench-um-") as workdir:
        if args.old_users:
            print("former role, converged, %d users ..." % args.old_users, flush=True)
            build_account(endpoint, args.old_users, converged=True)
            old = old_role(workdir, args.old_ref)
            listing_timer, old_timer = converged(args, endpoint, workdir, args.old_users, problems, old)
            lines += [listing_timer.line(), old_timer.line(),
                      "  former role / listing: %.1fx; %.2f s per user" % (
                          old_timer.seconds / listing_timer.seconds, old_timer.seconds / args.old_users)]
        print("converged, %d users ..." % args.users, flush=True)
        build_account(endpoint, args.users, converged=True)
        listing_timer, role_timer = converged(args, endpoint, workdir, args.users, problems)
        ratio = role_timer.seconds / listing_timer.seconds
        lines += [listing_timer.line(), role_timer.line(), "  user_mfa / listing: %.2fx (goal: at most %gx) %s" % (
            ratio, TARGET_RATIO, "PASS" if ratio <= TARGET_RATIO else "FAIL")]
        if args.onboard:
            print("onboarding, %d users ..." % args.onboard, flush=True)
            timer = onboarding(args, endpoint, workdir, problems)
            lines += [timer.line(), "  %.2f s per user onboarded" % (timer.seconds / args.onboard)]
    print()
    print("\n".join(lines))
    print("load average at the end: %.1f" % os.getloadavg()[0])
    for problem in problems:
        print("PROBLEM: %s" % problem)
    return 2 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
