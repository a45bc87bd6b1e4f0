"""The demo playbook and the audit role as AWX runs them: through ansible-runner, in check mode and normal mode.

Each run's status and stats come from its artifacts; every byte of the artifacts (job events, stdout, status, ...)
is searched for every seed the endpoint ever issued.
"""

import json
import os
import pathlib
import shutil
import sys

import ansible_runner
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.xdist_group("ansible_runner")


@pytest.fixture
def job(endpoint, tmp_path, monkeypatch):
    """``job(playbook, name, check=False, **extravars)`` -> the finished ansible_runner.Runner."""
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])  # ansible-playbook
    project = tmp_path / "runner" / "project"
    shutil.copytree(ROOT / "demo", project / "demo", ignore=shutil.ignore_patterns("output"))
    shutil.copytree(ROOT / "examples", project / "examples")

    def run(playbook, name, check=False, **extravars):
        runner = ansible_runner.run(
            private_data_dir=str(tmp_path / "runner"),
            playbook=playbook,
            inventory=str(ROOT / "demo" / "inventory.ini"),
            ident=name,
            extravars=dict(extravars, iam_endpoint_url=endpoint.url, aws_access_key="testing", aws_secret_key="testing"),
            cmdline="--check --diff" if check else "--diff",
            envvars={
                "ANSIBLE_COLLECTIONS_PATH": str(ROOT / "build" / "collections"),
                "ANSIBLE_DEPRECATION_WARNINGS": "0",
                "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            },
            quiet=True,
        )
        return runner

    return run


def changed(runner):
    return runner.stats["changed"].get("localhost", 0)


def artifacts_bytes(runner):
    blobs = []
    for folder, _dirs, files in os.walk(runner.config.artifact_dir):
        for name in files:
            blobs.append(pathlib.Path(folder, name).read_bytes())
    return b"\n".join(blobs)


def assert_no_seed(endpoint, *runners):
    seeds = endpoint.seeds().values()
    assert seeds, "the runs created no device"
    for runner in runners:
        blob = artifacts_bytes(runner)
        assert b'"event": "playbook_on_stats"' in blob or b"playbook_on_stats" in blob
        for seed in seeds:
            assert seed.encode() not in blob and seed.lower().encode() not in blob


def test_demo_through_ansible_runner_check_then_normal_then_converged(job, endpoint, tmp_path):
    out = tmp_path / "bootstrap"
    check = job("demo/playbook.yml", "demo-check", check=True, demo_bootstrap_dir=str(out))
    assert check.status == "successful" and check.rc == 0
    assert changed(check) == 2 and check.stats["failures"] == {}
    assert endpoint.write_requests() == [] and not out.exists()

    first = job("demo/playbook.yml", "demo-first", demo_bootstrap_dir=str(out))
    assert first.status == "successful"
    assert changed(first) == 2 and first.stats["ok"]["localhost"] == 3
    assert (out / "alice.png").stat().st_mode & 0o777 == 0o600

    again = job("demo/playbook.yml", "demo-again", demo_bootstrap_dir=str(out))
    recheck = job("demo/playbook.yml", "demo-recheck", check=True, demo_bootstrap_dir=str(out))
    assert again.status == recheck.status == "successful"
    assert changed(again) == changed(recheck) == 0

    events = [e["event"] for e in first.events]
    assert "runner_on_ok" in events and events[-1] == "playbook_on_stats"
    assert_no_seed(endpoint, check, first, again, recheck)


def test_audit_role_through_ansible_runner_in_check_and_normal_mode(job, endpoint, tmp_path):
    iam = endpoint.boto3_client("iam")
    iam.create_user(UserName="no-mfa")
    iam.create_virtual_mfa_device(VirtualMFADeviceName="orphan")
    endpoint.clear_requests()
    reports = tmp_path / "reports"

    check = job("examples/audit_account.yml", "audit-check", check=True, report_dir=str(reports), required_tags=[])
    assert check.status == "successful" and changed(check) == 0
    report = json.loads((reports / "mfa_audit.json").read_text())
    assert report["summary"]["users_without_mfa"] == 1 and report["summary"]["orphaned_devices"] == 1
    assert [u["user_name"] for u in report["findings"]["users_without_mfa"]] == ["no-mfa"]
    assert endpoint.write_requests() == []

    normal = job("examples/audit_account.yml", "audit-normal", report_dir=str(reports), required_tags=[])
    assert normal.status == "successful" and changed(normal) == 0

    failing = job("examples/audit_account.yml", "audit-fail", report_dir=str(reports), required_tags=[], fail_on_findings=True)
    assert failing.status == "failed" and failing.stats["failures"] == {"localhost": 1}

    # fail_on_findings as a list of kinds: root has no MFA here, so root_without_mfa fails and root_with_virtual_mfa not
    root = job("examples/audit_account.yml", "audit-root", report_dir=str(reports), required_tags=[],
               fail_on_findings=["root_without_mfa"])
    assert root.status == "failed"
    assert json.loads((reports / "mfa_audit.json").read_text())["failing"] == {"root_without_mfa": 1}
    other = job("examples/audit_account.yml", "audit-other", report_dir=str(reports), required_tags=[],
                fail_on_findings=["root_with_virtual_mfa"])
    assert other.status == "successful"
    assert endpoint.write_requests() == []
    assert_no_seed(endpoint, check, normal, failing)
