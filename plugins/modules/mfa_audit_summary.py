#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: mfa_audit_summary
short_description: Add up the accounts' MFA audits into the organization summary, from a directory, S3 or job stats
version_added: 1.0.0
description:
  - Builds the organization summary of the MFA audit (JSON and Markdown) from the audit states that
    M(mfaops.iam.mfa_audit_account) keeps for each account, in the controller's process (an action plugin; this module
    file holds its documentation only).
  - The states come from O(report_dir), from O(s3_bucket) and O(s3_prefix) (O(read_from)), and from O(reports) (the
    job stats C(mfa_audit_reports), for example the artifacts AWX passes from a sliced job to the next workflow
    node); of several states of an account, the most recent counts. Never from one play's host variables, so the summary
    is the same under any strategy (C(free) included), with C(serial), and over the slices of an AWX job.
  - The expected accounts (O(expected_hosts), O(expected_accounts)) that have no state are listed as not audited,
    with the reason their host's variable C(mfa_audit_not_audited) gives, if any (read safely, since a host that failed
    before the audit, or in an earlier play, has none). Unset, the summary covers every account that has a state.
  - In O(report_dir), the summary is rebuilt under an exclusive lock on the directory, so that several hosts may each
    run this task as they finish (the role C(mfaops.iam.mfa_audit) does), and the last one to finish writes the complete
    summary; with O(s3_bucket) too, its copy in S3 is written under the same lock, so S3 keeps the last rebuild's
    summary. Without O(report_dir) nothing orders the S3 writes of runs at the same time, so build an S3-only summary
    once (the playbook below). Written B(in check mode too), like the reports.
  - Each rebuild from O(report_dir) alone records beside the summary, in the hidden file
    C(.<summary_name>.sources.json), the digests of the states it read and of its other inputs. A host whose own
    account's state (in the directory named after its C(aws_account_id)) the summary on disk already holds, built
    from the same inputs, leaves the summary as it is, so a burst of hosts rebuilds it once, not once each. A missing,
    broken or mismatched record means a rebuild. With O(reports), O(s3_bucket) or O(return_summary=true) every run
    rebuilds.
  - The collection's playbook C(mfaops.iam.mfa_audit_summary) runs this task alone (C(ansible-playbook
    mfaops.iam.mfa_audit_summary)), for example as the node after a sliced AWX job.
author:
  - mfaops.iam maintainers (@mfaops)
options:
  summary_name:
    description: The base name of the summary's files. Default, C(<report_name>_organization).
    type: str
  read_from:
    description:
      - Where to read the accounts' states. Default, V(s3) when O(s3_bucket) is set, V(directory) otherwise. The
        summary is written to each of O(report_dir) and O(s3_bucket) that is set.
    type: list
    elements: str
    choices: [directory, s3]
  reports:
    description:
      - Accounts' audit states from the job stats (C(mfa_audit_reports)), account directory name -> state, as
        M(mfaops.iam.mfa_audit_account) publishes them.
    type: dict
  expected_hosts:
    description:
      - Inventory hosts whose accounts the summary covers; their account comes from their C(aws_account_id) variable
        (read with C(.get), never as a Jinja C(hostvars[host].x)).
    type: list
    elements: str
  expected_accounts:
    description: Account ids the summary covers too.
    type: list
    elements: str
  max_age_hours:
    description: An account whose last audit state is older than this counts as not audited. Unset, any age counts.
    type: float
  return_summary:
    description:
      - Return the whole summary in RV(summary). The role C(mfaops.iam.mfa_audit), which runs this task on every host,
        sets V(false), since each host would otherwise carry the whole organization's summary.
    type: bool
    default: true
notes:
  - An account that an earlier run audited and this run did not reach keeps its last state; O(max_age_hours) makes
    such an account count as not audited. Each account's C(generated_at) is in the summary.
seealso:
  - module: mfaops.iam.mfa_audit_account
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - mfaops.iam.requirements.controller
  - mfaops.iam.attributes.action_group
  - mfaops.iam.audit_store
  - mfaops.iam.attributes.controller
attributes:
  check_mode:
    support: full
    details: The summary is written in check mode too.
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: The organization summary of the accounts audited into an S3 prefix, every host of the inventory expected
  mfaops.iam.mfa_audit_summary:
    s3_bucket: security-reports
    s3_prefix: mfa-audit
    report_dir: "{{ playbook_dir }}/mfa_audit"
    expected_hosts: "{{ groups['all'] }}"
    max_age_hours: 24
  run_once: true

- name: From the job's artifacts (an AWX workflow node after a sliced job)
  mfaops.iam.mfa_audit_summary:
    reports: "{{ mfa_audit_reports | default({}) }}"
    report_dir: /runner/artifacts/mfa_audit
    read_from: []
"""

RETURN = r"""
accounts:
  description:
    - How many accounts the summary covers, audited, not audited, with findings, failing (the summary's C(accounts)).
  returned: success
  type: dict
  sample: {"total": 20, "audited": 19, "not_audited": 1, "with_findings": 12, "failing": 3}
summary:
  description:
    - The organization summary (C(summary_version) 1) as the JSON file holds it; C(accounts) (C(total), C(audited),
      C(not_audited), C(with_findings), C(failing)), C(totals), C(by_kind), C(failing_by_kind), C(per_account) and
      C(not_audited) (each entry with C(account), its directory name, and C(host) and C(name) when known).
  returned: when O(return_summary=true)
  type: dict
files:
  description: The summary's files in O(report_dir) (C(json), C(markdown)).
  returned: when O(report_dir) is set
  type: dict
s3_objects:
  description: The S3 URLs of the summary's files (C(json), C(markdown)).
  returned: when O(s3_bucket) is set
  type: dict
"""
