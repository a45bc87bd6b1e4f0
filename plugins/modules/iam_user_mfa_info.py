#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: iam_user_mfa_info
short_description: List IAM users with every MFA device they hold and their console access, and the root user's MFA
version_added: 1.0.0
description:
  - Lists the IAM users of an account (optionally under a path, or one user by name) and, for each, every MFA device
    the user holds, of any kind (virtual, FIDO security key, hardware TOTP token), and whether the user has a console
    password. Also reports whether the root user has MFA and whether its device is a virtual one. Read-only.
  - The users are listed once (ListUsers, 1,000 per call), side by side with the account summary and the assigned
    virtual devices. Each user's own calls (ListMFADevices, GetLoginProfile) then run on a pool of at most
    O(max_concurrency) threads inside this one module run; each call is retried when IAM
    throttles it. The result is the same as that of a sequential loop over the users.
  - The root user's MFA comes from GetAccountSummary (C(AccountMFAEnabled)). Its virtual device, if any, is found in
    ListVirtualMFADevices by its user's ARN ending in C(:root), never by the device's name, which is not fixed.
  - The data is read live rather than from the IAM credential report (GenerateCredentialReport, then
    GetCredentialReport), although the report costs only two calls. The report may be up to four hours old, so a
    user who just enabled or lost MFA shows in the old state; it must be generated and polled, which needs the
    C(iam:GenerateCredentialReport) permission on top of read access; and it says only whether a user has MFA
    (C(mfa_active)), not which devices, so it cannot tell a hardware token from a virtual or FIDO device, which the
    audit of the root user needs. For an audit, O(devices_of=users_without_virtual_mfa) and
    O(password_of=users_without_mfa) bring the live listing close to the report's cost (see the notes).
author:
  - mfaops.iam maintainers (@mfaops)
options:
  path_prefix:
    description:
      - Only the users whose path starts with this prefix, for example V(/people/). Passed to ListUsers.
    type: str
  name:
    description:
      - Only the user with this name (one GetUser call instead of the listing). A user that does not exist gives an
        empty RV(users), not a failure.
    type: str
  devices_of:
    description:
      - Which users are asked for their MFA devices of every kind (one ListMFADevices call each).
      - V(all_users) asks every user, so that RV(users[].mfa_devices) lists every device of every user.
      - V(users_without_virtual_mfa) asks only the users who hold no virtual MFA device. The assigned virtual devices
        are then listed once (ListVirtualMFADevices, 1,000 per call), and a user holding one is not asked; that user
        has MFA, and RV(users[].mfa_devices) lists only the user's virtual devices
        (RV(users[].mfa_devices_complete=false)). Enough to find the users without MFA, at a fraction of the calls.
      - V(no_users) asks nobody; RV(users[].mfa_devices) is V([]) and RV(users[].has_mfa) V(null). With
        O(password_of=no_users) the result is the user listing alone, without any per-user call (what the role
        C(mfaops.iam.user_mfa) needs to know which users exist).
    type: str
    choices: [all_users, users_without_virtual_mfa, no_users]
    default: all_users
  password_of:
    description:
      - Which users are asked whether they have a console password (one GetLoginProfile call each).
      - V(users_without_mfa) asks only the users found to hold no MFA device; RV(users[].password_enabled) is V(null)
        for the others. It needs O(devices_of) other than V(no_users).
      - V(no_users) asks nobody; RV(users[].password_enabled) is V(null).
    type: str
    choices: [all_users, users_without_mfa, no_users]
    default: all_users
  include_root:
    description:
      - Report the root user's MFA in RV(root) (GetAccountSummary, and ListVirtualMFADevices to find its virtual
        device).
      - With V(false) RV(root) is V(null) and the C(iam:GetAccountSummary) permission is not needed.
    type: bool
    default: true
  max_concurrency:
    description:
      - How many per-user calls may be in flight at once, 1 to 50. V(1) makes them one after the other.
      - IAM throttles an account that calls it too fast; throttled calls are retried, so a higher value is safe but
        may not be faster.
    type: int
    default: 10
