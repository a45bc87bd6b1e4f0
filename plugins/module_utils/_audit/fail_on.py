# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which finding kinds fail the play: mfa_audit_fail_on_findings as a list of kinds, one kind, or a boolean."""

from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE
from ansible.module_utils.parsing.convert_bool import BOOLEANS_TRUE


def fail_on_kinds(value, kinds):
    """The kinds (in the order of ``kinds``) that ``value`` selects.

    ``True`` (or a true string such as ``"yes"``) selects every kind, ``False``/``None``/``[]`` none, a list (or one
    string) the kinds it names.  An unknown kind raises ValueError naming the known ones.
    """
    if value is None or isinstance(value, (bool, int)):
        return list(kinds) if value else []
    if isinstance(value, str):
        if value.strip().lower() in BOOLEANS_TRUE:
            return list(kinds)
        if value.strip().lower() in BOOLEANS_FALSE or not value.strip():
            return []
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(kind, str) for kind in value):
        raise ValueError("fail_on_findings must be a boolean or a list of finding kinds, not %r" % (value,))
    unknown = sorted(set(value) - set(kinds))
    if unknown:
        raise ValueError("fail_on_findings names unknown finding kinds %s; the kinds are %s" % (
            ", ".join(unknown), ", ".join(kinds)))
    return [kind for kind in kinds if kind in value]


def failing(summary, selected):
    """{kind: count} of the selected kinds that have findings: what fails the play (empty: nothing does)."""
    return {kind: summary[kind] for kind in selected if summary.get(kind)}
