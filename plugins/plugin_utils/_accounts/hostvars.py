# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the inventory makes of an account record: its host name template's text and its host variables.

Host names, OU groups and marking the values unsafe are naming.py's (host_names, ou_group_names, mark_unsafe).
"""

import string

from ansible_collections.mfaops.iam.plugins.module_utils._common.arn import partition_or

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
    return partition_or(record.get("arn"), DEFAULT_PARTITION)


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
