"""iam_user_mfa_info through main(), real boto3 against the local IAM endpoint (the per-test, reset one).

Users hold virtual devices, hardware tokens and FIDO keys (attached through the endpoint's control API, as IAM's API
cannot), console passwords or nothing; the root user has no MFA, a virtual device or a hardware one.  API calls are
counted from the endpoint's request log.
"""

from collections import Counter

import mfa_fleet
import pytest

from ansible_collections.mfaops.iam.plugins.modules.iam_user_mfa_info import main

ARN = "arn:aws:iam::%s" % mfa_fleet.ACCOUNT
LEAN = dict(devices_of="users_without_virtual_mfa", password_of="users_without_mfa")


def calls(endpoint):
    return Counter(request["action"] for request in endpoint.requests())


def asked(endpoint, action):
    return sorted(request["params"]["UserName"] for request in endpoint.requests(action))


def virtual_for(iam, user, name=None, path="/"):
    answer = iam.create_virtual_mfa_device(VirtualMFADeviceName=name or user, Path=path)["VirtualMFADevice"]
    mfa_fleet.enable(iam, user, answer["SerialNumber"], answer["Base32StringSeed"].decode("ascii"))
    return answer["SerialNumber"]


@pytest.fixture
def account(endpoint, iam):
    """Seven users under three paths; returns {user: (serial numbers, password)} and clears the request log."""
    for name, path in [("virt", "/people/"), ("hard", "/people/"), ("fido", "/people/"), ("both", "/people/ops/"),
                       ("console", "/people/"), ("api-bot", "/svc/"), ("Zed", "/")]:
        iam.create_user(UserName=name, Path=path)
    for name in ("console", "hard", "Zed"):
        iam.create_login_profile(UserName=name, Password="Console-Passw0rd!")
    serials = {
        "virt": [virtual_for(iam, "virt", path="/people/")],
        "hard": [endpoint.add_user_mfa_device("hard", "hardware", "GAHT12345678")],
        "fido": [endpoint.add_user_mfa_device("fido", "fido")],
        "both": [virtual_for(iam, "both"), endpoint.add_user_mfa_device("both", "hardware")],
        "console": [], "api-bot": [], "Zed": [virtual_for(iam, "Zed", name="zed-phone")],
    }
    passwords = {"console": True, "hard": True, "Zed": True}
    endpoint.clear_requests()
    return {name: (sorted(serials[name]), passwords.get(name, False)) for name in serials}


def kind(serial):
    return "virtual" if ":mfa/" in serial else "fido" if ":u2f/" in serial else "hardware"


def test_every_user_with_every_device_classified_and_console_access(run_module, endpoint, account):
    result = run_module(main, {})
    assert result["changed"] is False and "failed" not in result
    users = result["users"]
    assert [user["user_name"] for user in users] == sorted(account)  # sorted by name (case-sensitive, as IAM)
    for user in users:
        serials, password = account[user["user_name"]]
        assert [device["serial_number"] for device in user["mfa_devices"]] == serials
        assert [device["kind"] for device in user["mfa_devices"]] == [kind(serial) for serial in serials]
        assert all(device["enable_date"] for device in user["mfa_devices"])
        assert user["password_enabled"] is password
        assert user["has_mfa"] is bool(serials) and user["mfa_devices_complete"] is True
        assert user["arn"] == "%s:user%s%s" % (ARN, user["path"], user["user_name"])
        assert user["user_id"] and user["create_date"] and "password_last_used" in user
    by_name = {user["user_name"]: user for user in users}
    assert [d["kind"] for d in by_name["both"]["mfa_devices"]] == ["hardware", "virtual"]
    assert by_name["hard"]["mfa_devices"][0]["serial_number"] == "GAHT12345678"
    assert by_name["fido"]["mfa_devices"][0]["serial_number"].startswith(ARN + ":u2f/user/fido/")
    assert result["root"] == {"mfa_enabled": False, "virtual_mfa_serial_number": None}
    # one listing of users and one of virtual devices (for root's), the account summary, two calls per user
    assert calls(endpoint) == {"ListUsers": 1, "GetAccountSummary": 1, "ListVirtualMFADevices": 1, "ListMFADevices": 7,
                               "GetLoginProfile": 7}
    assert endpoint.write_requests() == []


def test_lean_mode_asks_only_users_without_a_virtual_device_and_passwords_of_users_without_mfa(run_module, endpoint, account):
    result = run_module(main, LEAN)
    by_name = {user["user_name"]: user for user in result["users"]}
    assert asked(endpoint, "ListMFADevices") == ["api-bot", "console", "fido", "hard"]
    assert asked(endpoint, "GetLoginProfile") == ["api-bot", "console"]
    assert calls(endpoint) == {"ListUsers": 1, "GetAccountSummary": 1, "ListVirtualMFADevices": 1, "ListMFADevices": 4,
                               "GetLoginProfile": 2}
    assert endpoint.requests("ListVirtualMFADevices")[0]["params"]["AssignmentStatus"] == "Assigned"
    # holders of a virtual device: MFA, only their virtual devices listed, password not asked
    for name in ("virt", "both", "Zed"):
        assert by_name[name]["has_mfa"] is True and by_name[name]["mfa_devices_complete"] is False
        assert by_name[name]["password_enabled"] is None
        assert [d["kind"] for d in by_name[name]["mfa_devices"]] == ["virtual"]
    assert (by_name["hard"]["has_mfa"], by_name["hard"]["password_enabled"], by_name["hard"]["mfa_devices_complete"]) == (True, None, True)
    assert (by_name["console"]["has_mfa"], by_name["console"]["password_enabled"]) == (False, True)
    assert (by_name["api-bot"]["has_mfa"], by_name["api-bot"]["password_enabled"]) == (False, False)
    full = {user["user_name"]: user for user in run_module(main, {})["users"]}
    assert {n: u["has_mfa"] for n, u in by_name.items()} == {n: u["has_mfa"] for n, u in full.items()}


