"""Tests of the local IAM endpoint (tests/support/mfaops_endpoint), with real boto3 against the real server."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import botocore.exceptions
import botocore.parsers
import pyotp
import pytest
import zxingcpp
from botocore.config import Config
from PIL import Image

from mfaops_endpoint import Endpoint, is_write
from mfaops_endpoint.client import PACKAGE_PARENT

pytest_plugins = ["mfaops_endpoint.pytest_plugin"]

ACCOUNT = "123456789012"
NO_RETRY = Config(retries={"max_attempts": 1, "mode": "standard"})
CLI = [sys.executable, "-m", "mfaops_endpoint"]
CLI_ENV = dict(os.environ, PYTHONPATH=PACKAGE_PARENT)


def error_of(call, *args, **kwargs) -> tuple[str, int, str]:
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        call(*args, **kwargs)
    response = exc.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Message"]


def codes(seed: str, window_offset: int = 0) -> dict[str, str]:
    """Two consecutive TOTP codes ending at the current window (+offset), away from a window boundary."""
    while time.time() % 30 > 28.5:
        time.sleep(0.2)
    totp, now = pyotp.TOTP(seed), (int(time.time()) // 30 + window_offset) * 30
    return {"AuthenticationCode1": totp.at(now - 30), "AuthenticationCode2": totp.at(now)}


def window_pairs(seed: str, margin: float = 6) -> dict[int, dict[str, str]]:
    """Code pairs by offset (-1, 0, 1) from one window, computed with at least `margin` seconds of it left."""
    while 30 - time.time() % 30 < margin:
        time.sleep(0.2)
    totp, now = pyotp.TOTP(seed), int(time.time()) // 30
    return {offset: {"AuthenticationCode1": totp.at((now + offset - 1) * 30), "AuthenticationCode2": totp.at((now + offset) * 30)}
            for offset in (-1, 0, 1)}


def make_device(iam, name="dev", **kwargs) -> tuple[str, str]:
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name, **kwargs)["VirtualMFADevice"]
    return device["SerialNumber"], device["Base32StringSeed"].decode()


def enable(iam, user, name="dev") -> tuple[str, str]:
    serial, seed = make_device(iam, name)
    iam.enable_mfa_device(UserName=user, SerialNumber=serial, **codes(seed))
    return serial, seed


def all_devices(iam, **kwargs) -> list[dict]:
    pages = iam.get_paginator("list_virtual_mfa_devices").paginate(**kwargs)
    return [d for page in pages for d in page["VirtualMFADevices"]]


# --- CreateVirtualMFADevice ------------------------------------------------------------------


def test_create_returns_seed_and_a_real_qr_png(iam):
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-phone", Path="/team/")["VirtualMFADevice"]
    assert device["SerialNumber"] == f"arn:aws:iam::{ACCOUNT}:mfa/team/alice-phone"
    seed = device["Base32StringSeed"].decode()
    assert len(pyotp.TOTP(seed).byte_secret()) > 0
    png = device["QRCodePNG"]
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    decoded = zxingcpp.read_barcode(Image.open(io.BytesIO(png)))
    assert decoded.text == f"otpauth://totp/alice-phone@{ACCOUNT}?secret={seed}"


@pytest.mark.parametrize("name", ["x" * 227, "bad name", "bad/name", "ü"])
def test_create_rejects_bad_names(iam, name):
    code, status = error_of(iam.create_virtual_mfa_device, VirtualMFADeviceName=name)[:2]
    assert (code, status) == ("ValidationError", 400)


@pytest.mark.parametrize("path", ["team", "/team", "team/", "//", "/a b/", "/" + "a" * 511 + "/", "/ü/"])
def test_create_rejects_bad_paths(iam, path):
    code, status = error_of(iam.create_virtual_mfa_device, VirtualMFADeviceName="d", Path=path)[:2]
    assert (code, status) == ("ValidationError", 400)


def test_create_accepts_limits_and_same_name_elsewhere(iam):
    make_device(iam, "n" * 226)
    make_device(iam, "a+=,.@_-b", Path="/" + "p" * 510 + "/")
    make_device(iam, "same", Path="/one/")
    make_device(iam, "same", Path="/two/")
    assert len(all_devices(iam)) == 4


def test_create_same_path_and_name_conflicts(iam):
    make_device(iam, "dup", Path="/p/")
    assert error_of(iam.create_virtual_mfa_device, VirtualMFADeviceName="dup", Path="/p/")[:2] == ("EntityAlreadyExists", 409)


def test_create_stores_tags(iam):
    serial = make_device(iam, Tags=[{"Key": "owner", "Value": "alice"}, {"Key": "empty", "Value": ""}])[0]
    assert sorted(t["Key"] for t in iam.list_mfa_device_tags(SerialNumber=serial)["Tags"]) == ["empty", "owner"]


@pytest.mark.parametrize("tags, expected", [
    ([{"Key": f"k{i}", "Value": "v"} for i in range(51)], "ValidationError"),
    ([{"Key": "k" * 129, "Value": "v"}], "ValidationError"),
    ([{"Key": "k", "Value": "v" * 257}], "ValidationError"),
    ([{"Key": "k", "Value": "a"}, {"Key": "K", "Value": "b"}], "InvalidInput"),
])
def test_create_rejects_bad_tags_and_creates_nothing(iam, tags, expected):
    assert error_of(iam.create_virtual_mfa_device, VirtualMFADeviceName="d", Tags=tags)[0] == expected
    assert all_devices(iam) == []


# --- ListVirtualMFADevices -------------------------------------------------------------------


def test_list_never_returns_secrets_and_filters_by_assignment(iam):
    iam.create_user(UserName="alice")
    assigned = enable(iam, "alice", "assigned")[0]
    unassigned = make_device(iam, "unassigned")[0]
    everything = all_devices(iam)
    assert {d["SerialNumber"] for d in everything} == {assigned, unassigned}
    for d in everything:
        assert not {"Base32StringSeed", "QRCodePNG", "Tags"} & set(d)
    [entry] = all_devices(iam, AssignmentStatus="Assigned")
    assert entry["SerialNumber"] == assigned and "EnableDate" in entry
    assert set(entry["User"]) == {"UserName", "UserId", "Arn", "Path", "CreateDate"}
    assert entry["User"]["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/alice"
    [entry] = all_devices(iam, AssignmentStatus="Unassigned")
    assert entry == {"SerialNumber": unassigned}
    assert error_of(iam.list_virtual_mfa_devices, AssignmentStatus="Bogus")[:2] == ("ValidationError", 400)


def test_list_pagination(iam):
    serials = {make_device(iam, f"d{i:03}")[0] for i in range(105)}
    first = iam.list_virtual_mfa_devices()
    assert len(first["VirtualMFADevices"]) == 100 and first["IsTruncated"] and first["Marker"]
    seen, marker = [], None
    while True:
        page = iam.list_virtual_mfa_devices(MaxItems=7, **({"Marker": marker} if marker else {}))
        seen += [d["SerialNumber"] for d in page["VirtualMFADevices"]]
        if not page["IsTruncated"]:
            assert "Marker" not in page
            break
        marker = page["Marker"]
    assert len(seen) == len(set(seen)) and set(seen) == serials
    for page_size in (1, 50, 1000):
        assert {d["SerialNumber"] for d in all_devices(iam, PaginationConfig={"PageSize": page_size})} == serials
    assert error_of(iam.list_virtual_mfa_devices, MaxItems=1001)[:2] == ("ValidationError", 400)


# --- EnableMFADevice / ResyncMFADevice -------------------------------------------------------


def test_enable_accepts_consecutive_codes_with_clock_tolerance(iam):
    iam.create_user(UserName="alice")
    for offset in (-1, 0, 1):
        serial, seed = make_device(iam, f"d{offset + 1}")
        iam.enable_mfa_device(UserName="alice", SerialNumber=serial, **codes(seed, offset))
    assert len(iam.list_mfa_devices(UserName="alice")["MFADevices"]) == 3


def test_enable_rejects_wrong_codes(iam):
    iam.create_user(UserName="alice")
    serial, seed = make_device(iam)
    good = codes(seed)
    swapped = {"AuthenticationCode1": good["AuthenticationCode2"], "AuthenticationCode2": good["AuthenticationCode1"]}
    same = {"AuthenticationCode1": good["AuthenticationCode2"], "AuthenticationCode2": good["AuthenticationCode2"]}
    for wrong in (swapped, same, codes(seed, -3), codes(seed, 3), {"AuthenticationCode1": "000000", "AuthenticationCode2": "000000"}):
        if wrong == good:
            continue
        code, status, message = error_of(iam.enable_mfa_device, UserName="alice", SerialNumber=serial, **wrong)
        assert (code, status, message) == ("InvalidAuthenticationCode", 403, "Authentication code for device is not valid.")
    for malformed in ("12345a", "1234567"):
        bad = {"AuthenticationCode1": malformed, "AuthenticationCode2": good["AuthenticationCode2"]}
        assert error_of(iam.enable_mfa_device, UserName="alice", SerialNumber=serial, **bad)[:2] == ("ValidationError", 400)
    assert all_devices(iam, AssignmentStatus="Assigned") == []


def test_enable_error_cases(iam):
    iam.create_user(UserName="alice")
    iam.create_user(UserName="bob")
    serial, seed = make_device(iam)
    ok = codes(seed)
    assert error_of(iam.enable_mfa_device, UserName="nobody", SerialNumber=serial, **ok)[:2] == ("NoSuchEntity", 404)
    assert error_of(iam.enable_mfa_device, UserName="root", SerialNumber=serial, **ok)[:2] == ("NoSuchEntity", 404)
    missing = f"arn:aws:iam::{ACCOUNT}:mfa/missing"
    assert error_of(iam.enable_mfa_device, UserName="alice", SerialNumber=missing, **ok)[:2] == ("NoSuchEntity", 404)
    iam.enable_mfa_device(UserName="alice", SerialNumber=serial, **ok)
    for user in ("alice", "bob"):
        assert error_of(iam.enable_mfa_device, UserName=user, SerialNumber=serial, **codes(seed))[:2] == ("EntityAlreadyExists", 409)


def test_enable_limits_a_user_to_eight_devices(iam):
    iam.create_user(UserName="alice")
    for i in range(8):
        enable(iam, "alice", f"d{i}")
    serial, seed = make_device(iam, "ninth")
    assert error_of(iam.enable_mfa_device, UserName="alice", SerialNumber=serial, **codes(seed))[:2] == ("LimitExceeded", 409)


def test_create_is_not_limited_by_the_users_devices(iam):
    """IAM counts a user's devices when one is enabled for them, not when a device is created (it has no user yet)."""
    iam.create_user(UserName="alice")
    for i in range(8):
        enable(iam, "alice", f"d{i}")
    make_device(iam, "ninth")
    assert len(all_devices(iam, AssignmentStatus="Unassigned")) == 1


