# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filter mfaops.iam.virtual_mfa_plan: what iam_virtual_mfa would do for each user of the user_mfa role, from the
account's listings (plugin_utils/_fleet_plan)."""

from ansible.errors import AnsibleFilterError

from ansible_collections.mfaops.iam.plugins.plugin_utils._fleet_plan.fleet import plan_fleet
from ansible_collections.mfaops.iam.plugins.plugin_utils._fleet_plan.inputs import PlanInputError


def virtual_mfa_plan(entries, users, devices, settings=None):
    """See virtual_mfa_plan.yml."""
    try:
        return plan_fleet(entries, users, devices, settings)
    except PlanInputError as e:
        raise AnsibleFilterError("virtual_mfa_plan: %s" % e) from e


class FilterModule:
    """The collection's planning filters."""

    def filters(self):
        return {"virtual_mfa_plan": virtual_mfa_plan}
