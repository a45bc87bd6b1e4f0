"""After the play: every account was a host of its own, and its report is in <reports>/<account id>/, nothing else.

Usage: check.py <workdir>. Reads what the other steps wrote (no template is ever rendered from these names here).
"""

import json
import os
import sys


def _plain(value):
    """ansible-inventory of ansible-core 2.19 and later shows a string not trusted as a template as
    {"__ansible_unsafe": "..."}: the string."""
    return value["__ansible_unsafe"] if isinstance(value, dict) and set(value) == {"__ansible_unsafe"} else value


def main(workdir):
    with open(os.path.join(workdir, "accounts.json")) as handle:
        accounts = json.load(handle)["accounts"]
    with open(os.path.join(workdir, "inventory.json")) as handle:
        hostvars = json.load(handle)["_meta"]["hostvars"]
    ids = sorted(account["id"] for account in accounts)
    listed = sorted(_plain(host_vars["aws_account_id"]) for host_vars in hostvars.values())
    assert listed == ids, "hosts of the accounts %s, expected one per account %s" % (listed, ids)
    reports = sorted(os.listdir(os.path.join(workdir, "reports")))
    # the summary, and the record of what its last rebuild read (hosts whose state it holds skip the rebuild)
    expected = sorted(ids + ["mfa_audit_organization.json", "mfa_audit_organization.md",
                             ".mfa_audit_organization.sources.json"])
    assert reports == expected, "report directory holds %s, expected %s" % (reports, expected)
    for account_id in ids:
        assert os.path.isfile(os.path.join(workdir, "reports", account_id, "mfa_audit.json")), account_id
    print("checked: %d accounts, %d hosts, one report directory each" % (len(ids), len(hostvars)))


if __name__ == "__main__":
    main(sys.argv[1])
