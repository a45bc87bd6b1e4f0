"""The organization summary of mfa_audit through real ansible-playbook runs over an organization on the local endpoint:
three --limit slices and a summary run (ansible-playbook mfaops.iam.mfa_audit_summary) give the same summary as one
unsliced run, from S3 and from a shared directory; strategy free, serial, a host failed in a pre-task or in an earlier
play, and a host that does not run the audit each give a correct summary, and every audited host still fails on its
own findings."""

import json
import os
import re
import sys

import pytest
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from org_helpers import ACCESS_ROLE, BIN, ROOT, inventory_source, run, seed_account  # noqa: E402

CONNECTION = {"region": "us-east-1", "access_key": "testing", "secret_key": "testing"}


@pytest.fixture
def organization(endpoint):
    org = endpoint.create_organization(accounts=6, ou_names=())
    for index, account in enumerate(org["accounts"]):
        account["expected"] = seed_account(endpoint, account["id"], index)  # orphans in accounts 1, 2, 3 and 5
    org["locked"] = org["accounts"][4]
    endpoint.assumed_client(org["locked"]["id"], "iam").delete_role(RoleName=ACCESS_ROLE)
    endpoint.boto3_client("s3").create_bucket(Bucket="audit-reports")
    return org


def _playbook(path, endpoint, plays):
    for play in plays:
        play.setdefault("gather_facts", False)
        play.setdefault("module_defaults", {"group/mfaops.iam.aws": dict(CONNECTION, endpoint_url=endpoint.url)})
    path.write_text(yaml.safe_dump(plays, sort_keys=False))
    return path


def _audit_play(report_dir, **extra):
    role_vars = {"mfa_audit_report_dir": str(report_dir), **extra.pop("role_vars", {})}
    return dict(
        {"name": "Audit", "hosts": "all", "roles": [{"role": "mfaops.iam.mfa_audit", "vars": role_vars}]}, **extra
    )


def _playbook_run(tmp_path, source, playbook, *args):
    proc = run([os.path.join(BIN, "ansible-playbook"), "-i", str(source), "-f", "4", str(playbook), *args], tmp_path)
    return proc, proc.stdout + proc.stderr


def _recap(output):
    return {
        host: int(failed)
        for host, failed in re.findall(
            r"^(\S+)\s+: ok=\d+ .* failed=(\d+) ", output[output.rindex("PLAY RECAP") :], re.M
        )
    }


def _comparable(summary):
    """The summary without the times at which it and the reports were made."""
    summary = dict(summary)
    summary.pop("generated_at")
    summary["per_account"] = [
        {k: v for k, v in entry.items() if k != "generated_at"} for entry in summary["per_account"]
    ]
    return summary