notes:
  - "API calls, for U users listed (V of them holding a virtual device, M holding MFA of any kind), A assigned virtual
    devices: ceil(U / 1000) ListUsers (at least 1; one GetUser with O(name) instead); with O(include_root) one
    GetAccountSummary; ceil(A / 1000) ListVirtualMFADevices (at least 1) when O(devices_of=users_without_virtual_mfa)
    or O(include_root); U ListMFADevices (U - V with O(devices_of=users_without_virtual_mfa));
    U GetLoginProfile (U - M with O(password_of=users_without_mfa)); none of these per-user calls with V(no_users)."
  - A user deleted between the listing and its own calls is left out of the result.
  - "IAM permissions: C(iam:ListUsers) (C(iam:GetUser) with O(name)), C(iam:ListMFADevices), C(iam:GetLoginProfile),
    C(iam:ListVirtualMFADevices), C(iam:GetAccountSummary) (unless O(include_root=false))."
seealso:
  - module: mfaops.iam.iam_virtual_mfa_info
  - module: amazon.aws.iam_mfa_device_info
  - module: amazon.aws.iam_user_info
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - mfaops.iam.attributes.action_group
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - mfaops.iam.requirements
  - mfaops.iam.attributes.read_only
"""

EXAMPLES = r"""
- name: Every IAM user with every MFA device and console access, and the root user's MFA
  mfaops.iam.iam_user_mfa_info:
  register: mfa

- name: Console users without MFA
  ansible.builtin.debug:
    msg: "{{ mfa.users | selectattr('password_enabled') | rejectattr('has_mfa') | map(attribute='user_name') }}"

- name: The hardware tokens in use
  ansible.builtin.debug:
    msg: >-
      {{ mfa.users | map(attribute='mfa_devices') | flatten | selectattr('kind', '==', 'hardware')
         | map(attribute='serial_number') }}

- name: Fail unless the root user has a hardware MFA device
  ansible.builtin.assert:
    that:
      - mfa.root.mfa_enabled
      - mfa.root.virtual_mfa_serial_number is none

- name: Only what an audit of missing MFA needs, for a large account
  mfaops.iam.iam_user_mfa_info:
    path_prefix: /people/
    devices_of: users_without_virtual_mfa
    password_of: users_without_mfa
    max_concurrency: 20
  register: gaps

- name: Only which users exist, one ListUsers call per 1,000 users
  mfaops.iam.iam_user_mfa_info:
    devices_of: no_users
    password_of: no_users
    include_root: false
  register: listing

- name: One user
  mfaops.iam.iam_user_mfa_info:
    name: alice
    include_root: false
  register: alice
"""

RETURN = r"""
users:
  description: The users that match the filters, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    user_name:
      description: The user's name.
      type: str
      sample: alice
    user_id:
      description: The user's unique ID.
      type: str
      sample: AIDAEXAMPLEALICE12345
    arn:
      description: The user's ARN.
      type: str
      sample: arn:aws:iam::123456789012:user/people/alice
    path:
      description: The user's path.
      type: str
      sample: /people/
    create_date:
      description: When the user was created (ISO 8601).
      type: str
      sample: "2026-11-24T12:00:00+00:00"
    password_last_used:
      description: When the user last signed in with the console password (ISO 8601), or null.
      type: str
      sample: "2026-11-24T12:00:00+00:00"
    password_enabled:
      description:
        - Whether the user has a console password (a login profile).
        - Null when it was not asked (O(password_of=users_without_mfa) and the user has MFA, or
          O(password_of=no_users)).
      type: bool
      sample: true
    has_mfa:
      description:
        - Whether the user holds at least one MFA device of any kind.
        - Null with O(devices_of=no_users).
      type: bool
      sample: true
    mfa_devices_complete:
      description:
        - Whether RV(users[].mfa_devices) lists every device of the user (ListMFADevices was asked).
        - False for a user holding a virtual device under O(devices_of=users_without_virtual_mfa); only the virtual
          devices are listed then. False for every user with O(devices_of=no_users) (none listed).
      type: bool
      sample: true
    mfa_devices:
      description: The user's MFA devices, sorted by serial number.
      type: list
      elements: dict
      contains:
        serial_number:
          description:
            - The device's serial number; the ARN of a virtual device or FIDO key, the token's serial for a hardware
              TOTP token (not an ARN).
          type: str
          sample: arn:aws:iam::123456789012:mfa/people/alice
        kind:
          description:
            - V(virtual) (ARN C(...:mfa/...)), V(fido) (ARN C(...:u2f/...)) or V(hardware) (a serial number that is
              not an ARN); V(other) for an ARN of any other type. Every kind counts as MFA.
          type: str
          choices: [virtual, fido, hardware, other]
          sample: virtual
        enable_date:
          description: When the device was enabled for the user (ISO 8601).
          type: str
          sample: "2026-11-24T12:00:00+00:00"
