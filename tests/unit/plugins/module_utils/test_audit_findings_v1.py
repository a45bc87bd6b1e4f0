"""build_report against the role's former Jinja computation (report version 1), kept in fixtures/findings_v1.json.j2.

Random accounts (seeded) are given to both in the shape each one read: the old template the results of
amazon.aws.iam_user_info, iam_virtual_mfa_info and one amazon.aws.iam_mfa_device_info per user holding no virtual
device; build_report those of iam_user_mfa_info and iam_virtual_mfa_info.  Every key of version 1 must be equal.
"""

import json
import os
import random

import pytest

from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar
from ansible.template import trust_as_template

from ansible_collections.mfaops.iam.plugins.module_utils._audit.findings import build_report

ARN = "arn:aws:iam::123456789012"
V1_KINDS = ("users_without_mfa", "orphaned_devices", "devices_missing_tags", "devices_of_users_not_matching_pattern")
TEMPLATE = os.path.join(os.path.dirname(__file__), "fixtures", "findings_v1.json.j2")
PATHS = ("/", "/people/", "/people/ops/", "/svc/")
CREATED = ("2026-11-20T13:00:00Z", "2025-02-28", "yesterday", "2026-11-24T11:59:59Z", None)


def random_account(rng):
    """(users with their devices of every kind, virtual devices with tags, settings, previous report)."""
    users, devices = [], []
    for i in range(rng.randint(0, 12)):
        name = rng.choice(["u%d" % i, "User_%d" % i, "ops.u%d" % i])
        entry = {"name": name, "path": rng.choice(PATHS), "password": rng.random() < 0.5, "serials": []}
        for kind in rng.sample(["virtual", "hardware", "fido", "none", "none", "none"], 2):
            if kind == "virtual":
                path = rng.choice(PATHS)
                devices.append(virtual(name + "-mfa", path, name, rng))
                entry["serials"].append(devices[-1]["serial_number"])
            elif kind == "hardware":
                entry["serials"].append("GAHT%08d" % i)
            elif kind == "fido":
                entry["serials"].append("%s:u2f/user/%s/key-%d" % (ARN, name, i))
        users.append(entry)
    for i in range(rng.randint(0, 5)):
        devices.append(virtual("orphan%d" % i, rng.choice(PATHS), None, rng))
    settings = {
        "required_tags": rng.sample(["team", "owner", "env"], rng.randint(0, 2)),
        "user_name_pattern": rng.choice([None, "[a-z]+[0-9]*", "u[0-9]+", "(ops\\.)?u[0-9]"]),
        "exempt_users": rng.sample([u["name"] for u in users], min(len(users), rng.randint(0, 2))),
        "user_path_prefix": rng.choice(["/", "/people/"]),
        "device_path_prefix": rng.choice(["/", "/people/", "/svc/"]),
        "created_tag": rng.choice(["mfaops:created", "", "created"]),
    }
    previous = {"findings": {"orphaned_devices": [
        {"serial_number": d["serial_number"], "first_seen": rng.choice(["2026-10-01T00:00:00Z", "bad"])}
        for d in devices if rng.random() < 0.5]}}
    return users, devices, settings, previous


def virtual(name, path, holder, rng):
    tags = {key: "x" for key in rng.sample(["team", "owner", "env"], rng.randint(0, 3))}
    created = rng.choice(CREATED)
    if created:
        tags[rng.choice(["mfaops:created", "created"])] = created
    return {
        "serial_number": "%s:mfa%s%s" % (ARN, path, name), "name": name, "path": path, "user_name": holder,
        "user_arn": holder and "%s:user/%s" % (ARN, holder), "user_id": holder and "AIDA" + holder.upper(),
        "enable_date": holder and "2026-02-01T00:00:00+00:00", "tags": tags,
    }


def user_listing(entry):
    return {"user_name": entry["name"], "arn": "%s:user%s%s" % (ARN, entry["path"], entry["name"]), "path": entry["path"],
            "create_date": "2026-01-01T00:00:00+00:00", "password_last_used": None}


def old_inputs(users, devices, settings, previous):
    """What the version-1 role handed to its template."""
    listed = [u for u in users if u["path"].startswith(settings["user_path_prefix"])]
    in_prefix = [d for d in devices if d["path"].startswith(settings["device_path_prefix"])]
    holders = {d["user_name"] for d in in_prefix if d["user_name"]}
    asked = sorted(u["name"] for u in listed if u["name"] not in holders and u["name"] not in settings["exempt_users"])
    serials = {u["name"]: u["serials"] for u in users}
    variables = {"mfa_audit_" + key: value for key, value in settings.items()}
    variables.update(
        mfa_audit__users={"iam_users": [
            dict(user_listing(u), login_profile={"create_date": "2026-01-02"} if u["password"] else {}) for u in listed]},
        mfa_audit__devices={"virtual_mfa_devices": in_prefix},
        mfa_audit__other_devices={"results": [
            {"item": name, "mfa_devices": [{"serial_number": s, "user_name": name} for s in serials[name]]} for name in asked]},
        mfa_audit__previous=previous,
    )
    return variables


def new_inputs(users, devices):
    """What iam_user_mfa_info and iam_virtual_mfa_info return for the same account (no path filter: the function
    applies the prefixes)."""
    listed = [dict(user_listing(u), password_enabled=u["password"], has_mfa=bool(u["serials"]), mfa_devices_complete=True,
                   mfa_devices=[{"serial_number": s, "kind": "x", "enable_date": None} for s in u["serials"]]) for u in users]
    return {"users": listed, "root": None}, {"virtual_mfa_devices": devices}


def render_v1(variables):
    templar = Templar(loader=DataLoader(), variables=variables)
    with open(TEMPLATE, encoding="utf-8") as handle:
        return json.loads(templar.template(trust_as_template(handle.read())))


@pytest.mark.parametrize("seed", range(60))
def test_version_1_keys_equal_the_former_jinja_computation(seed):
    rng = random.Random(seed)
    users, devices, settings, previous = random_account(rng)
    old = render_v1(old_inputs(users, devices, settings, previous))
    users_result, devices_result = new_inputs(users, devices)
    new = build_report(users_result, devices_result, settings, previous, now=old["generated_at"])
    assert new["generated_at"] == old["generated_at"]
    assert {k: v for k, v in new["settings"].items() if k != "fail_on_findings"} == old["settings"]
    assert {kind: new["findings"][kind] for kind in V1_KINDS} == old["findings"]
    assert {kind: new["summary"][kind] for kind in V1_KINDS} == old["summary"]
    extra = new["summary"]["console_users_without_mfa"]
    assert new["totals"] == dict(old["totals"], findings=old["totals"]["findings"] + extra)
