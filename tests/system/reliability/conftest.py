"""Run real ``ansible-playbook`` (and ansible-runner) subprocesses against the local IAM endpoint.

``run_playbook(tasks, ...)`` writes a one-play playbook for localhost into a fresh directory, with
``module_defaults: group/mfaops.iam.aws`` pointing at the endpoint, runs ``ansible-playbook`` as a subprocess
and returns a :class:`PlaybookRun` (rc, stdout, stderr, and the task results when the JSON callback was used).
``start_playbook`` does the same without waiting (for kills and races); every process it starts, and every process those
start (ansible's workers leave the process group), is killed when the test ends.
"""

import itertools
import json
import os
import signal
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
COLLECTIONS = os.path.join(ROOT, "build", "collections")
ACCOUNT = "123456789012"
PLAYBOOK_TIMEOUT = 240


def serial(name, path="/"):
    return "arn:aws:iam::%s:mfa%s%s" % (ACCOUNT, path, name)


def aws_defaults(endpoint_url):
    return {"endpoint_url": endpoint_url, "access_key": "testing", "secret_key": "testing", "region": "us-east-1"}


def ansible_env(workdir, extra=None):
    """The environment of an ansible-playbook subprocess: this collection, no user config, temp dirs in ``workdir``."""
    config = os.path.join(workdir, "ansible.cfg")
    if not os.path.exists(config):
        with open(config, "w") as handle:
            handle.write("[defaults]\n")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "PYTEST_", "AWS_PROFILE"))}
    env.update(
        PATH=os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")]),
        ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
        ANSIBLE_CONFIG=config,
        ANSIBLE_LOCAL_TEMP=os.path.join(workdir, ".ansible-local"),
        ANSIBLE_REMOTE_TEMP=os.path.join(workdir, ".ansible-remote"),
        ANSIBLE_HOME=os.path.join(workdir, ".ansible-home"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_RETRY_FILES_ENABLED="0",
        ANSIBLE_DEPRECATION_WARNINGS="0",
        ANSIBLE_LOCALHOST_WARNING="0",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
        ANSIBLE_PIPELINING="1",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    env.update(extra or {})
    return env


def write_playbook(workdir, endpoint_url, tasks, name="playbook", play_vars=None, gather=False):
    """Write ``<workdir>/<name>.yml`` (one play on localhost, the group defaults set) and an inventory; returns both."""
    os.makedirs(workdir, exist_ok=True)
    inventory = os.path.join(workdir, "inventory.ini")
    with open(inventory, "w") as handle:
        handle.write("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    play = {
        "name": name,
        "hosts": "localhost",
        "gather_facts": gather,
        "module_defaults": {"group/mfaops.iam.aws": aws_defaults(endpoint_url)},
        "vars": dict(play_vars or {}),
        "tasks": tasks,
    }
    playbook = os.path.join(workdir, name + ".yml")
    with open(playbook, "w") as handle:
        yaml.safe_dump([play], handle, sort_keys=False)
    return playbook, inventory


class PlaybookRun:
    def __init__(self, args, returncode, stdout, stderr, json_output):
        self.args = args
        self.rc = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.json = None
        if json_output:
            start = stdout.find("{")
            try:
                self.json = json.loads(stdout[start:])
            except ValueError:
                raise AssertionError("ansible-playbook printed no JSON (rc %s):\n%s\n%s" % (returncode, stdout[-4000:], stderr[-4000:]))

    def __repr__(self):
        return "<PlaybookRun rc=%s>\nSTDOUT:\n%s\nSTDERR:\n%s" % (self.rc, self.stdout[-30000:], self.stderr[-3000:])

    def failures(self):
        """The messages of every failed task result (loop items included)."""
        messages = []
        for task in self.tasks() if self.json else []:
            result = task["hosts"].get("localhost", {})
            for item in result.get("results", [result]):
                if item.get("failed"):
                    messages.append("%s: %s" % (task["task"]["name"], item.get("msg")))
        return messages

    def summary(self):
        """A short account of a run, for assertion messages."""
        return "rc=%s failures=%s stderr=%s" % (self.rc, self.failures(), self.stderr[-2000:])

    def tasks(self):
        return [task for play in self.json["plays"] for task in play["tasks"]]

    def result(self, task_name):
        """The localhost result of the (last) task named ``task_name``."""
        found = [task["hosts"]["localhost"] for task in self.tasks() if task["task"]["name"] == task_name]
        assert found, "no task %r in %r" % (task_name, [t["task"]["name"] for t in self.tasks()])
        return found[-1]

    @property
    def stats(self):
        return self.json["stats"]["localhost"]


class Runner:
    """Starts ansible-playbook processes for one test and kills whatever is left of them at the end."""

    def __init__(self, tmp_path, endpoint):
        self.tmp_path = tmp_path
        self.endpoint = endpoint
        self.procs = []
        self._counter = itertools.count(1)

    def command(self, tasks, name=None, check=False, diff=False, verbosity=0, extra_args=(), play_vars=None, endpoint_url=None):
        name = name or "playbook%d" % next(self._counter)
        playbook, inventory = write_playbook(
            str(self.tmp_path), endpoint_url or self.endpoint.url, tasks, name=name, play_vars=play_vars)
        args = ["ansible-playbook", "-i", inventory, playbook]
        if check:
            args.append("--check")
        if diff:
            args.append("--diff")
        if verbosity:
            args.append("-" + "v" * verbosity)
        return args + list(extra_args)

    def start(self, tasks, json_output=True, env=None, preexec_fn=None, **kwargs):
        """Start ansible-playbook in its own session (process group); returns the Popen."""
        extra = {"ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json"} if json_output else {}
        extra.update(env or {})
        args = self.command(tasks, **kwargs)
        proc = subprocess.Popen(
            args, cwd=str(self.tmp_path), env=ansible_env(str(self.tmp_path), extra), stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, preexec_fn=preexec_fn,
        )
        proc.json_output = json_output
        self.procs.append(proc)
        return proc

    @staticmethod
    def kill_tree(proc):
        kill_tree(proc)

    @staticmethod
    def process_tree(pid):
        return process_tree(pid)

    @staticmethod
    def write_playbook(workdir, endpoint_url, tasks, name="playbook", play_vars=None):
        return write_playbook(workdir, endpoint_url, tasks, name=name, play_vars=play_vars)

    @staticmethod
    def ansible_env(workdir, extra=None):
        return ansible_env(workdir, extra)

    @staticmethod
    def finish(proc, timeout=PLAYBOOK_TIMEOUT):
        stdout, stderr = proc.communicate(timeout=timeout)
        return PlaybookRun(proc.args, proc.returncode, stdout, stderr, proc.json_output)

    def run(self, tasks, timeout=PLAYBOOK_TIMEOUT, **kwargs):
        return self.finish(self.start(tasks, **kwargs), timeout=timeout)

    def kill_all(self):
        for proc in self.procs:
            kill_tree(proc)

    # helpers for the tests (conftest modules are not importable by name, so they travel on the fixture)
    account = ACCOUNT

    @staticmethod
    def task(**args):
        return vmfa(**args)

    @staticmethod
    def serial(name, path="/"):
        return serial(name, path)

    def devices(self):
        return device_listing(self.endpoint)


def process_tree(pid):
    """``pid`` and all its descendants (ansible's workers call setsid(), so a process group does not hold them)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as handle:
                    ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def kill_tree(proc):
    """SIGKILL ``proc`` and every process it started (frozen first, so none escapes by forking), then reap it."""
    if proc.poll() is None:
        tree = process_tree(proc.pid)
        for sig in (signal.SIGSTOP, signal.SIGKILL):
            for pid in tree:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
    try:
        proc.communicate(timeout=30)
    except (subprocess.TimeoutExpired, ValueError):
        pass


@pytest.fixture
def playbooks(tmp_path, endpoint):
    """A :class:`Runner` bound to this test's tmp_path and the reset endpoint."""
    runner = Runner(tmp_path, endpoint)
    try:
        yield runner
    finally:
        runner.kill_all()


def vmfa(**args):
    """One iam_virtual_mfa task (named by ``name`` in ``args['task']`` if given)."""
    task_name = args.pop("task", None)
    task = {"mfaops.iam.iam_virtual_mfa": args}
    if task_name:
        task = {"name": task_name, **task}
    return task


def device_listing(endpoint):
    """Every virtual MFA device on the endpoint: {serial: user name or None}."""
    iam = endpoint.boto3_client("iam")
    return {
        entry["SerialNumber"]: entry.get("User", {}).get("UserName")
        for page in iam.get_paginator("list_virtual_mfa_devices").paginate()
        for entry in page["VirtualMFADevices"]
    }
