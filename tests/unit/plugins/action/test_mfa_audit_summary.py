"""mfa_audit_summary through its action plugin, in this process: the summary from the accounts' states in a directory,
in S3 or in the job's stats gives the same answer; expected hosts without a state are not audited, with what their
variables say, read safely; and the directory's summary is rebuilt under its lock."""

import json
import threading
import time

import pytest

from action_harness import run_action

from ansible_collections.mfaops.iam.plugins.module_utils._audit.findings import build_report
from ansible_collections.mfaops.iam.plugins.module_utils._audit.states import audited_state
from ansible_collections.mfaops.iam.plugins.module_utils._audit.states import not_audited_state
from ansible_collections.mfaops.iam.plugins.module_utils._common.stamps import stamp
from ansible_collections.mfaops.iam.plugins.plugin_utils._audit_store import DirectoryStore
from ansible_collections.mfaops.iam.plugins.plugin_utils._audit_store import S3Store

PROD, DEV, LOCKED, GONE = "111111111111", "222222222222", "333333333333", "444444444444"


def _state(key, users_without_mfa):
    users = [
        {"user_name": "u%d" % n, "arn": "arn:aws:iam::%s:user/u%d" % (key, n), "path": "/", "has_mfa": False}
        for n in range(users_without_mfa)
    ]
    report = build_report({"users": users, "root": None}, {"virtual_mfa_devices": []}, {}, {})
    return audited_state(key, {"id": key, "host": "h" + key, "name": None}, report)


STATES = {
    PROD: _state(PROD, 2),
    DEV: _state(DEV, 5),
    LOCKED: not_audited_state(LOCKED, {"id": LOCKED}, "Unable to assume role (AccessDenied)", stamp()),
}
HOSTVARS = {
    "prod": {"aws_account_id": PROD, "aws_account_name": "Prod"},
    "dev": {"aws_account_id": int(DEV)},  # an integer from an inventory file
    "locked": {"aws_account_id": LOCKED, "mfa_audit_not_audited": "ignored: the state says why"},
    "gone": {"aws_account_id": GONE, "mfa_audit_not_audited": "failed in a pre-task"},
    "never": {"aws_account_id": "555555555555"},
}


def _summary(endpoint, task_vars=None, **args):
    full = dict(endpoint_url=endpoint.url, region="us-east-1", access_key="testing", secret_key="testing", **args)
    return run_action(full, task_vars=task_vars or {}, action_name="mfaops.iam.mfa_audit_summary")


def _same(summary):
    return {key: value for key, value in summary.items() if key != "generated_at"}


def test_directory_s3_and_stats_give_the_same_summary_of_the_expected_hosts(endpoint, tmp_path):
    directory = DirectoryStore(str(tmp_path / "dir"), "mfa_audit", 0o640)
    endpoint.boto3_client("s3").create_bucket(Bucket="reports")
    s3 = S3Store(endpoint.boto3_client("s3"), "reports", "audit", "mfa_audit")
    for key, state in STATES.items():
        directory.write_state(key, state)
        s3.write_state(key, state)
    expected = dict(expected_hosts=list(HOSTVARS), expected_accounts=["666666666666"])
    task_vars = {"hostvars": HOSTVARS}
    from_dir = _summary(endpoint, task_vars, report_dir=str(tmp_path / "dir"), **expected)
    from_s3 = _summary(endpoint, task_vars, s3_bucket="reports", s3_prefix="audit", **expected)
    from_stats = _summary(
        endpoint, task_vars, report_dir=str(tmp_path / "stats"), read_from=[], reports=STATES, **expected
    )
    assert _same(from_dir["summary"]) == _same(from_s3["summary"]) == _same(from_stats["summary"])
    summary = from_dir["summary"]
    assert summary["accounts"] == {"total": 6, "audited": 2, "not_audited": 4, "with_findings": 2, "failing": 0}
    assert summary["by_kind"]["users_without_mfa"] == 7
    reasons = {entry["account"]: entry["reason"] for entry in summary["not_audited"]}
    assert reasons[LOCKED] == "Unable to assume role (AccessDenied)"
    assert reasons[GONE] == "failed in a pre-task"
    assert reasons["555555555555"].startswith("no report") and reasons["666666666666"].startswith("no report")
    assert [(e["account"], e.get("host"), e.get("name")) for e in summary["per_account"]] == [
        (PROD, "h" + PROD, "Prod"),
        (DEV, "h" + DEV, None),
    ]
    written = json.loads((tmp_path / "dir" / "mfa_audit_organization.json").read_text())
    assert written == summary
    assert from_s3["s3_objects"]["json"] == "s3://reports/audit/mfa_audit_organization.json"
    assert "| Unable to assume role (AccessDenied) |" in (tmp_path / "dir" / "mfa_audit_organization.md").read_text()


