#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: mfa_audit_account
short_description: Audit one AWS account's IAM and root MFA, in the controller's process, and keep its report
version_added: 1.0.0
description:
  - The whole MFA audit of one account in one task, run in the controller's process (an action plugin; this module
    file holds its documentation only), as the role C(mfaops.iam.mfa_audit) runs it for each account.
  - Assumes the account's role (O(assume_role_arn), for example the host variable C(aws_assume_role_arn) that the
    inventory plugin P(mfaops.iam.aws_accounts#inventory) sets), reads the account (O(source)), works out the seven
    kinds of findings (the same code as the filter P(mfaops.iam.mfa_audit_findings#filter)), writes the JSON and
    Markdown report and the account's audit state to O(report_dir) and/or O(s3_bucket), and publishes the state in
    the job's stats (RV(ansible_stats), as M(ansible.builtin.set_stats) with C(per_host=false) and C(aggregate=true);
    AWX keeps them as the job's artifacts). The assumed role's keys never leave the controller's process.
  - Read-only in the account; it makes no change there, so it reports C(changed=false). The report is written
    B(in check mode too), since it is the audit's output, not a change to the account.
  - The account's directory (in O(report_dir) and under O(s3_prefix)) is its account id (O(account_id), by default
    the host variable C(aws_account_id)); a host without an account id gets C(host_) and its host name escaped. An
    account name or a host name is never used as a path.
  - The previous report (in S3 when O(s3_bucket) is set, else in O(report_dir)) carries over when each unassigned
    device was first seen.
  - When the account cannot be audited (its role cannot be assumed, access denied, ...), its state records why, so
    that the organization summary lists it, and the task fails (O(not_audited=fail)) or returns
    RV(audited=false) (O(not_audited=report)).
author:
  - mfaops.iam maintainers (@mfaops)
options:
  source:
    description:
      - V(credential_report) reads every user's console password and MFA state at once from the IAM credential report
        (GenerateCredentialReport, then GetCredentialReport) and the root user's from its C(<root_account>) row; the
        virtual MFA devices come from ListVirtualMFADevices, which tells virtual devices from the others and gives
        the unassigned ones, and their tags are listed (the tags of every device when O(required_tags) is set). The
        number of calls does not grow with the users. IAM makes a new report only when the last one is more than four
        hours old, so the report may be that old; the C(source) key of RV(report) gives its time and age. A virtual
        device enabled since the report was made counts, since the device listing is live. Needs
        C(iam:GenerateCredentialReport) and C(iam:GetCredentialReport).
      - V(listing) reads the account live, as M(mfaops.iam.iam_user_mfa_info) and M(mfaops.iam.iam_virtual_mfa_info)
        do (their own code), the users, the devices of every user holding no virtual device, the console password of
        every user holding no MFA at all; one or two calls per such user. Up to the second.
      - Both give the same findings on the same account.
    type: str
    choices: [credential_report, listing]
    default: credential_report
  required_tags:
    description: Tag keys every virtual MFA device must carry (finding C(devices_missing_tags)).
    type: list
    elements: str
    default: []
  user_name_pattern:
    description:
      - A Python regular expression the names of users holding a virtual device must match entirely (finding
        C(devices_of_users_not_matching_pattern)); unset, no naming rule.
    type: str
  exempt_users:
    description: Users left out of the no-MFA and naming-rule findings, by exact name.
    type: list
    elements: str
    default: []
  user_path_prefix:
    description: Only the users under this IAM path are audited.
    type: str
    default: /
  device_path_prefix:
    description: Only the virtual MFA devices under this IAM path are audited.
    type: str
    default: /
  created_tag:
    description:
      - The tag key holding a device's creation time (as C(mfaops.iam.user_mfa) sets it), to age unassigned devices.
    type: str
    default: mfaops:created
  fail_on_findings:
    description:
      - The finding kinds that the C(failing) key of RV(report) counts, a list of kinds, V(true) (every kind) or
        V(false). The task itself does not fail on findings; it returns RV(findings_fail) and RV(fail_message), on
        which the role C(mfaops.iam.mfa_audit) fails the host.
    type: raw
    default: false
  max_concurrency:
    description: How many IAM calls may be in flight at once (1 to 50).
    type: int
    default: 10
  credential_report_timeout:
    description: How many seconds to wait for IAM to generate the credential report, with O(source=credential_report).
    type: int
    default: 300
  account_id:
    description: The account's id, which names its directory. Default, the host variable C(aws_account_id).
    type: str
  account_name:
    description: The account's name, for display only. Default, the host variable C(aws_account_name).
    type: str
  report_subdir:
    description:
      - The account's directory under O(report_dir) and O(s3_prefix). Unset (the default), as
        O(account_subdirectory) chooses; V('') writes straight into O(report_dir) (one account); any other value must
        be a plain directory name, kept inside O(report_dir).
    type: str
  account_subdirectory:
    description:
      - With O(report_subdir) unset, whether the report goes to the account directory (its account id, see above)
        under O(report_dir) and O(s3_prefix), or straight into them.
      - V(true) (the default), the account directory; V(false), straight into O(report_dir), as O(report_subdir='').
      - V(auto) lets the play choose, as the roles C(mfaops.iam.mfa_audit) and C(mfaops.iam.user_mfa) do - the account
        directory when the play has more than one host (C(ansible_play_hosts_all)) or the account has an id
        (O(account_id)), straight into O(report_dir) otherwise (a play on one host for the caller's own account, as in
        earlier versions). The report's location then also decides whether RV(fail_message) names the account.
    type: raw
    default: true
  not_audited:
    description:
      - What to do when the account cannot be audited. V(fail) fails the task; V(report) returns RV(audited=false)
        and the reason, so that the play can write the summary before it fails the host. The account's state records
        why either way.
    type: str
    choices: [fail, report]
    default: fail
  publish_stats:
    description: Publish the account's audit state in the job's stats (RV(ansible_stats)).
    type: bool
    default: true
notes:
  - The task runs whole on the B(controller), whatever C(delegate_to) says, with the credentials of the controller or
    the execution environment (task options, C(module_defaults) for C(group/mfaops.iam.aws), the task's
    C(environment:)), as M(mfaops.iam.iam_virtual_mfa) does. C(async) is not supported.
  - "API calls with O(source=credential_report): GenerateCredentialReport (until the report is ready: once when IAM
    has a report under four hours old), GetCredentialReport, ListVirtualMFADevices (a page of 1,000 devices per call),
    and ListMFADeviceTags for each unassigned device (for each device with O(required_tags)); with
    O(assume_role_arn), STS AssumeRole once."
seealso:
  - module: mfaops.iam.mfa_audit_summary
  - module: mfaops.iam.iam_user_mfa_info
  - module: mfaops.iam.iam_virtual_mfa_info
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - mfaops.iam.requirements.controller
  - mfaops.iam.attributes.action_group
  - mfaops.iam.assume_role
  - mfaops.iam.audit_store
  - mfaops.iam.attributes.controller
attributes:
  check_mode:
    support: full
    details: The account is only read; the report and state are written in check mode too (the audit's output).
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Audit each account of the aws_accounts inventory, in its own role, keeping the reports in S3
  mfaops.iam.mfa_audit_account:
    assume_role_arn: "{{ aws_assume_role_arn }}"
    report_dir: "{{ playbook_dir }}/mfa_audit"
    s3_bucket: security-reports
    s3_prefix: mfa-audit
    required_tags: [owner]
    fail_on_findings: [console_users_without_mfa, root_without_mfa]
  register: audit

- name: Audit the caller's own account live (no credential report), one report straight in the directory
  mfaops.iam.mfa_audit_account:
    source: listing
    report_dir: /var/lib/mfa-audit
    report_subdir: ""
"""

RETURN = r"""
audited:
  description: Whether the account was audited.
  returned: success
  type: bool
account_key:
  description: The account's directory name (its account id; C(host_...) for a host without one).
  returned: success
  type: str
  sample: "123456789012"
report:
  description:
    - The audit report, as the JSON file holds it (see the role C(mfaops.iam.mfa_audit) for its keys), with
      C(source) (C(kind), and for the credential report C(credential_report_generated_at) and
      C(credential_report_age_seconds)) and C(account) (C(id), C(host), C(name)). Null when not audited.
  returned: success
  type: dict
files:
  description: The JSON and Markdown report files in O(report_dir) (C(json), C(markdown)).
  returned: when O(report_dir) is set and the account was audited
  type: dict
s3_objects:
  description: The S3 URLs of the JSON and Markdown reports (C(json), C(markdown)).
  returned: when O(s3_bucket) is set and the account was audited
  type: dict
not_audited_reason:
  description: Why the account could not be audited.
  returned: when not audited
  type: str
findings_fail:
  description:
    - Whether the report has findings of the kinds O(fail_on_findings) selects (its C(failing) key is not empty); the
      role C(mfaops.iam.mfa_audit) fails the host on it, with RV(fail_message). False when not audited.
  returned: success
  type: bool
fail_message:
  description:
    - The message the role C(mfaops.iam.mfa_audit) fails the host with when RV(findings_fail) is true. It gives the
      number of findings of the failing kinds, per kind, every kind found, and where the report is (RV(files), else
      the Markdown of RV(s3_objects)). The account is named (its host name, with its account id when that differs)
      unless the report is straight in O(report_dir). Null when RV(findings_fail) is false.
  returned: success
  type: str
  sample: >-
    The MFA audit of account prod (123456789012) has 1 finding(s) of kinds that fail the play
    {"root_without_mfa": 1} (3 in all: {"users_without_mfa": 2, "root_without_mfa": 1}); see
    /srv/mfa_audit/123456789012/mfa_audit.md and /srv/mfa_audit/123456789012/mfa_audit.json.
ansible_stats:
  description:
    - The job's stats, as M(ansible.builtin.set_stats) sets them (C(per_host=false), C(aggregate=true)), where
      C(data.mfa_audit_reports) maps the account's directory name to its audit state (who, when, audited or why not,
      the report's counts without its findings). Added up over the hosts of the run, and kept by AWX as the job's
      artifacts, which M(mfaops.iam.mfa_audit_summary) reads with its O(mfaops.iam.mfa_audit_summary#module:reports).
  returned: when O(publish_stats=true)
  type: dict
"""
