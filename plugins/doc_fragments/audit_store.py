# -*- coding: utf-8 -*-

# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    """Where mfa_audit_account and mfa_audit_summary keep the reports, the accounts' states and the summary."""

    DOCUMENTATION = r"""
options:
  report_dir:
    description:
      - A directory on the controller for the reports (created with mode C(0750) if missing). A relative path is
        relative to the playbook's directory. At least one of O(report_dir) and O(s3_bucket) is needed.
      - Each account's files are C(<report_dir>/<account directory>/<report_name>.json) (the report), C(.md) (the
        people's view) and C(.state.json) (the account's audit state, which the summary adds up); the organization
        summary is C(<report_dir>/<summary name>.json) and C(.md).
    type: path
  report_name:
    description:
      - The base name of each account's files.
    type: str
    default: mfa_audit
  report_mode:
    description:
      - The permissions of the files written in O(report_dir), as an octal string such as V('0640').
    type: raw
    default: '0640'
  s3_bucket:
    description:
      - An S3 bucket for the same files, under O(s3_prefix), with the same layout as O(report_dir), that is
        C(s3://<bucket>/<prefix>/<account directory>/<report_name>.json), C(.md) and C(.state.json). Reports there
        outlive an execution environment's container, and a summary over the slices of an AWX job reads them.
      - The objects are written (C(s3:PutObject)) and read (C(s3:GetObject), C(s3:ListBucket)) with the task's own
        connection options, B(not) the role of O(ignore:assume_role_arn), since the bucket belongs to the auditing
        account, not to the audited ones.
    type: str
  s3_prefix:
    description:
      - The key prefix under O(s3_bucket), without a leading or trailing C(/) (they are ignored). Empty means the
        root of the bucket.
    type: str
    default: ''
"""
