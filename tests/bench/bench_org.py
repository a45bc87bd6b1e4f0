"""The organization the fleet benchmark runs on: member accounts in groups of equal size, each account seeded like
bench_audit.py's account, and what an audit must find in each.

Every account of a group holds ``users`` IAM users: two in three hold a virtual MFA device (tags ``owner``,
``mfaops:created``, and ``team`` on three in four), of the others one in three a hardware token, one in three a FIDO
key and one in three nothing; every fifth user has a console password; 5 virtual devices are unassigned; the root
user holds a virtual device. Each account's credential report is generated while the account is built, so that no
tool measured later waits for a generation.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path[:0] = [os.path.join(ROOT, "tests", "support")]

import mfa_fleet  # noqa: E402  pylint: disable=wrong-import-position

ORPHANS = 5
PASSWORD = "Console-Passw0rd!"


def user_name(i):
    return "au%05d" % i


def other_kind(i):
    """The MFA of user ``i`` when it holds no virtual device (i % 3 == 2): hardware, fido or None."""
    return {2: "hardware", 5: "fido"}.get(i % 9)


def has_virtual(i):
    return i % 3 != 2


def console(i):
    return i % 5 == 0


def expected(users):
    """What an audit of an account of ``users`` users finds: users without MFA, those of them with a console password,
    unassigned devices, virtual devices in all."""
    no_mfa = [i for i in range(users) if not has_virtual(i) and other_kind(i) is None]
    return {"users_without_mfa": len(no_mfa), "console_users_without_mfa": sum(console(i) for i in no_mfa),
            "orphaned_devices": ORPHANS, "virtual_devices": sum(has_virtual(i) for i in range(users)) + ORPHANS + 1}


def build_user(endpoint, iam, account_id, i):
    name = user_name(i)
    iam.create_user(UserName=name, Path=("/", "/people/", "/svc/")[i % 3])
    if console(i):
        iam.create_login_profile(UserName=name, Password=PASSWORD)
    if has_virtual(i):
        tags = [{"Key": "owner", "Value": name}, {"Key": "mfaops:created", "Value": "2026-01-01T00:00:00Z"}]
        if i % 4:
            tags.append({"Key": "team", "Value": "t%d" % (i % 7)})
        answer = iam.create_virtual_mfa_device(VirtualMFADeviceName=name, Tags=tags)["VirtualMFADevice"]
        mfa_fleet.enable(iam, name, answer["SerialNumber"], answer["Base32StringSeed"].decode("ascii"))
    elif other_kind(i):
        endpoint.add_user_mfa_device(name, other_kind(i), account=account_id)


def seed_account(endpoint, account_id, users):
    iam = endpoint.assumed_client(account_id)
    for i in range(users):
        build_user(endpoint, iam, account_id, i)
    for i in range(ORPHANS):
        iam.create_virtual_mfa_device(VirtualMFADeviceName="orphan%02d" % i)
    endpoint.set_root_mfa("virtual", account=account_id)
    iam.generate_credential_report()


def build(endpoint, groups, workers=4):
    """An organization with one group of accounts per (label, accounts, users) of ``groups``, latency off meanwhile.

    Returns {label: [{"id", "name", "users"}...]}, the accounts of each group in order.
    """
    endpoint.set_faults(latency_ms=0)
    total = sum(count for _label, count, _users in groups)
    org = endpoint.create_organization(accounts=total, ou_names=())
    accounts, result, start = org["accounts"], {}, 0
    for label, count, users in groups:
        result[label] = [{"id": a["id"], "name": a["name"], "users": users} for a in accounts[start:start + count]]
        start += count
    jobs = [account for group in result.values() for account in group]
    jobs.sort(key=lambda a: -a["users"])  # the largest first, so that the pool ends together
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda a: seed_account(endpoint, a["id"], a["users"]), jobs))
    return result
