# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The IAM credential report (GetCredentialReport's CSV) as the audit's users and root MFA.

IAM writes the report without quoting, and user names may hold commas (``+=,.@_-`` are allowed), so a row is read
from its end: every column after ``arn`` (dates, ``true``/``false``, ``N/A``, regions, services) is free of commas,
and the first two columns are split at ``,arn:`` (a user name holds no ``:``).  The ``<root_account>`` row gives
the root user's ``mfa_active``.  Plain text in, plain dicts out.
"""

ROOT_ROW = "<root_account>"
_TRUE = "true"


def _columns(header):
    names = header.strip().split(",")
    if names[:2] != ["user", "arn"] or "mfa_active" not in names or "password_enabled" not in names:
        raise ValueError("the credential report's header is not IAM's: %r" % header.strip()[:120])
    return names


def parse_rows(content):
    """[{column: value}] of the report's rows, ``<root_account>`` included; ``content`` is str or bytes."""
    if isinstance(content, bytes):
        content = content.decode("utf-8")
    lines = [line for line in content.splitlines() if line.strip()]
    if not lines:
        raise ValueError("the credential report is empty")
    columns = _columns(lines[0])
    rest = len(columns) - 2
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split(",")
        head, sep, arn = ",".join(fields[:-rest]).partition(",arn:")
        if len(fields) < len(columns) or not sep:
            raise ValueError(
                "line %d of the credential report has not the header's %d columns" % (number, len(columns))
            )
        row = dict(zip(columns[2:], fields[-rest:]))
        row.update(user=head, arn="arn:" + arn)
        rows.append(row)
    return rows


def _date(value):
    """A report date (``2024-05-01T12:00:00+00:00``) as it is; ``N/A``, ``no_information``, ``not_supported``: None."""
    return value if value and value[:1].isdigit() else None


def user_path(arn):
    """The IAM path of a user from its ARN (``arn:aws:iam::1:user/a/b/name`` -> ``/a/b/``)."""
    resource = arn.split(":", 5)[5] if arn.count(":") >= 5 else ""
    if not resource.startswith("user/"):
        return "/"
    return resource[len("user") : resource.rindex("/") + 1]


def users_and_root(content):
    """(users, root_mfa_active) from the report: each user as the audit reads one (``user_name``, ``arn``, ``path``,
    ``create_date``, ``password_last_used``, ``password_enabled``, ``has_mfa``), sorted by name; root's
    ``mfa_active`` or None when the report has no root row."""
    users, root = [], None
    for row in parse_rows(content):
        if row["user"] == ROOT_ROW:
            root = row["mfa_active"] == _TRUE
            continue
        users.append(
            {
                "user_name": row["user"],
                "arn": row["arn"],
                "path": user_path(row["arn"]),
                "create_date": _date(row.get("user_creation_time")),
                "password_last_used": _date(row.get("password_last_used")),
                "password_enabled": row["password_enabled"] == _TRUE,
                "has_mfa": row["mfa_active"] == _TRUE,
            }
        )
    users.sort(key=lambda user: user["user_name"])
    return users, root
