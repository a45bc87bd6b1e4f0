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
      - V(enabled) also makes sure it is enabled for O(user).
      - V(disabled) makes sure it exists and is enabled for nobody (it is deactivated if needed).
      - V(absent) deactivates the device if needed, then deletes it.
    type: str
    choices: [present, enabled, disabled, absent]
    default: present
  user:
    description:
      - The IAM user to enable the device for. Required with O(state=enabled), and only used then.
      - A user that does not exist fails the task before any change; in check mode it is only warned about, and the
        enabling is predicted as if an earlier task of the play created the user (its ARN then shows as null).
    type: str
  seed:
    description:
      - The device's Base32 seed, for example from Ansible Vault, to compute the codes that enable or resync it.
      - The seed stays on the controller. The action plugin computes the codes from it there, and passes the module
        only the codes of the next ten minutes.
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
      - With O(state=enabled), resynchronise a device that is already enabled for O(user) (ResyncMFADevice).
        Needs a seed or codes. Reports a change every time it runs.
    type: bool
    default: false
  reassign:
    description:
      - With O(state=enabled), move a device that is enabled for another user to O(user) (deactivate, then
        enable). Needs a seed or codes. Without it such a device makes the task fail.
    type: bool
    default: false
  on_missing_seed:
    description:
      - What to do when O(state=enabled) needs to enable a device that is enabled for nobody and no seed source is
        available, for example after a run was killed between creating the device and writing O(bootstrap_file).
      - V(fail) stops with a message saying how to replace the device.
      - V(recreate) deletes the device, creates it again and writes the new seed to O(bootstrap_file).
    type: str
    choices: [fail, recreate]
    default: fail
  bootstrap_file:
    description:
      - A path on the controller where the seed of a device created by this task is written. Needed to create a
        device, since AWS returns the seed only once; the task fails before creating anything if the file cannot
        be written.
      - An existing file is never replaced. If it exists in a text format (O(bootstrap_method=Base32StringSeed) or
        O(bootstrap_method=OtpauthURI)) it is read as a seed source instead.
      - Written atomically, with mode O(bootstrap_mode) set before any byte is written, never through a symlink;
        missing parent directories are created with mode C(0700). If the write fails after the device was created,
        the device is deleted again.
      - With O(state=enabled), a device created by the task is enabled only once its seed is written (a second,
        internal module run), so a failed write never leaves an enabled device that nobody can use.
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
  _seal_key:
    description:
      - Internal, set by the action plugin only (a task that sets it fails). The public half of the one-time key pair
        for which the module seals the seed of a device it creates; the module creates a device only when it has one.
    type: str
  _defer_enable:
    description:
      - Internal, set by the action plugin only (a task that sets it fails). Stop after creating a device that must be
        enabled, so that its seed is written to O(bootstrap_file) before the device is enabled (by a second run).
    type: bool
    default: false
  _just_created:
    description:
      - Internal, set by the action plugin only (a task that sets it fails). The device was created moments ago by the
        same task, so IAM may not know it everywhere yet (calls on it retry NoSuchEntity).
    type: bool
    default: false
  _create_refusal:
    description:
      - Internal, set by the action plugin only (a task that sets it fails). Why no device may be created in this run.
    type: str
  _codes_ahead:
    description:
      - Internal, set by the action plugin only (a task that sets it fails). The code pairs of the next ten minutes,
        computed on the controller from O(seed) or a text O(bootstrap_file), which the module then never receives.
    type: dict
notes:
  - The module runs the AWS calls wherever the task runs; its action plugin reads and writes O(bootstrap_file) on
    the controller.
  - "API calls of a run with nothing to change: with O(state=enabled), GetUser, ListMFADevices and
    ListMFADeviceTags, three calls whatever the size of the account. With other states, ListVirtualMFADevices
    one page of 1,000 devices at a time until the device is found, then ListMFADeviceTags: 2 calls up to 1,000
    devices, ceil(N / 1000) + 1 for N devices."
  - The diff shows the device's serial number, name, path, user and tags before and after; C(enable_date) is in the
    result but not in the diff, since check mode cannot know it in advance.
  - Throttling, EntityTemporarilyUnmodifiable, ConcurrentModification and, right after creation, NoSuchEntity are
    retried with jittered backoff. IAM is eventually consistent.
seealso:
  - module: mfaops.iam.iam_virtual_mfa_info
  - module: amazon.aws.iam_user
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  platform:
    platforms: all
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
"""

EXAMPLES = r"""
- name: Create a device for alice, enable it, and write its QR code for her to scan
  mfaops.iam.iam_virtual_mfa:
    name: alice
    state: enabled
    user: alice
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
    user: break-glass-admin
    bootstrap_file: /secure/break-glass.seed
    bootstrap_method: Base32StringSeed

- name: Enable with a seed kept in Ansible Vault
  mfaops.iam.iam_virtual_mfa:
    name: ci-bot
    state: enabled
    user: ci-bot
    seed: "{{ vault_ci_bot_mfa_seed }}"