def test_resync(iam):
    iam.create_user(UserName="alice")
    iam.create_user(UserName="bob")
    serial, seed = make_device(iam)
    iam.enable_mfa_device(UserName="alice", SerialNumber=serial, **codes(seed, -1))
    iam.resync_mfa_device(UserName="alice", SerialNumber=serial, **codes(seed, 1))  # codes not used by the enable
    wrong = {"AuthenticationCode1": "000000", "AuthenticationCode2": "000000"}
    assert error_of(iam.resync_mfa_device, UserName="alice", SerialNumber=serial, **wrong)[:2] == ("InvalidAuthenticationCode", 403)
    assert error_of(iam.resync_mfa_device, UserName="bob", SerialNumber=serial, **codes(seed))[:2] == ("NoSuchEntity", 404)
    unassigned, seed2 = make_device(iam, "other")
    assert error_of(iam.resync_mfa_device, UserName="alice", SerialNumber=unassigned, **codes(seed2))[:2] == ("NoSuchEntity", 404)


# --- DeactivateMFADevice / DeleteVirtualMFADevice --------------------------------------------


def test_deactivate_and_delete(iam):
    iam.create_user(UserName="alice")
    iam.create_user(UserName="bob")
    serial = enable(iam, "alice")[0]
    code, status, message = error_of(iam.delete_virtual_mfa_device, SerialNumber=serial)
    assert (code, status) == ("DeleteConflict", 409) and message.startswith("MFA VirtualDevice in use. Must deactivate first")
    assert error_of(iam.delete_user, UserName="alice")[:2] == ("DeleteConflict", 409)
    assert error_of(iam.deactivate_mfa_device, UserName="bob", SerialNumber=serial)[:2] == ("NoSuchEntity", 404)
    iam.deactivate_mfa_device(UserName="alice", SerialNumber=serial)
    assert error_of(iam.deactivate_mfa_device, UserName="alice", SerialNumber=serial)[:2] == ("NoSuchEntity", 404)
    assert all_devices(iam, AssignmentStatus="Unassigned") == [{"SerialNumber": serial}]
    iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert error_of(iam.delete_virtual_mfa_device, SerialNumber=serial)[:2] == ("NoSuchEntity", 404)
    iam.delete_user(UserName="alice")


# --- TagMFADevice / UntagMFADevice / ListMFADeviceTags ---------------------------------------


def test_tags_roundtrip_overwrite_and_untag(iam):
    serial = make_device(iam, Tags=[{"Key": "a", "Value": "1"}])[0]
    iam.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "a", "Value": "2"}, {"Key": "b", "Value": ""}])
    assert iam.list_mfa_device_tags(SerialNumber=serial)["Tags"] == [{"Key": "a", "Value": "2"}, {"Key": "b", "Value": ""}]
    iam.untag_mfa_device(SerialNumber=serial, TagKeys=["a", "not-there"])
    assert iam.list_mfa_device_tags(SerialNumber=serial)["Tags"] == [{"Key": "b", "Value": ""}]


