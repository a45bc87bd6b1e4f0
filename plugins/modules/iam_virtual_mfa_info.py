#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: iam_virtual_mfa_info
short_description: List IAM virtual MFA devices with their users and tags, fast, for audits
version_added: 1.0.0
description:
  - Lists the AWS IAM virtual MFA devices of an account, with the user each one is enabled for and its tags,
    optionally filtered. Read-only.
  - Devices are listed with ListVirtualMFADevices, 1,000 per call (the largest page IAM allows). IAM returns no
    tags there, so the tags of each listed device are fetched with ListMFADeviceTags, on a pool of at most
    O(max_concurrency) threads; each call is retried with jittered backoff when IAM throttles it. The result is
    the same as that of a sequential listing.
  - The one-time bootstrap secret (seed) of a device is never returned; IAM hands it out only at creation.
author:
  - mfaops.iam maintainers (@mfaops)
options:
  name:
    description:
      - Only the devices with this name (under any path, unless O(path_prefix) is also given).
    type: str
  path_prefix:
    description:
      - Only the devices whose path starts with this prefix, for example V(/admins/). Paths start with V(/).
    type: str
  serial_number:
    description:
      - Only the device with this serial number (its ARN), for example C(arn:aws:iam::123456789012:mfa/alice).
      - Listing stops at the page where the device is found.
    type: str
  user_name:
    description:
      - Only the devices enabled for this IAM user. Only assigned devices are listed then
        (C(AssignmentStatus=Assigned)), so O(assignment_status=unassigned) returns nothing, without any call.
    type: str
  assignment_status:
    description:
      - Only the devices enabled for some user (V(assigned)), for nobody (V(unassigned)), or both (V(any)).
      - Passed to IAM as C(AssignmentStatus), so the other devices are not even listed.
    type: str
    choices: [any, assigned, unassigned]
    default: any
  tags:
    description:
      - Only the devices that carry every one of these tags with exactly this value.
      - Keys and values must be strings, as IAM stores them. YAML values such as C(owner:) (null), C(5) or C(true)
        are refused, as M(mfaops.iam.iam_virtual_mfa) refuses them; quote them, for example C(owner="") for an empty
        value.
      - Needs the tags of every device the other filters leave, so it is cheapest combined with them.
    type: dict
  include_tags:
    description:
      - Fetch and return the tags of each device (one ListMFADeviceTags call per device).
      - With V(false) no tag call is made and RV(virtual_mfa_devices[].tags) is V({}) for every device, unless
        O(tags) is set, which needs the tags; they are then fetched for the devices that the other filters leave,
        and returned.
    type: bool
    default: true
  max_concurrency:
    description:
      - How many ListMFADeviceTags calls may be in flight at once, 1 to 50. V(1) makes them one after the other.
      - IAM throttles an account that calls it too fast; throttled calls are retried with jittered backoff, so
        a higher value is safe but may not be faster.
    type: int
    default: 10
notes:
  - "API calls: ListVirtualMFADevices ceil(N / 1000) times (at least once) for the N devices of the asked
    O(assignment_status), then, unless O(include_tags=false) without O(tags), one ListMFADeviceTags per device
    left by the other filters. O(name), O(path_prefix), O(serial_number) and O(user_name) are applied before any
    tag is fetched, so they cut the tag calls to the devices they match; with O(serial_number) the listing also
    stops at the page where the device is."
  - A device deleted between the listing and the fetch of its tags is left out of the result.
  - The root user's virtual MFA device, if any, is listed like the others; its user has no IAM user name.
seealso:
  - module: mfaops.iam.iam_virtual_mfa
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
- name: Every virtual MFA device of the account, with users and tags
  mfaops.iam.iam_virtual_mfa_info:
  register: mfa

- name: Devices enabled for nobody (candidates for clean-up), without tags
  mfaops.iam.iam_virtual_mfa_info:
    assignment_status: unassigned
    include_tags: false
  register: orphans

- name: Fail the audit if any device is enabled for nobody
  ansible.builtin.assert:
    that: orphans.virtual_mfa_devices | length == 0
    fail_msg: "Unassigned devices: {{ orphans.virtual_mfa_devices | map(attribute='serial_number') | join(', ') }}"

- name: The devices of one user
  mfaops.iam.iam_virtual_mfa_info:
    user_name: alice
  register: alice_mfa

- name: Devices of the payments team under /admins/
  mfaops.iam.iam_virtual_mfa_info:
    path_prefix: /admins/
    tags:
      team: payments

- name: One device, by serial number
  mfaops.iam.iam_virtual_mfa_info:
    serial_number: arn:aws:iam::123456789012:mfa/break-glass

