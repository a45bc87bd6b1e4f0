"""mfa_audit_account through its action plugin, in this process, against the local endpoint: both sources give the
same findings, the credential report's calls do not grow with the users, reports and states land in a directory
and in S3 (the previous report carried over from either), a failed audit leaves a state that says why, and the
assumed role's keys appear nowhere."""

import json
import os

import pytest

from action_harness import run_action
from iam_state import codes

from ansible_collections.mfaops.iam.plugins.plugin_utils import _aws_connection

ACTION = "mfaops.iam.mfa_audit_account"
ACCOUNT = "123456789012"
ROLE = "arn:aws:iam::%s:role/OrganizationAccountAccessRole"
SETTINGS = dict(
    user_path_prefix="/p/",
    device_path_prefix="/p/",
    required_tags=["owner"],
    user_name_pattern="p-[a-z]+",
    exempt_users=["p-exempt"],
    fail_on_findings=["console_users_without_mfa"],
)


@pytest.fixture(autouse=True)
def fresh_sessions():
    _aws_connection.clear_caches()
    yield
    _aws_connection.clear_caches()


@pytest.fixture
def audit(endpoint):
    def runner(task_vars=None, check_mode=False, **args):
        full = dict(endpoint_url=endpoint.url, region="us-east-1", access_key="testing", secret_key="testing", **args)
        return run_action(
            full, check_mode=check_mode, task_vars=task_vars or {"inventory_hostname": "localhost"}, action_name=ACTION
        )

    return runner


def _seed(endpoint, iam, account=ACCOUNT):
    """Findings of every kind under /p/, and users, devices outside it."""

    def user(name, path="/p/", password=False):
        iam.create_user(UserName=name, Path=path)
        if password:
            iam.create_login_profile(UserName=name, Password="Console-Passw0rd!")

    def device(name, holder=None, tags=None):
        serial = iam.create_virtual_mfa_device(
            VirtualMFADeviceName=name, Path="/p/", Tags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()]
        )["VirtualMFADevice"]["SerialNumber"]
        if holder:
            pair = codes(endpoint.seeds()[serial])
            iam.enable_mfa_device(
                UserName=holder,
                SerialNumber=serial,
                AuthenticationCode1=pair["authentication_code_1"],
                AuthenticationCode2=pair["authentication_code_2"],
            )

    for name in ("p-ok", "p-Bad_Name", "p-untagged", "p-nomfa", "p-exempt", "p-hardware", "p-fido"):
        user(name)
    user("p-console", password=True)
    user("p-hw-console", password=True)
    user("outside", path="/elsewhere/")
    endpoint.add_user_mfa_device("p-hardware", "hardware", account=account)
    endpoint.add_user_mfa_device("p-hw-console", "hardware", account=account)
    endpoint.add_user_mfa_device("p-fido", "fido", account=account)
    device("p-ok", "p-ok", {"owner": "a"})
    device("p-Bad_Name", "p-Bad_Name", {"owner": "a"})
    device("p-untagged", "p-untagged")
    device("orphan-old", tags={"owner": "a", "mfaops:created": "2020-01-01T00:00:00Z"})
    device("orphan-new")


def _same(report):
    return {key: report[key] for key in ("totals", "summary", "failing", "findings", "root", "settings")}


def test_both_sources_give_the_same_findings(audit, endpoint, iam, tmp_path):
    _seed(endpoint, iam)
    endpoint.set_root_mfa("virtual", name="not-the-usual-name")
    listing = audit(source="listing", report_dir=str(tmp_path), **SETTINGS)
    assert listing["audited"] is True, listing.get("msg")
    report = audit(source="credential_report", report_dir=str(tmp_path), **SETTINGS)
    assert report["audited"] is True, report.get("msg")
    assert _same(report["report"]) == _same(listing["report"])
    summary = listing["report"]["summary"]
    assert summary == {
        "users_without_mfa": 2,
        "orphaned_devices": 2,
        "devices_missing_tags": 2,
        "devices_of_users_not_matching_pattern": 1,
        "console_users_without_mfa": 1,
        "root_without_mfa": 0,
        "root_with_virtual_mfa": 1,
    }
    assert listing["report"]["failing"] == {"console_users_without_mfa": 1}
    assert [u["user_name"] for u in report["report"]["findings"]["users_without_mfa"]] == ["p-console", "p-nomfa"]
    assert listing["report"]["source"] == {"kind": "listing"}
    source = report["report"]["source"]
    assert source["kind"] == "credential_report" and 0 <= source["credential_report_age_seconds"] < 60
    assert source["credential_report_generated_at"].endswith("Z")


