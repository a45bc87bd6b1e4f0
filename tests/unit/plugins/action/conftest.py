"""Fixtures for the iam_virtual_mfa action plugin run in this process against the local endpoint."""

import time

import pytest

from action_harness import run_action

from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa import converge


@pytest.fixture
def run(endpoint, capsys):
    def runner(check_mode=False, diff=False, environment=None, basedir=None, **args):
        full = dict(args, endpoint_url=endpoint.url, region="us-east-1", access_key="testing", secret_key="testing")
        capsys.readouterr()
        result = run_action(full, check_mode=check_mode, diff=diff, environment=environment, basedir=basedir)
        captured = capsys.readouterr()
        result["_stdout"] = captured.out + captured.err
        return result

    return runner


@pytest.fixture
def seed_file(tmp_path):
    counter = iter(range(1000))

    def new_path():
        return str(tmp_path / "seeds" / ("device-%d.seed" % next(counter)))

    return new_path


@pytest.fixture
def create(run, seed_file):
    """Create a device through the task with a Base32 bootstrap file; returns (result, seed read from that file)."""

    def creator(**args):
        path = seed_file()
        result = run(bootstrap_file=path, bootstrap_method="Base32StringSeed", **args)
        assert not result.get("failed"), result.get("msg")
        with open(path) as handle:
            return result, handle.read().strip()

    return creator


@pytest.fixture
def users(iam, endpoint):
    for name in ("alice", "bob"):
        iam.create_user(UserName=name)
    endpoint.clear_requests()


class VirtualTime:
    """The clock of the task under test and of the endpoint's TOTP checks, moved together: ``sleep`` advances both at
    once instead of waiting, so a test that needs fresh code windows takes no real 30-second waits."""

    def __init__(self, endpoint):
        self.endpoint = endpoint
        self.offset = 0.0
        self.slept = 0.0

    def time(self):
        return time.time() + self.offset

    def sleep(self, seconds):
        self.offset += max(0.0, seconds)
        self.slept += max(0.0, seconds)
        self.endpoint.set_clock_offset(self.offset)


@pytest.fixture
def virtual_time(endpoint, monkeypatch):
    """The task's DeviceTask (codes, waits) and the endpoint's TOTP clock on one virtual clock (see VirtualTime)."""
    clock = VirtualTime(endpoint)
    monkeypatch.setattr(converge, "time", clock)
    yield clock
    endpoint.set_clock_offset(0)
