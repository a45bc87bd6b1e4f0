#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: user_mfa_account
short_description: One account's onboarding and offboarding of IAM users with virtual MFA devices, in one task
version_added: 1.0.0
description:
  - Does the whole per-account work of the role C(mfaops.iam.user_mfa) in one task, in the controller's process
    (an action plugin; this file holds its documentation only) - assume the account's role (O(assume_role_arn)),
    read the account once, plan every entry of O(users), create the missing users (O(create_users)), offboard, then
    create, tag and enable the devices that need it and write their bootstrap files.
  - The account is read once - the IAM users (C(ListUsers), names only, 1,000 per call) and the virtual MFA devices
    with their tags (C(ListVirtualMFADevices), then C(ListMFADeviceTags) per device on O(max_concurrency) threads),
    with the code of M(mfaops.iam.iam_user_mfa_info) and M(mfaops.iam.iam_virtual_mfa_info). Each entry is then
    planned with the decision function that M(mfaops.iam.iam_virtual_mfa) executes, and the users that need a change
    are converged by iam_virtual_mfa's own engine, called in this process (no task per user). A converged account
    costs those listings and no write call.
  - The plan follows the order in which the task works - offboarding first, so a device name that an offboarded user
    frees can be given to another user in the same run - and IAM's limit of 8 MFA devices per user (counted with
    C(ListMFADevices) for the users a device is to be enabled for, before anything is created). So a check-mode run
    names exactly the users that a real run changes, and fails for the same users.
  - When a device is created, its one-time bootstrap secret (the seed) is written on the controller, to
    C(<directory>/<user name><extension>) (V(.png), V(.seed) or V(.uri), after O(bootstrap_method)), where
    C(<directory>) is O(bootstrap_dir), or with O(account_subdirectory) the account's own directory under it. An
    existing bootstrap file is never replaced; a text one is read back as the seed.
  - An entry that cannot be converged (a device enabled for another user, a name that clashes by case, a user already
    holding 8 MFA devices, an AWS error) fails the task for that user, naming the user and the failing IAM call; the
    other entries are converged all the same. Some inputs stop the task before any change - a user listed twice (user
    names are compared regardless of case, as IAM does), a device named by two entries of the same C(state), users
    that do not exist without O(create_users), an offboarding entry that names another user's device.
  - The seed, TOTP codes and the assumed role's session keys never appear in the task result, the diff, warnings,
    errors or logs, even with C(ANSIBLE_DEBUG).
author:
  - mfaops.iam maintainers (@mfaops)
