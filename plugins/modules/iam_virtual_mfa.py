#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: iam_virtual_mfa
short_description: Manage IAM virtual MFA devices, their tags, their user, and their one-time bootstrap secret
version_added: 1.0.0
description:
  - Creates, tags, enables for an IAM user, deactivates and deletes AWS IAM virtual MFA devices, idempotently.
  - When the task creates a device, the one-time bootstrap secret that AWS returns (the seed) is written to
    O(bootstrap_file) on the B(controller), whatever C(delegate_to) says, as a QR code PNG, a Base32 seed or an
    C(otpauth://) URI. The seed never appears in the task result, the diff, warnings, errors or logs.
  - Enabling a device needs two consecutive TOTP codes, computed from the seed. The seed comes from, in this
    order, the device created by this very task, O(seed), an existing text O(bootstrap_file), or the codes
    O(authentication_code_1) and O(authentication_code_2).
  - A converged run (nothing to change) makes no write call and at most three read calls for accounts with up
    to 1,000 virtual MFA devices; see the notes for how it grows beyond that.
author:
  - mfaops.iam maintainers (@mfaops)
options:
  name:
    description:
      - The name of the virtual MFA device, 1-226 characters of letters, digits and C(+=,.@_-).
      - Together with O(path) it identifies the device. Mutually exclusive with O(serial_number).
    type: str
  path:
    description:
      - The IAM path of the device, V(/) or V(/.../) with printable ASCII, at most 512 characters.
    type: str
    default: /
  serial_number:
    description:
      - The serial number (ARN) of an existing device, for example C(arn:aws:iam::123456789012:mfa/alice).
      - A device named by its serial number is never created. The root user's device cannot be managed.
    type: str
  state:
    description:
      - V(present) makes sure the device exists and its tags converge; whom it is enabled for is left as it is.
      - V(enabled) also makes sure it is enabled for O(user_name).
      - V(disabled) makes sure it exists and is enabled for nobody (it is deactivated if needed).
      - V(absent) deactivates the device if needed, then deletes it.
      - V(present), V(enabled) and V(disabled) create a missing device, which needs O(bootstrap_file).
    type: str
    choices: [present, enabled, disabled, absent]
    default: present
  user_name:
    description:
      - The IAM user to enable the device for. Required with O(state=enabled), and only used then.
      - The name amazon.aws's IAM modules and M(mfaops.iam.iam_virtual_mfa_info) use; O(user) is an alias.
      - A user that does not exist fails the task before any change; in check mode it is only warned about, and the
        enabling is predicted as if an earlier task of the play created the user (its ARN then shows as null).
    type: str
    aliases: [user]
  seed:
    description:
      - The device's Base32 seed, for example from Ansible Vault, to compute the codes that enable or resync it.
      - The seed stays in the controller's process; the task computes the codes from it there and sends IAM only
        the codes. It is never shown, even by C(ANSIBLE_DEBUG); C(ANSIBLE_DISPLAY_ARGS_TO_STDOUT) prints task
        arguments as written, so keep the seed in a variable (Ansible Vault) rather than literally in the task.
    type: str
  authentication_code_1:
    description:
      - The first of two consecutive six-digit codes from the device, when no seed is available.
    type: str
  authentication_code_2:
    description:
      - The second of two consecutive six-digit codes from the device, when no seed is available.
    type: str
  resync:
    description:
      - With O(state=enabled), resynchronise a device that is already enabled for O(user_name) (ResyncMFADevice).
        Needs a seed or codes. Reports a change every time it runs.
    type: bool
    default: false
  reassign:
    description:
      - With O(state=enabled), move a device that is enabled for another user to O(user_name) (deactivate, then
        enable). Needs a seed or codes. Without it such a device makes the task fail.
      - With a seed, the seed is checked first (ResyncMFADevice for the current holder, which changes no
        assignment), so a wrong seed leaves the holder's MFA as it was. Codes given by hand cannot be checked
        without being used up; if the enable fails after the deactivation, the task fails with C(changed=true)
        and says how to recover.
    type: bool
    default: false
  on_missing_seed:
    description:
      - What to do when O(state=enabled) needs to enable a device that is enabled for nobody and no seed source is
        available, for example after a run was killed between creating the device and writing O(bootstrap_file).
      - V(fail) stops with a message saying how to replace the device.
      - V(recreate) deletes the device, creates it again and writes the new seed to O(bootstrap_file). The new
        device gets the tags the task would leave on the old one, that is the old device's tags when O(tags) is not
        given, O(tags) merged into them with O(purge_tags=false), O(tags) alone otherwise (never the provisioning
        tag or C(aws:) keys). Check mode predicts the same tags.
      - If O(bootstrap_file) exists as a QR code (which the task does not read back), the task changes nothing and
        says to pass the seed that file holds as O(seed), since a run that created the device and could not enable
        it leaves it there.
      - Never while another run is still provisioning the device, for example another AWX job or host that has
        created it and not yet written its bootstrap file or enabled it. The creating run tags the device with
        C(mfaops:provisioning) (the UTC time of creation) in the create call itself and removes the tag once the
        seed is safe (after the enable with O(state=enabled), after writing O(bootstrap_file) otherwise). A device
        with that tag younger than 15 minutes is never deleted; the task fails saying a run is provisioning it.
        An older tag means its run died, and V(recreate) replaces the device.
    type: str
    choices: [fail, recreate]
    default: fail
  bootstrap_file:
    description:
      - A path on the controller where the seed of a device created by this task is written. Needed to create a
        device, since AWS returns the seed only once; the task fails before creating anything if the file cannot
        be written.
      - A relative path is resolved like the C(dest) of M(ansible.builtin.fetch), that is
        against the playbook's directory (or the role's), not the directory the process runs in.
      - Its directory must not be writable by other users (mode C(0700) is best); a directory writable by group
        or others is refused, and the file is created relative to the opened directory, never through a symlink.
      - An existing file is never replaced. If it exists in a text format (O(bootstrap_method=Base32StringSeed) or
        O(bootstrap_method=OtpauthURI)) it is read as a seed source instead.
      - Written atomically, with mode O(bootstrap_mode) set before any byte is written, never through a symlink;
        missing parent directories are created with mode C(0700). If the write fails after the device was created,
        the device is deleted again.
      - With O(state=enabled), a device created by the task is enabled only once its seed is written, so a failed
        write never leaves an enabled device that nobody can use.
    type: path
  bootstrap_method:
    description:
      - The format of O(bootstrap_file).
      - V(QRCodePNG) is a QR code PNG of the C(otpauth://) URI, rendered on the controller.
      - V(Base32StringSeed) is the seed as text; V(OtpauthURI) is the C(otpauth://totp/...) URI as text.
    type: str
    choices: [QRCodePNG, Base32StringSeed, OtpauthURI]
    default: QRCodePNG
  bootstrap_mode:
    description:
      - The permissions of O(bootstrap_file), octal, for example V('0600'). Whatever the umask.
    type: raw
    default: '0600'
  issuer:
    description:
      - The issuer shown by authenticator apps, in the C(otpauth://) URI.
    type: str
    default: AWS
  label:
    description:
      - The account label shown by authenticator apps. Defaults to C(<name>@<account id>), as AWS's own QR code.
    type: str
notes:
  - The task always runs whole on the B(controller), in one process (it is an action plugin; this module file holds
    its documentation only). The AWS credentials are those of the controller or execution environment, from the
    task's options, C(module_defaults) (C(group/mfaops.iam.aws) or C(group/amazon.aws.aws)), the task's
    C(environment:) keyword (for example C(AWS_PROFILE)) and the controller's environment, whatever
    C(delegate_to) says, as with amazon.aws's lookups. With O(assume_role_arn), the task assumes that role with
    those credentials, in the same process, and acts as the role. C(async) is not supported.
  - The same device from several hosts of a play (C(hosts=all)) needs C(run_once=true); otherwise the hosts race
    for it and all but one fail, saying another run created it.
  - Tag keys and values must be strings; YAML values such as C(owner:) (null), C(5) or C(true) are refused; quote
    them.
  - Retries live in one layer per kind of error. botocore's standard retry mode retries throttling, 5xx answers and
    dropped connections (10 retries; O(aws_config) can change it); the task itself retries
    EntityTemporarilyUnmodifiable and ConcurrentModification, and NoSuchEntity right after it created a device.
  - "API calls of a run with nothing to change: with O(state=enabled), GetUser, ListMFADevices and
    ListMFADeviceTags, three calls whatever the size of the account. With other states, ListVirtualMFADevices
    one page of 1,000 devices at a time until the device is found, then ListMFADeviceTags: 2 calls up to 1,000
    devices, ceil(N / 1000) + 1 for N devices."
  - An IAM user holds at most 8 MFA devices of any kind (virtual, FIDO, hardware). With O(state=enabled), the task
    counts the devices of O(user_name) before any write, in check mode too, and fails without creating or moving
    anything when there is no room. If the user fills up between that count and the enable (LimitExceeded), the
    device the task created is deleted again and its bootstrap file removed.
  - Every failure names the IAM call that failed, also when the answer is not IAM's (an endpoint without the call,
    a proxy's HTML error page, which botocore reports as C(ResponseParserError)); such an answer never appears in
    the message. A failure after a write call, or of a write call whose answer is unknown, reports
    C(changed=true).
  - The diff shows the device's serial number, name, path, user and tags before and after; C(enable_date) is in the
    result but not in the diff, since check mode cannot know it in advance.
seealso:
  - module: mfaops.iam.iam_virtual_mfa_info
  - module: amazon.aws.iam_user
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - mfaops.iam.requirements.controller_totp
  - mfaops.iam.attributes.action_group
  - mfaops.iam.assume_role
  - mfaops.iam.attributes.controller
  - mfaops.iam.attributes.converge
"""

EXAMPLES = r"""
- name: Create a device for alice, enable it, and write its QR code for her to scan
  mfaops.iam.iam_virtual_mfa:
    name: alice
    state: enabled
    user_name: alice
    tags:
      team: payments
    bootstrap_file: "{{ playbook_dir }}/mfa/alice.png"

- name: Create a device only, keeping the seed as text (a seed source for a later enable)
  mfaops.iam.iam_virtual_mfa:
    name: break-glass
    path: /admins/
    bootstrap_file: /secure/break-glass.seed
    bootstrap_method: Base32StringSeed

- name: Enable that device later, the seed read back from the bootstrap file
  mfaops.iam.iam_virtual_mfa:
    name: break-glass
    path: /admins/
    state: enabled
    user_name: break-glass-admin
    bootstrap_file: /secure/break-glass.seed
    bootstrap_method: Base32StringSeed

- name: Enable with a seed kept in Ansible Vault
  mfaops.iam.iam_virtual_mfa:
    name: ci-bot
    state: enabled
    user_name: ci-bot
    seed: "{{ vault_ci_bot_mfa_seed }}"

- name: Deactivate a device, keeping it
  mfaops.iam.iam_virtual_mfa:
    serial_number: arn:aws:iam::123456789012:mfa/bob
    state: disabled

- name: Delete a device (deactivated first if it is in use)
  mfaops.iam.iam_virtual_mfa:
    name: bob
    state: absent

- name: A shared device in a play over many hosts, managed by one of them
  mfaops.iam.iam_virtual_mfa:
    name: break-glass
    path: /admins/
    state: enabled
    user_name: break-glass-admin
    bootstrap_file: mfa/break-glass.png   # relative: next to the playbook, on the controller
  run_once: true

- name: With a profile from the task's environment (read on the controller)
  mfaops.iam.iam_virtual_mfa:
    name: dave
    bootstrap_file: /secure/mfa/dave.png
  environment:
    AWS_PROFILE: security-admin

- name: In a member account of the organization, through the role the aws_accounts inventory names for the host
  mfaops.iam.iam_virtual_mfa:
    name: erin
    state: enabled
    user_name: erin
    bootstrap_file: "{{ playbook_dir }}/mfa/{{ aws_account_id }}/erin.png"
    assume_role_arn: "{{ aws_assume_role_arn }}"
    role_session_name: mfaops-onboarding

- name: Against the collection's local endpoint (mfaops-endpoint serve --port 5000; plain moto lacks the MFA tag calls)
  module_defaults:
    group/mfaops.iam.aws:
      endpoint_url: http://127.0.0.1:5000
      region: us-east-1
  mfaops.iam.iam_virtual_mfa:
    name: carol
    tags: {}
"""

RETURN = r"""
virtual_mfa_device:
  description: The device after the task ran (or would have run, in check mode); empty when it does not exist.
  returned: always
  type: dict
  contains:
    serial_number:
      description: The device ARN.
      type: str
      sample: arn:aws:iam::123456789012:mfa/alice
    name:
      description: The device name.
      type: str
      sample: alice
    path:
      description: The device path.
      type: str
      sample: /
    user_name:
      description: The IAM user the device is enabled for, or null.
      type: str
      sample: alice
    user_arn:
      description: The ARN of that user, or null.
      type: str
      sample: arn:aws:iam::123456789012:user/alice
    enable_date:
      description: When the device was enabled (ISO 8601), or null. Null in check mode for a device that would be enabled.
      type: str
      sample: "2026-11-24T12:00:00+00:00"
    tags:
      description: The device's tags.
      type: dict
      sample: {"team": "payments"}
bootstrap_file:
  description: The bootstrap file written on the controller (or that would be written, in check mode).
  returned: when a device was created
  type: dict
  contains:
    path:
      description: The absolute path of the file on the controller.
      type: str
      sample: /home/ops/mfa/alice.png
    method:
      description: Its format.
      type: str
      sample: QRCodePNG
    mode:
      description: Its permissions, octal.
      type: str
      sample: "0600"
"""
