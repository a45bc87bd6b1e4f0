"""iam_virtual_mfa against answers IAM never gives and limits it does (issue 14, cases 6 to 9), through the action
plugin in this process with real boto3 against the local endpoint: its ``garbage`` fault answers named actions with
what botocore cannot parse (an endpoint without the action, a proxy's HTML 500, a cut answer)."""

import os
import threading
import time

import pytest
import zxingcpp
from PIL import Image

from action_harness import run_action
from iam_state import MARKER, SERIAL, assigned_user, tags_on_endpoint


def _garbage(endpoint, *actions, answer="html_500", after=0):
    endpoint.set_faults(garbage={"actions": list(actions), "answer": answer, "after": after})


# 6 --------------------------------------------------------------------------------------- odd answers
# Two routes to the endpoint: as a custom endpoint_url (missing_call names the call the endpoint lacks), and as AWS's
# own host name through an HTTP proxy (the proxy in front of IAM that answers with its HTML page: errors.py names it).
ROUTES = ["endpoint_url", "proxy"]


@pytest.fixture
def odd_run(run, endpoint, capsys):
    def runner(route, check_mode=False, **args):
        if route == "endpoint_url":
            return run(check_mode=check_mode, **args)
        full = dict(args, endpoint_url="http://iam.amazonaws.com", region="us-east-1", access_key="testing",
                    secret_key="testing", aws_config={"proxies": {"http": endpoint.url}})
        capsys.readouterr()
        result = run_action(full, check_mode=check_mode)
        captured = capsys.readouterr()
        result["_stdout"] = captured.out + captured.err
        return result

    return runner


def _names_the_call(route, text, operation):
    if route == "proxy":
        return "%s failed with ResponseParserError" % operation in text
    return "does not implement IAM %s" % operation in text


@pytest.mark.parametrize("route", ROUTES)
def test_an_unparseable_answer_after_the_enable_is_a_warning_naming_the_call_and_the_task_reports_changed(
        odd_run, endpoint, iam, users, seed_file, route):
    """An endpoint without the MFA tag calls: the marker's removal fails after the device was created, its QR file
    written and the device enabled."""
    path = seed_file()
    _garbage(endpoint, "UntagMFADevice")
    result = odd_run(route, name="alice", state="enabled", user_name="alice", bootstrap_file=path)
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is True and assigned_user(iam, SERIAL) == "alice" and os.path.exists(path)
    assert _names_the_call(route, "\n".join(result["warnings"]), "UntagMFADevice")  # in the result, as a module's


@pytest.mark.parametrize("route", ROUTES)
def test_an_unparseable_answer_after_a_write_fails_with_changed_true_naming_the_call(
        odd_run, endpoint, iam, users, seed_file, route):
    path = seed_file()
    _garbage(endpoint, "ListMFADevices", after=1)  # the lookup's listing answers; the one after the enable does not
    result = odd_run(route, name="alice", state="enabled", user_name="alice", bootstrap_file=path)
    assert result["failed"] is True and result["changed"] is True
    assert result["msg"].startswith("Failed to list the MFA devices of an IAM user: ")
    assert _names_the_call(route, result["msg"], "ListMFADevices")
    assert assigned_user(iam, SERIAL) == "alice"


@pytest.mark.parametrize("route", ROUTES)
def test_an_unparseable_answer_before_any_write_fails_with_changed_false_naming_the_call(
        odd_run, create, endpoint, iam, route):
    create(name="alice", tags={"team": "a"})
    _garbage(endpoint, "ListMFADeviceTags")
    result = odd_run(route, name="alice", tags={"team": "b"})
    assert result["failed"] is True and result["changed"] is False
    assert _names_the_call(route, result["msg"], "ListMFADeviceTags")
    endpoint.set_faults(garbage=None)
    assert tags_on_endpoint(iam, SERIAL) == {"team": "a"}


@pytest.mark.parametrize("route", ROUTES)
def test_a_cut_answer_to_the_create_reports_changed_and_never_shows_the_seed(odd_run, endpoint, seed_file, route):
    """The device was created, its answer (with the seed) cut: botocore's own message quotes that answer."""
    path = seed_file()
    _garbage(endpoint, "CreateVirtualMFADevice", answer="truncated")
    result = odd_run(route, name="alice", bootstrap_file=path)
    seed = endpoint.seeds()[SERIAL]
    assert result["failed"] is True and result["changed"] is True
    assert _names_the_call(route, result["msg"], "CreateVirtualMFADevice")
    assert "If IAM created virtual MFA device /alice, nobody holds its seed" in result["msg"]
    assert seed not in str(result) and not os.path.exists(path)


# 7 --------------------------------------------------------------------------------------- IAM's 8 devices per user
def _hold_devices(endpoint, user, count):
    return [endpoint.add_user_mfa_device(user, "hardware") for _index in range(count)]


