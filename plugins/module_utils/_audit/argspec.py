# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The argument specs of mfa_audit_account and mfa_audit_summary: the ones their documentation describes, validated
by their action plugins."""

from ansible_collections.amazon.aws.plugins.module_utils.modules import aws_argument_spec

from .._assume_role import assume_role_spec
from .._common.pool import DEFAULT_WORKERS
from .findings import DEFAULT_SETTINGS
from .sources import CREDENTIAL_REPORT
from .sources import SOURCES

DEFAULT_REPORT_NAME = "mfa_audit"


def _store_spec():
    return dict(
        report_dir=dict(type="path"),
        report_name=dict(type="str", default=DEFAULT_REPORT_NAME),
        report_mode=dict(type="raw", default="0640"),
        s3_bucket=dict(type="str"),
        s3_prefix=dict(type="str", default=""),
    )


def account_spec():
    """mfa_audit_account's options, amazon.aws's connection options and the role to assume included."""
    spec = aws_argument_spec()
    spec.update(assume_role_spec())
    spec.update(_store_spec())
    spec.update(
        source=dict(type="str", default=CREDENTIAL_REPORT, choices=list(SOURCES)),
        required_tags=dict(type="list", elements="str", default=[]),
        user_name_pattern=dict(type="str"),
        exempt_users=dict(type="list", elements="str", default=[]),
        user_path_prefix=dict(type="str", default="/"),
        device_path_prefix=dict(type="str", default="/"),
        created_tag=dict(type="str", default=DEFAULT_SETTINGS["created_tag"]),
        fail_on_findings=dict(type="raw", default=False),
        max_concurrency=dict(type="int", default=DEFAULT_WORKERS),
        credential_report_timeout=dict(type="int", default=300),
        account_id=dict(type="str"),
        account_name=dict(type="str"),
        report_subdir=dict(type="str"),
        account_subdirectory=dict(type="raw", default=True),
        not_audited=dict(type="str", default="fail", choices=["fail", "report"]),
        publish_stats=dict(type="bool", default=True),
    )
    return spec


ACCOUNT_KWARGS = dict(required_one_of=[["report_dir", "s3_bucket"]])


def summary_spec():
    """mfa_audit_summary's options, amazon.aws's connection options included (for S3)."""
    spec = aws_argument_spec()
    spec.update(_store_spec())
    spec.update(
        summary_name=dict(type="str"),
        read_from=dict(type="list", elements="str", choices=["directory", "s3"]),
        reports=dict(type="dict"),
        expected_hosts=dict(type="list", elements="str"),
        expected_accounts=dict(type="list", elements="str"),
        max_age_hours=dict(type="float"),
        return_summary=dict(type="bool", default=True),
    )
    return spec


SUMMARY_KWARGS = dict(required_one_of=[["report_dir", "s3_bucket"]])