def test_the_credential_reports_calls_do_not_grow_with_the_users(audit, endpoint, iam, tmp_path):
    for number in range(40):
        iam.create_user(UserName="user%02d" % number)
    for number in range(3):
        iam.create_virtual_mfa_device(VirtualMFADeviceName="orphan%d" % number)
    calls = {}
    for source in ("credential_report", "listing"):
        endpoint.clear_requests()
        result = audit(source=source, report_dir=str(tmp_path / source))
        assert result["report"]["summary"]["users_without_mfa"] == 40
        calls[source] = [entry["action"] for entry in endpoint.requests()]
    report_calls = calls["credential_report"]
    assert sorted(set(report_calls)) == [
        "GenerateCredentialReport",
        "GetCredentialReport",
        "ListMFADeviceTags",
        "ListVirtualMFADevices",
    ]
    assert report_calls.count("ListMFADeviceTags") == 3 and report_calls.count("ListVirtualMFADevices") == 1
    assert len(report_calls) <= 10 + 1 + 3
    assert len(calls["listing"]) > 80  # ListMFADevices and GetLoginProfile for each user without MFA


def test_reports_and_states_in_the_directory_and_s3_and_the_previous_report_from_s3(audit, endpoint, iam, tmp_path):
    iam.create_virtual_mfa_device(VirtualMFADeviceName="orphan")
    endpoint.boto3_client("s3").create_bucket(Bucket="reports")
    task_vars = {"inventory_hostname": "prod", "aws_account_id": ACCOUNT, "aws_account_name": "Prod"}
    first = audit(task_vars=task_vars, s3_bucket="reports", s3_prefix="/mfa/", report_dir=str(tmp_path / "one"))
    assert first["files"] == {
        "json": str(tmp_path / "one" / ACCOUNT / "mfa_audit.json"),
        "markdown": str(tmp_path / "one" / ACCOUNT / "mfa_audit.md"),
    }
    assert first["s3_objects"] == {
        "json": "s3://reports/mfa/%s/mfa_audit.json" % ACCOUNT,
        "markdown": "s3://reports/mfa/%s/mfa_audit.md" % ACCOUNT,
    }
    s3 = endpoint.boto3_client("s3")
    stored = json.loads(s3.get_object(Bucket="reports", Key="mfa/%s/mfa_audit.json" % ACCOUNT)["Body"].read())
    assert stored == first["report"] == json.loads((tmp_path / "one" / ACCOUNT / "mfa_audit.json").read_text())
    state = json.loads(s3.get_object(Bucket="reports", Key="mfa/%s/mfa_audit.state.json" % ACCOUNT)["Body"].read())
    assert state["audited"] is True and state["account"] == {"id": ACCOUNT, "host": "prod", "name": "Prod"}
    assert "findings" not in state["report"] and state["report"]["summary"] == first["report"]["summary"]
    assert first["ansible_stats"] == {
        "data": {"mfa_audit_reports": {ACCOUNT: state}},
        "per_host": False,
        "aggregate": True,
    }
    first_seen = first["report"]["findings"]["orphaned_devices"][0]["first_seen"]
    # another controller (a new container): no local directory, the previous report comes from S3
    again = audit(task_vars=task_vars, s3_bucket="reports", s3_prefix="mfa", report_dir=str(tmp_path / "two"))
    assert again["report"]["findings"]["orphaned_devices"][0]["first_seen"] == first_seen
    assert "# IAM MFA audit of Prod" in (tmp_path / "two" / ACCOUNT / "mfa_audit.md").read_text()


def test_check_mode_writes_the_report_too_and_changes_nothing(audit, endpoint, tmp_path):
    result = audit(check_mode=True, report_dir=str(tmp_path), report_subdir="")
    assert result["changed"] is False and result["audited"] is True
    assert (tmp_path / "mfa_audit.json").is_file() and (tmp_path / "mfa_audit.state.json").is_file()
    assert endpoint.write_requests() == []


