"""Benchmark: the roles over an AWS Organization on Ansible's forks, next to Cloud Custodian's c7n-org (issue 13).

Starts the local endpoint, builds one organization (tests/bench/bench_org.py: latency off while building, each
account's credential report generated once), sets a latency per IAM call (default 20 ms) and measures, through
ansible-playbook over an aws_accounts inventory (each host assumes its OrganizationAccountAccessRole; Ansible's
start-up included), each figure of issue 13's "Figures to reach" next to its goal:

* ``c7n``: 20 accounts x 30 users: mfa_audit with forks=10 and c7n-org with 10 workers on the same accounts, in turn
  (--repeat times each, medians), mfa_audit with forks=1, and one account alone: CPU per audited account at 30 users,
  the wall-time ratio to c7n-org (and the CPU ratio); c7n-org's findings and IAM calls are checked to be the
  endpoint's (request log per account, the endpoint's STS sessions);
* ``cpu300``: 10 accounts x 300 users with forks=10, and one account alone: CPU per audited account at 300 users;
* ``forks``: 20 accounts x 100 users, forks=10 against forks=1;
* ``calls``: one account of 1,000 users: the audit's IAM calls in that account (request log), against 10 + one per
  page of devices + one per unassigned device's tags (pass the audit's credential-report setting with --audit-var);
* ``fleet100``: 100 accounts x 30 users with forks=20, end to end, and a projection to 1,000 accounts;
* ``summary``: accounts of 1 user (--summary-accounts, default 120 and 300), forks=20, with the per-host organization
  summary (the role's default) and without it (``mfa_audit_organization_summary: false``), in turn (--repeat times
  each, medians): the wall and CPU time the summaries add; the summary is checked to list every account;
* ``leak``: on a separate endpoint, both roles over 5 accounts with ANSIBLE_DEBUG=1 and -vvvv: how often any session
  key id, secret or session token the endpoint's STS issued meanwhile appears in the output and the files written.

CPU seconds are those of ansible-playbook (or c7n-org) and all its children (getrusage), the main process's own
share apart; the endpoint's CPU (moto, on the same two cores here, not on an AWX node) is shown beside. Every line
carries the load average before and after. Prints a table of figures and goals and writes the results as JSON
(--json, default build/bench/org-audit-<time>.json). Exit 2 if a run found other findings than the organization
holds or c7n-org did not call the endpoint; 1 with --strict if a goal is missed. The endpoint is always stopped.
.venv/bin/python tests/bench/bench_org_audit.py [--only c7n,forks] [--audit-var mfa_audit_source=credential_report]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path[:0] = [os.path.join(ROOT, "tests", "support"), os.path.join(ROOT, "tests", "bench")]

from mfaops_endpoint import Endpoint  # noqa: E402  pylint: disable=wrong-import-position

import bench_c7n  # noqa: E402  pylint: disable=wrong-import-position
import bench_leak  # noqa: E402  pylint: disable=wrong-import-position
import bench_measure  # noqa: E402  pylint: disable=wrong-import-position
import bench_org  # noqa: E402  pylint: disable=wrong-import-position
import bench_org_runs  # noqa: E402  pylint: disable=wrong-import-position
from bench_playbooks import CREDENTIALS  # noqa: E402  pylint: disable=wrong-import-position

FIGURES = ("c7n", "cpu300", "forks", "calls", "fleet100", "summary", "leak")
GOALS = {
    "cpu_per_account_30": ("CPU per audited account, 30 users", "<=", 0.6, "s"),
    "cpu_per_account_300": ("CPU per audited account, 300 users", "<=", 1.0, "s"),
    "forks_ratio_100": ("20 x 100 users: forks=10 / forks=1 wall", "<=", 0.35, ""),
    "vs_c7n_wall": ("org audit wall / c7n-org wall (10 forks, 10 workers)", "<=", 0.5, ""),
    "calls_per_account_1000": ("audit IAM calls per account, 1,000 users", "<=", None, ""),
    "fleet100_wall": ("100 x 30 users, forks=20, end to end", None, None, "s"),
    "summary_wall": ("the per-host summaries' wall time, %d accounts x 1 user, forks=20", None, None, "s"),
    "leak_hits": ("ANSIBLE_DEBUG=1 -vvvv, both roles, 5 accounts: key hits", "<=", 0, ""),
}
PROJECTED_ACCOUNTS = 1000
PROJECTED_CORES = (4, 16)
FORKS_PER_CORE = 4  # AWX's default capacity: 4 forks per CPU core


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--only", default=",".join(FIGURES), help="figures to measure (default all: %s)" % ",".join(FIGURES))
    parser.add_argument("--latency-ms", type=float, default=20, help="endpoint latency per IAM call (default 20)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of the c7n comparison and forks runs (default 1)")
    parser.add_argument("--c7n-accounts", type=int, default=20, help="accounts of the c7n comparison (default 20)")
    parser.add_argument("--cpu300-accounts", type=int, default=10, help="accounts of 300 users (default 10)")
    parser.add_argument("--fleet-accounts", type=int, default=100, help="accounts of the end-to-end run (default 100)")
    parser.add_argument("--summary-accounts", default="120,300",
                        help="accounts of the summary runs, comma-separated (default 120,300)")
    parser.add_argument("--audit-var", action="append", default=[], metavar="NAME=VALUE",
                        help="a variable of the mfa_audit role (YAML value), for every audit run")
    parser.add_argument("--calls-var", action="append", default=[], metavar="NAME=VALUE",
                        help="a variable of the mfa_audit role for the 'calls' run only (e.g. the credential-report "
                             "source)")
    parser.add_argument("--json", help="where to write the results (default build/bench/org-audit-<time>.json)")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a goal is missed")
    return parser.parse_args(argv)


def role_vars(pairs):
    import yaml  # pylint: disable=import-outside-toplevel
    result = {}
    for pair in pairs:
        name, _sep, value = pair.partition("=")
        result[name] = yaml.safe_load(value)
    return result


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            model = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    import ansible.release  # pylint: disable=import-outside-toplevel
    import boto3  # pylint: disable=import-outside-toplevel
    head = subprocess.run(["git", "log", "-1", "--format=%h %s"], cwd=ROOT, capture_output=True, text=True,
                          check=False).stdout.strip()
    return {"cpus": os.cpu_count(), "model": model, "python": platform.python_version(),
            "ansible_core": ansible.release.__version__, "boto3": boto3.__version__, "c7n": bench_c7n.version(),
            "tree": head[:100], "load": [round(x, 2) for x in os.getloadavg()],
            "date": time.strftime("%Y-%m-%d %H:%M %Z")}


class Bench:
    """The run's state: endpoint, organization, work directory, results and the figures against their goals."""

    def __init__(self, args, endpoint, org, workdir):
        self.args, self.endpoint, self.org, self.workdir = args, endpoint, org, workdir
        self.audit_vars = role_vars(args.audit_var)
        self.runs, self.figures, self.problems = {}, {}, []
        self.one_account = None  # (wall seconds, IAM span seconds) of one account of 30 users alone

    # ------------------------------------------------------------------------------------------ runs
    def record(self, measure, accounts, calls=None):
        entry = {"accounts": accounts, "seconds": round(measure.seconds, 2), "cpu": round(measure.cpu, 2),
                 "main_cpu": None if measure.main_cpu is None else round(measure.main_cpu, 2),
                 "endpoint_cpu": None if measure.endpoint_cpu is None else round(measure.endpoint_cpu, 2),
                 "machine_busy": round(measure.machine_busy, 2), "load": [round(measure.load_before, 2),
                                                                          round(measure.load_after, 2)]}
        if calls is not None:
            entry["iam_calls"] = calls
        self.runs.setdefault(measure.label, []).append(entry)
        print(measure.line() + ("" if calls is None else "; %d IAM calls" % sum(calls.values())), flush=True)
        return measure

    def audit(self, label, accounts, forks, extra=None, check_summary=False):
        """The mfa_audit role over ``accounts``; checks its reports against what the organization holds (and with
        ``check_summary``, that the organization summary lists every account as audited)."""
        self.endpoint.clear_requests()
        variables = dict(self.audit_vars, **(extra or {}))
        variables["mfa_audit_report_dir"] = os.path.join(self.workdir, "reports-%s-%d" % (label, time.monotonic_ns()))
        measure = bench_org_runs.run_role(self.endpoint, accounts, forks, self.workdir, label, role_vars=variables)
        requests = self.endpoint.requests()
        calls = Counter(r["action"] for r in requests)
        found = bench_org_runs.reports(variables["mfa_audit_report_dir"])
        expected = expected_totals(accounts)
        got = bench_org_runs.totals(found)
        if len(found) != len(accounts) or got != expected:
            self.problems.append("%s: %d reports, findings %s, expected %d reports, %s" % (
                label, len(found), got, len(accounts), expected))
        if check_summary:
            path = os.path.join(variables["mfa_audit_report_dir"], "mfa_audit_organization.json")
            with open(path, encoding="utf-8") as handle:
                listed = {entry["account"] for entry in json.load(handle)["per_account"]}
            if listed != {a["id"] for a in accounts}:
                self.problems.append("%s: the summary lists %d of the %d accounts" % (
                    label, len(listed), len(accounts)))
        missing = {a["id"] for a in accounts} - {r["account"] for r in requests}
        if missing:
            self.problems.append("%s: no IAM call in %d accounts" % (label, len(missing)))
        self.record(measure, len(accounts), dict(calls))
        return measure, requests

    def c7n(self, label, accounts, workers):
        self.endpoint.clear_requests()
        before = bench_leak.issued(self.endpoint)
        argv, env, output = bench_c7n.command(accounts, self.workdir, "%s-%d" % (label, time.monotonic_ns()),
                                              self.endpoint.url, workers, CREDENTIALS)
        measure = bench_measure.run(label, argv, env, endpoint_pid=bench_org_runs.endpoint_pid(self.endpoint))
        if measure.returncode != 0:
            raise SystemExit("c7n-org failed (exit %d):\n%s\n%s" % (
                measure.returncode, measure.stdout[-3000:], measure.stderr[-3000:]))
        requests = self.endpoint.requests()
        sessions = [s for s in bench_leak.since(before, bench_leak.issued(self.endpoint))
                    if s["session_name"] == bench_c7n.SESSION_NAME]
        per_account = Counter(r["account"] for r in requests)
        silent = [a["name"] for a in accounts if not per_account.get(a["id"])]
        if silent or len({s["account_id"] for s in sessions}) != len(accounts):
            self.problems.append("%s: c7n-org did not act in every account through the endpoint (no IAM call in %s;"
                                 " %d sessions)" % (label, silent, len(sessions)))
        found = bench_c7n.findings(accounts, output)
        for account in accounts:
            want = bench_org.expected(account["users"])
            want = {"users_without_mfa": want["users_without_mfa"],
                    "console_users_without_mfa": want["console_users_without_mfa"],
                    "root_without_mfa": 0, "root_with_virtual_mfa": 1}
            if found[account["id"]] != want:
                self.problems.append("%s: c7n-org found %s in %s, expected %s" % (
                    label, found[account["id"]], account["name"], want))
                break
        self.record(measure, len(accounts), dict(Counter(r["action"] for r in requests)))
        return measure

    # ------------------------------------------------------------------------------------------ figures
    def figure(self, key, value, detail="", goal=None):
        add_figure(self.figures, key, value, detail, goal)

    def fig_c7n(self):
        accounts = self.org["org30"][:self.args.c7n_accounts]
        n = len(accounts)
        print("\n== %d accounts x 30 users: mfa_audit forks=10 and c7n-org 10 workers in turn; forks=1; one account"
              % n, flush=True)
        one, requests = self.audit("audit 1 account x30 forks=1", accounts[:1], 1)
        self.one_account = (one.seconds, max(spans(requests, self.args.latency_ms).values()))
        audits, peers = [], []
        for _round in range(self.args.repeat):
            audits.append(self.audit("audit %d x30 forks=10" % n, accounts, 10)[0])
            peers.append(self.c7n("c7n-org %d x30 workers=10" % n, accounts, 10))
        serial = self.audit("audit %d x30 forks=1" % n, accounts, 1)[0]
        wall, cpu = median(audits, "seconds"), median(audits, "cpu")
        c7n_wall, c7n_cpu = median(peers, "seconds"), median(peers, "cpu")
        self.figure("cpu_per_account_30", round(cpu / n, 3),
                    "%.1f CPU s / %d accounts; marginal (%d accounts - 1) / %d: %.3f s; one account alone %.1f CPU s"
                    % (cpu, n, n, n - 1, (cpu - one.cpu) / (n - 1), one.cpu))
        self.figure("vs_c7n_wall", round(wall / c7n_wall, 3),
                    "%.2f s / %.2f s; CPU %.1f / %.1f s = %.2f; c7n-org %.3f CPU s per account; audit forks=1 %.2f s"
                    " (forks=10/forks=1 %.2f)" % (wall, c7n_wall, cpu, c7n_cpu, cpu / c7n_cpu, c7n_cpu / n,
                                                  serial.seconds, wall / serial.seconds))

    def fig_cpu300(self):
        accounts = self.org["org300"]
        n = len(accounts)
        print("\n== %d accounts x 300 users, forks=10; one account" % n, flush=True)
        one = self.audit("audit 1 account x300 forks=1", accounts[:1], 1)[0]
        run = self.audit("audit %d x300 forks=10" % n, accounts, 10)[0]
        self.figure("cpu_per_account_300", round(run.cpu / n, 3),
                    "%.1f CPU s / %d accounts; marginal: %.3f s; one account alone %.1f CPU s, %.2f s"
                    % (run.cpu, n, (run.cpu - one.cpu) / max(1, n - 1), one.cpu, one.seconds))

    def fig_forks(self):
        accounts = self.org["org100"]
        n = len(accounts)
        print("\n== %d accounts x 100 users: forks=10 and forks=1" % n, flush=True)
        parallel, serial = [], []
        for _round in range(self.args.repeat):
            parallel.append(self.audit("audit %d x100 forks=10" % n, accounts, 10)[0])
            serial.append(self.audit("audit %d x100 forks=1" % n, accounts, 1)[0])
        p, s = median(parallel, "seconds"), median(serial, "seconds")
        self.figure("forks_ratio_100", round(p / s, 3), "%.2f s / %.2f s; CPU %.1f and %.1f s" % (
            p, s, median(parallel, "cpu"), median(serial, "cpu")))

    def fig_calls(self):
        account = self.org["big"][0]
        print("\n== one account x 1,000 users: the audit's IAM calls", flush=True)
        extra = role_vars(self.args.calls_var)
        _measure, requests = self.audit("audit 1 account x1000", [account], 1, extra)
        mine = Counter(r["action"] for r in requests if r["account"] == account["id"])
        devices = bench_org.expected(account["users"])["virtual_devices"]
        pages = -(-devices // 1000)
        detail = "%s; goal 10 + %d page(s) of %d devices + %d unassigned; role vars %s" % (
            ", ".join("%s %d" % item for item in sorted(mine.items())), pages, devices, bench_org.ORPHANS,
            json.dumps(extra) if extra else "(defaults)")
        self.figure("calls_per_account_1000", sum(mine.values()), detail, goal=10 + pages + bench_org.ORPHANS)

    def fig_fleet100(self):
        accounts = self.org["org30"][:self.args.fleet_accounts]
        n = len(accounts)
        print("\n== %d accounts x 30 users, forks=20, end to end" % n, flush=True)
        run, requests = self.audit("audit %d x30 forks=20" % n, accounts, 20)
        span = spans(requests, self.args.latency_ms)
        self.figure("fleet100_wall", round(run.seconds, 1),
                    "%.2f s wall per account, %.3f CPU s per account (main process %s), endpoint %s CPU s; an "
                    "account's IAM calls span %.2f s (median; %.2f to %.2f)"
                    % (run.seconds / n, run.cpu / n, "%.3f s" % (run.main_cpu / n) if run.main_cpu else "?",
                       "%.1f" % run.endpoint_cpu if run.endpoint_cpu is not None else "?",
                       statistics.median(span.values()), min(span.values()), max(span.values())))
        self.projection(run, n, self.one_account or (None, min(span.values())))

    def fig_summary(self):
        for n in sorted({int(count) for count in self.args.summary_accounts.split(",") if count}):
            accounts = self.org["org1"][:n]
            print("\n== %d accounts x 1 user, forks=20: with and without the per-host summary" % n, flush=True)
            with_summary, without = [], []
            for _round in range(self.args.repeat):
                without.append(self.audit("audit %d x1 forks=20 no summary" % n, accounts, 20,
                                          {"mfa_audit_organization_summary": False})[0])
                with_summary.append(self.audit("audit %d x1 forks=20 summary" % n, accounts, 20,
                                               {"mfa_audit_organization_summary": True}, check_summary=True)[0])
            wall, cpu = median(with_summary, "seconds"), median(with_summary, "cpu")
            bare_wall, bare_cpu = median(without, "seconds"), median(without, "cpu")
            key = "summary_wall_%d" % n
            GOALS.setdefault(key, (GOALS["summary_wall"][0] % n,) + GOALS["summary_wall"][1:])
            self.figure(key, round(wall - bare_wall, 2),
                        "with %.2f s, %.1f CPU s; without %.2f s, %.1f CPU s: %.1f CPU s for the summaries (medians)"
                        % (wall, cpu, bare_wall, bare_cpu, cpu - bare_cpu))

    def projection(self, run, n, one_account):
        """1,000 accounts on C cores with 4 forks per core: at least the CPU spread over the cores, at least the
        accounts' IAM time spread over the forks, plus Ansible's start-up."""
        cpu_per = run.cpu / n
        one_wall, span = one_account
        startup = max(0.0, one_wall - span) if one_wall is not None else 0.0
        lines = []
        for cores in PROJECTED_CORES:
            forks = FORKS_PER_CORE * cores
            by_cpu = PROJECTED_ACCOUNTS * cpu_per / cores
            by_api = PROJECTED_ACCOUNTS * span / forks
            lines.append("%d cores, forks=%d: about %.0f s = max(CPU %.0f s / %d cores = %.0f s, %d accounts x %.2f s "
                         "of IAM calls / %d forks = %.0f s) + %.1f s start-up" % (
                             cores, forks, max(by_cpu, by_api) + startup, PROJECTED_ACCOUNTS * cpu_per, cores, by_cpu,
                             PROJECTED_ACCOUNTS, span, forks, by_api, startup))
        self.figures["projection_1000"] = {
            "title": "projection (not measured), %d accounts x 30 users, from the %d-account run" % (
                PROJECTED_ACCOUNTS, n),
            "lines": lines, "cpu_per_account": round(cpu_per, 3), "span_per_account": round(span, 3),
            "startup": round(startup, 2)}


def leak(args, workdir):
    """Both roles over 5 accounts with ANSIBLE_DEBUG=1 -vvvv on an endpoint of their own; hits of issued keys."""
    print("\n== 5 accounts x 10 users: mfa_audit and user_mfa with ANSIBLE_DEBUG=1 -vvvv", flush=True)
    with Endpoint() as endpoint:
        accounts = bench_org.build(endpoint, [("leak", 5, 10)])["leak"]
        endpoint.set_faults(latency_ms=args.latency_ms)
        before = bench_leak.issued(endpoint)
        reports = os.path.join(workdir, "leak-reports")
        bootstrap = os.path.join(workdir, "leak-bootstrap")
        audit = bench_org_runs.run_role(endpoint, accounts, 5, workdir, "leak-audit", debug=True,
                                        role_vars=dict(role_vars(args.audit_var), mfa_audit_report_dir=reports))
        onboard = bench_org_runs.run_role(
            endpoint, accounts, 5, workdir, "leak-user_mfa", role="mfaops.iam.user_mfa", debug=True,
            role_vars={"user_mfa_users": [{"name": bench_org.user_name(8)}], "user_mfa_bootstrap_dir": bootstrap,
                       "user_mfa_bootstrap_method": "Base32StringSeed"})
        sessions = bench_leak.since(before, bench_leak.issued(endpoint))
    problems = []
    audited = len(bench_org_runs.reports(reports))
    onboarded = sum(len(files) for _folder, _dirs, files in os.walk(bootstrap))
    if audited != len(accounts) or onboarded != len(accounts):
        problems.append("leak runs: %d reports and %d bootstrap files for %d accounts" % (
            audited, onboarded, len(accounts)))
    texts = [("mfa_audit output", audit.stdout + audit.stderr), ("user_mfa output", onboard.stdout + onboard.stderr)]
    texts += bench_leak.texts_under(reports, bootstrap)
    found = bench_leak.hits(sessions, texts)
    size = sum(len(text) for _source, text in texts[:2])
    print(audit.line() + "\n" + onboard.line())
    return found, len(sessions), size, problems


def add_figure(figures, key, value, detail="", goal=None):
    """Record a figure next to its goal from GOALS (``goal`` when the goal depends on the run)."""
    title, op, default, unit = GOALS[key]
    goal = default if goal is None else goal
    met = None if goal is None or value is None else value <= goal
    figures[key] = {"title": title, "value": value, "goal": goal, "op": op, "unit": unit, "met": met,
                    "detail": detail}


def expected_totals(accounts):
    result = dict.fromkeys(bench_org_runs.COUNTED, 0)
    for account in accounts:
        want = bench_org.expected(account["users"])
        for kind in ("users_without_mfa", "console_users_without_mfa", "orphaned_devices"):
            result[kind] += want[kind]
        result["root_with_virtual_mfa"] += 1
    return result


def spans(requests, latency_ms):
    """{account: seconds from its first IAM request's arrival to its last one's answer (latency included)}."""
    first, last = {}, {}
    for request in requests:
        account, when = request["account"], request["time"]
        first[account] = min(first.get(account, when), when)
        last[account] = max(last.get(account, when), when)
    return {account: last[account] - first[account] + latency_ms / 1000 for account in first}


def median(measures, attribute):
    return statistics.median(getattr(m, attribute) for m in measures)


def groups_for(args, figures):
    groups = []
    if "c7n" in figures or "fleet100" in figures:
        groups.append(("org30", max(args.c7n_accounts if "c7n" in figures else 0,
                                    args.fleet_accounts if "fleet100" in figures else 0), 30))
    if "cpu300" in figures:
        groups.append(("org300", args.cpu300_accounts, 300))
    if "forks" in figures:
        groups.append(("org100", 20, 100))
    if "calls" in figures:
        groups.append(("big", 1, 1000))
    if "summary" in figures:
        groups.append(("org1", max(int(count) for count in args.summary_accounts.split(",") if count), 1))
    return groups


def print_table(figures):
    print("\n%-58s %12s %12s  %s" % ("figure (issue 13)", "measured", "goal", ""))
    for key, fig in figures.items():
        if "lines" in fig:
            print("%s:\n  %s" % (fig["title"], "\n  ".join(fig["lines"])))
            continue
        goal = "" if fig["goal"] is None else "%s %s%s" % (fig["op"], fig["goal"], fig["unit"])
        verdict = {True: "PASS", False: "FAIL", None: ""}[fig["met"]]
        print("%-58s %11s%s %12s  %s\n    %s" % (fig["title"], fig["value"], fig["unit"], goal, verdict, fig["detail"]))


def main(argv=None):
    args = parse_args(argv)
    figures = [f for f in args.only.split(",") if f]
    unknown = set(figures) - set(FIGURES)
    if unknown:
        raise SystemExit("unknown figures %s (known: %s)" % (sorted(unknown), ", ".join(FIGURES)))
    if "c7n" in figures:
        bench_c7n.ensure_venv()
    os.environ.update(CREDENTIALS)
    info = machine()
    print("mfaops.iam organization benchmark: %s; latency %g ms per IAM call\nmachine: %d CPUs (%s), Python %s, "
          "ansible-core %s, boto3 %s, %s; tree %s; load average %s" % (
              ", ".join(figures), args.latency_ms, info["cpus"], info["model"], info["python"], info["ansible_core"],
              info["boto3"], info["c7n"], info["tree"], info["load"]), flush=True)
    results = {"machine": info, "latency_ms": args.latency_ms, "audit_vars": args.audit_var,
               "calls_vars": args.calls_var}
    with tempfile.TemporaryDirectory(prefix="bench-org-") as workdir:
        groups = groups_for(args, figures)
        bench = None
        if groups:
            with Endpoint() as endpoint:
                started = time.monotonic()
                org = bench_org.build(endpoint, groups)
                print("built %s in %.0f s" % (", ".join("%d accounts x %d users" % (c, u) for _l, c, u in groups),
                                              time.monotonic() - started), flush=True)
                endpoint.set_faults(latency_ms=args.latency_ms)
                bench = Bench(args, endpoint, org, workdir)
                for name in FIGURES:
                    if name in figures and name != "leak":
                        getattr(bench, "fig_" + name)()
        problems = bench.problems if bench else []
        all_figures = bench.figures if bench else {}
        if "leak" in figures:
            found, sessions, size, leak_problems = leak(args, workdir)
            problems = problems + leak_problems
            where = ", ".join("%s %d" % item for item in sorted(found["where"].items())) or "nowhere"
            detail = "%d sessions issued; key ids %d, secrets %d, session tokens %d in %.1f MB of output (%s)" % (
                sessions, found["key ids"], found["secrets"], found["session tokens"], size / 1e6, where)
            add_figure(all_figures, "leak_hits", found["total"], detail)
    results.update(figures=all_figures, runs=bench.runs if bench else {}, problems=problems,
                   end_load=[round(x, 2) for x in os.getloadavg()])
    print_table(all_figures)
    print("load average at the end: %s" % results["end_load"])
    path = args.json or os.path.join(ROOT, "build", "bench", "org-audit-%s.json" % time.strftime("%Y%m%d-%H%M%S"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2)
    print("results: %s" % path)
    if problems:
        print("PROBLEMS:\n  " + "\n  ".join(problems))
        return 2
    missed = [k for k, f in all_figures.items() if f.get("met") is False]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