def test_tag_limits(iam):
    serial = make_device(iam, Tags=[{"Key": f"k{i:02}", "Value": "v"} for i in range(49)])[0]
    iam.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "k00", "Value": "overwrite"}, {"Key": "k49", "Value": "v"}])
    assert error_of(iam.tag_mfa_device, SerialNumber=serial, Tags=[{"Key": "k50", "Value": "v"}])[:2] == ("LimitExceeded", 409)
    assert error_of(iam.tag_mfa_device, SerialNumber=serial, Tags=[{"Key": "x" * 129, "Value": "v"}])[:2] == ("ValidationError", 400)
    assert error_of(iam.tag_mfa_device, SerialNumber=serial, Tags=[{"Key": "k00", "Value": "v" * 257}])[:2] == ("ValidationError", 400)
    dup = [{"Key": "k00", "Value": "a"}, {"Key": "K00", "Value": "b"}]
    assert error_of(iam.tag_mfa_device, SerialNumber=serial, Tags=dup)[:2] == ("InvalidInput", 400)
    assert error_of(iam.untag_mfa_device, SerialNumber=serial, TagKeys=["x" * 129])[:2] == ("ValidationError", 400)
    assert len(iam.list_mfa_device_tags(SerialNumber=serial)["Tags"]) == 50


def test_tags_on_unknown_device(iam):
    missing = f"arn:aws:iam::{ACCOUNT}:mfa/missing"
    for call, kwargs in ((iam.tag_mfa_device, {"Tags": [{"Key": "a", "Value": "b"}]}),
                         (iam.untag_mfa_device, {"TagKeys": ["a"]}), (iam.list_mfa_device_tags, {})):
        assert error_of(call, SerialNumber=missing, **kwargs)[:2] == ("NoSuchEntity", 404)


def test_list_tags_pagination(iam):
    tags = [{"Key": f"k{i:02}", "Value": str(i)} for i in range(23)]
    serial = make_device(iam, Tags=tags)[0]
    page = iam.list_mfa_device_tags(SerialNumber=serial, MaxItems=10)
    assert len(page["Tags"]) == 10 and page["IsTruncated"]
    pages = iam.get_paginator("list_mfa_device_tags").paginate(SerialNumber=serial, PaginationConfig={"PageSize": 4})
    assert [t for p in pages for t in p["Tags"]] == tags


# --- IAM facts the endpoint models (shared/IAM-FACTS.md) -------------------------------------


def test_create_names_are_unique_regardless_of_case(iam):
    serial = make_device(iam, "Alice-Phone", Path="/Team/")[0]
    for name, path in (("alice-phone", "/team/"), ("ALICE-PHONE", "/Team/"), ("Alice-Phone", "/TEAM/")):
        code, status, message = error_of(iam.create_virtual_mfa_device, VirtualMFADeviceName=name, Path=path)
        assert (code, status) == ("EntityAlreadyExists", 409) and "same path and name" in message
    make_device(iam, "alice-phone", Path="/other/")  # same name under another path: allowed
    make_device(iam, "alice-phone")
    iam.delete_virtual_mfa_device(SerialNumber=serial)
    make_device(iam, "ALICE-PHONE", Path="/team/")  # the clash is gone with the device
    assert len(all_devices(iam)) == 3


def test_tag_limit_holds_at_create_and_across_calls(iam):
    fifty = [{"Key": f"k{i:02}", "Value": "v"} for i in range(50)]
    full = make_device(iam, "full", Tags=fifty)[0]
    assert error_of(iam.tag_mfa_device, SerialNumber=full, Tags=[{"Key": "new", "Value": "v"}])[:2] == ("LimitExceeded", 409)
    iam.tag_mfa_device(SerialNumber=full, Tags=[{"Key": "K07", "Value": "case"}])  # keys are case-insensitive: a replace
    tags = iam.list_mfa_device_tags(SerialNumber=full)["Tags"]
    assert len(tags) == 50 and {"Key": "K07", "Value": "case"} in tags and "k07" not in {t["Key"] for t in tags}
    iam.untag_mfa_device(SerialNumber=full, TagKeys=["k07"])
    assert len(iam.list_mfa_device_tags(SerialNumber=full)["Tags"]) == 49
    half = make_device(iam, "half", Tags=fifty[:30])[0]
    more = [{"Key": f"m{i:02}", "Value": "v"} for i in range(21)]
    assert error_of(iam.tag_mfa_device, SerialNumber=half, Tags=more)[:2] == ("LimitExceeded", 409)
    assert len(iam.list_mfa_device_tags(SerialNumber=half)["Tags"]) == 30  # nothing of the refused call applied
    iam.tag_mfa_device(SerialNumber=half, Tags=more[:20])
    assert len(iam.list_mfa_device_tags(SerialNumber=half, MaxItems=100)["Tags"]) == 50
    assert error_of(iam.create_virtual_mfa_device, VirtualMFADeviceName="over", Tags=fifty + more[:1])[:2] == ("ValidationError", 400)
    assert error_of(iam.tag_mfa_device, SerialNumber=half, Tags=fifty + more[:1])[:2] == ("ValidationError", 400)


def test_codes_are_accepted_once_per_device(iam):
    iam.create_user(UserName="alice")
    serial, seed = make_device(iam)
    denied = ("InvalidAuthenticationCode", 403)
    pairs = window_pairs(seed)  # every call below happens in the same window, now
    earlier = pairs[-1]  # windows (now-2, now-1)
    iam.enable_mfa_device(UserName="alice", SerialNumber=serial, **earlier)
    assert error_of(iam.resync_mfa_device, UserName="alice", SerialNumber=serial, **earlier)[:2] == denied
    overlapping = pairs[0]  # (now-1, now): now-1 was spent by the enable
    assert error_of(iam.resync_mfa_device, UserName="alice", SerialNumber=serial, **overlapping)[:2] == denied
    later = pairs[1]  # (now, now+1): fresh
    iam.resync_mfa_device(UserName="alice", SerialNumber=serial, **later)
    assert error_of(iam.resync_mfa_device, UserName="alice", SerialNumber=serial, **later)[:2] == denied
    iam.deactivate_mfa_device(UserName="alice", SerialNumber=serial)
    for used in (earlier, overlapping, later):  # spent windows stay spent after deactivation
        assert error_of(iam.enable_mfa_device, UserName="alice", SerialNumber=serial, **used)[:2] == denied
    assert all_devices(iam, AssignmentStatus="Assigned") == []
    other, other_seed = make_device(iam, "other")  # windows are spent per device
    iam.enable_mfa_device(UserName="alice", SerialNumber=other, **codes(other_seed))


