# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The parts of an ARN, through amazon.aws's parse_aws_arn."""

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn


def partition_and_account(arn):
    """(partition, account id) of an ARN (an IAM device's or user's, an STS caller's); ValueError if it is none."""
    parts = parse_aws_arn(arn or "")
    if parts is None:
        raise ValueError("%r is not an ARN" % (arn,))
    return parts["partition"], parts["account_id"]


def partition_or(arn, default):
    """The partition of ``arn``, or ``default`` when it is empty or not an ARN."""
    parts = parse_aws_arn(arn or "")
    return parts["partition"] if parts else default
