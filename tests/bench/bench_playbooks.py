"""What the benchmarks share: the environment of an ansible-playbook run against the local endpoint, running one
playbook on localhost (JSON callback), the play header with the collection's group defaults, one listing, and a
timer of runs with their IAM calls."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


def environment(collections=None, roles_path=None):
    """This collection (or the one at ``collections``) on the collections path, fake credentials, JSON output."""
    env = dict(os.environ, **CREDENTIALS)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=collections or os.path.join(ROOT, "build", "collections"),
        ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_NOCOLOR="1",
        ANSIBLE_STDOUT_CALLBACK="ansible.posix.json", ANSIBLE_DEPRECATION_WARNINGS="false",
        PYTHONPATH=os.pathsep.join([os.path.join(ROOT, "tests", "support"), env.get("PYTHONPATH", "")]),
    )
    if roles_path:
        env["ANSIBLE_ROLES_PATH"] = roles_path
    return env


def ansible_playbook(text, workdir, collections=None, roles_path=None):
    """Run the playbook ``text`` on localhost; returns its JSON (ansible.posix.json callback)."""
    path = os.path.join(workdir, "playbook-%d.yml" % time.monotonic_ns())
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    binary = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    answer = subprocess.run([binary, "-i", "localhost,", "-c", "local", path], env=environment(collections, roles_path),
                            capture_output=True, text=True, check=False)
    if answer.returncode != 0:
        raise RuntimeError("ansible-playbook failed:\n%s\n%s" % (answer.stdout[-3000:], answer.stderr[-3000:]))
    return json.loads(answer.stdout)


def play(endpoint, body):
    """A play on localhost with the collection's group defaults pointing at ``endpoint``, then ``body``."""
    return """\
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/mfaops.iam.aws:
      endpoint_url: "%s"
      region: us-east-1
%s""" % (endpoint.url, body)


def listing(endpoint, workers, workdir):
    """One iam_virtual_mfa_info listing with tags through ansible-playbook; returns how many devices it saw."""
    output = ansible_playbook(play(endpoint, """\
  tasks:
    - name: Every virtual MFA device with its tags
      mfaops.iam.iam_virtual_mfa_info:
        max_concurrency: %d
""" % workers), workdir)
    return len(output["plays"][0]["tasks"][0]["hosts"]["localhost"]["virtual_mfa_devices"])


READS = ("List", "Get")


class Timer:
    """Wall times (median of the runs) and the IAM calls of the last run of one kind of run."""

    def __init__(self, endpoint, label, width=58):
        self.endpoint, self.label, self.width, self.runs, self.calls = endpoint, label, width, [], Counter()

    def run(self, function, *args, **kwargs):
        self.endpoint.clear_requests()
        started = time.perf_counter()
        result = function(*args, **kwargs)
        self.runs.append(time.perf_counter() - started)
        self.calls = Counter(request["action"] for request in self.endpoint.requests())
        return result

    @property
    def seconds(self):
        return statistics.median(self.runs)

    @property
    def writes(self):
        return sum(count for action, count in self.calls.items() if not action.startswith(READS))

    def line(self):
        calls = ", ".join("%s %d" % item for item in sorted(self.calls.items()))
        runs = "  [runs: %s]" % ", ".join("%.2f" % run for run in self.runs) if len(self.runs) > 1 else ""
        return "%-*s %8.2fs   %d (%s)%s" % (self.width, self.label, self.seconds, sum(self.calls.values()), calls, runs)
