"""Benchmark: iam_virtual_mfa_info against a sequential boto3 loop and the AWS CLI, and a converged iam_virtual_mfa run.

Starts the local IAM endpoint with a per-call latency (default 20 ms, a real API round trip), creates N virtual MFA
devices with two tags each, every tenth enabled for its own user (tests/support/mfa_fleet.py), then times, one after
the other in this run:

1. iam_virtual_mfa_info listing every device with its tags, through the module's real entry point (``main()`` in
   this process, as AnsiballZ runs it) and through ansible-playbook (what a user waits for, Ansible's start-up
   included);
2. a sequential boto3 loop doing the same (ListVirtualMFADevices pages, then ListMFADeviceTags per device);
3. the AWS CLI: ``aws iam list-virtual-mfa-devices`` plus one ``aws iam list-mfa-device-tags`` process per device,
   on a sample of devices (--cli-sample), scaled to N;
4. a converged iam_virtual_mfa playbook over 100 devices (nothing to change), and with ``--baseline REF`` the same
   playbook on the collection as it was at git commit REF (extracted with ``git archive``), to compare per device.

1 and 2 run --repeat times (default 3) and their medians are compared.  Prints the wall times, the ratios against the
targets, the IAM calls of each (from the endpoint's request log), and
checks that every way saw the same devices and tags.  The endpoint is always stopped.  Usage: make bench
BENCH_ARGS="--devices 2000 --latency-ms 20 --workers 10 --cli-sample 50" (or run this file with .venv/bin/python).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import statistics
import sys
import tempfile
import time
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path[:0] = [os.path.join(ROOT, "tests", "support"), os.path.join(ROOT, "build", "collections")]

import mfa_fleet  # noqa: E402  pylint: disable=wrong-import-position
from module_main import run_module_main  # noqa: E402  pylint: disable=wrong-import-position
from mfaops_endpoint import Endpoint  # noqa: E402  pylint: disable=wrong-import-position

from bench_playbooks import CREDENTIALS, ansible_playbook, environment  # noqa: E402  pylint: disable=wrong-import-position

CLI_VENV = os.path.join(ROOT, "build", "bench", "awscli-venv")
TARGET_VS_BOTO3 = 4.0
TARGET_VS_CLI = 20.0
CONVERGED_DEVICES = 100


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--devices", type=int, default=1000, help="how many virtual MFA devices (default 1000)")
    parser.add_argument("--latency-ms", type=float, default=20, help="endpoint latency per IAM call (default 20)")
    parser.add_argument("--workers", type=int, default=10, help="iam_virtual_mfa_info max_concurrency (default 10)")
    parser.add_argument("--cli-sample", type=int, default=50,
                        help="devices whose tags the AWS CLI lists, one process each, scaled to --devices (default 50)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of the info module and of the boto3 loop; the median is compared (default 3)")
    parser.add_argument("--baseline", metavar="REF",
                        help="also run the converged playbook on the collection at git commit REF (before/after)")
    parser.add_argument("--skip", action="append", default=[], choices=["playbook", "cli", "converged"],
                        help="leave out the info playbook, the AWS CLI or the converged playbook (repeatable)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a ratio misses its target")
    return parser.parse_args(argv)


class Phase:
    """Wall times (one per repetition) and IAM calls of one way of doing it."""

    def __init__(self, endpoint, label):
        self.endpoint = endpoint
        self.label = label
        self.runs = []
        self.calls = Counter()

    @contextlib.contextmanager
    def timed(self):
        self.endpoint.clear_requests()
        started = time.perf_counter()
        yield
        self.runs.append(time.perf_counter() - started)
        self.calls = Counter(request["action"] for request in self.endpoint.requests())

    @property
    def seconds(self):
        """The median of the repetitions."""
        return statistics.median(self.runs)

    def spread(self):
        return "" if len(self.runs) < 2 else "  [runs: %s]" % ", ".join("%.2f" % run for run in self.runs)


def info_entry_point(endpoint, workers):
    from ansible_collections.mfaops.iam.plugins.modules.iam_virtual_mfa_info import main  # pylint: disable=import-outside-toplevel

    args = dict(endpoint_url=endpoint.url, region="us-east-1", max_concurrency=workers)
    os.environ.update(CREDENTIALS)
    result = run_module_main(main, args)
    if result.get("failed"):
        raise RuntimeError("iam_virtual_mfa_info failed: %s" % result.get("msg"))
    return result["virtual_mfa_devices"]


def info_playbook(endpoint, workers, workdir):
    play = """\
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Every virtual MFA device with its tags
      mfaops.iam.iam_virtual_mfa_info:
        endpoint_url: "%s"
        region: us-east-1
        max_concurrency: %d
