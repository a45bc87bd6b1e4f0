# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filter mfaops.iam.mfa_audit_organization_summary: per-account mfa_audit reports added up (module_utils/_audit)."""

from ansible.errors import AnsibleFilterError

from ansible_collections.mfaops.iam.plugins.module_utils._audit.organization import organization_summary


def mfa_audit_organization_summary(reports, not_audited=None, now=None):
    """See mfa_audit_organization_summary.yml."""
    try:
        return organization_summary(reports, not_audited=not_audited, now=now)
    except (KeyError, TypeError, ValueError) as e:
        raise AnsibleFilterError("mfa_audit_organization_summary: %s" % e) from e


class FilterModule:
    """The organization-wide summary of the audit."""

    def filters(self):
        return {"mfa_audit_organization_summary": mfa_audit_organization_summary}
