"""_audit_store_sources through mfa_audit_summary's action, in this process: a host whose own state the summary in
the directory already holds (its record beside the summary says so) leaves the summary as it is; any other host,
and any doubt about the record, rebuilds; after any interleaving of state writes and summary runs the summary holds
every host's last state."""

import json
import os
import random
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest

from action_harness import run_action

from ansible_collections.mfaops.iam.plugins.module_utils._audit.findings import build_report
from ansible_collections.mfaops.iam.plugins.module_utils._audit.states import audited_state
from ansible_collections.mfaops.iam.plugins.module_utils._common.stamps import stamp
from ansible_collections.mfaops.iam.plugins.plugin_utils import _audit_store_sources as sources
from ansible_collections.mfaops.iam.plugins.plugin_utils._audit_store import DirectoryStore

SUMMARY = "mfa_audit_organization"
SIDECAR = ".mfa_audit_organization.sources.json"
HOSTS = ["h%d" % n for n in range(6)]
HOSTVARS = {host: {"aws_account_id": "1000000000%02d" % n} for n, host in enumerate(HOSTS)}


def _utcnow():
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _account(host):
    return HOSTVARS[host]["aws_account_id"]


def _state(host, users_without_mfa=1, generated_at=None):
    key = _account(host)
    users = [
        {"user_name": "u%d" % n, "arn": "arn:aws:iam::%s:user/u%d" % (key, n), "path": "/", "has_mfa": False}
        for n in range(users_without_mfa)
    ]
    report = build_report({"users": users, "root": None}, {"virtual_mfa_devices": []}, {}, {})
    if generated_at:
        report["generated_at"] = generated_at
    return audited_state(key, {"id": key, "host": host, "name": None}, report)


@pytest.fixture
def store(tmp_path):
    return DirectoryStore(str(tmp_path / "reports"), "mfa_audit", 0o640)


@pytest.fixture
def rebuilds(monkeypatch):
    """The rebuilds, counted as the reads of every state (DirectoryStore.states)."""
    count = []
    original = DirectoryStore.states

    def counted(self, *args, **kwargs):
        count.append(self.base)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(DirectoryStore, "states", counted)
    return count


def _summarize(store, host, hosts=None, hostvars=None, **args):
    task_vars = {"inventory_hostname": host, "hostvars": hostvars or HOSTVARS}
    full = dict(report_dir=store.base, read_from=["directory"], expected_hosts=hosts or HOSTS, return_summary=False)
    full.update(args)  # the role's arguments, then the test's
    result = run_action(full, task_vars=task_vars, action_name="mfaops.iam.mfa_audit_summary")
    assert not result.get("failed"), result.get("msg")
    return result


def _written(store):
    with open(os.path.join(store.base, SUMMARY + ".json"), encoding="utf-8") as handle:
        return json.load(handle)


def _audited(store):
    """{account: users without MFA} of the summary on disk."""
    return {entry["account"]: entry["summary"]["users_without_mfa"] for entry in _written(store)["per_account"]}


def _sidecar_path(store):
    return os.path.join(store.base, SIDECAR)


def _edit_sidecar(store, change):
    with open(_sidecar_path(store), encoding="utf-8") as handle:
        value = json.load(handle)
    change(value)
    with open(_sidecar_path(store), "w", encoding="utf-8") as handle:
        json.dump(value, handle)


def test_a_burst_rebuilds_once_and_the_summary_lists_every_host(store, rebuilds):
    for host in HOSTS:
        store.write_state(_account(host), _state(host))
    results = [_summarize(store, host) for host in HOSTS]
    assert len(rebuilds) == 1
    assert {_account(host) for host in HOSTS} == set(_audited(store))
    total = {"total": 6, "audited": 6, "not_audited": 0, "with_findings": 6, "failing": 0}
    files = {"json": os.path.join(store.base, SUMMARY + ".json"), "markdown": os.path.join(store.base, SUMMARY + ".md")}
    for result in results:
        assert result["changed"] is False and result["accounts"] == total
        assert result["files"] == files and result["s3_objects"] is None
    assert oct(os.stat(_sidecar_path(store)).st_mode & 0o777) == "0o640"


def test_hosts_without_an_account_id_skip_too(store, rebuilds):
    """Their directories are host_ and the escaped host name (%XX in upper case): account directories, not strays."""
    from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts.naming import account_directory

    hosts = ["Web.A", "db-1", "lab/x"]
    hostvars = {host: {} for host in hosts}
    for host in hosts:
        key = account_directory(None, host)
        store.write_state(key, audited_state(key, {"id": None, "host": host, "name": None}, _state("h0")["report"]))
    for host in hosts:
        _summarize(store, host, hosts=hosts, hostvars=hostvars)
    assert len(rebuilds) == 1


def test_a_host_whose_state_changed_after_the_last_rebuild_rebuilds(store, rebuilds):
    for host in HOSTS:
        store.write_state(_account(host), _state(host))
    _summarize(store, "h0")
    store.write_state(_account("h1"), _state("h1", users_without_mfa=4))
    _summarize(store, "h1")
    assert len(rebuilds) == 2
    assert _audited(store)[_account("h1")] == 4