def test_three_limit_slices_and_a_summary_run_give_the_summary_of_one_unsliced_run(endpoint, organization, tmp_path):
    source = inventory_source(endpoint, tmp_path / "org.aws_accounts.yml", exclude=["123456789012"])
    names = [account["name"] for account in organization["accounts"]]
    s3_vars = {"mfa_audit_s3_bucket": "audit-reports"}

    whole = _playbook(
        tmp_path / "whole.yml",
        endpoint,
        [_audit_play(tmp_path / "whole", role_vars=dict(s3_vars, mfa_audit_s3_prefix="whole"))],
    )
    _proc, output = _playbook_run(tmp_path, source, whole)
    assert _recap(output) == {name: int(name == organization["locked"]["name"]) for name in names}, output
    expected = _comparable(json.loads((tmp_path / "whole" / "mfa_audit_organization.json").read_text()))
    assert expected["accounts"] == {"total": 6, "audited": 5, "not_audited": 1, "with_findings": 5, "failing": 0}

    sliced = _playbook(
        tmp_path / "sliced.yml",
        endpoint,
        [_audit_play(tmp_path / "shared", role_vars=dict(s3_vars, mfa_audit_s3_prefix="sliced"))],
    )
    for part in (names[0:2], names[2:4], names[4:6]):
        _proc, output = _playbook_run(tmp_path, source, sliced, "--limit", ",".join(part))
        assert set(_recap(output)) == set(part), output

    connection = json.dumps({"mfa_audit_connection": dict(CONNECTION, endpoint_url=endpoint.url)})
    summary_from = {}
    for name, extra in (
        (
            "s3",
            [
                "-e",
                "mfa_audit_s3_bucket=audit-reports",
                "-e",
                "mfa_audit_s3_prefix=sliced",
                "-e",
                "mfa_audit_report_dir=%s" % (tmp_path / "from_s3"),
            ],
        ),
        ("directory", ["-e", "mfa_audit_report_dir=%s" % (tmp_path / "shared")]),
    ):
        proc, output = _playbook_run(tmp_path, source, "mfaops.iam.mfa_audit_summary", "-e", connection, *extra)
        assert proc.returncode == 0, output
        summary_from[name] = json.loads(
            (tmp_path / ("from_s3" if name == "s3" else "shared") / "mfa_audit_organization.json").read_text()
        )
    assert _comparable(summary_from["s3"]) == expected
    assert _comparable(summary_from["directory"]) == expected
    s3 = endpoint.boto3_client("s3")
    in_s3 = json.loads(s3.get_object(Bucket="audit-reports", Key="sliced/mfa_audit_organization.json")["Body"].read())
    assert _comparable(in_s3) == expected