def test_check_mode_returns_the_same(run_module, endpoint, account):
    assert run_module(main, LEAN, check_mode=True)["users"] == run_module(main, LEAN)["users"]
    assert endpoint.write_requests() == []


@pytest.mark.parametrize("root_kind, name", [("none", None), ("hardware", None), ("virtual", None), ("virtual", "my-phone")])
def test_root_mfa_and_its_virtual_device_found_by_arn(run_module, endpoint, iam, root_kind, name):
    # a decoy: an IAM user named "root" holding a device with the usual name of root's, under another path
    iam.create_user(UserName="root")
    decoy = virtual_for(iam, "root", name="root-account-mfa-device", path="/decoy/")
    root_serial = endpoint.set_root_mfa(root_kind, name)
    endpoint.clear_requests()
    for options in ({}, LEAN):
        result = run_module(main, options)
        assert result["root"] == {"mfa_enabled": root_kind != "none", "virtual_mfa_serial_number": root_serial}
        assert [user["user_name"] for user in result["users"]] == ["root"]
        assert [d["serial_number"] for d in result["users"][0]["mfa_devices"]] == [decoy]
    if root_kind == "virtual":
        assert root_serial == "%s:mfa/%s" % (ARN, name or "root-account-mfa-device")


def test_include_root_false_makes_no_account_summary_call(run_module, endpoint, account):
    result = run_module(main, dict(include_root=False))
    assert result["root"] is None
    assert "GetAccountSummary" not in calls(endpoint) and "ListVirtualMFADevices" not in calls(endpoint)


def test_path_prefix_is_passed_to_list_users(run_module, endpoint, account):
    result = run_module(main, dict(path_prefix="/people/"))
    assert [user["user_name"] for user in result["users"]] == ["both", "console", "fido", "hard", "virt"]
    assert endpoint.requests("ListUsers")[0]["params"]["PathPrefix"] == "/people/"
    assert run_module(main, dict(path_prefix="/nobody/"))["users"] == []


def test_name_is_one_get_user_call(run_module, endpoint, account):
    result = run_module(main, dict(name="both", include_root=False))
    assert [user["user_name"] for user in result["users"]] == ["both"]
    assert calls(endpoint) == {"GetUser": 1, "ListMFADevices": 1, "GetLoginProfile": 1}
    assert run_module(main, dict(name="both", path_prefix="/svc/"))["users"] == []
    missing = run_module(main, dict(name="nobody"))
    assert missing["users"] == [] and "failed" not in missing


def test_users_over_two_pages(run_module, endpoint, iam):
    names = ["u%04d" % i for i in range(1003)]
    mfa_fleet_threads(lambda name: iam.create_user(UserName=name), names)
    endpoint.clear_requests()
    result = run_module(main, dict(max_concurrency=20, include_root=False))
    assert [user["user_name"] for user in result["users"]] == names
    # pages of 1,000 (the endpoint, like moto, answers ListUsers in one page whatever MaxItems; botocore's paginator
    # then cuts it at 1,000 and asks again for the rest, so the second page carries no Marker here, unlike IAM)
    pages = endpoint.requests("ListUsers")
    assert [page["params"].get("MaxItems") for page in pages] == ["1000", "1000"]
    assert calls(endpoint) == {"ListUsers": 2, "ListMFADevices": 1003, "GetLoginProfile": 1003}


def mfa_fleet_threads(function, items):
    from concurrent.futures import ThreadPoolExecutor  # pylint: disable=import-outside-toplevel

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(function, items))


def test_per_user_calls_are_concurrent_and_bounded(run_module, endpoint, iam):
    for i in range(16):
        iam.create_user(UserName="c%02d" % i)
    endpoint.set_faults(latency_ms=100)
    endpoint.clear_requests()
    run_module(main, dict(max_concurrency=4, include_root=False))
    starts = sorted(r["time"] for r in endpoint.requests() if r["action"] in ("ListMFADevices", "GetLoginProfile"))
    assert len(starts) == 32
    # a worker starts its next call only after its previous one ended (100 ms): within 80 ms at most 4 calls start
    in_window = [sum(1 for other in starts if start <= other < start + 0.08) for start in starts]
    assert 2 <= max(in_window) <= 4


def test_throttled_calls_are_retried_and_the_result_is_unchanged(run_module, endpoint, account):
    expected = run_module(main, {})["users"]
    endpoint.set_faults(throttle_fraction=0.3, random_seed=7, fault_actions=["ListMFADevices", "GetLoginProfile", "ListUsers"])
    assert run_module(main, {})["users"] == expected


def test_a_failure_names_the_call(run_module, endpoint, account):
    endpoint.set_faults(drop_fraction=1.0, fault_actions=["GetLoginProfile"])
    result = run_module(main, dict(aws_config={"retries": {"mode": "standard", "max_attempts": 1}}))
    assert result["failed"] is True
    assert result["msg"].startswith("Failed to get the login profile of an IAM user")


@pytest.mark.parametrize("options, message", [
    (dict(path_prefix="people/"), "path_prefix 'people/' is not an IAM path prefix"),
    (dict(name="no spaces"), "name 'no spaces' is not a valid IAM user name"),
    (dict(max_concurrency=0), "max_concurrency must be between 1 and 50, not 0"),
    (dict(max_concurrency=51), "max_concurrency must be between 1 and 50, not 51"),
])
def test_bad_options_fail_before_any_call(run_module, endpoint, options, message):
    result = run_module(main, options)
    assert result["failed"] is True and result["msg"].startswith(message)
    assert endpoint.requests() == []