def test_without_expected_accounts_the_summary_covers_every_state(endpoint, tmp_path):
    store = DirectoryStore(str(tmp_path), "mfa_audit", 0o640)
    for key, state in STATES.items():
        store.write_state(key, state)
    summary = _summary(endpoint, report_dir=str(tmp_path))["summary"]
    assert summary["accounts"]["total"] == 3 and summary["accounts"]["not_audited"] == 1


def test_a_host_whose_variables_cannot_be_read_is_still_listed(endpoint, tmp_path):
    class Broken(dict):
        def get(self, key, default=None):
            raise RuntimeError("a template that fails")

    summary = _summary(
        endpoint, {"hostvars": {"odd": Broken()}}, report_dir=str(tmp_path), expected_hosts=["odd", "absent"]
    )
    assert [e["account"] for e in summary["summary"]["not_audited"]] == ["host_absent", "host_odd"]


def test_the_directory_summary_waits_for_the_lock(endpoint, tmp_path):
    store = DirectoryStore(str(tmp_path), "mfa_audit", 0o640)
    store.write_state(PROD, STATES[PROD])
    done = threading.Event()

    def summarize():
        _summary(endpoint, report_dir=str(tmp_path))
        done.set()

    with store.lock():
        worker = threading.Thread(target=summarize)
        worker.start()
        time.sleep(1.0)
        assert not done.is_set()  # another host is rebuilding the summary
        store.write_state(DEV, STATES[DEV])  # ... and wrote its state before it
    worker.join(30)
    assert done.is_set()
    written = json.loads((tmp_path / "mfa_audit_organization.json").read_text())
    assert written["accounts"]["audited"] == 2


@pytest.mark.parametrize(
    "args, message",
    [
        ({"read_from": ["s3"]}, "which needs s3_bucket"),
        ({"max_age_hours": 0}, "max_age_hours must be a positive"),
        ({"expected_accounts": ["12"]}, "expected_accounts"),
    ],
)
def test_bad_options_fail(endpoint, tmp_path, args, message):
    result = _summary(endpoint, report_dir=str(tmp_path), **args)
    assert result["failed"] is True and message in result["msg"]


def test_each_expected_host_s_variables_are_computed_once(endpoint, tmp_path):
    reads = []

    class Counted(dict):  # hostvars: each hostvars[host] computes all of that host's variables
        def get(self, key, default=None):
            reads.append(key)
            return super().get(key, default)

    hostvars = Counted(HOSTVARS)
    summary = _summary(endpoint, {"hostvars": hostvars, "inventory_hostname": "prod"}, report_dir=str(tmp_path),
                       expected_hosts=list(HOSTVARS), return_summary=False)
    assert summary["accounts"]["total"] == len(HOSTVARS)
    assert sorted(reads) == sorted(list(HOSTVARS) + ["prod"])  # and the calling host's own account


def test_the_s3_copy_is_written_under_the_directory_lock(endpoint, tmp_path, monkeypatch):
    """Hosts that rebuild one after the other write S3's copy in the same order: the last rebuild's summary is the
    one S3 keeps (written after the lock was released, an earlier rebuild's copy could land last)."""
    import fcntl
    import os

    directory = DirectoryStore(str(tmp_path / "dir"), "mfa_audit", 0o640)
    endpoint.boto3_client("s3").create_bucket(Bucket="reports")
    for key, state in STATES.items():
        directory.write_state(key, state)
    held = []
    original = S3Store.write_summary

    def probing(self, *args):
        fd = os.open(str(tmp_path / "dir"), os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held.append(False)
        except BlockingIOError:
            held.append(True)
        finally:
            os.close(fd)
        return original(self, *args)

    monkeypatch.setattr(S3Store, "write_summary", probing)
    result = _summary(endpoint, {"hostvars": HOSTVARS}, report_dir=str(tmp_path / "dir"), s3_bucket="reports",
                      s3_prefix="audit", expected_hosts=list(HOSTVARS))
    assert held == [True]
    assert result["s3_objects"]["json"] == "s3://reports/audit/mfa_audit_organization.json"
