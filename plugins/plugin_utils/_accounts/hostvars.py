# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the inventory makes of an account record: its host name, its host variables and its OU groups."""

import re
import string

FIELDS = ("id", "name", "email", "partition")
DEFAULT_PARTITION = "aws"


def template_fields(template, option):
    """Check that ``template`` (a Python format string) names only FIELDS; ValueError naming ``option`` otherwise."""
    try:
        names = [field for _text, field, _spec, _conv in string.Formatter().parse(template) if field is not None]
    except ValueError as e:
        raise ValueError("%s: %s in %r" % (option, e, template)) from None
    unknown = sorted(set(names) - set(FIELDS))
    if unknown or "" in names:
        raise ValueError("%s: %r may name only {%s}" % (option, template, "}, {".join(FIELDS)))
    return template


def render(template, record, partition):
    """``template`` with {id}, {name}, {email} and {partition} of the account."""
    values = {"id": record["id"], "name": record["name"], "email": record["email"] or "", "partition": partition}
    return template.format(**values)


def account_partition(record, configured=None):
    """The configured partition, else that of the account's ARN, else ``aws``."""
    if configured:
        return configured
    parts = (record.get("arn") or "").split(":")
    return parts[1] if len(parts) > 2 and parts[0] == "arn" and parts[1] else DEFAULT_PARTITION


def host_vars(record, partition, role_pattern):
    """The host variables of an account (never a credential: the role is a name, assumed when a task runs)."""
    return {
        "ansible_connection": "local",
        "aws_account_id": record["id"],
        "aws_account_name": record["name"],
        "aws_account_email": record["email"],
        "aws_account_status": record["status"],
        "aws_account_arn": record["arn"],
        "aws_account_joined_timestamp": record["joined_timestamp"],
        "aws_organization_id": record["organization_id"],
        "aws_management_account": record["management_account"],
        "aws_ou_id": record["ou_id"],
        "aws_ou_path": record["ou_path"],
        "aws_account_tags": record["tags"],
        "aws_partition": partition,
        "aws_assume_role_arn": render(role_pattern, record, partition) if role_pattern else None,
    }


def host_names(records, template, partition_of):
    """(names, clashes): each record's host name from ``template`` in the records' order; a name that several
    accounts would share becomes ``<name>_<id>`` for each of them, and is listed in ``clashes``."""
    names = [render(template, record, partition_of(record)).strip() or record["id"] for record in records]
    counts = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    clashes = sorted(name for name, count in counts.items() if count > 1)
    return [
        "%s_%s" % (name, record["id"]) if counts[name] > 1 else name for name, record in zip(names, records)
    ], clashes


def group_part(name):
    """An OU name as part of a group name: lower case, anything but [a-z0-9_] as ``_``."""
    return re.sub(r"[^a-z0-9_]", "_", name.lower())


def ou_groups(path, prefix):
    """The OU groups of an OU path, outermost first: ``/Root/Production/Web/`` -> [ou_production, ou_production_web];
    an account directly under the root is in ``ou_root`` (named after the root)."""
    names = [part for part in (path or "").split("/") if part]
    if not names:
        return []
    if len(names) == 1:
        return [prefix + group_part(names[0])]
    parts = [group_part(name) for name in names[1:]]
    return [prefix + "_".join(parts[:depth]) for depth in range(1, len(parts) + 1)]
