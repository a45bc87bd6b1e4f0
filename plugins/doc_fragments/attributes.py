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
