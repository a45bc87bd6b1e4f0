"""iam_virtual_mfa with assume_role_arn, in this process against the local endpoint's organization: the task acts in
the member account through the role it assumes itself, and the session's keys appear nowhere."""

import datetime
import json

import pytest

from ansible_collections.mfaops.iam.plugins.plugin_utils import _aws_connection

ROLE = "arn:aws:iam::%s:role/OrganizationAccountAccessRole"


@pytest.fixture(autouse=True)
def fresh_sessions():
    """The endpoint is reset between tests: sessions cached by an earlier test no longer exist."""
    _aws_connection.clear_caches()
    yield
    _aws_connection.clear_caches()


@pytest.fixture
def member(endpoint):
    return endpoint.create_organization(accounts=2, ou_names=())["accounts"][0]["id"]


def _serials(client):
    return [device["SerialNumber"] for device in client.list_virtual_mfa_devices()["VirtualMFADevices"]]


def test_the_task_acts_in_the_account_of_the_role_it_assumes(run, endpoint, iam, member, seed_file):
    result = run(name="alice", bootstrap_file=seed_file(), assume_role_arn=ROLE % member, role_session_name="audit-42",
                 external_id="ext-1", duration_seconds=1800)
    assert result.get("failed") is not True, result.get("msg")
    serial = "arn:aws:iam::%s:mfa/alice" % member
    assert result["virtual_mfa_device"]["serial_number"] == serial
    assert _serials(endpoint.assumed_client(member)) == [serial]
    assert _serials(iam) == []  # nothing in the caller's own account
    (session,) = [s for s in endpoint.sessions() if s["session_name"] == "audit-42"]
    assert session["role_arn"] == ROLE % member
    assert (session["session_name"], session["external_id"]) == ("audit-42", "ext-1")
    lasts = datetime.datetime.strptime(session["expiration"], "%Y-%m-%dT%H:%M:%SZ") - datetime.datetime.utcnow()
    assert 1700 < lasts.total_seconds() <= 1800
    text = json.dumps(result) + result["_stdout"]
    for secret in (session["access_key_id"], session["secret_access_key"], session["session_token"]):
        assert secret not in text


def test_a_loop_in_one_process_assumes_the_role_once(run, endpoint, member, seed_file):
    for name in ("alice", "bob", "carol"):
        result = run(name=name, bootstrap_file=seed_file(), assume_role_arn=ROLE % member)
        assert result.get("failed") is not True, result.get("msg")
    assert [s["role_arn"] for s in endpoint.sessions()] == [ROLE % member]
    assert sorted(_serials(endpoint.assumed_client(member))) == [
        "arn:aws:iam::%s:mfa/%s" % (member, name) for name in ("alice", "bob", "carol")]


def test_a_role_that_cannot_be_assumed_fails_naming_it_and_the_error_code(run, endpoint, member, seed_file):
    missing = "arn:aws:iam::%s:role/NoSuchRole" % member
    result = run(name="alice", bootstrap_file=seed_file(), assume_role_arn=missing)
    assert result["failed"] is True
    assert missing in result["msg"] and "AccessDenied" in result["msg"]
    assert result["error"]["code"] == "AccessDenied"
    assert endpoint.write_requests() == []


@pytest.mark.parametrize("args, message", [
    ({"assume_role_arn": "OrganizationAccountAccessRole"}, "is not a role ARN"),
    ({"assume_role_arn": ROLE % "111111111111", "role_session_name": "a b"}, "role_session_name must be"),
    ({"assume_role_arn": ROLE % "111111111111", "duration_seconds": 60}, "duration_seconds must be between 900"),
])
def test_bad_role_options_fail_before_any_call(run, endpoint, seed_file, args, message):
    endpoint.clear_requests()
    result = run(name="alice", bootstrap_file=seed_file(), **args)
    assert result["failed"] is True and message in result["msg"]
    assert endpoint.requests() == [] and endpoint.sessions() == []
