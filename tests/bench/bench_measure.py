"""One measured command: wall time, the CPU seconds of the command and all its children (getrusage RUSAGE_CHILDREN
around the subprocess: every descendant that was waited for, as ansible-playbook's forks and module processes and
c7n-org's worker processes are), the endpoint server's CPU seconds meanwhile (/proc/<pid>/stat), the machine's CPU
use (/proc/stat, other work on the machine included), the load average before and after, and the CPU seconds of the
command's own (main) process, sampled from /proc/<pid>/stat until it exits: with Ansible, the strategy's share,
which forks do not spread over the cores."""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from dataclasses import dataclass

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Measure:
    label: str
    seconds: float
    cpu: float  # the command and its children
    main_cpu: float | None  # the command's own process (last sample before it exited)
    endpoint_cpu: float | None
    machine_busy: float  # share of all CPUs busy over the run (anything on the machine)
    load_before: float
    load_after: float
    returncode: int
    stdout: str
    stderr: str

    @property
    def cores(self):
        return self.cpu / self.seconds if self.seconds else 0.0

    def line(self, width=44):
        endpoint = "" if self.endpoint_cpu is None else "; endpoint %.1f CPU s" % self.endpoint_cpu
        main = "" if self.main_cpu is None else " (main process %.1f)" % self.main_cpu
        return "%s %8.2f s wall %7.1f CPU s%s = %.2f cores%s; machine %3.0f%% busy, load %.1f -> %.1f" % (
            self.label.ljust(width), self.seconds, self.cpu, main, self.cores, endpoint, 100 * self.machine_busy,
            self.load_before, self.load_after)


def _machine_times():
    with open("/proc/stat", encoding="ascii") as handle:
        fields = [int(x) for x in handle.readline().split()[1:]]
    return sum(fields), fields[3] + fields[4]


def process_cpu(pid):
    """CPU seconds (user + system) a live process used so far, or None."""
    if pid is None:
        return None
    try:
        with open("/proc/%d/stat" % pid, encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS


def run(label, argv, env, endpoint_pid=None, cwd=None):
    """Run ``argv`` to its end and measure it (the caller judges the return code)."""
    load_before = os.getloadavg()[0]
    total0, idle0 = _machine_times()
    endpoint0 = process_cpu(endpoint_pid)
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    main = {"cpu": None}
    done = threading.Event()

    def sample():
        while not done.is_set():
            value = process_cpu(proc.pid)
            if value is not None:
                main["cpu"] = value
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    seconds = time.monotonic() - started
    done.set()
    sampler.join()
    children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    endpoint1 = process_cpu(endpoint_pid)
    total1, idle1 = _machine_times()
    cpu = (children1.ru_utime - children0.ru_utime) + (children1.ru_stime - children0.ru_stime)
    return Measure(label=label, seconds=seconds, cpu=cpu, main_cpu=main["cpu"],
                   endpoint_cpu=None if endpoint0 is None or endpoint1 is None else endpoint1 - endpoint0,
                   machine_busy=1 - (idle1 - idle0) / max(1, total1 - total0), load_before=load_before,
                   load_after=os.getloadavg()[0], returncode=proc.returncode, stdout=stdout, stderr=stderr)