def test_list_mfa_devices_lists_every_kind(endpoint, iam):
    iam.create_user(UserName="alice")
    virtual = enable(iam, "alice")[0]
    hardware = endpoint.add_user_mfa_device("alice", "hardware")
    named = endpoint.add_user_mfa_device("alice", "hardware", serial="GAHT12345678")
    fido = endpoint.add_user_mfa_device("alice", "fido")
    assert named == "GAHT12345678" and not hardware.startswith("arn:") and len(hardware) >= 9
    assert fido.startswith(f"arn:aws:iam::{ACCOUNT}:u2f/user/alice/") and len(fido) > len(f"arn:aws:iam::{ACCOUNT}:u2f/user/alice/")
    listed = iam.list_mfa_devices(UserName="alice")["MFADevices"]
    assert {d["SerialNumber"] for d in listed} == {virtual, hardware, named, fido}
    assert all(d["UserName"] == "alice" and "EnableDate" in d for d in listed)
    assert [d["SerialNumber"] for d in all_devices(iam)] == [virtual]  # ListVirtualMFADevices: virtual ones only


def test_other_devices_count_toward_the_limit_and_block_delete_user(endpoint, iam):
    iam.create_user(UserName="alice")
    others = [endpoint.add_user_mfa_device("alice", "hardware" if i % 2 else "fido") for i in range(7)]
    virtual = enable(iam, "alice", "eighth")[0]
    ninth, seed = make_device(iam, "ninth")
    assert error_of(iam.enable_mfa_device, UserName="alice", SerialNumber=ninth, **codes(seed))[:2] == ("LimitExceeded", 409)
    with pytest.raises(RuntimeError, match="409.*LimitExceeded"):
        endpoint.add_user_mfa_device("alice", "hardware")
    assert error_of(iam.delete_user, UserName="alice")[:2] == ("DeleteConflict", 409)
    for serial in others:
        iam.deactivate_mfa_device(UserName="alice", SerialNumber=serial)
    assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName="alice")["MFADevices"]] == [virtual]
    assert error_of(iam.deactivate_mfa_device, UserName="alice", SerialNumber=others[0])[:2] == ("NoSuchEntity", 404)
    iam.enable_mfa_device(UserName="alice", SerialNumber=ninth, **codes(seed))
    assert error_of(iam.delete_user, UserName="alice")[:2] == ("DeleteConflict", 409)
    for serial in (virtual, ninth):
        iam.deactivate_mfa_device(UserName="alice", SerialNumber=serial)
    iam.delete_user(UserName="alice")


def test_mfa_devices_control_errors(endpoint, iam):
    iam.create_user(UserName="alice")
    iam.create_user(UserName="bob")
    endpoint.add_user_mfa_device("alice", "hardware", serial="GAHT00000001")
    for body, status in (
        ({"user": "nobody", "kind": "hardware"}, "404"),
        ({"user": "alice", "kind": "virtual"}, "400"),
        ({"user": "alice", "kind": "hardware", "serial": "arn:aws:iam::123456789012:mfa/x"}, "400"),
        ({"user": "alice", "kind": "hardware", "serial": "short"}, "400"),
        ({"user": "alice", "kind": "fido", "serial": f"arn:aws:iam::{ACCOUNT}:u2f/user/bob/key"}, "400"),
        ({"user": "bob", "kind": "hardware", "serial": "GAHT00000001"}, "409"),  # held by alice
        ({"user": "alice", "kind": "hardware", "account": "12345"}, "400"),
    ):
        with pytest.raises(RuntimeError, match=f": {status} "):
            endpoint.add_user_mfa_device(**body)
    assert endpoint.add_user_mfa_device("bob", "fido", serial=f"arn:aws:iam::{ACCOUNT}:u2f/user/bob/key").endswith("/bob/key")


# --- root MFA ---------------------------------------------------------------------------------


def summary_mfa(iam) -> int:
    return iam.get_account_summary()["SummaryMap"]["AccountMFAEnabled"]


def test_root_virtual_mfa_is_listed_as_assigned_to_root(endpoint, iam):
    assert summary_mfa(iam) == 0
    serial = endpoint.set_root_mfa("virtual")
    assert serial == f"arn:aws:iam::{ACCOUNT}:mfa/root-account-mfa-device" and summary_mfa(iam) == 1
    [entry] = all_devices(iam, AssignmentStatus="Assigned")
    assert entry["SerialNumber"] == serial and "EnableDate" in entry
    # IAM leaves UserName out for the root user (it has none), although botocore's shape calls it required.
    assert set(entry["User"]) == {"Path", "UserId", "Arn", "CreateDate"}
    assert (entry["User"]["Arn"], entry["User"]["UserId"], entry["User"]["Path"]) == (f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT, "/")
    assert all_devices(iam, AssignmentStatus="Unassigned") == []
    seed = endpoint.seeds()[serial]
    iam.create_user(UserName="alice")
    assert error_of(iam.enable_mfa_device, UserName="alice", SerialNumber=serial, **codes(seed))[:2] == ("EntityAlreadyExists", 409)
    assert error_of(iam.delete_virtual_mfa_device, SerialNumber=serial)[:2] == ("DeleteConflict", 409)
    assert error_of(iam.deactivate_mfa_device, UserName="root", SerialNumber=serial)[:2] == ("NoSuchEntity", 404)


def test_root_mfa_kinds_replace_each_other(endpoint, iam):
    make_device(iam, "taken")
    custom = endpoint.set_root_mfa("virtual", name="ops-root-key")
    assert [d["SerialNumber"] for d in all_devices(iam, AssignmentStatus="Assigned")] == [custom]
    with pytest.raises(RuntimeError, match="409.*EntityAlreadyExists"):
        endpoint.set_root_mfa("virtual", name="TAKEN")
    assert [d["SerialNumber"] for d in all_devices(iam, AssignmentStatus="Assigned")] == [custom]  # kept
    assert endpoint.set_root_mfa("hardware") is None
    assert summary_mfa(iam) == 1 and [d["SerialNumber"] for d in all_devices(iam)] == [f"arn:aws:iam::{ACCOUNT}:mfa/taken"]
    assert endpoint.set_root_mfa("none") is None and summary_mfa(iam) == 0
    endpoint.set_root_mfa("virtual")
    assert endpoint.set_root_mfa("none") is None and summary_mfa(iam) == 0 and len(all_devices(iam)) == 1
    for bad in ({"kind": "sms"}, {"kind": "hardware", "name": "x"}, {"kind": "virtual", "name": "bad name"}):
        with pytest.raises(RuntimeError, match=": 400 "):
            endpoint.set_root_mfa(**bad)
    endpoint.set_root_mfa("hardware")
    endpoint.reset()
    assert summary_mfa(iam) == 0


# --- console access and the credential report ------------------------------------------------