- name: Deactivate a device, keeping it
  mfaops.iam.iam_virtual_mfa:
    serial_number: arn:aws:iam::123456789012:mfa/bob
    state: disabled

- name: Delete a device (deactivated first if it is in use)
  mfaops.iam.iam_virtual_mfa:
    name: bob
    state: absent

- name: Against a local endpoint, with the collection's group defaults
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

import time
import traceback

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.amazon.aws.plugins.module_utils.iam import get_aws_account_info
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa import api
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.argspec import BOOTSTRAP_RESULT_KEY
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.argspec import MODULE_KWARGS
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.argspec import argument_spec
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.converge import DeviceTask
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import CLIENT_CONFIG
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import RETRY
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import MFAError
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.identity import DeviceId
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.identity import from_serial_number
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.lookup import find_device
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.totp import HAS_PYOTP
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.totp import normalize_seed
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.transform import diff_view
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.transform import public_view
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.validate import first_problem


def prepare(module, client, params, started=None):
    """Read what IAM holds (no writes); returns (device before the task, DeviceTask)."""
    ident = from_serial_number(params["serial_number"]) if params["serial_number"] else DeviceId(params["name"], params["path"])
    user = known_user = None
    if params["state"] == "enabled":
        user = known_user = api.get_user(client, params["user"])
        if user is None and not module.check_mode:
            raise MFAError(message="IAM user %s does not exist" % params["user"])
        if user is None:
            # AnsibleModule's own warn: AnsibleAWSModule.warn re-passes warnings to exit_json, deprecated in 2.19
            module._module.warn(  # pylint: disable=protected-access
                "IAM user %s does not exist; check mode predicts the device enabled for it, as if an earlier task "
                "created the user" % params["user"])
            user = {"UserName": params["user"], "Arn": None, "UserId": None}
    fresh = params["_just_created"]  # created moments ago by the same task: IAM may not list it everywhere yet
    lookup = find_device(client, ident, known_user)
    for delay in (1, 2, 4) if fresh else ():
        if lookup.device is not None:
            break
        time.sleep(delay)
        lookup = find_device(client, ident, known_user)
    if lookup.device is not None:
        lookup.device["tags"] = api.list_tags(client, lookup.device["serial_number"], fresh=fresh)
    task = DeviceTask(
        client, params, module.check_mode, ident, lookup, user,
        account_lookup=lambda: tuple(reversed(get_aws_account_info(module))),
        protect=module.no_log_values.add, started=started,
    )
    task.fresh = fresh
    return (dict(lookup.device) if lookup.device else None), task


def converge(task, state):
    """Run the ensure_* steps of ``state``; returns whether anything changed (or would change)."""
    if state == "absent":
        return task.ensure_absent()
    changed = task.ensure_present()
    if state == "enabled":
        changed = task.ensure_enabled() or changed
    elif state == "disabled":
        changed = task.ensure_unassigned() or changed
    return changed


def fail(module, error, task):
    """Report a failure; a seed created in this run still goes to the action plugin, sealed, to be written."""
    extra = {BOOTSTRAP_RESULT_KEY: task.bootstrap} if task is not None and task.bootstrap else {}
    for warning in task.warnings if task is not None else ():
        module._module.warn(warning)  # pylint: disable=protected-access
    if isinstance(error, MFAError):
        if error.exception:
            module.fail_json_aws(error.exception, msg=error.message, **extra)
        module.fail_json(msg=error.message, **extra)
    module.fail_json(msg="Unexpected error after creating the device: %s" % error, exception=traceback.format_exc(), **extra)


def main():
    started = time.monotonic()
    module = AnsibleAWSModule(argument_spec=argument_spec(), supports_check_mode=True, **MODULE_KWARGS)
    if not HAS_PYOTP:
        module.fail_json(msg=missing_required_lib("pyotp"))
    params = dict(module.params)
    problem = first_problem(params)
    if problem:
        module.fail_json(msg=problem)
    if params.get("seed"):
        params["seed"] = normalize_seed(params["seed"])

    client = module.client("iam", retry_decorator=RETRY, config=CLIENT_CONFIG)
    task = None
    try:
        before, task = prepare(module, client, params, started)
        changed = converge(task, params["state"])
    except MFAError as e:
        fail(module, e, task)
    except Exception as e:  # pylint: disable=broad-exception-caught
        if task is None or not task.bootstrap:
            raise
        fail(module, e, task)

    for warning in task.warnings:
        module._module.warn(warning)  # pylint: disable=protected-access
    result = dict(changed=changed, virtual_mfa_device=public_view(task.device))
    if module._diff:
        result["diff"] = dict(before=diff_view(before), after=diff_view(task.device))
    if task.bootstrap:
        result[BOOTSTRAP_RESULT_KEY] = task.bootstrap
    module.exit_json(**result)


if __name__ == "__main__":
    main()