def test_a_host_whose_state_is_not_in_the_record_rebuilds(store, rebuilds):
    for host in HOSTS[:3]:
        store.write_state(_account(host), _state(host))
    _summarize(store, "h0")
    store.write_state(_account("h3"), _state("h3"))  # after the rebuild
    _summarize(store, "h1")  # its state is recorded: skips, though h3's is missing so far
    assert len(rebuilds) == 1 and _account("h3") not in _audited(store)
    _summarize(store, "h3")
    assert len(rebuilds) == 2 and _account("h3") in _audited(store)


def test_a_host_without_a_state_rebuilds(store, rebuilds):
    store.write_state(_account("h0"), _state("h0"))
    _summarize(store, "h0")
    _summarize(store, "h5")
    _summarize(store, "not-in-the-inventory")
    assert len(rebuilds) == 3


def _forged_states(value):
    value["states"] = {_account("h0"): "0" * 64}


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda path: open(path, "wb").write(b"\xff\xfe not json"), id="not-utf8"),
        pytest.param(lambda path: open(path, "w").write("{"), id="truncated"),
        pytest.param(lambda path: open(path, "w").write("[" * 100000 + "]" * 100000), id="deep"),
        pytest.param(lambda path: open(path, "w").write("[]"), id="list"),
        pytest.param(lambda path: (os.remove(path), os.symlink("/etc/passwd", path)), id="symlink"),
        pytest.param(lambda path: (os.remove(path), os.mkfifo(path)), id="fifo"),
        pytest.param(os.remove, id="missing"),
    ],
)
def test_a_broken_record_means_a_rebuild(store, rebuilds, forge):
    for host in HOSTS:
        store.write_state(_account(host), _state(host))
    _summarize(store, "h0")
    forge(_sidecar_path(store))
    result = _summarize(store, "h1")
    assert len(rebuilds) == 2 and result["accounts"]["audited"] == 6
    _summarize(store, "h2")  # the rebuild wrote a good record again
    assert len(rebuilds) == 2


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda v: v.update(version=2), id="version"),
        pytest.param(lambda v: v.update(inputs=None), id="inputs-type"),
        pytest.param(lambda v: v.update(inputs="0" * 64), id="other-inputs"),
        pytest.param(_forged_states, id="state-digest"),
        pytest.param(lambda v: v["states"].update({_account("h1"): ["x"]}), id="state-digest-type"),
        pytest.param(lambda v: v.update(states=[]), id="states-type"),
        pytest.param(lambda v: v["summary"].update(json="0" * 64), id="summary-digest"),
        pytest.param(lambda v: v.update(summary=None), id="summary-type"),
        pytest.param(lambda v: v["accounts"].update(total=True), id="accounts-bool"),
        pytest.param(lambda v: v["accounts"].pop("failing"), id="accounts-missing"),
        pytest.param(lambda v: v.update(fresh_until="yesterday"), id="fresh-until-text"),
        pytest.param(lambda v: v.update(fresh_until=12), id="fresh-until-number"),
        pytest.param(lambda v: v.update(fresh_until="2020-01-01T00:00:00+00:00"), id="fresh-until-aware"),
        pytest.param(lambda v: v.update(fresh_until="2020-01-01T00:00:00"), id="fresh-until-past"),
    ],
)
def test_a_forged_record_means_a_rebuild(store, rebuilds, change):
    for host in HOSTS:
        store.write_state(_account(host), _state(host))
    _summarize(store, "h0")
    _edit_sidecar(store, change)
    result = _summarize(store, "h1")
    assert len(rebuilds) == 2 and result["accounts"]["audited"] == 6


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda p: os.remove(p + ".json"), id="json-removed"),
        pytest.param(lambda p: os.remove(p + ".md"), id="markdown-removed"),
        pytest.param(lambda p: open(p + ".md", "a").write("\n"), id="markdown-edited"),
        pytest.param(lambda p: os.chmod(p + ".json", 0o600), id="json-mode"),
    ],
)
def test_a_summary_that_is_not_the_recorded_one_is_rebuilt(store, rebuilds, change):
    for host in HOSTS:
        store.write_state(_account(host), _state(host))
    _summarize(store, "h0")
    change(os.path.join(store.base, SUMMARY))
    _summarize(store, "h1")
    assert len(rebuilds) == 2
    assert len(_audited(store)) == 6 and oct(os.stat(os.path.join(store.base, SUMMARY + ".json")).st_mode)[-3:] == "640"


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(dict(hosts=HOSTS[:5]), id="expected-hosts"),
        pytest.param(dict(hostvars=dict(HOSTVARS, h5={"aws_account_id": "100000000005", "aws_account_name": "Five"})),
                     id="account-name"),
        pytest.param(dict(hostvars=dict(HOSTVARS, h5={"aws_account_id": "100000000005", "mfa_audit_not_audited": "x"})),
                     id="not-audited-reason"),
        pytest.param(dict(max_age_hours=48), id="max-age"),
        pytest.param(dict(report_mode="0600"), id="mode"),
    ],
)
def test_other_inputs_mean_a_rebuild(store, rebuilds, other):
    for host in HOSTS:
        store.write_state(_account(host), _state(host))
    _summarize(store, "h0")
    _summarize(store, "h1", **other)
    assert len(rebuilds) == 2


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(dict(return_summary=True), id="return-summary"),
        pytest.param(dict(reports={"100000000000": _state("h0")}), id="stats"),
        pytest.param(dict(read_from=["directory", "directory"]), id="read-from"),
    ],
)
def test_a_summary_not_from_the_directory_alone_is_always_rebuilt(store, rebuilds, args):
    for host in HOSTS:
        store.write_state(_account(host), _state(host))
    _summarize(store, "h0")
    _summarize(store, "h1", **args)
    result = _summarize(store, "h2", **dict(args, return_summary=True))
    assert len(rebuilds) == 3 and result["summary"]["accounts"]["audited"] == 6