def credential_report(iam) -> dict[str, dict]:
    iam.generate_credential_report()
    report = iam.get_credential_report()
    assert report["ReportFormat"] == "text/csv"
    assert abs(report["GeneratedTime"].timestamp() - time.time()) < 300
    rows = list(csv.DictReader(io.StringIO(report["Content"].decode())))
    assert rows[0]["user"] == "<root_account>"
    return {row["user"]: row for row in rows}


def test_login_profile(iam):
    iam.create_user(UserName="alice")
    assert error_of(iam.get_login_profile, UserName="alice")[:2] == ("NoSuchEntity", 404)
    iam.create_login_profile(UserName="alice", Password="Correct-Horse-9")
    assert iam.get_login_profile(UserName="alice")["LoginProfile"]["UserName"] == "alice"
    iam.delete_login_profile(UserName="alice")
    assert error_of(iam.get_login_profile, UserName="alice")[:2] == ("NoSuchEntity", 404)


def test_credential_report_password_and_mfa(endpoint, iam):
    assert error_of(iam.get_credential_report)[0] == "ReportNotPresent"
    for name in ("virtual", "hardware", "fido", "nomfa", "nothing"):
        iam.create_user(UserName=name)
    for name in ("virtual", "nomfa"):
        iam.create_login_profile(UserName=name, Password="Correct-Horse-9")
    enable(iam, "virtual")
    endpoint.add_user_mfa_device("hardware", "hardware")
    endpoint.add_user_mfa_device("fido", "fido")
    rows = credential_report(iam)
    assert set(rows) == {"<root_account>", "virtual", "hardware", "fido", "nomfa", "nothing"}
    assert {n: (r["password_enabled"], r["mfa_active"]) for n, r in rows.items() if n != "<root_account>"} == {
        "virtual": ("true", "true"), "hardware": ("false", "true"), "fido": ("false", "true"),
        "nomfa": ("true", "false"), "nothing": ("false", "false"),
    }
    nothing = rows["nothing"]
    assert (nothing["password_last_used"], nothing["password_last_changed"], nothing["password_next_rotation"]) == ("N/A",) * 3
    root = rows["<root_account>"]
    assert root["arn"] == f"arn:aws:iam::{ACCOUNT}:root" and root["password_enabled"] == "not_supported"
    assert root["mfa_active"] == "false" and root["access_key_1_active"] == "false"
    for kind, active in (("hardware", "true"), ("none", "false"), ("virtual", "true")):
        endpoint.set_root_mfa(kind)
        assert credential_report(iam)["<root_account>"]["mfa_active"] == active


# --- several accounts: Organizations, AssumeRole ----------------------------------------------


def test_organizations_calls_through_the_endpoint(endpoint):
    org = endpoint.create_organization(accounts=3, ou_names=("Security", "Workloads"))
    orgs = endpoint.boto3_client("organizations")
    assert orgs.describe_organization()["Organization"]["Id"] == org["id"]
    assert [r["Id"] for r in orgs.list_roots()["Roots"]] == [org["root_id"]]
    listed = {a["Id"] for a in orgs.list_accounts()["Accounts"]}
    assert listed == {ACCOUNT} | {a["id"] for a in org["accounts"]}
    assert [a["ou"] for a in org["accounts"]] == ["Security", "Workloads", "Security"]
    first = org["accounts"][0]["id"]
    assert orgs.list_parents(ChildId=first)["Parents"] == [{"Id": org["ous"]["Security"], "Type": "ORGANIZATIONAL_UNIT"}]
    ou = orgs.create_organizational_unit(ParentId=org["root_id"], Name="Sandbox")["OrganizationalUnit"]["Id"]
    orgs.move_account(AccountId=first, SourceParentId=org["ous"]["Security"], DestinationParentId=ou)
    assert {a["Id"] for a in orgs.list_accounts_for_parent(ParentId=ou)["Accounts"]} == {first}
    orgs.tag_resource(ResourceId=first, Tags=[{"Key": "owner", "Value": "security"}])
    assert orgs.list_tags_for_resource(ResourceId=first)["Tags"] == [{"Key": "owner", "Value": "security"}]
    endpoint.reset()  # every account's state goes
    assert error_of(orgs.describe_organization)[0] == "AWSOrganizationsNotInUseException"
    with pytest.raises(botocore.exceptions.ClientError, match="AccessDenied"):
        endpoint.assumed_client(first)


def test_organizations_takes_every_name_it_allows_and_refuses_the_others(endpoint):
    """Account names: 1-50 printable ASCII characters ({{ }}, /, .., twins included); OU names: 1-128 characters of
    any kind, unique among the OU's siblings only (moto refused a name any OU held, and took sibling twins)."""
    printable = "".join(chr(code) for code in range(0x20, 0x7F))
    names = [printable[:50], printable[50:], "{{lookup('pipe','touch pwn')}}", "../escape", "victim/.", "..",
             "dup", "dup"]
    org = endpoint.create_organization(names=names, ou_names=())
    orgs = endpoint.boto3_client("organizations", config=NO_RETRY)
    for account, name in zip(org["accounts"], names):
        assert account["name"] == orgs.describe_account(AccountId=account["id"])["Account"]["Name"] == name
    assert sorted(a["Name"] for a in orgs.list_accounts()["Accounts"]) == sorted(names + ["master"])
    for bad, reason in (("x" * 51, "MAX_LENGTH_EXCEEDED"), ("caf\u00e9", "INVALID_PATTERN"),
                        ("tab\there", "INVALID_PATTERN")):
        code, status, message = error_of(orgs.create_account, AccountName=bad, Email="bad@example.com")
        assert (code, status) == ("InvalidInputException", 400) and reason in message

    def ou(parent, name):
        return orgs.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]

    def name_of(ou_id):
        return orgs.describe_organizational_unit(OrganizationalUnitId=ou_id)["OrganizationalUnit"]["Name"]

    def rename(ou_id, name):
        return orgs.update_organizational_unit(OrganizationalUnitId=ou_id, Name=name)["OrganizationalUnit"]["Name"]

    root = org["root_id"]
    prod = ou(root, "Prod")
    web = ou(prod, "Web")
    for name in ("Prod/Web", "..", "{{ x }}", "x" * 128, "\u65e5\u672c \t", "prod"):
        assert name_of(ou(root, name)) == name
    legacy = ou(root, "Legacy")
    # a name another parent's OU holds is free here, for a rename as for a creation
    assert rename(legacy, "Web") == "Web"
    assert error_of(ou, root, "Web")[0] == "DuplicateOrganizationalUnitException"
    assert error_of(ou, prod, "Web")[0] == "DuplicateOrganizationalUnitException"
    ou(prod, "Api")
    assert error_of(rename, web, "Api")[0] == "DuplicateOrganizationalUnitException"
    assert rename(web, "Web2") == "Web2"
    code, status, message = error_of(ou, root, "x" * 129)
    assert (code, status) == ("InvalidInputException", 400) and "MAX_LENGTH_EXCEEDED" in message
    children = orgs.list_organizational_units_for_parent(ParentId=prod)["OrganizationalUnits"]
    assert sorted(child["Name"] for child in children) == ["Api", "Web2"]