def test_a_failed_audit_leaves_a_state_that_says_why_and_fails_or_reports(audit, endpoint, tmp_path):
    member = endpoint.create_organization(accounts=1, ou_names=())["accounts"][0]["id"]
    role = "arn:aws:iam::%s:role/NoSuchRole" % member
    task_vars = {"inventory_hostname": "locked", "aws_account_id": member}
    failed = audit(task_vars=task_vars, assume_role_arn=role, report_dir=str(tmp_path))
    assert failed["failed"] is True and failed["audited"] is False
    assert (
        "The MFA audit of account locked did not run: Unable to assume role %s (AccessDenied)" % role in failed["msg"]
    )
    state = json.loads((tmp_path / member / "mfa_audit.state.json").read_text())
    assert state["audited"] is False and state["reason"] == failed["msg"]
    assert not (tmp_path / member / "mfa_audit.json").exists()
    reported = audit(task_vars=task_vars, assume_role_arn=role, report_dir=str(tmp_path), not_audited="report")
    assert reported.get("failed") is not True and reported["audited"] is False
    assert reported["not_audited_reason"] == failed["msg"]
    assert reported["ansible_stats"]["data"]["mfa_audit_reports"][member]["audited"] is False


def test_the_assumed_roles_keys_appear_in_no_result_report_or_state(audit, endpoint, tmp_path):
    member = endpoint.create_organization(accounts=1, ou_names=())["accounts"][0]["id"]
    endpoint.assumed_client(member).create_user(UserName="alice")
    result = audit(
        task_vars={"inventory_hostname": "m", "aws_account_id": member},
        assume_role_arn=ROLE % member,
        report_dir=str(tmp_path),
    )
    assert result["report"]["findings"]["users_without_mfa"][0]["arn"] == "arn:aws:iam::%s:user/alice" % member
    texts = [json.dumps(result)] + [open(os.path.join(d, f)).read() for d, _s, fs in os.walk(tmp_path) for f in fs]
    (session,) = [s for s in endpoint.sessions() if s["session_name"] == "mfaops"]
    for secret in (session["access_key_id"], session["secret_access_key"], session["session_token"]):
        assert not any(secret in text for text in texts)


@pytest.mark.parametrize("host, directory", [("../escape", "host_%2E%2E%2Fescape"), ("a/.", "host_a%2F%2E")])
def test_a_host_without_an_account_id_gets_an_escaped_directory_inside_the_base(audit, tmp_path, host, directory):
    result = audit(task_vars={"inventory_hostname": host}, report_dir=str(tmp_path / "base"))
    assert result["account_key"] == directory
    assert result["files"]["json"] == str(tmp_path / "base" / directory / "mfa_audit.json")
    assert sorted(os.listdir(tmp_path)) == ["base"]


@pytest.mark.parametrize(
    "args, message",
    [
        ({"max_concurrency": 0}, "max_concurrency must be between 1"),
        ({"user_path_prefix": "p/"}, "user_path_prefix 'p/' is not an IAM path prefix"),
        ({"user_name_pattern": "("}, "not a valid Python regular expression"),
        ({"fail_on_findings": ["nope"]}, "unknown finding kinds nope"),
        ({"report_subdir": ".."}, "is not a plain file or directory name"),
        ({"account_id": "12"}, "is not a 12-digit account id"),
    ],
)
def test_bad_options_fail_before_any_call(audit, endpoint, tmp_path, args, message):
    endpoint.clear_requests()
    result = audit(report_dir=str(tmp_path), **args)
    assert result["failed"] is True and message in result["msg"], result["msg"]
    if "report_subdir" not in args:
        assert endpoint.requests() == []