root:
  description: The root user's MFA; null with O(include_root=false).
  returned: always
  type: dict
  contains:
    mfa_enabled:
      description: Whether the root user has an MFA device of any kind (GetAccountSummary C(AccountMFAEnabled)).
      type: bool
      sample: true
    virtual_mfa_serial_number:
      description:
        - The serial number of the root user's virtual MFA device (the first by serial number if it holds several),
          found by its user's ARN ending in C(:root); null when root has no virtual device (no MFA, or only
          hardware or FIDO devices).
      type: str
      sample: arn:aws:iam::123456789012:mfa/root-account-mfa-device
"""


from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.mfaops.iam.plugins.module_utils._common.client import client_config
from ansible_collections.mfaops.iam.plugins.module_utils._common.paths import path_prefix_problem
from ansible_collections.mfaops.iam.plugins.module_utils._common.pool import DEFAULT_WORKERS
from ansible_collections.mfaops.iam.plugins.module_utils._common.pool import concurrency_problem
from ansible_collections.mfaops.iam.plugins.module_utils._user_mfa.collect import ALL_USERS
from ansible_collections.mfaops.iam.plugins.module_utils._user_mfa.collect import NO_USERS
from ansible_collections.mfaops.iam.plugins.module_utils._user_mfa.collect import USERS_WITHOUT_MFA
from ansible_collections.mfaops.iam.plugins.module_utils._user_mfa.collect import USERS_WITHOUT_VIRTUAL_MFA
from ansible_collections.mfaops.iam.plugins.module_utils._user_mfa.collect import collect
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import RETRY
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import MFAError
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.missing_call import watch
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.identity import user_problem


def argument_spec():
    return dict(
        path_prefix=dict(type="str"),
        name=dict(type="str"),
        devices_of=dict(type="str", default=ALL_USERS, choices=[ALL_USERS, USERS_WITHOUT_VIRTUAL_MFA, NO_USERS]),
        password_of=dict(type="str", default=ALL_USERS, choices=[ALL_USERS, USERS_WITHOUT_MFA, NO_USERS], no_log=False),
        include_root=dict(type="bool", default=True),
        max_concurrency=dict(type="int", default=DEFAULT_WORKERS),
    )


def first_problem(params):
    """What is wrong with the options, as a message, or None; checked before any AWS call."""
    if params["path_prefix"] is not None and path_prefix_problem(params["path_prefix"]):
        return path_prefix_problem(params["path_prefix"])
    if params["name"] is not None and user_problem(params["name"]):
        return "name" + user_problem(params["name"])[len("user"):]
    if params["devices_of"] == NO_USERS and params["password_of"] == USERS_WITHOUT_MFA:
        return "password_of=users_without_mfa needs to know who has MFA: devices_of=no_users asks nobody"
    return concurrency_problem(params["max_concurrency"])


def main():
    module = AnsibleAWSModule(argument_spec=argument_spec(), supports_check_mode=True)
    problem = first_problem(module.params)
    if problem:
        module.fail_json(msg=problem)

    config = client_config(module.params["max_concurrency"])
    client = watch(module.client("iam", retry_decorator=RETRY, config=config))
    try:
        users, root = collect(client, module.params)
    except MFAError as e:
        if e.exception:
            module.fail_json_aws(e.exception, msg=e.message)
        module.fail_json(msg=e.message)

    module.exit_json(changed=False, users=users, root=root)


if __name__ == "__main__":
    main()