def test_assumed_role_acts_in_the_other_account(endpoint, iam):
    org = endpoint.create_organization(accounts=2, ou_names=())
    member = org["accounts"][1]["id"]
    assert all(a["ou"] is None for a in org["accounts"])
    endpoint.clear_requests()
    member_iam = endpoint.assumed_client(member)
    assert endpoint.assumed_client(member, "sts").get_caller_identity()["Account"] == member
    member_iam.create_user(UserName="alice")
    serial, seed = make_device(member_iam, "alice")
    assert serial == f"arn:aws:iam::{member}:mfa/alice"
    member_iam.enable_mfa_device(UserName="alice", SerialNumber=serial, **codes(seed))
    [entry] = all_devices(member_iam)
    assert entry["User"]["Arn"] == f"arn:aws:iam::{member}:user/alice"
    assert all_devices(iam) == [] and error_of(iam.get_user, UserName="alice")[0] == "NoSuchEntity"
    endpoint.add_user_mfa_device("alice", "hardware", account=member)
    assert len(member_iam.list_mfa_devices(UserName="alice")["MFADevices"]) == 2
    endpoint.set_root_mfa("hardware", account=member)
    assert summary_mfa(member_iam) == 1 and summary_mfa(iam) == 0
    iam.list_virtual_mfa_devices()
    log = endpoint.requests()
    assert [(e["action"], e["account"]) for e in log] == [
        ("CreateUser", member), ("CreateVirtualMFADevice", member), ("EnableMFADevice", member),
        ("ListVirtualMFADevices", member), ("ListVirtualMFADevices", ACCOUNT), ("GetUser", ACCOUNT),
        ("ListMFADevices", member), ("GetAccountSummary", member), ("GetAccountSummary", ACCOUNT),
        ("ListVirtualMFADevices", ACCOUNT),
    ]


def test_assume_role_of_a_missing_role_is_denied(endpoint, iam):
    org = endpoint.create_organization(accounts=1, ou_names=())
    member = org["accounts"][0]["id"]
    sts = endpoint.boto3_client("sts", config=NO_RETRY)
    for arn in (f"arn:aws:iam::{member}:role/Missing", f"arn:aws:iam::{ACCOUNT}:role/OrganizationAccountAccessRole",
                "arn:aws:iam::210987654321:role/OrganizationAccountAccessRole"):
        code, status, message = error_of(sts.assume_role, RoleArn=arn, RoleSessionName="audit")
        assert (code, status) == ("AccessDenied", 403) and message.endswith(f"not authorized to perform: sts:AssumeRole on resource: {arn}")
    iam.create_role(RoleName="Auditor", Path="/audit/", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))
    assert error_of(sts.assume_role, RoleArn=f"arn:aws:iam::{ACCOUNT}:role/Auditor", RoleSessionName="audit")[0] == "AccessDenied"
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/audit/Auditor", RoleSessionName="audit")["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    for bad in ("arn:aws:s3:::not-a-role-bucket", f"arn:aws:iam::{ACCOUNT}:user/OrganizationAccountAccessRole"):
        assert error_of(sts.assume_role, RoleArn=bad, RoleSessionName="audit") == ("ValidationError", 400, "Request ARN is invalid")


def test_organization_of_twenty_accounts_each_with_the_access_role(endpoint):
    started = time.monotonic()
    org = endpoint.create_organization()
    assert len(org["accounts"]) == 20 and len({a["id"] for a in org["accounts"]}) == 20
    assert {a["ou"] for a in org["accounts"]} == {"Production", "Development"}
    for account in org["accounts"]:
        role = endpoint.assumed_client(account["id"]).get_role(RoleName="OrganizationAccountAccessRole")["Role"]
        assert role["Arn"] == f"arn:aws:iam::{account['id']}:role/OrganizationAccountAccessRole"
    assert time.monotonic() - started < 60


# --- concurrency -----------------------------------------------------------------------------


def test_concurrent_requests(endpoint, iam):
    def work(i):
        client = endpoint.boto3_client("iam")
        serial = make_device(client, f"c{i}")[0]
        client.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "i", "Value": str(i)}])
        client.list_virtual_mfa_devices(MaxItems=5)
        return serial

    with ThreadPoolExecutor(16) as pool:
        serials = list(pool.map(work, range(48)))
    assert len(set(serials)) == 48 and len(all_devices(iam)) == 48
    assert len(endpoint.requests("CreateVirtualMFADevice")) == 48


# --- faults ----------------------------------------------------------------------------------


def test_latency(endpoint, iam):
    endpoint.set_faults(latency_ms=300)
    started = time.monotonic()
    iam.list_virtual_mfa_devices()
    assert time.monotonic() - started >= 0.3


def test_throttle_answers_without_executing(endpoint):
    iam = endpoint.boto3_client("iam", config=NO_RETRY)
    endpoint.set_faults(throttle_fraction=1.0)
    assert error_of(iam.create_virtual_mfa_device, VirtualMFADeviceName="d") == ("Throttling", 400, "Rate exceeded")
    assert endpoint.requests()[-1]["status"] == 400
    endpoint.set_faults(throttle_fraction=0.0)
    assert all_devices(iam) == []


def test_fault_actions_limit_throttling(endpoint):
    iam = endpoint.boto3_client("iam", config=NO_RETRY)
    endpoint.set_faults(throttle_fraction=1.0, fault_actions=["CreateVirtualMFADevice"])
    iam.list_virtual_mfa_devices()
    assert error_of(iam.create_virtual_mfa_device, VirtualMFADeviceName="d")[0] == "Throttling"


def test_random_seed_makes_fractions_reproducible(endpoint):
    iam = endpoint.boto3_client("iam", config=NO_RETRY)

    def outcomes():
        endpoint.set_faults(throttle_fraction=0.5, random_seed=42)
        result = []
        for _attempt in range(20):
            try:
                iam.list_virtual_mfa_devices()
                result.append("ok")
            except botocore.exceptions.ClientError:
                result.append("throttled")
        return result

    first = outcomes()
    assert first == outcomes() and {"ok", "throttled"} == set(first)


def test_drop_closes_the_connection_without_executing(endpoint):
    iam = endpoint.boto3_client("iam", config=NO_RETRY)
    endpoint.set_faults(drop_fraction=1.0)
    with pytest.raises(botocore.exceptions.ConnectionClosedError):
        iam.create_virtual_mfa_device(VirtualMFADeviceName="d")
    assert endpoint.requests()[-1]["status"] == "dropped"
    endpoint.set_faults(drop_fraction=0.0)
    assert all_devices(iam) == []