def test_a_summary_also_written_to_s3_is_always_rebuilt(store, rebuilds, endpoint):
    endpoint.boto3_client("s3").create_bucket(Bucket="reports")
    connection = dict(endpoint_url=endpoint.url, region="us-east-1", access_key="testing", secret_key="testing")
    for host in HOSTS:
        store.write_state(_account(host), _state(host))
    _summarize(store, "h0", s3_bucket="reports", **connection)
    result = _summarize(store, "h1", s3_bucket="reports", **connection)
    assert len(rebuilds) == 2 and result["s3_objects"]["json"] == "s3://reports/mfa_audit_organization.json"


def test_a_state_outside_an_account_directory_means_a_rebuild(store, rebuilds):
    for host in HOSTS:
        store.write_state(_account(host), _state(host))
    _summarize(store, "h0")
    later = stamp(_utcnow() + timedelta(seconds=5))  # newer than the state in the account's directory
    store.write_state("by-name-h1", _state("h1", 3, later))  # a report_subdir of its own
    _summarize(store, "h1")
    assert len(rebuilds) == 2 and _audited(store)[_account("h1")] == 3
    _summarize(store, "h2")
    assert len(rebuilds) == 3
    os.remove(os.path.join(store.base, "by-name-h1", "mfa_audit.state.json"))
    store.write_state("", _state("h2", 2, later))  # the base's own account
    _summarize(store, "h3")
    assert len(rebuilds) == 4 and _audited(store)[_account("h2")] == 2


def test_a_state_that_ages_out_after_the_rebuild_means_a_rebuild(store, rebuilds):
    old = stamp(_utcnow() - timedelta(hours=23))
    for host in HOSTS:
        store.write_state(_account(host), _state(host, generated_at=old if host == "h5" else None))
    _summarize(store, "h0", max_age_hours=24)
    _summarize(store, "h1", max_age_hours=24)
    assert len(rebuilds) == 1
    until = datetime.fromisoformat(json.load(open(_sidecar_path(store), encoding="utf-8"))["fresh_until"])
    assert until - datetime.strptime(old, "%Y-%m-%dT%H:%M:%SZ") == timedelta(hours=24)
    _edit_sidecar(store, lambda v: v.update(fresh_until=(_utcnow() - timedelta(seconds=1)).isoformat()))
    _summarize(store, "h2", max_age_hours=24)  # as an hour later
    assert len(rebuilds) == 2


def test_fresh_until_is_the_first_time_a_recent_state_ages_out():
    now = datetime(2026, 1, 2, 12, 0, 0)
    states = {
        "a": {"generated_at": "2026-01-02T11:00:00Z"},
        "b": {"generated_at": "2026-01-02T02:00:00Z"},
        "stale": {"generated_at": "2026-01-01T00:00:00Z"},
    }
    assert sources.fresh_until(states, 12, now) == "2026-01-02T14:00:00"
    assert sources.fresh_until(states, None, now) is None
    assert sources.fresh_until({"stale": states["stale"]}, 12, now) is None
    assert sources.fresh_until(states, 10 ** 8, now) is None  # past the year 9999


def test_every_interleaving_leaves_every_last_state_in_the_summary(store, rebuilds):
    rng = random.Random(20261205)
    runs = 0
    for _round in range(12):
        last, pending = {}, []
        # Each host writes its state then runs the summary, once or twice; the steps of the hosts interleave.
        for host in HOSTS:
            for _run in range(rng.choice((1, 1, 2))):
                pending.append([("write", host), ("summary", host)])
        rng.shuffle(pending)
        while pending:
            steps = rng.choice(pending)
            action, host = steps.pop(0)
            if not steps:
                pending.remove(steps)
            if action == "write":
                last[host] = rng.randrange(1, 9)
                store.write_state(_account(host), _state(host, users_without_mfa=last[host]))
            else:
                _summarize(store, host)
                runs += 1
                assert _audited(store)[_account(host)] == last[host]  # the host's own state, as it is now
        assert _audited(store) == {_account(host): count for host, count in last.items()}
    assert 12 <= len(rebuilds) < runs  # some hosts found their state in the summary
