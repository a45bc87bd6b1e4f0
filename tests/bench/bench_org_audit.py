"""Benchmark: the mfa_audit role over an organization, one host per account, on Ansible's forks.

Starts the local endpoint, builds an organization of --accounts member accounts (default 20) of --users IAM users
each (default 100; latency off while building): one user in three holds a hardware token, the others nothing, one in
five has a console password, five virtual devices per account are unassigned.  Then sets a per-IAM-call latency
(default 20 ms) and times, through ansible-playbook over an aws_accounts inventory (the accounts listed in the
source, so no Organizations call; each host assumes OrganizationAccountAccessRole; Ansible's start-up included):

1. one account (the yardstick);
2. --accounts accounts with forks=1 and with forks=--forks (default 10), --repeat times each (medians);
3. 5 and 10 accounts with forks=--forks: how the time grows with the number of accounts.

Also measures the CPU seconds ansible-playbook used (its process tree) and the machine's CPU use (/proc/stat,
which includes other work on the machine), to tell whether the cores are the limit.  The
goal (issue 10): forks=10 in at most a quarter of the time of forks=1.  The endpoint is always stopped.  Usage:
.venv/bin/python tests/bench/bench_org_audit.py [--accounts 20] [--users 100] [--latency-ms 20] [--forks 10]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path[:0] = [os.path.join(ROOT, "tests", "support")]

from mfaops_endpoint import Endpoint  # noqa: E402  pylint: disable=wrong-import-position

TARGET_RATIO = 0.25
BIN = os.path.dirname(sys.executable)
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}
ORPHANS = 5


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--accounts", type=int, default=20, help="member accounts (default 20)")
    parser.add_argument("--users", type=int, default=100, help="IAM users per account (default 100)")
    parser.add_argument("--latency-ms", type=float, default=20, help="endpoint latency per IAM call (default 20)")
    parser.add_argument("--forks", type=int, default=10, help="forks of the parallel runs (default 10)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of the two main timings (default 2)")
    parser.add_argument("--steps", default="5,10", help="account counts also timed with --forks (default 5,10)")
    return parser.parse_args(argv)


def seed_account(endpoint, account_id, users):
    iam = endpoint.assumed_client(account_id, "iam")
    for i in range(users):
        name = "ou%04d" % i
        iam.create_user(UserName=name)
        if i % 3 == 0:
            endpoint.add_user_mfa_device(name, "hardware", account=account_id)
        if i % 5 == 0:
            iam.create_login_profile(UserName=name, Password="Console-Passw0rd!")
    for i in range(ORPHANS):
        iam.create_virtual_mfa_device(VirtualMFADeviceName="orphan-%d" % i)


def cpu_times():
    with open("/proc/stat") as handle:
        fields = [int(x) for x in handle.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields), idle


def run(endpoint, accounts, forks, workdir, label):
    """Seconds of one ansible-playbook over ``accounts``, CPU busy share of the machine, and the report count."""
    source = os.path.join(workdir, "%s.aws_accounts.yml" % label)
    with open(source, "w") as handle:
        yaml.safe_dump({"plugin": "mfaops.iam.aws_accounts", "endpoint_url": endpoint.url, "region": "us-east-1",
                        "accounts": [{"id": a["id"], "name": a["name"]} for a in accounts]}, handle)
    reports = os.path.join(workdir, "reports-" + label)
    playbook = os.path.join(workdir, "audit.yml")
    connection = {"endpoint_url": endpoint.url, "region": "us-east-1"}
    with open(playbook, "w") as handle:
        yaml.safe_dump([{"hosts": "all", "gather_facts": False,
                         "module_defaults": {"group/mfaops.iam.aws": connection},
                         "roles": [{"role": "mfaops.iam.mfa_audit", "vars": {"mfa_audit_report_dir": reports}}]}],
                       handle)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, "build", "collections"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCAL_TEMP=os.path.join(workdir, "tmp"), **CREDENTIALS)
    total0, idle0 = cpu_times()
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    proc = subprocess.run([os.path.join(BIN, "ansible-playbook"), "-i", source, "-f", str(forks), playbook],
                          env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    total1, idle1 = cpu_times()
    children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    own_cpu = (children1.ru_utime - children0.ru_utime) + (children1.ru_stime - children0.ru_stime)
    if proc.returncode != 0:
        raise SystemExit("%s failed:\n%s%s" % (label, proc.stdout[-4000:], proc.stderr[-2000:]))
    busy = 1 - (idle1 - idle0) / max(1, total1 - total0)
    audited = len([d for d in os.listdir(reports) if os.path.isdir(os.path.join(reports, d))]) if len(accounts) > 1 else 1
    return elapsed, busy, audited, own_cpu


def main(argv=None):
    args = parse_args(argv)
    steps = [int(x) for x in args.steps.split(",") if x]
    with Endpoint() as endpoint, tempfile.TemporaryDirectory(prefix="bench-org-") as workdir:
        os.environ.update(CREDENTIALS)
        started = time.monotonic()
        org = endpoint.create_organization(accounts=args.accounts, ou_names=())
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda a: seed_account(endpoint, a["id"], args.users), org["accounts"]))
        print("built %d accounts x %d users in %.1f s" % (args.accounts, args.users, time.monotonic() - started))
        endpoint.set_faults(latency_ms=args.latency_ms)
        accounts = org["accounts"]
        results = {}

        def timed(label, subset, forks, repeat=1):
            runs = [run(endpoint, subset, forks, workdir, label) for _round in range(repeat)]
            seconds = statistics.median(r[0] for r in runs)
            busy = statistics.median(r[1] for r in runs)
            cpu = statistics.median(r[3] for r in runs)
            assert runs[-1][2] == len(subset), runs
            endpoint.clear_requests()
            results[label] = {"accounts": len(subset), "forks": forks, "seconds": round(seconds, 2),
                              "runs": [round(r[0], 2) for r in runs], "cpu_busy": round(busy, 2),
                              "ansible_cpu_seconds": round(cpu, 1), "ansible_cores": round(cpu / seconds, 2)}
            times = ", ".join("%.2f" % r[0] for r in runs)
            print("%-16s accounts=%-3d forks=%-3d %7.2f s (runs %s); ansible-playbook used %.1f CPU s = %.2f cores;"
                  " machine CPU busy %3.0f%%" % (label, len(subset), forks, seconds, times, cpu, cpu / seconds, 100 * busy))

        timed("one_account", accounts[:1], 1, args.repeat)
        timed("all_forks_%d" % args.forks, accounts, args.forks, args.repeat)
        timed("all_forks_1", accounts, 1, args.repeat)
        for count in steps:
            timed("%d_forks_%d" % (count, args.forks), accounts[:count], args.forks)
        one = results["one_account"]["seconds"]
        parallel = results["all_forks_%d" % args.forks]["seconds"]
        serial = results["all_forks_1"]["seconds"]
        summary = {
            "latency_ms": args.latency_ms, "users_per_account": args.users, "cpus": os.cpu_count(),
            "forks_%d_over_forks_1" % args.forks: round(parallel / serial, 3),
            "forks_1_over_one_account": round(serial / one, 2),
            "forks_%d_over_one_account" % args.forks: round(parallel / one, 2),
            "goal_forks_over_serial": TARGET_RATIO, "met": parallel / serial <= TARGET_RATIO,
            "runs": results,
        }
        print(json.dumps(summary, indent=2))
        return 0


if __name__ == "__main__":
    sys.exit(main())
