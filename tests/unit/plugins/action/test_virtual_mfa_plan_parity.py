"""The user_mfa role's plan (filter virtual_mfa_plan) against iam_virtual_mfa itself, user by user, on a mixed fleet.

The fleet is built on the local endpoint; the plan is made from the listings the role makes (iam_user_mfa_info with
names only, iam_virtual_mfa_info with tags, both through main()); then iam_virtual_mfa runs in this process (the
action plugin, check mode, diff) for every entry with the options the role passes.  For each entry the plan's
``run`` must equal "the module changes something or fails", the plan's decision must be what the module's diff
shows, and the device the plan publishes for a skipped entry must be the one the module returns; user_mfa_account
(the role's one task per account, the same engine) must name the same users and fail for the same entries.  Then the
real runs change exactly the users the check runs named, and a new plan from new listings has nothing left to run.
"""

from module_main import run_module_main
import pytest
from action_harness import run_action

from ansible_collections.mfaops.iam.plugins.filter.virtual_mfa_plan import virtual_mfa_plan

SETTINGS = {"tags": {"owner": "security"}, "now": "2026-11-28T12:00:00Z"}
WANTED = {"owner": "security"}
SEED = "Base32StringSeed"

ENTRIES = [
    {"name": "conv"},                                               # converged
    {"name": "nodev"},                                              # user without a device
    {"name": "wrongtags", "tags": {"team": "payments"}},            # device with stale and missing tags
    {"name": "orphan"},                                             # device enabled for nobody, text seed file
    {"name": "staffer", "device_name": "staffer-phone", "path": "/staff/"},  # converged, own name and path
    {"name": "ghost"},                                              # user does not exist yet
    {"name": "victim", "device_name": "taken"},                     # device enabled for another user: a problem
    {"name": "clash"},                                              # device named Clash exists: a problem
    {"name": "leaver", "state": "absent"},                          # offboard: two devices, one of another name
    {"name": "gone", "state": "absent"},                            # offboard, nothing left
]


@pytest.fixture
def fleet(run, iam, tmp_path):
    """The mixed fleet on the endpoint; returns the bootstrap directory the role would use."""
    bootstrap = tmp_path / "bootstrap"
    for user in ("conv", "nodev", "wrongtags", "orphan", "staffer", "victim", "other", "clash", "leaver"):
        iam.create_user(UserName=user)

    def make(**args):
        result = run(bootstrap_method=SEED, **args)
        assert not result.get("failed"), result.get("msg")

    make(name="conv", state="enabled", user_name="conv", tags=WANTED, bootstrap_file=str(tmp_path / "conv.seed"))
    make(name="staffer-phone", path="/staff/", state="enabled", user_name="staffer",
         tags=dict(WANTED, **{"mfaops:created": "2026-01-02T03:04:05Z"}), bootstrap_file=str(tmp_path / "staffer.seed"))
    make(name="wrongtags", state="enabled", user_name="wrongtags", tags={"owner": "nobody", "stale": "x"},
         bootstrap_file=str(tmp_path / "wrongtags.seed"))
    make(name="orphan", state="present", tags=WANTED, bootstrap_file=str(bootstrap / "orphan.seed"))
    make(name="taken", state="enabled", user_name="other", tags=WANTED, bootstrap_file=str(tmp_path / "taken.seed"))
    make(name="Clash", state="present", bootstrap_file=str(tmp_path / "clash.seed"))
    make(name="leaver-phone", path="/old/", state="enabled", user_name="leaver", bootstrap_file=str(tmp_path / "lp.seed"))
    make(name="leaver", state="present", bootstrap_file=str(tmp_path / "leaver.seed"))
    return bootstrap


def listings(endpoint):
    from ansible_collections.mfaops.iam.plugins.modules.iam_user_mfa_info import main as users_main
    from ansible_collections.mfaops.iam.plugins.modules.iam_virtual_mfa_info import main as devices_main

    connection = dict(endpoint_url=endpoint.url, region="us-east-1", access_key="testing", secret_key="testing")
    users = run_module_main(users_main, dict(connection, devices_of="no_users", password_of="no_users",
                                             include_root=False))
    devices = run_module_main(devices_main, connection)
    assert not users.get("failed") and not devices.get("failed")
    return users, devices


def onboard(run, entry, bootstrap, check_mode):
    """iam_virtual_mfa with the options the role's onboarding task passes for this plan entry."""
    return run(check_mode=check_mode, diff=True, name=entry["device_name"], path=entry["path"], state="enabled",
               user_name=entry["name"], tags=entry["tags"], purge_tags=True, bootstrap_file=str(bootstrap / (entry["name"] + ".seed")),
               bootstrap_method=SEED)


def account_run(endpoint, bootstrap, check_mode):
    """user_mfa_account over ENTRIES, as the role runs it (the users it would create included)."""
    return run_action(dict(users=ENTRIES, bootstrap_dir=str(bootstrap), account_subdirectory=False, tags=WANTED,
                           bootstrap_method=SEED, create_users=True, endpoint_url=endpoint.url, region="us-east-1",
                           access_key="testing", secret_key="testing"),
                      check_mode=check_mode, action_name="mfaops.iam.user_mfa_account")


def offboard(run, serial_number, check_mode):
    """iam_virtual_mfa as the role's offboarding task runs it."""
    return run(check_mode=check_mode, diff=True, serial_number=serial_number, state="absent")