options:
  users:
    description:
      - The IAM users to onboard, or with C(state=absent) to offboard, each listed once.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description:
          - The IAM user name. The bootstrap file is named after it.
        type: str
        required: true
      state:
        description:
          - V(present) onboards the user - a virtual MFA device at C(device_name) and C(path), created if missing,
            carrying the tags (O(tags), then the entry's), enabled for the user.
          - V(absent) offboards the user - every virtual MFA device enabled for the user, whatever its name or path, is
            deactivated and deleted, and so is the device at the entry's C(device_name) and C(path) if it is enabled
            for nobody. Hardware tokens and FIDO keys are left alone, and no IAM user is deleted.
        type: str
        choices: [present, absent]
        default: present
      device_name:
        description:
          - The name of the virtual MFA device. Defaults to the user name.
        type: str
      path:
        description:
          - The IAM path of the device, V(/) or V(/.../). Defaults to O(device_path).
        type: str
      tags:
        description:
          - Tags of this device, merged over O(tags).
        type: dict
  bootstrap_dir:
    description:
      - The directory on the controller for the bootstrap files. A relative path is relative to the playbook's
        directory, as ansible.builtin.fetch's C(dest).
      - Missing directories are created with mode C(0700) when the first file is written (never in check mode); the
        directory of the files must be private to the user who runs Ansible (not writable by group or others, owned by
        that user, not a symbolic link).
    type: path
    required: true
  account_subdirectory:
    description:
      - V(true) (the default) writes the bootstrap files into the account's own directory under O(bootstrap_dir), so
        that users of the same name in two accounts never share a file - named after O(account_id) (twelve digits,
        unchanged when the account is renamed), or for a host without one C(host_) and the host name with every
        character other than C(a-z0-9_-) escaped as C(%XX). An account name is never a path.
      - V(false) writes them straight into O(bootstrap_dir) (one account).
      - V(auto) lets the play choose, as the role C(mfaops.iam.user_mfa) does - the account's own directory when the
        play has more than one host (C(ansible_play_hosts_all)) or the account has an id (O(account_id)), straight
        into O(bootstrap_dir) otherwise (a play on one host for the caller's own account, as in earlier versions).
    type: raw
    default: true
  account_id:
    description:
      - The twelve-digit id of the account, which names its bootstrap directory (see O(account_subdirectory)); the
        C(aws_account_id) that the inventory plugin P(mfaops.iam.aws_accounts#inventory) sets on each host.
    type: str
  device_path:
    description:
      - The IAM path of the devices whose entry has no C(path).
    type: str
    default: /
  tags:
    description:
      - Tags for every device; an entry's C(tags) are merged over them.
    type: dict
    default: {}
  purge_tags:
    description:
      - Remove the device tags that are not asked for. C(aws:) tags, the provisioning tag and the creation tag
        (O(created_tag)) are kept.
    type: bool
    default: true
  created_tag:
    description:
      - The tag key recording when the task created a device (UTC, C(YYYY-MM-DDTHH:MM:SSZ)), kept on later runs;
        IAM keeps no creation date for virtual MFA devices. An empty string for none.
    type: str
    default: "mfaops:created"
  create_users:
    description:
      - Create the IAM users of V(present) entries that do not exist (C(CreateUser), path V(/), nothing else set).
      - With V(false), missing users stop the task before any change, all named.
    type: bool
    default: false
  on_missing_seed:
    description:
      - What to do with a device that exists, is enabled for nobody and whose seed is lost (see
        M(mfaops.iam.iam_virtual_mfa)) - V(fail) for that user, or V(recreate) the device.
    type: str
    choices: [fail, recreate]
    default: fail
  bootstrap_method:
    description:
      - The format of the bootstrap files - V(QRCodePNG) (C(<user>.png)), V(Base32StringSeed) (C(<user>.seed)) or
        V(OtpauthURI) (C(<user>.uri)).
    type: str
    choices: [QRCodePNG, Base32StringSeed, OtpauthURI]
    default: QRCodePNG
  bootstrap_mode:
    description:
      - The permissions of each bootstrap file, set before any byte is written, as an octal string such as V('0600').
    type: raw
    default: "0600"
  issuer:
    description:
      - The issuer shown by authenticator apps.
    type: str
    default: AWS
  max_concurrency:
    description:
      - How many C(ListMFADeviceTags) (and C(ListMFADevices)) calls the task makes at once, 1 to 50.
    type: int
    default: 10
notes:
  - The task runs in the controller's process whatever C(delegate_to) says. The AWS credentials are those of the
    controller or execution environment - the task's options, C(module_defaults) (C(group/mfaops.iam.aws) or
    C(group/amazon.aws.aws)), the task's C(environment:) keyword and the controller's environment; with
    O(assume_role_arn), the task assumes that role with them and acts as the role. C(async) is not supported.
  - IAM permissions - C(iam:ListUsers), C(iam:ListVirtualMFADevices), C(iam:ListMFADeviceTags), and for the users
    that need a change C(iam:ListMFADevices), C(iam:CreateVirtualMFADevice), C(iam:TagMFADevice),
    C(iam:UntagMFADevice), C(iam:EnableMFADevice), C(iam:DeactivateMFADevice), C(iam:DeleteVirtualMFADevice),
    C(iam:CreateUser) with O(create_users), C(sts:GetCallerIdentity) in check mode when no listed device or user tells
    the account id, and C(sts:AssumeRole) on the role with O(assume_role_arn).
seealso:
  - module: mfaops.iam.iam_virtual_mfa
  - module: mfaops.iam.iam_virtual_mfa_info
  - module: mfaops.iam.iam_user_mfa_info
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - mfaops.iam.requirements.controller_totp
  - mfaops.iam.attributes.action_group
  - mfaops.iam.assume_role
  - mfaops.iam.attributes.controller
  - mfaops.iam.attributes.converge
"""

EXAMPLES = r"""
- name: Onboard the users of every account of the organization, one task per account, on Ansible's forks
  hosts: all  # the aws_accounts inventory: one host per account
  gather_facts: false
  tasks:
    - name: Onboard and offboard in this account, through the role the inventory names for it
      mfaops.iam.user_mfa_account:
        assume_role_arn: "{{ aws_assume_role_arn }}"
        role_session_name: mfaops-onboarding
        account_id: "{{ aws_account_id }}"
        bootstrap_dir: /secure/mfa-bootstrap  # then /secure/mfa-bootstrap/<account id>/<user>.png
        tags:
          owner: security
        users:
          - name: alice
          - name: bob
            device_name: bob-phone
            path: /staff/
          - name: mallory
            state: absent
      register: onboarding

    - name: Show who changed
      ansible.builtin.debug:
        msg: "{{ onboarding.changed_users }}"

- name: In the caller's own account, files straight into the directory
  mfaops.iam.user_mfa_account:
    bootstrap_dir: "{{ playbook_dir }}/mfa"
    account_subdirectory: false
    bootstrap_method: Base32StringSeed
    create_users: true
    users:
      - name: carol
"""

RETURN = r"""
changed_users:
  description: The names of the entries whose IAM user or devices changed (in check mode, would change), in the
    entries' order.
  returned: success or when entries failed
  type: list
  elements: str
  sample: [alice, mallory]
devices:
  description:
    - Each entry's device, in the entries' order, in the shape M(mfaops.iam.iam_virtual_mfa) returns - as converged
      for the users that changed, as listed for the others, V({}) for an offboarded user or one without a device.
    - In check mode, a device to be created for a user to be created shows C(user_arn) null.
  returned: success or when entries failed
  type: list
  elements: dict
  sample:
    - serial_number: arn:aws:iam::123456789012:mfa/alice
      name: alice
      path: /
      user_name: alice
      user_arn: arn:aws:iam::123456789012:user/alice
      enable_date: "2026-11-28T12:00:01+00:00"
      tags: {owner: security, "mfaops:created": "2026-11-28T12:00:00Z"}
    - {}
bootstrap_files:
  description: The paths of the bootstrap files written in this run (in check mode, that would be written).
  returned: success or when entries failed
  type: list
  elements: str
  sample: [/secure/mfa-bootstrap/123456789012/alice.png]
bootstrap_directory:
  description: The account's bootstrap directory.
  returned: success or when entries failed
  type: str
  sample: /secure/mfa-bootstrap/123456789012
users:
  description: What the task did (would do) for each entry, in the entries' order.
  returned: success or when entries failed
  type: list
  elements: dict
  contains:
    name:
      description: The user name.
      type: str
    state:
      description: V(present) or V(absent).
      type: str
    changed:
      description: Whether the user or its devices changed.
      type: bool
    user_created:
      description: Whether the IAM user was created (O(create_users)).
      type: bool
    device:
      description: The entry's device, as in RV(devices).
      type: dict
    deleted:
      description: The serial numbers of the devices deleted (offboarding).
      type: list
      elements: str
    bootstrap_file:
      description: The bootstrap file written (C(path), C(method), C(mode)), or null.
      type: dict
    failed:
      description: Whether the entry failed.
      type: bool
    msg:
      description: Why the entry failed, or null.
      type: str
    operation:
      description: The IAM operation whose call failed (for example C(EnableMFADevice)), or null.
      type: str
failures:
  description: The entries that failed - C(user), C(operation) (the failing IAM call, or null when the plan refused
    the entry before any call) and C(msg). The task fails when there is any; its C(msg) lists them.
  returned: success or when entries failed
  type: list
  elements: dict
  sample:
    - user: bob
      operation: null
      msg: "IAM user bob already holds 8 MFA devices, the most IAM allows ..."
"""
