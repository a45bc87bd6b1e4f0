"""Patches that make moto's Organizations take the account and OU names AWS Organizations takes, and only those.

What Organizations allows (botocore's model and the Organizations API reference):

* an account name (CreateAccount AccountName) is 1-50 characters of printable ASCII (U+0020-U+007E): ``{{ }}``,
  ``/``, ``..``, leading or trailing blanks and names that other accounts have too are all allowed;
* an OU name (CreateOrganizationalUnit / UpdateOrganizationalUnit Name) is 1-128 characters of any kind, unique
  among the OUs of the same parent only (DuplicateOrganizationalUnitException);
* a name out of these bounds answers InvalidInputException, with Reason MAX_LENGTH_EXCEEDED, MIN_LENGTH_EXCEEDED or
  INVALID_PATTERN.

moto took any account name and any OU name, took two OUs of the same name under one parent, and refused to rename an
OU to a name that any OU of the organization held (even under another parent). Known difference: whether
Organizations compares OU names regardless of case is not documented; the endpoint compares them exactly.
"""

from __future__ import annotations

import re

from moto.organizations import models
from moto.organizations.exceptions import DuplicateOrganizationalUnitException, InvalidInputException

ACCOUNT_NAME_RE = re.compile(r"[\x20-\x7e]*")
ACCOUNT_NAME_MAX = 50
OU_NAME_MAX = 128

_original = {}


def _invalid(reason: str, field: str) -> InvalidInputException:
    error = InvalidInputException(f"You provided a value that does not meet the requirements of {field} ({reason}).")
    error.Reason = reason  # the member of Organizations' InvalidInputException shape
    return error


def check_name(name, field: str, maximum: int, pattern: re.Pattern | None = None) -> None:
    """Raise InvalidInputException as Organizations does for a name outside 1-``maximum`` characters or ``pattern``."""
    if not isinstance(name, str) or not name:
        raise _invalid("MIN_LENGTH_EXCEEDED", field)
    if len(name) > maximum:
        raise _invalid("MAX_LENGTH_EXCEEDED", field)
    if pattern is not None and not pattern.fullmatch(name):
        raise _invalid("INVALID_PATTERN", field)


def _sibling_named(backend, parent_id: str, name: str, other_than: str | None = None):
    return next((ou for ou in backend.ou
                 if ou.parent_id == parent_id and ou.name == name and ou.id != other_than), None)


def create_account(self, **kwargs):
    check_name(kwargs.get("AccountName"), "AccountName", ACCOUNT_NAME_MAX, ACCOUNT_NAME_RE)
    return _original["create_account"](self, **kwargs)


def create_organizational_unit(self, **kwargs):
    check_name(kwargs.get("Name"), "Name", OU_NAME_MAX)
    if self.org is not None and _sibling_named(self, kwargs.get("ParentId"), kwargs["Name"]):
        raise DuplicateOrganizationalUnitException
    return _original["create_organizational_unit"](self, **kwargs)


def update_organizational_unit(self, **kwargs):
    """Rename an OU: refused only when a sibling (an OU of the same parent) has the name."""
    name = kwargs.get("Name")
    check_name(name, "Name", OU_NAME_MAX)
    ou = self.get_organizational_unit_by_id(kwargs["OrganizationalUnitId"])
    if _sibling_named(self, ou.parent_id, name, other_than=ou.id):
        raise DuplicateOrganizationalUnitException
    ou.name = name
    return ou.describe()


def install() -> None:
    """Patch moto's OrganizationsBackend in place (idempotent)."""
    backend = models.OrganizationsBackend
    for name, func in {
        "create_account": create_account,
        "create_organizational_unit": create_organizational_unit,
        "update_organizational_unit": update_organizational_unit,
    }.items():
        current = getattr(backend, name)
        if current is not func:
            _original.setdefault(name, current)
            setattr(backend, name, func)