def test_a_report_directory_others_can_write_is_refused_and_a_symlinked_account_directory_too(audit, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    result = audit(report_dir=str(shared), task_vars={"inventory_hostname": "h", "aws_account_id": ACCOUNT})
    assert result["failed"] is True and "group or others can write to it" in result["msg"]
    assert os.listdir(shared) == []
    base, elsewhere = tmp_path / "base", tmp_path / "elsewhere"
    base.mkdir(mode=0o700)
    elsewhere.mkdir(mode=0o700)
    os.symlink(elsewhere, base / ACCOUNT)
    result = audit(report_dir=str(base), task_vars={"inventory_hostname": "h", "aws_account_id": ACCOUNT})
    assert result["failed"] is True and "is outside" in result["msg"]
    assert os.listdir(elsewhere) == []


# ---------------------------------------------------------------------------------------------- the role's decisions
@pytest.mark.parametrize(
    "task_vars, directory",
    [
        ({"inventory_hostname": "localhost", "ansible_play_hosts_all": ["localhost"]}, None),  # the caller's own
        ({"inventory_hostname": "localhost", "ansible_play_hosts_all": ["localhost", "b"]}, "host_localhost"),
        ({"inventory_hostname": "prod", "ansible_play_hosts_all": ["prod"], "aws_account_id": ACCOUNT}, ACCOUNT),
    ],
)
def test_account_subdirectory_auto_chooses_by_the_plays_hosts_and_the_account_id(audit, tmp_path, task_vars, directory):
    result = audit(task_vars=task_vars, report_dir=str(tmp_path), account_subdirectory="auto")
    base = tmp_path / directory if directory else tmp_path
    assert result["files"] == {"json": str(base / "mfa_audit.json"), "markdown": str(base / "mfa_audit.md")}
    assert (base / "mfa_audit.state.json").is_file()
    # the report_subdir given wins; account_subdirectory=true (the default) keeps the account directory
    given = audit(task_vars=task_vars, report_dir=str(tmp_path), account_subdirectory="auto", report_subdir="mine")
    assert given["files"]["json"] == str(tmp_path / "mine" / "mfa_audit.json")
    default = audit(task_vars=task_vars, report_dir=str(tmp_path))
    assert default["files"]["json"] == str(tmp_path / default["account_key"] / "mfa_audit.json")


def test_the_failing_findings_come_with_the_message_that_fails_the_host(audit, endpoint, iam, tmp_path):
    iam.create_user(UserName="alice")
    iam.create_user(UserName="bob")
    iam.create_virtual_mfa_device(VirtualMFADeviceName="orphan")
    one = {"inventory_hostname": "localhost", "ansible_play_hosts_all": ["localhost"]}
    result = audit(task_vars=one, report_dir=str(tmp_path), account_subdirectory="auto",
                   fail_on_findings=["users_without_mfa", "devices_missing_tags"])
    assert result["findings_fail"] is True
    assert result["fail_message"] == (
        'The MFA audit has 2 finding(s) of kinds that fail the play {"users_without_mfa": 2} (4 in all: '
        '{"users_without_mfa": 2, "orphaned_devices": 1, "root_without_mfa": 1}); see %s and %s.'
        % (tmp_path / "mfa_audit.md", tmp_path / "mfa_audit.json")
    )
    # an account of several: named, host and account id; its report in S3 only
    endpoint.boto3_client("s3").create_bucket(Bucket="reports")
    several = {"inventory_hostname": "prod", "ansible_play_hosts_all": ["prod", "test"], "aws_account_id": ACCOUNT}
    named = audit(task_vars=several, s3_bucket="reports", account_subdirectory="auto", fail_on_findings=True)
    assert named["fail_message"].startswith(
        "The MFA audit of account prod (%s) has 4 finding(s) of kinds that fail the play {" % ACCOUNT)
    assert named["fail_message"].endswith("; see s3://reports/%s/mfa_audit.md." % ACCOUNT)
    clean = audit(task_vars=several, report_dir=str(tmp_path), fail_on_findings=["console_users_without_mfa"])
    assert clean["findings_fail"] is False and clean["fail_message"] is None


def test_an_account_not_audited_has_no_findings_that_fail(audit, endpoint, tmp_path):
    member = endpoint.create_organization(accounts=1, ou_names=())["accounts"][0]["id"]
    result = audit(
        task_vars={"inventory_hostname": "locked", "aws_account_id": member},
        assume_role_arn="arn:aws:iam::%s:role/NoSuchRole" % member,
        report_dir=str(tmp_path),
        not_audited="report",
        fail_on_findings=True,
    )
    assert result["audited"] is False and result["findings_fail"] is False and result["fail_message"] is None


def test_a_bad_account_subdirectory_fails_before_any_call(audit, endpoint, tmp_path):
    endpoint.clear_requests()
    result = audit(report_dir=str(tmp_path), account_subdirectory="sometimes")
    assert result["failed"] is True
    assert result["msg"] == "account_subdirectory must be true, false or auto, not 'sometimes'"
    assert endpoint.requests() == []