""" % (endpoint.url, workers)
    output = ansible_playbook(play, workdir)
    return output["plays"][0]["tasks"][0]["hosts"]["localhost"]["virtual_mfa_devices"]


def boto3_loop(endpoint):
    return mfa_fleet.sequential_listing(endpoint.boto3_client("iam"))


def ensure_awscli():
    aws = os.path.join(CLI_VENV, "bin", "aws")
    if not os.path.exists(aws):
        print("installing awscli from PyPI into %s (its own venv: it pins botocore exactly)" % CLI_VENV, flush=True)
        subprocess.run([sys.executable, "-m", "venv", CLI_VENV], check=True)
        subprocess.run([os.path.join(CLI_VENV, "bin", "python"), "-m", "pip", "install", "--quiet", "awscli"], check=True)
    version = subprocess.run([aws, "--version"], capture_output=True, text=True, check=True)
    return aws, (version.stdout or version.stderr).split()[0]


def aws_cli(aws, endpoint, *args):
    command = [aws, "iam", *args, "--endpoint-url", endpoint.url, "--output", "json"]
    answer = subprocess.run(command, env=environment(), capture_output=True, text=True, check=True)
    return json.loads(answer.stdout)


def cli_run(aws, endpoint, sample_size):
    """``list-virtual-mfa-devices``, then ``list-mfa-device-tags`` per device for the first ``sample_size`` of them.

    Returns (serial numbers listed, {serial: tags} of the sample, seconds of the listing, seconds of the sample).
    """
    started = time.perf_counter()
    listed = aws_cli(aws, endpoint, "list-virtual-mfa-devices")["VirtualMFADevices"]
    listing_seconds = time.perf_counter() - started
    serials = sorted(entry["SerialNumber"] for entry in listed)
    step = max(1, len(serials) // sample_size)
    sample = serials[::step][:sample_size]
    started = time.perf_counter()
    tags = {}
    for serial in sample:
        answer = aws_cli(aws, endpoint, "list-mfa-device-tags", "--serial-number", serial)
        tags[serial] = {tag["Key"]: tag["Value"] for tag in answer["Tags"]}
    return serials, tags, listing_seconds, time.perf_counter() - started


def baseline_collections(ref, workdir):
    """A collections path holding mfaops.iam as it was at git commit ``ref``."""
    tree = os.path.join(workdir, "baseline", "ansible_collections", "mfaops", "iam")
    os.makedirs(tree)
    archive = subprocess.run(["git", "-C", ROOT, "archive", ref], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
    return os.path.join(workdir, "baseline")


def converged_playbook(endpoint, workdir, collections=None):
    devices = [
        {"name": mfa_fleet.name(i), "path": mfa_fleet.path(i), "tags": mfa_fleet.tags(i), "user": mfa_fleet.holder(i)}
        for i in range(CONVERGED_DEVICES)
    ]
    play = """\
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/mfaops.iam.aws:
      endpoint_url: "%s"
      region: us-east-1
  tasks:
    - name: Converge %d devices (nothing to change)
      mfaops.iam.iam_virtual_mfa:
        name: "{{ item.name }}"
        path: "{{ item.path }}"
        tags: "{{ item.tags }}"
        state: "{{ 'enabled' if item.user else 'present' }}"
        user_name: "{{ item.user or omit }}"
      loop: %s