def test_create_lag(endpoint, iam):
    iam.create_user(UserName="alice")
    endpoint.set_faults(create_lag_seconds=1.5)
    serial, seed = make_device(iam)
    for call, kwargs in ((iam.enable_mfa_device, dict(UserName="alice", **codes(seed))),
                         (iam.tag_mfa_device, {"Tags": [{"Key": "a", "Value": "b"}]}),
                         (iam.untag_mfa_device, {"TagKeys": ["a"]}), (iam.list_mfa_device_tags, {}),
                         (iam.deactivate_mfa_device, {"UserName": "alice"}),
                         (iam.resync_mfa_device, dict(UserName="alice", **codes(seed)))):
        assert error_of(call, SerialNumber=serial, **kwargs)[:2] == ("NoSuchEntity", 404)
    assert len(all_devices(iam)) == 1  # listing is not affected
    time.sleep(1.6)
    iam.enable_mfa_device(UserName="alice", SerialNumber=serial, **codes(seed))


def test_pause_after_holds_the_response_of_an_executed_call(endpoint, iam):
    endpoint.set_faults(pause_after={"action": "CreateVirtualMFADevice", "seconds": 60})
    script = ("import boto3; boto3.client('iam', endpoint_url=%r, region_name='us-east-1', aws_access_key_id='x',"
              " aws_secret_access_key='x').create_virtual_mfa_device(VirtualMFADeviceName='held')" % endpoint.url)
    client = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 30
        while not endpoint.requests("CreateVirtualMFADevice") and time.monotonic() < deadline:
            time.sleep(0.05)
        [entry] = endpoint.requests("CreateVirtualMFADevice")
        assert entry["status"] == 200 and client.poll() is None
        iam.list_virtual_mfa_devices()  # other calls are not held
    finally:
        client.send_signal(signal.SIGKILL)
        client.wait()
    serial = f"arn:aws:iam::{ACCOUNT}:mfa/held"
    assert [d["SerialNumber"] for d in all_devices(iam)] == [serial] and serial in endpoint.seeds()
    endpoint.set_faults(pause_after=None)


def test_clearing_pause_after_releases_held_responses(endpoint, iam):
    endpoint.set_faults(pause_after={"action": "CreateVirtualMFADevice", "seconds": 60})
    done = threading.Event()
    threading.Thread(target=lambda: (make_device(endpoint.boto3_client("iam")), done.set()), daemon=True).start()
    assert not done.wait(1.0)
    endpoint.set_faults(pause_after=None)
    assert done.wait(10)


def test_garbage_html_500_is_unparseable_and_executes_nothing(endpoint, iam):
    endpoint.set_faults(garbage={"actions": ["CreateVirtualMFADevice", "ListMFADeviceTags"], "answer": "html_500"})
    with pytest.raises(botocore.parsers.ResponseParserError):
        iam.create_virtual_mfa_device(VirtualMFADeviceName="d")
    with pytest.raises(botocore.parsers.ResponseParserError):
        iam.list_mfa_device_tags(SerialNumber=f"arn:aws:iam::{ACCOUNT}:mfa/d")
    assert [(r["action"], r["status"]) for r in endpoint.requests()] == [
        ("CreateVirtualMFADevice", 500), ("ListMFADeviceTags", 500)]  # answered once each: botocore does not retry
    assert all_devices(iam) == []  # other actions answer as usual; the create was not executed


def test_garbage_truncated_executes_the_call_and_cuts_its_answer(endpoint, iam):
    endpoint.set_faults(garbage={"actions": ["CreateVirtualMFADevice"], "answer": "truncated"})
    with pytest.raises(botocore.parsers.ResponseParserError):
        iam.create_virtual_mfa_device(VirtualMFADeviceName="d")
    assert [d["SerialNumber"] for d in all_devices(iam)] == [f"arn:aws:iam::{ACCOUNT}:mfa/d"]


def test_garbage_after_lets_the_first_calls_through(endpoint, iam):
    endpoint.set_faults(garbage={"actions": ["ListVirtualMFADevices"], "answer": "html_500", "after": 2})
    iam.list_virtual_mfa_devices()
    iam.list_virtual_mfa_devices()
    with pytest.raises(botocore.parsers.ResponseParserError):
        iam.list_virtual_mfa_devices()
    endpoint.set_faults(garbage={"actions": ["ListVirtualMFADevices"], "answer": "html_500", "after": 1})  # counts anew
    iam.list_virtual_mfa_devices()
    endpoint.set_faults(garbage=None)
    iam.list_virtual_mfa_devices()


@pytest.mark.parametrize("bad", [
    {"actions": "ListMFADeviceTags"}, {"actions": []}, {"actions": ["X"], "answer": "teapot"},
    {"actions": ["X"], "after": -1}, {"actions": ["X"], "after": True}, {"actions": ["X"], "other": 1}, ["X"],
])
def test_bad_garbage_settings_are_refused(endpoint, bad):
    with pytest.raises(RuntimeError, match="400.*garbage must be"):
        endpoint.set_faults(garbage=bad)
    assert endpoint.faults()["garbage"] is None


def test_faults_never_apply_to_the_control_api(endpoint):
    endpoint.set_faults(drop_fraction=1.0, throttle_fraction=1.0, latency_ms=2000)
    started = time.monotonic()
    assert endpoint.requests() == [] and endpoint.faults()["drop_fraction"] == 1.0
    assert time.monotonic() - started < 1.5


def test_bad_fault_settings_are_refused(endpoint):
    for bad in ({"throttle_fraction": 2}, {"nonsense": 1}, {"pause_after": {"seconds": 3}}, {"latency_ms": -1}):
        with pytest.raises(RuntimeError, match="400"):
            endpoint.set_faults(**bad)
    assert endpoint.faults()["throttle_fraction"] == 0.0


def test_faults_set_at_start():
    with Endpoint(latency_ms=5, throttle_fraction=1.0, create_lag_seconds=2, drop_fraction=0.25, random_seed=7) as ep:
        faults = ep.faults()
        assert (faults["latency_ms"], faults["throttle_fraction"], faults["create_lag_seconds"]) == (5, 1.0, 2)
        assert (faults["drop_fraction"], faults["random_seed"]) == (0.25, 7)
        assert error_of(ep.boto3_client("iam", config=NO_RETRY).list_virtual_mfa_devices)[0] == "Throttling"


# --- request log, control API ----------------------------------------------------------------


def test_request_log(endpoint, iam):
    iam.create_user(UserName="alice")
    serial, seed = make_device(iam, Tags=[{"Key": "k", "Value": "a b&c"}])
    iam.enable_mfa_device(UserName="alice", SerialNumber=serial, **codes(seed))
    error_of(iam.delete_virtual_mfa_device, SerialNumber=serial)
    iam.list_virtual_mfa_devices()
    log = endpoint.requests()
    assert [e["action"] for e in log] == ["CreateUser", "CreateVirtualMFADevice", "EnableMFADevice",
                                          "DeleteVirtualMFADevice", "ListVirtualMFADevices"]
    assert [e["status"] for e in log] == [200, 200, 200, 409, 200]
    assert log[1]["params"]["Tags.member.1.Value"] == "a b&c"
    assert log[2]["params"] == {"UserName": "alice", "SerialNumber": serial}
    assert all(isinstance(e["time"], float) for e in log)
    assert {e["account"] for e in log} == {ACCOUNT}
    assert [e["action"] for e in endpoint.write_requests()] == [e["action"] for e in log[:4]]
    assert [e["action"] for e in endpoint.requests("EnableMFADevice")] == ["EnableMFADevice"]
    endpoint.clear_requests()
    assert endpoint.requests() == []