def test_a_user_holding_eight_devices_is_refused_before_the_create_and_check_mode_says_so(
        run, endpoint, users, seed_file):
    _hold_devices(endpoint, "alice", 8)
    endpoint.clear_requests()
    path = seed_file()
    predicted = run(check_mode=True, name="alice", state="enabled", user_name="alice", bootstrap_file=path)
    real = run(name="alice", state="enabled", user_name="alice", bootstrap_file=path)
    for result in (predicted, real):
        assert result["failed"] is True and result["changed"] is False
        assert "IAM user alice already holds 8 MFA devices" in result["msg"]
    assert predicted["msg"] == real["msg"]
    assert endpoint.write_requests() == [] and not os.path.exists(path)


def test_an_enable_refused_by_the_limit_after_the_create_leaves_no_device_and_no_seed_file(
        run, endpoint, iam, users, seed_file):
    """The user had 7 devices when the task looked, and gets an eighth while the create's answer is on its way."""
    _hold_devices(endpoint, "alice", 7)
    endpoint.set_faults(pause_after={"action": "CreateVirtualMFADevice", "seconds": 30})

    def eighth_device_meanwhile():
        deadline = time.monotonic() + 30
        while not endpoint.requests("CreateVirtualMFADevice") and time.monotonic() < deadline:
            time.sleep(0.05)
        _hold_devices(endpoint, "alice", 1)
        endpoint.set_faults(pause_after=None)  # lets the create's answer go

    helper = threading.Thread(target=eighth_device_meanwhile)
    helper.start()
    path = seed_file()
    try:
        result = run(name="alice", state="enabled", user_name="alice", bootstrap_file=path)
    finally:
        helper.join()
    assert result["failed"] is True and result["changed"] is True
    assert "could not be enabled: IAM user alice holds 8 MFA devices" in result["msg"]
    assert "deleted again and its bootstrap file %s removed" % path in result["msg"]
    assert result["error"]["code"] == "LimitExceeded"
    assert iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []
    assert not os.path.exists(path) and not os.path.exists(os.path.dirname(path))


# 8 --------------------------------------------------------------------------------------- recreate's neighbours
def test_recreate_with_tags_and_purge_tags_false_keeps_the_old_devices_other_tags_and_check_mode_predicts_it(
        run, endpoint, iam, users, seed_file):
    old_tags = {MARKER: "2000-01-01T00:00:00Z", "team": "a", "env": "prod"}
    tag_list = [{"Key": key, "Value": value} for key, value in old_tags.items()]
    iam.create_virtual_mfa_device(VirtualMFADeviceName="alice", Tags=tag_list)
    path = seed_file()
    args = dict(name="alice", state="enabled", user_name="alice", on_missing_seed="recreate", tags={"env": "dev"},
                purge_tags=False, bootstrap_file=path, bootstrap_method="Base32StringSeed")
    predicted = run(check_mode=True, diff=True, **args)
    real = run(diff=True, **args)
    assert not real.get("failed"), real.get("msg")
    assert predicted["virtual_mfa_device"]["tags"] == real["virtual_mfa_device"]["tags"] == {"team": "a", "env": "dev"}
    assert predicted["diff"] == real["diff"]
    assert tags_on_endpoint(iam, SERIAL) == {"team": "a", "env": "dev"} and assigned_user(iam, SERIAL) == "alice"


def test_after_an_enable_fails_right_after_the_create_the_rerun_is_told_to_pass_the_seed_of_its_qr_file(
        run, endpoint, iam, users, seed_file):
    path = seed_file()
    _garbage(endpoint, "EnableMFADevice")  # not executed: the device stays enabled for nobody, its QR code written
    first = run(name="alice", state="enabled", user_name="alice", bootstrap_file=path)
    assert first["failed"] is True and first["changed"] is True
    assert "for a QR code, pass the seed it holds with 'seed'" in first["msg"]
    endpoint.set_faults(garbage=None)
    endpoint.clear_requests()

    rerun = run(name="alice", state="enabled", user_name="alice", bootstrap_file=path, on_missing_seed="recreate")
    assert rerun["failed"] is True and rerun["changed"] is False
    assert "another run" not in rerun["msg"]
    assert "its bootstrap_file %s already exists: a QRCodePNG file" % path in rerun["msg"]
    assert "run the task again with that seed as 'seed'" in rerun["msg"]
    assert endpoint.write_requests() == []

    with Image.open(path) as image:
        seed = zxingcpp.read_barcodes(image)[0].text.split("secret=")[1].split("&")[0]
    advised = run(name="alice", state="enabled", user_name="alice", bootstrap_file=path, seed=seed)
    assert advised["changed"] is True and assigned_user(iam, SERIAL) == "alice"
    assert MARKER not in tags_on_endpoint(iam, SERIAL)