def observed(result):
    """What the module did (or would do), read from its result and diff, in the plan's terms."""
    before, after = result["diff"]["before"], result["diff"]["after"]
    return {
        "changed": result["changed"],
        "create": not before and bool(after),
        "delete": bool(before) and not after,
        "deactivate": before.get("user_name") if before.get("user_name") and before.get("user_name") != after.get("user_name") else None,
        "enable": after.get("user_name") if after.get("user_name") and after.get("user_name") != before.get("user_name") else None,
        "tags_after": after.get("tags"),
    }


def expected(decision, device, wanted_tags):
    """What the plan says the module does, in the same terms."""
    tags_after = None
    if not decision["delete"]:
        tags_after = dict(wanted_tags) if decision["create"] else {
            key: value for key, value in (device.get("tags") or {}).items() if key not in decision["tags_to_unset"]}
        tags_after.update(decision["tags_to_set"])
    return {
        "changed": decision["changed"], "create": decision["create"], "delete": decision["delete"],
        "deactivate": decision["deactivate"], "enable": decision["enable"], "tags_after": tags_after,
    }


def without_enable_date(device):
    return {key: value for key, value in device.items() if key != "enable_date"}


def test_the_plan_is_what_iam_virtual_mfa_decides_user_by_user(run, endpoint, fleet):
    plan = virtual_mfa_plan(ENTRIES, *listings(endpoint), SETTINGS)
    by_name = {entry["name"]: entry for entry in plan}
    assert [entry["name"] for entry in plan if entry["run"]] == [
        "nodev", "wrongtags", "orphan", "ghost", "victim", "clash", "leaver"]
    endpoint.clear_requests()

    check_changed = set()
    for entry in plan:
        if entry["state"] == "absent":
            results = [offboard(run, deletion["serial_number"], True) for deletion in entry["deletions"]]
            for deletion, result in zip(entry["deletions"], results):
                assert observed(result) == expected(deletion["decision"], deletion, None), entry["name"]
            if not entry["deletions"]:  # nothing enabled for the user, nothing at the entry's path and name
                nothing = run(check_mode=True, name=entry["device_name"], path=entry["path"], state="absent")
                assert nothing["changed"] is False and not nothing.get("failed")
            if any(result["changed"] for result in results):
                check_changed.add(entry["name"])
            assert entry["run"] == bool(results), entry["name"]
            continue
        result = onboard(run, entry, fleet, check_mode=True)
        if entry["problem"]:
            assert result.get("failed") is True and result["changed"] is False, entry["name"]
            assert entry["problem"] in result["msg"], (entry["name"], result["msg"])
            assert entry["run"] is True
            continue
        assert not result.get("failed"), (entry["name"], result.get("msg"))
        assert entry["run"] == (result["changed"] or not entry["user_exists"]), entry["name"]
        assert observed(result) == expected(entry["decision"], entry["device"], entry["tags"]), entry["name"]
        if not entry["run"]:  # the role publishes the listed device for it: the same as the module returns
            assert without_enable_date(entry["device_after"]) == without_enable_date(result["virtual_mfa_device"])
            assert entry["device_after"]["enable_date"][:19] == result["virtual_mfa_device"]["enable_date"][:19]
        if result["changed"]:
            check_changed.add(entry["name"])

    assert endpoint.write_requests() == []
    assert check_changed == {"nodev", "wrongtags", "orphan", "ghost", "leaver"}
    assert by_name["victim"]["problem"] and by_name["clash"]["problem"]

    # user_mfa_account, which converges the role's entries with iam_virtual_mfa's engine in one task, predicts the
    # same: the users iam_virtual_mfa changes, and a failure for each entry it fails for, with the same message.
    account = account_run(endpoint, fleet, check_mode=True)
    assert endpoint.write_requests() == []
    assert set(account["changed_users"]) == check_changed
    assert {f["user"]: f["msg"] for f in account["failures"]} == {
        name: by_name[name]["problem"] for name in ("victim", "clash")}

    # The real runs (the role creates ghost first) change exactly the users check mode named.
    run_iam = endpoint.boto3_client("iam")
    run_iam.create_user(UserName="ghost")
    real_changed = set()
    for entry in plan:
        if not entry["run"]:
            continue
        if entry["state"] == "absent":
            results = [offboard(run, deletion["serial_number"], False) for deletion in entry["deletions"]]
        else:
            results = [onboard(run, entry, fleet, check_mode=False)]
        assert all(bool(result.get("failed")) == bool(entry["problem"]) for result in results), entry["name"]
        if any(result["changed"] for result in results):
            real_changed.add(entry["name"])
    assert real_changed == check_changed
    assert sorted(path.name for path in fleet.iterdir()) == ["ghost.seed", "nodev.seed", "orphan.seed"]

    # Converged: a new plan from new listings leaves only the two problems to run, and nothing to offboard.
    again = virtual_mfa_plan(ENTRIES, *listings(endpoint), SETTINGS)
    assert [entry["name"] for entry in again if entry["run"]] == ["victim", "clash"]
    assert run_iam.list_mfa_devices(UserName="leaver")["MFADevices"] == []
    run_iam.delete_user(UserName="leaver")  # IAM refuses DeleteUser while a user holds MFA devices