def test_is_write():
    assert not is_write("ListVirtualMFADevices") and not is_write("GetUser") and not is_write("ListMFADeviceTags")
    assert all(is_write(a) for a in ("CreateVirtualMFADevice", "EnableMFADevice", "TagMFADevice", "DeleteVirtualMFADevice"))


def test_reset_and_seeds(endpoint, iam):
    serial, seed = make_device(iam)
    endpoint.set_faults(latency_ms=1)
    assert endpoint.seeds()[serial] == seed
    endpoint.reset()
    assert all_devices(iam) == [] and endpoint.faults()["latency_ms"] == 0
    assert [e["action"] for e in endpoint.requests()] == ["ListVirtualMFADevices"]
    assert endpoint.seeds()[serial] == seed  # seeds of every device ever created survive resets


def test_control_api_over_plain_http(endpoint):
    with urllib.request.urlopen(f"{endpoint.url}/_mfaops/health") as resp:
        assert json.load(resp)["status"] == "ok"
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(f"{endpoint.url}/_mfaops/nothing")
    assert exc.value.code == 404


def test_pytest_plugin_environment_and_reset(iam):
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing" and os.environ["AWS_DEFAULT_REGION"] == "us-east-1"
    assert os.environ["AWS_CONFIG_FILE"] == os.devnull and "AWS_PROFILE" not in os.environ
    assert all_devices(iam) == []  # earlier tests created devices: the `endpoint` fixture reset them


# --- CLI and process lifecycle ---------------------------------------------------------------


def _gone(pid: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except OSError:
            return True
        time.sleep(0.05)
    return False


def test_cli_start_and_stop(tmp_path):
    state = tmp_path / "state"
    out = subprocess.run([*CLI, "start", "--state-dir", str(state), "--latency-ms", "3"],
                         env=CLI_ENV, capture_output=True, text=True, timeout=90, check=True)
    url = out.stdout.strip()
    pid = int((state / "endpoint.pid").read_text())
    try:
        assert url.startswith("http://127.0.0.1:") and (state / "endpoint.url").read_text().strip() == url
        with urllib.request.urlopen(f"{url}/_mfaops/faults") as resp:
            assert json.load(resp)["latency_ms"] == 3
        again = subprocess.run([*CLI, "start", "--state-dir", str(state)], env=CLI_ENV, capture_output=True, text=True,
                               timeout=90, check=True)
        assert again.stdout.strip() == url  # already running: reused
    finally:
        subprocess.run([*CLI, "stop", "--state-dir", str(state)], env=CLI_ENV, timeout=60, check=True)
    assert _gone(pid)
    assert not (state / "endpoint.pid").exists() and not (state / "endpoint.url").exists()


def test_cli_start_on_a_given_port_and_an_organization_on_it(tmp_path):
    """What the docs tell a user: start on a fixed port, build an organization there, stop."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    state = tmp_path / "state"
    out = subprocess.run([*CLI, "start", "--state-dir", str(state), "--port", str(port)],
                         env=CLI_ENV, capture_output=True, text=True, timeout=90, check=True)
    url = out.stdout.strip()
    try:
        assert url == f"http://127.0.0.1:{port}"
        made = subprocess.run([*CLI, "organization", "--url", url, "--accounts", "3"],
                              env=CLI_ENV, capture_output=True, text=True, timeout=90, check=True)
        org = json.loads(made.stdout)
        assert set(org["ous"]) == {"Production", "Development"}
        assert [(a["name"], a["ou"]) for a in org["accounts"]] == [
            ("member-000", "Production"), ("member-001", "Development"), ("member-002", "Production")]
        twice = subprocess.run([*CLI, "organization", "--url", url], env=CLI_ENV, capture_output=True, text=True,
                               timeout=90, check=False)
        assert twice.returncode == 1 and "AlreadyInOrganizationException" in twice.stderr
    finally:
        subprocess.run([*CLI, "stop", "--state-dir", str(state)], env=CLI_ENV, timeout=60, check=True)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_exits_cleanly_on_signal(tmp_path, sig):
    port_file = tmp_path / "port"
    proc = subprocess.Popen([*CLI, "serve", "--port-file", str(port_file)], env=CLI_ENV, stdout=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        assert url == f"http://127.0.0.1:{port_file.read_text().strip()}"
        proc.send_signal(sig)
        assert proc.wait(timeout=15) == 0
    finally:
        proc.kill()
        proc.wait()


def test_serve_refuses_other_hosts():
    result = subprocess.run([*CLI, "serve", "--host", "0.0.0.0"], env=CLI_ENV, capture_output=True, timeout=60, check=False)
    assert result.returncode != 0


def test_endpoint_server_dies_with_a_killed_parent(tmp_path):
    script = ("import sys, time; sys.path.insert(0, %r); from mfaops_endpoint import Endpoint\n"
              "ep = Endpoint().start(); print(ep._proc.pid, flush=True); time.sleep(120)" % PACKAGE_PARENT)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        server_pid = int(parent.stdout.readline())
    finally:
        parent.kill()
        parent.wait()
    assert _gone(server_pid, timeout=15)


def test_list_service_specific_credentials_answers_for_amazon_aws_iam_user(iam):
    iam.create_user(UserName="svc")
    assert iam.list_service_specific_credentials(UserName="svc")["ServiceSpecificCredentials"] == []
    with pytest.raises(botocore.exceptions.ClientError) as error:
        iam.list_service_specific_credentials(UserName="nobody")
    assert error.value.response["Error"]["Code"] == "NoSuchEntity"


def test_the_totp_clock_offset_moves_the_accepted_window(iam, endpoint):
    """POST clock: the endpoint judges codes at real time + offset; the pair of the real current window is then
    refused and the pair of the offset window accepted. A reset sets the offset back to 0."""
    serial, seed = make_device(iam, name="clocked")
    iam.create_user(UserName="clocked")
    try:
        endpoint.set_clock_offset(300)
        with pytest.raises(botocore.exceptions.ClientError, match="InvalidAuthenticationCode"):
            iam.enable_mfa_device(UserName="clocked", SerialNumber=serial, **codes(seed))
        iam.enable_mfa_device(UserName="clocked", SerialNumber=serial, **codes(seed, 10))
    finally:
        endpoint.reset()
    assert endpoint.set_clock_offset(0) == {"offset_seconds": 0.0}
