# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filter mfaops.iam.mfa_audit_findings: the mfa_audit report, computed in Python (module_utils/_audit)."""

from ansible.errors import AnsibleFilterError

from ansible_collections.mfaops.iam.plugins.module_utils._audit.findings import build_report


def mfa_audit_findings(users_result, devices_result, settings=None, previous=None, now=None):
    """See mfa_audit_findings.yml."""
    try:
        return build_report(users_result, devices_result, settings=settings, previous=previous or {}, now=now)
    except (KeyError, TypeError, ValueError) as e:
        raise AnsibleFilterError("mfa_audit_findings: %s" % e) from e


class FilterModule:
    """The collection's audit filters."""

    def filters(self):
        return {"mfa_audit_findings": mfa_audit_findings}
