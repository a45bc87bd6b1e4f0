# -*- coding: utf-8 -*-

# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    """Attributes shared by the collection's modules."""

    # Membership of the action group aws (meta/runtime.yml), which extends amazon.aws.aws.
    ACTION_GROUP = r"""
attributes:
  action_group:
    description:
      - Use C(group/mfaops.iam.aws) in C(module_defaults) to set defaults for this module; the group also includes
        the modules of C(group/amazon.aws.aws).
    support: full
    membership:
      - mfaops.iam.aws
"""

    # The modules that only read: the two listings. Used with ansible.builtin.action_common_attributes.
    READ_ONLY = r"""
attributes:
  check_mode:
    support: full
    details: The module changes nothing, so it runs in check mode as it does otherwise.
  diff_mode:
    support: N/A
    details: The module changes nothing.
  platform:
    platforms: all
"""

    # The action plugins that do their whole task in the controller's process. Used with
    # ansible.builtin.action_common_attributes and its flow fragment; check_mode and diff_mode are each plugin's own.
    CONTROLLER = r"""
attributes:
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
  platform:
    platforms: all
"""

    # The actions that converge devices: full check mode and diff (with CONTROLLER).
    CONVERGE = r"""
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
"""
