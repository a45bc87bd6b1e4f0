# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One account as the inventory keeps it (and caches it): a plain, JSON-serialisable dict.

Both sources give the same shape: an account of an Organizations listing (``from_organizations``) and an entry of
the ``accounts`` option (``from_entry``).  Keys: id, name, email, status, arn, joined_method, joined_timestamp,
ou_id, ou_path, organization_id, management_account, tags (None until the tags are read).
"""

import re

from ansible_collections.mfaops.iam.plugins.module_utils._common.stamps import iso

ACCOUNT_ID = re.compile(r"[0-9]{12}")
ENTRY_KEYS = ("id", "name", "email", "status", "ou_path", "tags")


def from_organizations(account, node=None, organization=None):
    """The record of an Account of ListAccounts/ListAccountsForParent; ``node`` its parent (from ou_tree) if known,
    ``organization`` the answer of describe_organization if known."""
    organization = organization or {}
    return {
        "id": account["Id"],
        "name": account.get("Name") or account["Id"],
        "email": account.get("Email"),
        # State replaces Status (retired in September 2026); both carry ACTIVE and SUSPENDED.
        "status": account.get("State") or account.get("Status"),
        "arn": account.get("Arn"),
        "joined_method": account.get("JoinedMethod"),
        "joined_timestamp": iso(account.get("JoinedTimestamp")),
        "ou_id": node["id"] if node else None,
        "ou_path": node["path"] if node else None,
        "organization_id": organization.get("id"),
        "management_account": (account["Id"] == organization["management_account_id"]
                               if organization.get("management_account_id") else None),
        "tags": None,
    }


def normalize_path(path):
    """``Root/Production`` -> ``/Root/Production/``."""
    return "/%s/" % path.strip("/") if path.strip("/") else "/"


def account_id(value, where):
    """A 12-digit account id as a string; an int is accepted when it has 12 digits (YAML reads unquoted ids as int).

    ValueError names ``where`` and the value; for an int that YAML read from an unquoted id with a leading 0 (an octal
    number: ``012345670123`` is 1402433619) it says so."""
    if isinstance(value, int) and not isinstance(value, bool):
        if ACCOUNT_ID.fullmatch(str(value)):
            return str(value)
        written = "0%o" % value if value > 0 else None
        hint = ("YAML read the unquoted %s as an octal number: quote account ids" % written
                if written and len(written) == 12 else "quote ids that start with 0")
        raise ValueError("%s: %d is not a 12-digit account id (%s)" % (where, value, hint))
    if not isinstance(value, str) or not ACCOUNT_ID.fullmatch(value):
        raise ValueError("%s: %r is not a 12-digit account id (quote ids that start with 0)" % (where, value))
    return str(value)


def from_entry(entry, index):
    """The record of the ``index``-th entry of the ``accounts`` option; ValueError names what is wrong."""
    where = "accounts[%d]" % index
    if not isinstance(entry, dict):
        raise ValueError("%s must be a dictionary with at least an id" % where)
    unknown = sorted(set(entry) - set(ENTRY_KEYS))
    if unknown:
        raise ValueError("%s: unknown keys %s (known: %s)" % (where, ", ".join(map(str, unknown)), ", ".join(ENTRY_KEYS)))
    if "id" not in entry:
        raise ValueError("%s has no id" % where)
    tags = entry.get("tags") or {}
    if not isinstance(tags, dict):
        raise ValueError("%s: tags must be a dictionary" % where)
    ident = account_id(entry["id"], where + ".id")
    ou_path = entry.get("ou_path")
    return {
        "id": ident,
        "name": str(entry.get("name") or ident),
        "email": entry.get("email"),
        "status": str(entry.get("status") or "ACTIVE").upper(),
        "arn": None,
        "joined_method": None,
        "joined_timestamp": None,
        "ou_id": None,
        "ou_path": normalize_path(str(ou_path)) if ou_path else None,
        "organization_id": None,
        "management_account": None,
        "tags": {str(key): str(value) for key, value in tags.items()},
    }


def from_entries(entries):
    """Records of the ``accounts`` option; ValueError on a malformed entry or an id given twice."""
    records = [from_entry(entry, index) for index, entry in enumerate(entries)]
    seen = set()
    for record in records:
        if record["id"] in seen:
            raise ValueError("accounts: account %s is listed twice" % record["id"])
        seen.add(record["id"])
    return records