SCENARIOS = {
    "strategy free": lambda report_dir, victim: [_audit_play(report_dir, strategy="free")],
    # serial: a batch whose hosts all fail ends the play, as Ansible does; the last batch is the one that fails whole
    "serial": lambda report_dir, victim: [_audit_play(report_dir, serial=3)],
    "a host failed in a pre-task": lambda report_dir, victim: [
        dict(
            _audit_play(report_dir),
            pre_tasks=[
                {
                    "name": "Fail one host before the audit",
                    "ansible.builtin.fail": {"msg": "pre-task failure"},
                    "when": "inventory_hostname == %r" % victim,
                }
            ],
        )
    ],
    "a host failed in an earlier play": lambda report_dir, victim: [
        {
            "name": "Earlier play",
            "hosts": "all",
            "tasks": [
                {
                    "name": "Fail one host",
                    "ansible.builtin.fail": {"msg": "earlier failure"},
                    "when": "inventory_hostname == %r" % victim,
                }
            ],
        },
        _audit_play(report_dir),
    ],
    "a host not audited": lambda report_dir, victim: [
        {
            "name": "Audit all but one",
            "hosts": "all",
            "tasks": [
                {
                    "name": "Audit",
                    "ansible.builtin.include_role": {"name": "mfaops.iam.mfa_audit"},
                    "vars": {
                        "mfa_audit_report_dir": str(report_dir),
                        "mfa_audit_fail_on_findings": ["orphaned_devices"],
                    },
                    "when": "inventory_hostname != %r" % victim,
                }
            ],
        }
    ],
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_the_summary_is_right_and_every_host_fails_on_its_own_findings(endpoint, organization, tmp_path, scenario):
    source = inventory_source(endpoint, tmp_path / "org.aws_accounts.yml", exclude=["123456789012"])
    accounts = organization["accounts"]
    locked, victim = organization["locked"], accounts[1]
    plays = SCENARIOS[scenario](tmp_path / "reports", victim["name"])
    for play in plays:
        for role in play.get("roles", []):
            role["vars"]["mfa_audit_fail_on_findings"] = ["orphaned_devices"]
    playbook = _playbook(tmp_path / "audit.yml", endpoint, plays)
    proc, output = _playbook_run(tmp_path, source, playbook)
    assert proc.returncode == 2, output

    if scenario in ("strategy free", "serial"):
        victim = None  # every host runs the audit
    missing = [a for a in (locked, victim) if a is not None]
    audited = [a for a in accounts if a not in missing]
    failing = [a for a in audited if a["expected"]["orphaned_devices"]]
    recap = _recap(output)
    assert recap == {
        a["name"]: int(a in failing or a is locked or (a is victim and scenario != "a host not audited"))
        for a in accounts
    }, output
    for account in failing:  # each audited host with orphans reached its own fail_on_findings
        assert (
            "The MFA audit of account %s (%s) has %d finding(s) of kinds that fail the play"
            % (account["name"], account["id"], account["expected"]["orphaned_devices"])
            in output
        ), account["name"]
    summary = json.loads((tmp_path / "reports" / "mfa_audit_organization.json").read_text())
    assert summary["accounts"] == {
        "total": 6,
        "audited": len(audited),
        "not_audited": len(missing),
        "with_findings": len(audited),
        "failing": len(failing),
    }
    assert sorted(entry["account"] for entry in summary["per_account"]) == sorted(a["id"] for a in audited)
    reasons = {entry["account"]: entry["reason"] for entry in summary["not_audited"]}
    assert set(reasons) == {a["id"] for a in missing}
    assert "Unable to assume role" in reasons[locked["id"]] and "AccessDenied" in reasons[locked["id"]]
    if victim is not None:
        assert reasons[victim["id"]].startswith("no report")
    assert {entry["account"]: entry["host"] for entry in summary["not_audited"]} == {
        a["id"]: a["name"] for a in missing
    }


def test_the_job_stats_that_awx_keeps_as_artifacts_give_the_summary_too(endpoint, organization, tmp_path):
    """Through ansible-runner, as AWX runs a job: the accounts' states are in the job's stats (the final event's
    artifact_data, what AWX keeps and passes to the next workflow node), and the summary playbook given only them
    (no directory, no S3 to read) writes the summary the role wrote."""
    ansible_runner = pytest.importorskip("ansible_runner")
    source = inventory_source(endpoint, tmp_path / "org.aws_accounts.yml", exclude=["123456789012"])
    private = tmp_path / "runner"
    (private / "project").mkdir(parents=True)
    (private / "inventory").mkdir()
    (private / "inventory" / "org.aws_accounts.yml").write_text(source.read_text())
    _playbook(private / "project" / "audit.yml", endpoint, [_audit_play(tmp_path / "reports")])
    env = {k: v for k, v in os.environ.items() if k.startswith(("AWS_", "PATH"))}
    env["ANSIBLE_COLLECTIONS_PATH"] = os.path.join(ROOT, "build", "collections")
    job = ansible_runner.run(private_data_dir=str(private), playbook="audit.yml", forks=4, envvars=env, quiet=True)
    stats = [event for event in job.events if event.get("event") == "playbook_on_stats"][-1]["event_data"]
    states = stats["artifact_data"]["mfa_audit_reports"]
    assert sorted(states) == sorted(account["id"] for account in organization["accounts"])
    assert states[organization["locked"]["id"]]["audited"] is False
    assert all("findings" not in (state["report"] or {}) for state in states.values())  # counts only

    (tmp_path / "artifacts.json").write_text(
        json.dumps(
            {
                "mfa_audit_reports": states,
                "mfa_audit_connection": dict(CONNECTION, endpoint_url=endpoint.url),
                "mfa_audit_report_dir": str(tmp_path / "from_stats"),
                "mfa_audit_summary_read_from": [],
            }
        )
    )
    proc, output = _playbook_run(
        tmp_path, source, "mfaops.iam.mfa_audit_summary", "-e", "@%s" % (tmp_path / "artifacts.json")
    )
    assert proc.returncode == 0, output
    from_stats = json.loads((tmp_path / "from_stats" / "mfa_audit_organization.json").read_text())
    written = json.loads((tmp_path / "reports" / "mfa_audit_organization.json").read_text())
    assert _comparable(from_stats) == _comparable(written)
    assert from_stats["accounts"] == {"total": 6, "audited": 5, "not_audited": 1, "with_findings": 5, "failing": 0}
