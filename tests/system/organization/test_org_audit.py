"""mfa_audit over an organization of 20 member accounts on the local endpoint, through real
ansible-playbook over the aws_accounts inventory: each host assumes its account's role, each account's findings land
in its own report, the organization summary adds them up, an account whose role cannot be assumed is reported (and
only its host fails), and no session credential shows in the output, the reports or the ansible-runner artifacts."""

import json
import os
import re
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from org_helpers import ACCESS_KEY_ID, ACCESS_ROLE, BIN, ROOT, TOKEN_PREFIX  # noqa: E402
from org_helpers import audit_playbook, inventory_source, run, seed_account  # noqa: E402

KINDS = ("users_without_mfa", "console_users_without_mfa", "orphaned_devices", "root_without_mfa")


@pytest.fixture
def organization(endpoint):
    org = endpoint.create_organization(accounts=20, ou_names=("Production", "Development"))
    for index, account in enumerate(org["accounts"]):
        account["expected"] = seed_account(endpoint, account["id"], index)
    # One account's role is gone: AssumeRole into it answers AccessDenied.
    org["locked"] = org["accounts"][7]
    endpoint.assumed_client(org["locked"]["id"], "iam").delete_role(RoleName=ACCESS_ROLE)
    return org


def _texts(*paths):
    out = []
    for root in paths:
        for folder, _dirs, files in os.walk(root):
            for name in files:
                with open(os.path.join(folder, name), errors="replace") as handle:
                    out.append((os.path.join(folder, name), handle.read()))
    return out


def _assert_no_credential(texts):
    for where, text in texts:
        assert TOKEN_PREFIX not in text, where
        assert not ACCESS_KEY_ID.search(text), (where, ACCESS_KEY_ID.search(text).group(0))
        assert "session_token': '" not in text and '"session_token": "F' not in text, where


def test_detector_matches_the_endpoint_credentials(endpoint):
    """The patterns the leak checks use do match what the endpoint's STS issues."""
    member = endpoint.create_organization(accounts=1)["accounts"][0]["id"]
    creds = endpoint.boto3_client("sts").assume_role(
        RoleArn="arn:aws:iam::%s:role/%s" % (member, ACCESS_ROLE), RoleSessionName="detector")["Credentials"]
    assert creds["SessionToken"].startswith(TOKEN_PREFIX)
    assert ACCESS_KEY_ID.fullmatch(creds["AccessKeyId"])


