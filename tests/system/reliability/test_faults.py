"""iam_virtual_mfa under injected faults, through real ansible-playbook runs: throttling, eventual consistency
after create, dropped connections. Every device must end up enabled for its user, every bootstrap file must hold
the seed the endpoint issued (proved with codes the endpoint accepts), and nothing may be created twice."""

import time

import pytest
import zxingcpp
from PIL import Image

DEVICES = 20
pytestmark = pytest.mark.xdist_group("reliability-faults")


def fleet(tmp_path, count, prefix):
    """``count`` devices alternating the QR code and Base32 bootstrap formats."""
    items = []
    for index in range(count):
        method = "QRCodePNG" if index % 2 == 0 else "Base32StringSeed"
        suffix = "png" if method == "QRCodePNG" else "seed"
        items.append({
            "name": "%s-%02d" % (prefix, index), "user": "%s-user-%02d" % (prefix, index), "method": method,
            "file": str(tmp_path / "mfa" / ("%s-%02d.%s" % (prefix, index, suffix))),
        })
    return items


def fleet_task(playbooks, items):
    task = playbooks.task(
        task="fleet", name="{{ item.name }}", state="enabled", user_name="{{ item.user }}", tags={"fleet": "yes"},
        bootstrap_file="{{ item.file }}", bootstrap_method="{{ item.method }}",
    )
    task["loop"] = items
    task["loop_control"] = {"label": "{{ item.name }}"}
    return task


def seed_in_file(item):
    if item["method"] == "QRCodePNG":
        with Image.open(item["file"]) as image:
            uri = zxingcpp.read_barcodes(image)[0].text
        assert uri.startswith("otpauth://totp/%s@" % item["name"])
        return uri.split("secret=")[1].split("&")[0]
    with open(item["file"]) as handle:
        return handle.read().strip()


def assert_fleet_converged(playbooks, endpoint, items):
    """Every device enabled for its user, created exactly once, its file holding the seed the endpoint issued."""
    endpoint.set_faults(throttle_fraction=0.0, drop_fraction=0.0, create_lag_seconds=0.0)
    wanted = {playbooks.serial(item["name"]): item["user"] for item in items}
    assert playbooks.devices() == wanted
    created = [r["params"]["VirtualMFADeviceName"] for r in endpoint.requests("CreateVirtualMFADevice") if r["status"] == 200]
    assert sorted(created) == sorted(item["name"] for item in items), "a device was created twice (or not at all)"
    seeds = endpoint.seeds()
    iam = endpoint.boto3_client("iam")
    for item in items:
        serial = playbooks.serial(item["name"])
        seed = seed_in_file(item)
        assert seed == seeds[serial]
        # The endpoint checks codes against the seed it issued (and takes each code once, so this window's codes,
        # just used by the enable, cannot be replayed here): the file holds that seed.
        assert iam.list_mfa_devices(UserName=item["user"])["MFADevices"][0]["SerialNumber"] == serial


def create_users(endpoint, items):
    iam = endpoint.boto3_client("iam")
    for item in items:
        iam.create_user(UserName=item["user"])
    endpoint.clear_requests()


def test_thirty_percent_throttling_twenty_devices_converge_and_rerun_is_unchanged(playbooks, endpoint, tmp_path):
    items = fleet(tmp_path, DEVICES, "thr")
    create_users(endpoint, items)
    endpoint.set_faults(throttle_fraction=0.3, random_seed=5)
    run = playbooks.run([fleet_task(playbooks, items)])
    assert run.rc == 0, run.summary()
    results = run.result("fleet")["results"]
    assert [r["changed"] for r in results] == [True] * DEVICES
    throttled = [r for r in endpoint.requests() if r["status"] == 400]
    assert len(throttled) >= DEVICES, "the fault injection did not bite"
    assert_fleet_converged(playbooks, endpoint, items)

    endpoint.set_faults(throttle_fraction=0.3)
    endpoint.clear_requests()
    again = playbooks.run([fleet_task(playbooks, items)])
    assert again.rc == 0, again.summary()
    assert again.stats["changed"] == 0
    assert [r["changed"] for r in again.result("fleet")["results"]] == [False] * DEVICES
    assert endpoint.write_requests() == []


def test_create_and_enable_in_one_task_rides_out_five_seconds_of_create_lag(playbooks, endpoint, tmp_path):
    items = fleet(tmp_path, 1, "lag")
    create_users(endpoint, items)
    endpoint.set_faults(create_lag_seconds=5)
    started = time.monotonic()
    run = playbooks.run([fleet_task(playbooks, items)])
    assert run.rc == 0, run.summary()
    lagged = [r for r in endpoint.requests() if r["status"] == 404]
    assert lagged, "the create lag did not bite"
    assert {r["action"] for r in lagged} <= {"EnableMFADevice", "TagMFADevice", "ListMFADeviceTags"}
    assert time.monotonic() - started >= 5
    assert_fleet_converged(playbooks, endpoint, items)


def test_dropped_connections_converge(playbooks, endpoint, tmp_path):
    items = fleet(tmp_path, 6, "drop")
    create_users(endpoint, items)
    endpoint.set_faults(drop_fraction=0.25, random_seed=11)
    run = playbooks.run([fleet_task(playbooks, items)])
    assert run.rc == 0, run.summary()
    assert [r for r in endpoint.requests() if r["status"] == "dropped"], "the fault injection did not bite"
    assert_fleet_converged(playbooks, endpoint, items)
    endpoint.set_faults(drop_fraction=0.25)
    again = playbooks.run([fleet_task(playbooks, items)])
    assert again.rc == 0, again.summary()
    assert again.stats["changed"] == 0
