#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: mfa_audit_report
short_description: Write the MFA audit's JSON and Markdown report files on the controller, or read the previous one
version_added: 1.0.0
description:
  - Writes C(<directory>/<name>.json) and C(<directory>/<name>.md) on the controller, as the role
    C(mfaops.iam.mfa_audit) does with its report. The task runs whole in the controller's process (an action plugin),
    without a module run, so writing the report costs no fixed second or two per audit, as
    M(ansible.builtin.copy) and M(ansible.builtin.template) would.
  - The directory is created with mode C(0750) (and its missing parents) if it does not exist; an existing directory
    keeps its mode.
  - The directory must be private to the user who runs Ansible, as the bootstrap directory of
    M(mfaops.iam.iam_virtual_mfa) must be - owned by that user, not writable by its group or by others, and not a
    symbolic link - or the task fails, writing and reading nothing, with a message that says what to fix. Otherwise
    another local user could redirect a report with a symbolic link, or plant a previous report whose "first seen"
    dates would age unassigned devices. Every step after the check goes through the opened directory.
  - Each file is written to a temporary file in the directory, given O(mode) before any data is written, flushed,
    then renamed over the old file, so that a reader sees the old report or the new one, never a part of one. A file
    that already holds exactly this text and mode is not touched.
  - The files are written B(in check mode too), since the report is an audit's output, on the controller, not a change to
    what the audit looks at.
  - With O(read_previous=true) the task writes nothing and returns the JSON report a previous run wrote
    (C(<directory>/<name>.json)) as RV(previous), never read through a symbolic link; V({}) when there is none or
    the directory does not exist yet (it is not created then).
author:
  - mfaops.iam maintainers (@mfaops)
options:
  directory:
    description:
      - The directory on the controller for the two files. A relative path is relative to the playbook's directory.
    type: path
    required: true
  name:
    description:
      - The base name of the files, without a directory.
    type: str
    required: true
  mode:
    description:
      - The permissions of both files, as an octal string such as V('0640') (or an octal number). Symbolic modes
        are not supported.
    type: raw
    default: "0640"
  json:
    description:
      - The text of the JSON file.
      - Required unless O(read_previous=true).
    type: str
  markdown:
    description:
      - The text of the Markdown file.
      - Required unless O(read_previous=true).
    type: str
  read_previous:
    description:
      - Read the previous JSON report instead of writing (RV(previous)); O(json) and O(markdown) are then not given.
    type: bool
    default: false
notes:
  - The task's arguments hold the whole report; the result does not repeat them (no C(invocation)).
seealso:
  - module: ansible.builtin.copy
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - mfaops.iam.attributes.controller
attributes:
  check_mode:
    support: full
    details: The files are written in check mode too; they are the audit's output.
  diff_mode:
    support: none
  platform:
    platforms: posix
"""

EXAMPLES = r"""
- name: Write a report computed by the filter mfaops.iam.mfa_audit_findings
  mfaops.iam.mfa_audit_report:
    directory: /var/lib/mfa-audit
    name: nightly
    mode: "0640"
    json: "{{ report | to_nice_json(sort_keys=true) }}\n"
    markdown: "{{ lookup('ansible.builtin.template', 'report.md.j2') }}"
  register: written

- name: Read the report a previous run wrote ({} if none)
  mfaops.iam.mfa_audit_report:
    directory: /var/lib/mfa-audit
    name: nightly
    read_previous: true
  register: last_run
"""

RETURN = r"""
files:
  description: The paths of the two files.
  returned: success
  type: dict
  contains:
    json:
      description: The JSON file.
      type: str
      sample: /var/lib/mfa-audit/nightly.json
    markdown:
      description: The Markdown file.
      type: str
      sample: /var/lib/mfa-audit/nightly.md
previous:
  description: The previous JSON report, parsed; V({}) when there is none.
  returned: O(read_previous=true)
  type: dict
  sample: {"report_version": 2, "findings": []}
"""