def test_mfa_audit_over_the_organization(endpoint, organization, tmp_path):
    source = inventory_source(endpoint, tmp_path / "org.aws_accounts.yml", exclude=["123456789012"])
    reports = tmp_path / "reports"
    playbook = audit_playbook(tmp_path / "audit.yml", endpoint.url, {"mfa_audit_report_dir": str(reports)})
    endpoint.clear_requests()
    proc = run([os.path.join(BIN, "ansible-playbook"), "-i", str(source), "-f", "5", "-vvvv", str(playbook)], tmp_path,
               env={"ANSIBLE_DEBUG": "1"})
    output = proc.stdout + proc.stderr
    locked = organization["locked"]
    # only the locked account's host failed; the play went on for the others
    assert proc.returncode == 2, output
    recap = dict(re.findall(r"^(\S+)\s+: ok=\d+ .* failed=(\d+) ", output[output.rindex("PLAY RECAP"):], re.M))
    assert recap == {a["name"]: "1" if a is locked else "0" for a in organization["accounts"]}
    assert ("The MFA audit of account %s did not run: Unable to assume role arn:aws:iam::%s:role/%s (AccessDenied)"
            % (locked["name"], locked["id"], ACCESS_ROLE)) in output

    # every account's report holds that account's findings, and only them
    for account in organization["accounts"]:
        path = reports / account["id"] / "mfa_audit.json"
        if account is locked:
            assert not path.exists()
            continue
        report = json.loads(path.read_text())
        expected = account["expected"]
        assert report["totals"]["users"] == expected["users"], account["name"]
        assert report["totals"]["virtual_mfa_devices"] == expected["virtual_mfa_devices"], account["name"]
        for kind in KINDS:
            assert report["summary"][kind] == expected[kind], (account["name"], kind)
        prefix = "u%02d-" % organization["accounts"].index(account)
        assert all(f["user_name"].startswith(prefix) for f in report["findings"]["users_without_mfa"])
        assert all(":%s:" % account["id"] in f["serial_number"] for f in report["findings"]["orphaned_devices"])
        assert (reports / account["id"] / "mfa_audit.md").is_file()

    # each account's IAM calls acted in that account (its assumed role), none in the management account
    accounts_called = {entry["account"] for entry in endpoint.requests()
                       if entry["action"] in ("GetCredentialReport", "ListVirtualMFADevices")}
    assert accounts_called == {a["id"] for a in organization["accounts"] if a is not locked}

    # the summary is the sum of the per-account reports, and lists the account that could not be audited
    summary = json.loads((reports / "mfa_audit_organization.json").read_text())
    per_account = {key: json.loads((reports / key / "mfa_audit.json").read_text())
                   for key in (a["id"] for a in organization["accounts"] if a is not locked)}
    assert summary["accounts"] == {"total": 20, "audited": 19, "not_audited": 1,
                                   "with_findings": 19, "failing": 0}
    for total in ("users", "virtual_mfa_devices", "findings"):
        assert summary["totals"][total] == sum(r["totals"][total] for r in per_account.values())
    for kind, count in summary["by_kind"].items():
        assert count == sum(r["summary"][kind] for r in per_account.values()), kind
    assert summary["totals"]["users"] == sum(
        a["expected"]["users"] for a in organization["accounts"] if a is not locked)
    assert {e["account"]: e["summary"] for e in summary["per_account"]} == {
        n: r["summary"] for n, r in per_account.items()}
    assert [(e["account"], e["host"]) for e in summary["not_audited"]] == [(locked["id"], locked["name"])]
    assert {e["account"]: e["host"] for e in summary["per_account"]} == {
        a["id"]: a["name"] for a in organization["accounts"] if a is not locked}
    reason = summary["not_audited"][0]["reason"]
    assert "Unable to assume role arn:aws:iam::%s:role/%s" % (locked["id"], ACCESS_ROLE) in reason
    assert "AccessDenied" in reason
    markdown = (reports / "mfa_audit_organization.md").read_text()
    assert locked["name"] in markdown and "AccessDenied" in markdown

    # no session credential in the ANSIBLE_DEBUG -vvvv output nor in any report: neither the keys STS issued (the
    # endpoint lists them) nor anything shaped like one
    issued = endpoint.sessions()
    assert len(issued) >= 19
    texts = [("output", output)] + _texts(reports)
    for session in issued:
        for secret in (session["access_key_id"], session["secret_access_key"], session["session_token"]):
            assert not any(secret in text for _where, text in texts), session["role_arn"]
    _assert_no_credential(texts)


def test_mfa_audit_through_ansible_runner_leaves_no_credential(endpoint, organization, tmp_path):
    ansible_runner = pytest.importorskip("ansible_runner")
    source = inventory_source(endpoint, tmp_path / "org.aws_accounts.yml", exclude=["123456789012"])
    private = tmp_path / "runner"
    (private / "project").mkdir(parents=True)
    (private / "inventory").mkdir()
    (private / "inventory" / "org.aws_accounts.yml").write_text(source.read_text())
    audit_playbook(private / "project" / "audit.yml", endpoint.url, {"mfa_audit_report_dir": str(tmp_path / "reports")})
    env = dict(os.environ)
    env["ANSIBLE_COLLECTIONS_PATH"] = os.path.join(ROOT, "build", "collections")
    result = ansible_runner.run(private_data_dir=str(private), playbook="audit.yml", forks=5, verbosity=4,
                                envvars={k: v for k, v in env.items() if k.startswith(("ANSIBLE_", "AWS_", "PATH"))},
                                quiet=True)
    assert result.status == "failed"  # the locked account's host
    stats = result.stats
    assert list(stats["failures"]) == [organization["locked"]["name"]]
    assert len(stats["ok"]) == 20
    _assert_no_credential(_texts(private / "artifacts", tmp_path / "reports"))
