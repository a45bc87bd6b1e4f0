"""The aws_accounts inventory's helpers (plugin_utils/_accounts) with plain data: records, filters, host names,
host variables and OU groups."""

import datetime

import pytest

from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts import hostvars
from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts import naming
from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts import records
from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts import select

NODES = [
    {"id": "r-ab12", "name": "Root", "path": "/Root/", "parent_id": None},
    {"id": "ou-ab12-prod", "name": "Production", "path": "/Root/Production/", "parent_id": "r-ab12"},
    {"id": "ou-ab12-dev", "name": "Development", "path": "/Root/Development/", "parent_id": "r-ab12"},
    {"id": "ou-ab12-web", "name": "Web", "path": "/Root/Production/Web/", "parent_id": "ou-ab12-prod"},
    # a sibling whose name starts like Production's: not below it
    {"id": "ou-ab12-pro2", "name": "ProductionLegacy", "path": "/Root/ProductionLegacy/", "parent_id": "r-ab12"},
]


def _account(**changes):
    account = {"Id": "111111111111", "Arn": "arn:aws-us-gov:organizations::999999999999:account/o-x/111111111111",
               "Email": "a@example.com", "Name": "payments", "Status": "ACTIVE", "JoinedMethod": "INVITED",
               "JoinedTimestamp": datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.timezone.utc)}
    account.update(changes)
    return account


def test_record_of_an_organizations_account():
    record = records.from_organizations(_account(State="PENDING_CLOSURE"), NODES[3],
                                        {"id": "o-x", "management_account_id": "999999999999"})
    assert record == {
        "id": "111111111111", "name": "payments", "email": "a@example.com", "status": "PENDING_CLOSURE",
        "arn": _account()["Arn"], "joined_method": "INVITED", "joined_timestamp": "2024-05-01T12:00:00+00:00",
        "ou_id": "ou-ab12-web", "ou_path": "/Root/Production/Web/", "organization_id": "o-x",
        "management_account": False, "tags": None,
    }
    assert records.from_organizations(_account())["status"] == "ACTIVE"  # Status when there is no State
    assert records.from_organizations(_account(), None, {})["management_account"] is None


@pytest.mark.parametrize("value, expected", [("012345678901", "012345678901"), (123456789012, "123456789012")])
def test_account_ids(value, expected):
    assert records.account_id(value, "x") == expected


@pytest.mark.parametrize("value", [12345678901, "1234", True, None, "12345678901a"])
def test_bad_account_ids(value):
    with pytest.raises(ValueError, match="is not a 12-digit account id"):
        records.account_id(value, "x")


def test_ou_scope_is_the_ou_and_below():
    assert [n["id"] for n in select.ou_scope(NODES, ["/Root/Production"])] == ["ou-ab12-prod", "ou-ab12-web"]
    assert [n["id"] for n in select.ou_scope(NODES, ["ou-ab12-web", "ou-ab12-dev"])] == ["ou-ab12-dev", "ou-ab12-web"]
    assert select.ou_scope(NODES, ["r-ab12"]) == NODES
    assert select.ou_scope(NODES, []) == NODES
    with pytest.raises(ValueError, match="no OU /Root/Nope/, ou-ab12-gone"):
        select.ou_scope(NODES, ["/Root/Nope", "ou-ab12-gone"])


def test_path_in_scope_for_listed_accounts():
    assert select.path_in_scope("/Root/Production/Web/", ["/Root/Production/"])
    assert not select.path_in_scope("/Root/ProductionLegacy/", ["/Root/Production/"])
    assert not select.path_in_scope(None, ["/Root/"])


def test_tags_match():
    tags = {"team": "payments", "pci": "true"}
    assert select.tags_match(tags, {})
    assert select.tags_match(tags, {"team": ["identity", "payments"], "pci": True})
    assert select.tags_match(tags, {"team": None})
    assert not select.tags_match(tags, {"owner": None})
    assert not select.tags_match(tags, {"team": "identity"})
    assert not select.tags_match(None, {"team": None})


def test_status_and_exclusion():
    record = {"id": "111111111111", "name": "payments", "status": "SUSPENDED"}
    assert select.status_matches(record, ["suspended"]) and select.status_matches(record, [])
    assert not select.status_matches(record, ["ACTIVE"])
    assert select.is_excluded(record, ["payments"]) and select.is_excluded(record, ["111111111111"])
    assert not select.is_excluded(record, ["222222222222"])


def test_ou_groups():
    paths = ["/Root/", "/Root/Production/Web-Tier 2/", None]
    groups = naming.ou_group_names(paths, "ou_")
    assert naming.ou_group_chain("/Root/", groups) == ["ou_root"]
    assert naming.ou_group_chain("/Root/Production/Web-Tier 2/", groups) == [
        "ou_production", "ou_production_web_tier_2"]
    assert naming.ou_group_chain(None, groups) == []


def test_host_names_keep_accounts_apart():
    accounts = [{"id": "1", "name": "sandbox", "email": None}, {"id": "2", "name": "sandbox", "email": None},
                {"id": "3", "name": " ", "email": None}, {"id": "4", "name": "prod", "email": "p@x"}]
    rendered = [hostvars.render("{name}", record, "aws") for record in accounts]
    names, clashes = naming.host_names(rendered, [record["id"] for record in accounts])
    assert names == ["sandbox_1", "sandbox_2", "3", "prod"]
    assert clashes == ["sandbox"]
    assert hostvars.render("{partition}-{id}", accounts[0], "aws-cn") == "aws-cn-1"


def test_ou_paths_of_distinct_ous_differ():
    assert naming.ou_child_path("/", "Root") == "/Root/"
    assert naming.ou_child_path("/Root/", "Prod/Web") == "/Root/Prod%2FWeb/" != "/Root/Prod/Web/"
    assert naming.ou_child_path("/Root/", "100%2F") == "/Root/100%252F/"


def test_exclusions():
    assert select.exclusions(["payments", 111111111111, "012345678901"]) == {"payments", "111111111111", "012345678901"}
    with pytest.raises(ValueError, match=r"exclude_accounts\[0\]: 1402433619 is not a 12-digit account id \(YAML read "
                                         r"the unquoted 012345670123 as an octal number"):
        select.exclusions([0o12345670123])
    for bad in (True, None, 1.0, ["x"]):
        with pytest.raises(ValueError, match="exclude_accounts"):
            select.exclusions([bad])


@pytest.mark.parametrize("template", ["{account}", "{}", "{0}", "{id", "{name.upper}"])
def test_templates_name_known_fields_only(template):
    with pytest.raises(ValueError, match="role"):
        hostvars.template_fields(template, "role")


def test_host_vars_partition_and_role():
    record = records.from_organizations(_account(), NODES[1], {"id": "o-x", "management_account_id": "111111111111"})
    partition = hostvars.account_partition(record)
    host_vars = hostvars.host_vars(record, partition, "arn:{partition}:iam::{id}:role/Audit")
    assert host_vars["aws_partition"] == "aws-us-gov"
    assert host_vars["aws_assume_role_arn"] == "arn:aws-us-gov:iam::111111111111:role/Audit"
    assert host_vars["aws_management_account"] is True
    assert hostvars.account_partition({"arn": None}) == "aws"
    assert hostvars.account_partition(record, "aws-cn") == "aws-cn"