""" % (endpoint.url, len(devices), json.dumps(devices))
    output = ansible_playbook(play, workdir, collections)
    return output["stats"]["localhost"]


def verdict(ratio, target):
    return "PASS" if ratio >= target else "FAIL"


def describe_calls(calls):
    if not calls:
        return "0"
    return "%d (%s)" % (sum(calls.values()), ", ".join("%s %d" % item for item in sorted(calls.items())))


def machine(awscli_version):
    import ansible  # pylint: disable=import-outside-toplevel
    import boto3  # pylint: disable=import-outside-toplevel

    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return "%d CPUs (%s), load average %.1f at the end, Python %s, ansible-core %s, boto3 %s%s" % (
        os.cpu_count(), cpu, os.getloadavg()[0], platform.python_version(), ansible.__version__, boto3.__version__,
        ", " + awscli_version if awscli_version else "")


class Bench:
    """Every measurement of one run, against one endpoint; ``problems`` lists the disagreements found."""

    def __init__(self, args, endpoint, workdir):
        self.args = args
        self.endpoint = endpoint
        self.workdir = workdir
        self.phases = {}
        self.results = {}
        self.problems = []
        self.cli = None  # (serials, sampled tags, listing seconds, sample seconds)
        self.converged_stats = None
        self.baseline_stats = None

    def phase(self, key, label):
        if key not in self.phases:
            self.phases[key] = Phase(self.endpoint, label)
        return self.phases[key]

    def repeated(self, key, label, function, *args):
        """Run ``function`` --repeat times, timed; every repetition must return the same devices."""
        for _repetition in range(self.args.repeat):
            with self.phase(key, label).timed():
                result = function(*args)
            if key not in self.results:
                self.results[key] = result
            elif result != self.results[key]:
                self.problems.append("%s returned something else on a repetition" % label)

    def measure(self, aws):
        skip = set(self.args.skip)
        self.repeated("entry", "iam_virtual_mfa_info, module entry point", info_entry_point, self.endpoint, self.args.workers)
        if "playbook" not in skip:
            self.repeated("playbook", "iam_virtual_mfa_info, ansible-playbook", info_playbook,
                          self.endpoint, self.args.workers, self.workdir)
        self.repeated("loop", "sequential boto3 loop", boto3_loop, self.endpoint)
        if "cli" not in skip:
            with self.phase("cli", "AWS CLI").timed():
                self.cli = cli_run(aws, self.endpoint, self.args.cli_sample)
        if "converged" not in skip:
            with self.phase("converged", "converged iam_virtual_mfa playbook, %d devices" % CONVERGED_DEVICES).timed():
                self.converged_stats = converged_playbook(self.endpoint, self.workdir)
            if self.args.baseline:
                collections = baseline_collections(self.args.baseline, self.workdir)
                label = "the same at %s (baseline)" % self.args.baseline
                with self.phase("baseline", label).timed():
                    self.baseline_stats = converged_playbook(self.endpoint, self.workdir, collections)

    def check(self):
        reference = self.results["loop"]
        if len(reference) != self.args.devices:
            self.problems.append("%d devices listed, %d created" % (len(reference), self.args.devices))
        for key in ("entry", "playbook"):
            if key in self.results and self.results[key] != reference:
                self.problems.append("%s and the boto3 loop disagree" % self.phases[key].label)
        if self.cli:
            serials, tags, _list, _sample = self.cli
            if serials != [device["serial_number"] for device in reference]:
                self.problems.append("the AWS CLI listed other serial numbers")
            module_tags = {device["serial_number"]: device["tags"] for device in self.results["entry"]}
            if any(module_tags.get(serial) != wanted for serial, wanted in tags.items()):
                self.problems.append("the AWS CLI found other tags on the sampled devices")
        if self.converged_stats is not None:
            calls = self.phases["converged"].calls
            if self.converged_stats.get("changed") or self.converged_stats.get("failures") or any(
                    not action.startswith(("List", "Get")) for action in calls):
                self.problems.append("the converged playbook changed something or wrote: %s %s" % (self.converged_stats, calls))

    def cli_estimate(self):
        serials, tags, listing, sample = self.cli
        return listing + sample / len(tags) * len(serials)

    def report(self, awscli_version):
        """Print the table, the ratios and the verdicts; returns the verdicts."""
        reference = self.results["loop"]
        print()
        print("mfaops.iam benchmark: %d virtual MFA devices, 2 tags each, %d assigned; endpoint latency %g ms per IAM "
              "call; iam_virtual_mfa_info max_concurrency=%d" % (
                  len(reference), sum(1 for d in reference if d["user_name"]), self.args.latency_ms, self.args.workers))
        print("machine: %s" % machine(awscli_version))
        print()
        print("%-52s %10s   %s" % ("what", "wall time", "IAM calls"))
        for key in ("entry", "playbook", "loop"):
            if key in self.phases:
                phase = self.phases[key]
                print("%-52s %9.2fs   %s%s" % (phase.label, phase.seconds, describe_calls(phase.calls), phase.spread()))
        if self.cli:
            serials, tags, listing, sample = self.cli
            phase = self.phases["cli"]
            measured = "AWS CLI, measured: list + %d of %d devices" % (len(tags), len(serials))
            print("%-52s %9.2fs   %s" % (measured, phase.seconds, describe_calls(phase.calls)))
            print("%-52s %9.2fs   %d (%d list + %d tag calls, %d processes)" % (
                "AWS CLI, scaled to %d devices (estimate)" % len(serials), self.cli_estimate(),
                phase.calls["ListVirtualMFADevices"] + len(serials), phase.calls["ListVirtualMFADevices"],
                len(serials), len(serials) + 1))
            print("  (AWS CLI: %.2f s for list-virtual-mfa-devices, %.3f s per list-mfa-device-tags process)" % (
                listing, sample / len(tags)))
        if self.converged_stats is not None:
            phase = self.phases["converged"]
            writes = sum(n for action, n in phase.calls.items() if not action.startswith(("List", "Get")))
            print("%-52s %9.2fs   %s" % (phase.label, phase.seconds, describe_calls(phase.calls)))
            print("  (converged playbook: %.3f s and %.2f IAM calls per device; %d changed, %d write calls)" % (
                phase.seconds / CONVERGED_DEVICES, sum(phase.calls.values()) / CONVERGED_DEVICES,
                self.converged_stats.get("changed", 0), writes))
        if self.baseline_stats is not None:
            base = self.phases["baseline"]
            print("%-52s %9.2fs   %s" % (base.label, base.seconds, describe_calls(base.calls)))
            print("  (converged per device: %.3f s at %s, %.3f s now: %.2fx less; %d changed at the baseline)" % (
                base.seconds / CONVERGED_DEVICES, self.args.baseline, phase.seconds / CONVERGED_DEVICES,
                base.seconds / phase.seconds, self.baseline_stats.get("changed", 0)))
        print()
        print("ratios of medians (targets: >= %gx faster than the sequential boto3 loop, >= %gx faster than the AWS CLI)" % (
            TARGET_VS_BOTO3, TARGET_VS_CLI))
        verdicts = []
        others = [(self.phases["loop"].label, self.phases["loop"].seconds, TARGET_VS_BOTO3)]
        if self.cli:
            others.append(("AWS CLI (scaled)", self.cli_estimate(), TARGET_VS_CLI))
        for key in ("entry", "playbook"):
            if key not in self.phases:
                continue
            for label, seconds, target in others:
                ratio = seconds / self.phases[key].seconds
                verdicts.append(verdict(ratio, target))
                print("  %-40s vs %-24s %6.2fx  %s" % (self.phases[key].label, label, ratio, verdicts[-1]))
        print()
        if self.problems:
            print("result sets: DIFFER: %s" % "; ".join(self.problems))
        else:
            cli = "; AWS CLI: serial numbers of all, tags of the %d sampled" % len(self.cli[1]) if self.cli else ""
            print("result sets: identical (%d devices%s)" % (len(reference), cli))
        return verdicts


def run(args):
    aws, awscli_version = ensure_awscli() if "cli" not in args.skip else (None, None)
    with Endpoint(latency_ms=args.latency_ms) as endpoint, tempfile.TemporaryDirectory(prefix="mfaops-bench-") as workdir:
        print("creating %d devices (latency off while creating) ..." % args.devices, flush=True)
        endpoint.set_faults(latency_ms=0)
        started = time.perf_counter()
        mfa_fleet.ensure(endpoint.boto3_client("iam"), args.devices)
        print("  created in %.1f s; measuring ..." % (time.perf_counter() - started), flush=True)
        endpoint.set_faults(latency_ms=args.latency_ms)
        bench = Bench(args, endpoint, workdir)
        bench.measure(aws)
        bench.check()
        verdicts = bench.report(awscli_version)
    if bench.problems:
        return 2
    return 1 if args.strict and "FAIL" in verdicts else 0


def main(argv=None):
    args = parse_args(argv)
    if args.devices < CONVERGED_DEVICES or min(args.cli_sample, args.workers, args.repeat) < 1:
        raise SystemExit("--devices must be at least %d; --cli-sample, --workers and --repeat at least 1" % CONVERGED_DEVICES)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
