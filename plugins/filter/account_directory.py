# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filter mfaops.iam.account_directory: an account's directory name under a base directory
(plugin_utils/_accounts/naming.account_directory)."""

from ansible.errors import AnsibleFilterError

from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts.naming import account_directory as _account_directory


def account_directory(host, account_id=None):
    """See account_directory.yml."""
    try:
        return _account_directory(account_id, None if host is None else str(host))
    except ValueError as e:
        raise AnsibleFilterError("account_directory: %s" % e) from e


class FilterModule:
    """Directory names of accounts."""

    def filters(self):
        return {"account_directory": account_directory}
