# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading an AWS Organization: the OU tree once, the accounts OU by OU (or in one listing), and account tags.

Every listing goes through botocore's paginator (Organizations may answer a page with no items and a NextToken).
Calls for independent items (the OUs of one tree level, the accounts' tags) run on a small bounded pool of threads
sharing one client.  Call counts, with N accounts, U organizational units and pages of 20:

- ``describe_organization``: 1 DescribeOrganization;
- ``ou_tree``: 1 ListRoots + one ListOrganizationalUnitsForParent per node (root and every OU);
- ``accounts_by_parent``: one ListAccountsForParent per node asked for (per page of 20 accounts);
- ``all_accounts``: one ListAccounts per page of 20 accounts;
- ``account_tags``: one ListTagsForResource per account.
"""

from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.mfaops.iam.plugins.module_utils._common.paging import paginate
from ansible_collections.mfaops.iam.plugins.module_utils._common.pool import map_bounded
from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts.naming import ou_child_path


def pages(client, operation, key, **kwargs):
    """Every item under ``key`` of every page of ``operation`` (a paginated Organizations listing)."""
    return list(paginate(client, operation, key, **kwargs))


def describe_organization(client):
    """{"id", "arn", "management_account_id"} of the caller's organization."""
    org = client.describe_organization()["Organization"]
    return {"id": org["Id"], "arn": org.get("Arn"), "management_account_id": org.get("MasterAccountId")}


def ou_tree(client, workers=1):
    """The roots and every OU under them, parents before children: [{"id", "name", "path", "parent_id"}].

    ``path`` is the names from the root down, as ``/Root/Production/Web/`` (a ``/`` or ``%`` in a name written
    ``%2F`` or ``%25``: naming.ou_child_path); a root's parent_id is None.
    """
    level = [{"id": root["Id"], "name": root["Name"], "path": ou_child_path("/", root["Name"]), "parent_id": None}
             for root in pages(client, "list_roots", "Roots")]
    nodes = []
    while level:
        nodes.extend(level)
        children = map_bounded(
            lambda node: pages(client, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=node["id"]),
            level, workers, thread_name_prefix="mfaops-ous")
        level = [
            {"id": ou["Id"], "name": ou["Name"], "path": ou_child_path(parent["path"], ou["Name"]),
             "parent_id": parent["id"]}
            for parent, ous in zip(level, children) for ou in ous
        ]
    return nodes


def accounts_by_parent(client, nodes, workers=1):
    """[(node, account)] for every account directly in one of ``nodes`` (from ou_tree), in the nodes' order."""
    listings = map_bounded(
        lambda node: pages(client, "list_accounts_for_parent", "Accounts", ParentId=node["id"]),
        nodes, workers, thread_name_prefix="mfaops-accounts")
    return [(node, account) for node, accounts in zip(nodes, listings) for account in accounts]


def all_accounts(client):
    """Every account of the organization, from ListAccounts (no OU information)."""
    return pages(client, "list_accounts", "Accounts")


def account_tags(client, account_ids, workers=1):
    """{account id: {tag key: value}} for each of ``account_ids``."""
    account_ids = list(account_ids)
    tag_lists = map_bounded(
        lambda account_id: pages(client, "list_tags_for_resource", "Tags", ResourceId=account_id),
        account_ids, workers, thread_name_prefix="mfaops-tags")
    return {account_id: boto3_tag_list_to_ansible_dict(tags) for account_id, tags in zip(account_ids, tag_lists)}
