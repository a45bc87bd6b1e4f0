"""iam_user_mfa_info with devices_of/password_of=no_users: the user listing alone, one ListUsers call per 1,000 users.

This is what the role user_mfa reads to know which users exist (amazon.aws.iam_user_info would make ListUserTags and
GetLoginProfile calls per user).
"""

from collections import Counter

import mfa_fleet

from ansible_collections.mfaops.iam.plugins.modules.iam_user_mfa_info import main

LISTING_ONLY = dict(devices_of="no_users", password_of="no_users", include_root=False)


def calls(endpoint):
    return Counter(request["action"] for request in endpoint.requests())


def test_listing_only_makes_no_per_user_call(run_module, endpoint, iam):
    for name, path in [("alice", "/"), ("bob", "/people/"), ("carol", "/")]:
        iam.create_user(UserName=name, Path=path)
    iam.create_login_profile(UserName="alice", Password="Console-Passw0rd!")
    answer = iam.create_virtual_mfa_device(VirtualMFADeviceName="bob")["VirtualMFADevice"]
    mfa_fleet.enable(iam, "bob", answer["SerialNumber"], answer["Base32StringSeed"].decode("ascii"))
    endpoint.clear_requests()

    result = run_module(main, LISTING_ONLY)

    assert "failed" not in result, result.get("msg")
    assert calls(endpoint) == Counter({"ListUsers": 1})
    assert [user["user_name"] for user in result["users"]] == ["alice", "bob", "carol"]
    assert [user["path"] for user in result["users"]] == ["/", "/people/", "/"]
    for user in result["users"]:
        assert (user["has_mfa"], user["password_enabled"], user["mfa_devices"], user["mfa_devices_complete"]) == (
            None, None, [], False)


def test_listing_only_over_two_pages(run_module, endpoint, iam):
    for i in range(1001):
        iam.create_user(UserName="user-%04d" % i)
    endpoint.clear_requests()

    result = run_module(main, LISTING_ONLY)

    assert calls(endpoint) == Counter({"ListUsers": 2})
    assert len(result["users"]) == 1001


def test_devices_without_passwords_and_passwords_without_devices(run_module, endpoint, iam):
    iam.create_user(UserName="alice")
    iam.create_login_profile(UserName="alice", Password="Console-Passw0rd!")
    endpoint.clear_requests()

    devices_only = run_module(main, dict(LISTING_ONLY, devices_of="all_users"))
    assert calls(endpoint) == Counter({"ListUsers": 1, "ListMFADevices": 1})
    assert (devices_only["users"][0]["has_mfa"], devices_only["users"][0]["password_enabled"]) == (False, None)

    endpoint.clear_requests()
    passwords_only = run_module(main, dict(LISTING_ONLY, password_of="all_users"))
    assert calls(endpoint) == Counter({"ListUsers": 1, "GetLoginProfile": 1})
    assert (passwords_only["users"][0]["has_mfa"], passwords_only["users"][0]["password_enabled"]) == (None, True)


def test_passwords_of_users_without_mfa_need_their_devices(run_module, endpoint):
    result = run_module(main, dict(LISTING_ONLY, password_of="users_without_mfa"))

    assert result["failed"] is True
    assert "devices_of=no_users asks nobody" in result["msg"]
    assert endpoint.requests() == []