- name: A CSV report of who holds which device, on the controller
  ansible.builtin.copy:
    dest: "{{ playbook_dir }}/mfa-report.csv"
    mode: "0640"
    content: |
      serial_number,user_name,enable_date,owner
      {% for d in mfa.virtual_mfa_devices %}
      {{ d.serial_number }},{{ d.user_name or '' }},{{ d.enable_date or '' }},{{ d.tags.owner | default('') }}
      {% endfor %}
  delegate_to: localhost

- name: A large account, with a larger pool for the tag calls, through the collection's group defaults
  module_defaults:
    group/mfaops.iam.aws:
      region: us-east-1
  mfaops.iam.iam_virtual_mfa_info:
    max_concurrency: 20
"""

RETURN = r"""
virtual_mfa_devices:
  description: The devices that match every filter, sorted by serial number.
  returned: always
  type: list
  elements: dict
  contains:
    serial_number:
      description: The device ARN.
      type: str
      sample: arn:aws:iam::123456789012:mfa/admins/alice
    name:
      description: The device name.
      type: str
      sample: alice
    path:
      description: The device path.
      type: str
      sample: /admins/
    user_name:
      description: The IAM user the device is enabled for, or null.
      type: str
      sample: alice
    user_arn:
      description: The ARN of that user, or null.
      type: str
      sample: arn:aws:iam::123456789012:user/alice
    user_id:
      description: The unique ID of that user, or null.
      type: str
      sample: AIDAEXAMPLEALICE12345
    enable_date:
      description: When the device was enabled for its user (ISO 8601), or null.
      type: str
      sample: "2026-11-24T12:00:00+00:00"
    tags:
      description: The device's tags; V({}) with O(include_tags=false) (unless O(tags) is set).
      type: dict
      sample: {"team": "payments", "owner": "alice"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.mfaops.iam.plugins.module_utils._common.client import client_config
from ansible_collections.mfaops.iam.plugins.module_utils._common.paths import path_prefix_problem
from ansible_collections.mfaops.iam.plugins.module_utils._common.pool import DEFAULT_WORKERS
from ansible_collections.mfaops.iam.plugins.module_utils._common.pool import concurrency_problem
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import RETRY
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import MFAError
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.missing_call import watch
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.identity import is_virtual_device_serial
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.identity import name_problem
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.identity import user_problem
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.listing import ASSIGNMENT_STATUS
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.listing import add_tags
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.listing import list_devices
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.validate import tag_type_problem


def argument_spec():
    return dict(
        name=dict(type="str"),
        path_prefix=dict(type="str"),
        serial_number=dict(type="str"),
        user_name=dict(type="str"),
        assignment_status=dict(type="str", default="any", choices=list(ASSIGNMENT_STATUS)),
        tags=dict(type="dict"),
        include_tags=dict(type="bool", default=True),
        max_concurrency=dict(type="int", default=DEFAULT_WORKERS),
    )


def _user_name_problem(user_name):
    return user_problem(user_name, "user_name")


def _serial_problem(serial_number):
    if not is_virtual_device_serial(serial_number):
        return "serial_number %r is not the ARN of a virtual MFA device (arn:aws:iam::<account id>:mfa/...)" % serial_number
    return None


def first_problem(params):
    """What is wrong with the filters, as a message, or None; checked before any AWS call."""
    checks = (
        ("name", name_problem), ("user_name", _user_name_problem),
        ("path_prefix", path_prefix_problem), ("serial_number", _serial_problem),
        ("tags", lambda tags: tag_type_problem("tags", tags)),
    )
    for option, check in checks:
        problem = params[option] is not None and check(params[option])
        if problem:
            return problem
    return concurrency_problem(params["max_concurrency"])


def main():
    module = AnsibleAWSModule(argument_spec=argument_spec(), supports_check_mode=True)
    params = module.params
    problem = first_problem(params)
    if problem:
        module.fail_json(msg=problem)

    config = client_config(params["max_concurrency"])
    client = watch(module.client("iam", retry_decorator=RETRY, config=config))
    try:
        devices = list_devices(client, params)
        if params["include_tags"] or params["tags"]:
            devices = add_tags(client, devices, params, params["max_concurrency"])
    except MFAError as e:
        if e.exception:
            module.fail_json_aws(e.exception, msg=e.message)
        module.fail_json(msg=e.message)

    devices.sort(key=lambda device: device["serial_number"])
    module.exit_json(changed=False, virtual_mfa_devices=devices)


if __name__ == "__main__":
    main()
