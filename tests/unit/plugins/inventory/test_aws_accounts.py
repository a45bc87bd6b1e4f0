"""The aws_accounts inventory in this process (InventoryManager) against an organization on the local endpoint.

The organization (built once for the module; the tests only read it): the management account and 21 member accounts
in /Root/Production/ (with 3 of them in /Root/Production/Web/), /Root/Development/ and /Root/Sandbox/, each tagged
team (payments, identity, platform in turn) and cost-center (cc-0, cc-1); the last member account is closed
(SUSPENDED).  The tests that need another organization are at the end and rebuild their own.
"""

import re

import pytest

ROOT = "123456789012"
OUS = ("Production", "Development", "Sandbox")
TEAMS = ("payments", "identity", "platform")
MEMBERS = 21


@pytest.fixture(scope="module")
def organization(iam_endpoint):
    iam_endpoint.reset()
    org = iam_endpoint.create_organization(accounts=MEMBERS, ou_names=OUS)
    client = iam_endpoint.boto3_client("organizations")
    production = org["ous"]["Production"]
    web = client.create_organizational_unit(ParentId=production, Name="Web")["OrganizationalUnit"]["Id"]
    org["ous"]["Production/Web"] = web
    for account in [a for a in org["accounts"] if a["ou"] == "Production"][:3]:
        client.move_account(AccountId=account["id"], SourceParentId=production, DestinationParentId=web)
        account["ou"] = "Production/Web"
    for index, account in enumerate(org["accounts"]):
        account["tags"] = {"team": TEAMS[index % 3], "cost-center": "cc-%d" % (index % 2)}
        client.tag_resource(ResourceId=account["id"], Tags=[{"Key": k, "Value": v} for k, v in account["tags"].items()])
        account["status"] = "ACTIVE"
    client.close_account(AccountId=org["accounts"][-1]["id"])
    org["accounts"][-1]["status"] = "SUSPENDED"
    org["url"] = iam_endpoint.url
    return org


@pytest.fixture
def org_inventory(organization, inventory):
    """``org_inventory(refresh=False, name="org", **options)``: the inventory of the organization with the management
    account's keys; ``refresh`` as ansible-inventory --flush-cache."""

    def run(refresh=False, name="org", **options):
        config = dict({"endpoint_url": organization["url"], "access_key": "testing", "secret_key": "testing"}, **options)
        return inventory(config, cache=not refresh, name=name)

    return run


def _active(org):
    return [a for a in org["accounts"] if a["status"] == "ACTIVE"]


def test_a_host_per_active_account_with_its_variables(organization, org_inventory):
    run = org_inventory()
    assert run.hosts == sorted(["master"] + [a["name"] for a in _active(organization)])
    assert "member-020" not in run.hosts  # SUSPENDED
    for account in _active(organization):
        host_vars = run.vars(account["name"])
        assert host_vars["ansible_connection"] == "local"
        assert host_vars["ansible_python_interpreter"] == "{{ ansible_playbook_python }}"
        assert host_vars["aws_account_id"] == account["id"]
        assert host_vars["aws_account_name"] == account["name"]
        assert host_vars["aws_account_email"] == account["email"]
        assert host_vars["aws_account_status"] == "ACTIVE"
        assert host_vars["aws_ou_path"] == "/Root/%s/" % account["ou"]
        assert host_vars["aws_ou_id"] == organization["ous"][account["ou"]]
        assert host_vars["aws_partition"] == "aws"
        assert host_vars["aws_assume_role_arn"] == "arn:aws:iam::%s:role/OrganizationAccountAccessRole" % account["id"]
        assert host_vars["aws_organization_id"] == organization["id"]
        assert host_vars["aws_management_account"] is False
        assert host_vars["aws_account_tags"] is None  # nothing asked for the tags: not read
    master = run.vars("master")
    assert (master["aws_account_id"], master["aws_ou_path"], master["aws_management_account"]) == (ROOT, "/Root/", True)
    # the OU tree once (root, 3 OUs, Web), the accounts OU by OU, no tags
    assert run.calls == {"DescribeOrganization": 1, "ListRoots": 1, "ListOrganizationalUnitsForParent": 5,
                         "ListAccountsForParent": 5}


def test_groups_by_ou_nested_as_the_ous(organization, org_inventory):
    run = org_inventory()
    by_ou = {}
    for account in _active(organization):
        by_ou.setdefault(account["ou"], []).append(account["name"])
    assert run.group("ou_production_web") == sorted(by_ou["Production/Web"])
    assert run.children("ou_production") == ["ou_production_web"]
    # a group's hosts include those of its child groups
    assert run.group("ou_production") == sorted(by_ou["Production"] + by_ou["Production/Web"])
    assert run.group("ou_development") == sorted(by_ou["Development"])
    assert run.group("ou_sandbox") == sorted(by_ou["Sandbox"])
    assert run.group("ou_root") == ["master"]


def test_ou_groups_can_be_renamed_or_left_out(org_inventory):
    assert org_inventory(ou_group_prefix="org_unit_").group("org_unit_development")
    run = org_inventory(ou_groups=False)
    assert not [name for name in run.inventory.groups if name.startswith("ou_")]


def test_keyed_groups_groups_and_compose_on_tags(organization, org_inventory):
    run = org_inventory(
        keyed_groups=[{"key": "aws_account_tags", "prefix": "tag"}, {"key": "aws_ou_path", "prefix": "path"}],
        groups={"payments": "aws_account_tags.team == 'payments'"},
        compose={"team": "aws_account_tags.team", "role_to_assume": "aws_assume_role_arn"},
    )
    for team in TEAMS:
        expected = sorted(a["name"] for a in _active(organization) if a["tags"]["team"] == team)
        assert run.group("tag_team_%s" % team) == expected
    assert run.group("payments") == run.group("tag_team_payments")
    assert run.group("tag_cost_center_cc_0") == sorted(
        a["name"] for a in _active(organization) if a["tags"]["cost-center"] == "cc-0")
    assert run.group("path__Root_Sandbox_") == run.group("ou_sandbox")
    member = _active(organization)[4]
    assert run.vars(member["name"])["team"] == member["tags"]["team"]
    assert run.vars(member["name"])["aws_account_tags"] == member["tags"]
    assert run.vars("master")["aws_account_tags"] == {}
    # tags were needed (keyed_groups names aws_account_tags): one ListTagsForResource per account kept
    assert run.calls["ListTagsForResource"] == len(run.hosts) == MEMBERS


def test_compose_overrides_the_role_of_the_management_account(org_inventory):
    run = org_inventory(compose={
        "aws_assume_role_arn": "aws_management_account | ternary('arn:aws:iam::%s:role/Audit', aws_assume_role_arn)" % ROOT,
    })
    assert run.vars("master")["aws_assume_role_arn"] == "arn:aws:iam::%s:role/Audit" % ROOT
    assert run.vars("member-000")["aws_assume_role_arn"].endswith(":role/OrganizationAccountAccessRole")


def test_status_filter(organization, org_inventory):
    assert org_inventory(statuses=["SUSPENDED"]).hosts == ["member-020"]
    everything = org_inventory(statuses=[])
    assert len(everything.hosts) == MEMBERS + 1
    assert everything.vars("member-020")["aws_account_status"] == "SUSPENDED"


def test_ou_filter_by_path_and_by_id(organization, org_inventory):
    production = [a["name"] for a in _active(organization) if a["ou"].startswith("Production")]
    run = org_inventory(organizational_units=["/Root/Production/"])
    assert run.hosts == sorted(production)
    # the tree once, then the accounts of Production and Web only
    assert run.calls["ListAccountsForParent"] == 2
    assert org_inventory(organizational_units=["/Root/Production/Web"]).hosts == sorted(
        a["name"] for a in _active(organization) if a["ou"] == "Production/Web")
    both = org_inventory(organizational_units=[organization["ous"]["Development"], "/Root/Sandbox/"])
    assert both.hosts == sorted(a["name"] for a in _active(organization) if a["ou"] in ("Development", "Sandbox"))
    assert org_inventory(organizational_units=[organization["root_id"]]).hosts == org_inventory().hosts


def test_unknown_ou_is_an_error(organization, parse_error):
    error = parse_error(dict(endpoint_url=organization["url"], access_key="testing", secret_key="testing",
                             organizational_units=["/Root/Nowhere/"]))
    assert "the organization has no OU /Root/Nowhere/" in str(error)


def test_tag_filters(organization, org_inventory):
    run = org_inventory(tag_filters={"team": "payments"})
    assert run.hosts == sorted(a["name"] for a in _active(organization) if a["tags"]["team"] == "payments")
    assert run.calls["ListTagsForResource"] == MEMBERS  # read for every account the other filters keep
    two = org_inventory(tag_filters={"team": ["payments", "identity"], "cost-center": "cc-0"})
    assert two.hosts == sorted(a["name"] for a in _active(organization)
                               if a["tags"]["team"] in ("payments", "identity") and a["tags"]["cost-center"] == "cc-0")
    assert org_inventory(tag_filters={"team": None}).hosts == sorted(a["name"] for a in _active(organization))
    # tags are read only for the accounts in scope
    scoped = org_inventory(organizational_units=["/Root/Sandbox/"], tag_filters={"team": "platform"})
    assert scoped.calls["ListTagsForResource"] == len([a for a in _active(organization) if a["ou"] == "Sandbox"])


def test_exclude_hostname_template_and_role_pattern(organization, org_inventory):
    run = org_inventory(exclude_accounts=[ROOT, "member-000"], hostname_template="{id}",
                        assume_role_pattern="arn:{partition}:iam::{id}:role/mfaops-audit-{name}")
    expected = [a for a in _active(organization) if a["name"] != "member-000"]
    assert run.hosts == sorted(a["id"] for a in expected)
    account = expected[0]
    assert run.vars(account["id"])["aws_assume_role_arn"] == "arn:aws:iam::%s:role/mfaops-audit-%s" % (
        account["id"], account["name"])
    assert org_inventory(assume_role_pattern="").vars("member-001")["aws_assume_role_arn"] is None


def test_one_listaccounts_listing_without_ou(organization, org_inventory):
    run = org_inventory(list_by_organizational_unit=False)
    assert run.hosts == org_inventory().hosts
    assert run.calls == {"DescribeOrganization": 1, "ListAccounts": 1}
    assert run.vars("member-001")["aws_ou_path"] is None
    assert not [name for name in run.inventory.groups if name.startswith("ou_")]


def test_explicit_accounts_make_no_call(inventory):
    accounts = [
        {"id": "111111111111", "name": "payments-prod", "ou_path": "/Root/Production/", "tags": {"team": "payments"}},
        {"id": "222222222222", "name": "identity-prod", "ou_path": "Root/Production/Web", "email": "id@example.com"},
        {"id": 333333333333, "status": "suspended"},
        {"id": "044444444444", "name": "sandbox", "ou_path": "/Root/Sandbox/"},
    ]
    run = inventory({"accounts": accounts, "region": "us-east-1",
                     "keyed_groups": [{"key": "aws_account_tags", "prefix": "tag"}]})
    assert run.hosts == ["identity-prod", "payments-prod", "sandbox"]
    assert run.calls == {}
    assert run.vars("identity-prod")["aws_ou_path"] == "/Root/Production/Web/"
    assert run.vars("identity-prod")["aws_account_email"] == "id@example.com"
    assert run.vars("sandbox")["aws_assume_role_arn"] == "arn:aws:iam::044444444444:role/OrganizationAccountAccessRole"
    assert run.vars("sandbox")["aws_account_tags"] == {}
    assert run.group("tag_team_payments") == ["payments-prod"]
    assert run.group("ou_production") == ["identity-prod", "payments-prod"]
    assert run.children("ou_production") == ["ou_production_web"]
    filtered = inventory({"accounts": accounts, "organizational_units": ["/Root/Production/"], "statuses": [],
                          "tag_filters": {"team": "payments"}, "partition": "aws-us-gov"})
    assert filtered.hosts == ["payments-prod"]
    assert filtered.vars("payments-prod")["aws_assume_role_arn"].startswith("arn:aws-us-gov:iam::111111111111:")
    assert inventory({"accounts": accounts, "statuses": ["SUSPENDED"]}).hosts == ["333333333333"]


def test_shared_account_names_get_their_id(inventory, capsys):
    run = inventory({"accounts": [{"id": "111111111111", "name": "sandbox"}, {"id": "222222222222", "name": "sandbox"},
                                  {"id": "333333333333", "name": "other"}]})
    assert run.hosts == ["other", "sandbox_111111111111", "sandbox_222222222222"]
    assert "the host name(s) sandbox would be shared by several accounts" in capsys.readouterr().err


@pytest.mark.parametrize("config, message", [
    ({"accounts": [{"id": "12345"}]}, "accounts[0].id: '12345' is not a 12-digit account id"),
    ({"accounts": [{"id": "111111111111", "owner": "x"}]}, "accounts[0]: unknown keys owner"),
    ({"accounts": [{"id": "111111111111"}, {"id": "111111111111"}]}, "account 111111111111 is listed twice"),
    ({"accounts": [{"id": "111111111111"}], "organizational_units": ["ou-ab12-cdef3456"]}, "OU ids (ou-ab12-cdef3456) need"),
    ({"accounts": [{"id": "111111111111"}], "hostname_template": "{account}"}, "hostname_template: '{account}' may name only"),
    ({"accounts": [{"id": "111111111111"}], "assume_role_pattern": "arn:{id"}, "assume_role_pattern:"),
    ({"organizational_units": ["Production"]}, "neither an OU id"),
    ({"list_by_organizational_unit": False, "organizational_units": ["/Root/P/"]}, "needs list_by_organizational_unit"),
    ({"tag_filters": {"team": "x"}, "fetch_tags": False}, "tag_filters needs the tags"),
])
def test_bad_options_are_reported(parse_error, config, message):
    error = parse_error(config)
    assert message in str(error)
    assert "mfaops.iam.aws_accounts" in str(error)


def test_aws_ec2_options_are_warned_about_not_silently_ignored(inventory, monkeypatch):
    """regions and hostnames are what an amazon.aws.aws_ec2 user writes by habit: each is named in a warning."""
    from ansible.utils.display import Display

    warnings = []
    monkeypatch.setattr(Display, "warning", lambda self, msg, *args, **kwargs: warnings.append(msg))
    run = inventory({"accounts": [{"id": "222222222222", "name": "payments"}], "regions": ["eu-west-1"],
                     "hostnames": ["tag:Name"]}, cache=False)
    assert run.hosts == ["payments"]
    assert run.calls == {}
    mine = [w for w in warnings if w.startswith("mfaops.iam.aws_accounts: ")]
    assert len(mine) == 2, warnings
    assert "hostnames is an option of amazon.aws.aws_ec2" in mine[0] and "hostname_template" in mine[0]
    assert "regions is an option of amazon.aws.aws_ec2" in mine[1]


@pytest.mark.parametrize("text, message", [
    # YAML reads an unquoted id with a leading 0 as an octal number: 012345670123 is 1402433619
    ("exclude_accounts: [012345670123]\n", "exclude_accounts[0]: 1402433619 is not a 12-digit account id (YAML read "
                                           "the unquoted 012345670123 as an octal number: quote account ids)"),
    ("exclude_accounts: ['111111111111', 12345]\n", "exclude_accounts[1]: 12345 is not a 12-digit account id"),
    ("exclude_accounts: [1.5]\n", "exclude_accounts[0]: 1.5 is neither an account name nor a 12-digit account id"),
    ("exclude_accounts: [{id: '111111111111'}]\n", "exclude_accounts[0]: {'id': '111111111111'} is neither"),
])
def test_exclude_accounts_refuses_what_is_no_account(parse_error, text, message):
    error = parse_error("accounts: [{id: '111111111111'}]\n" + text)
    assert message in str(error)
    assert "_AnsibleTagged" not in str(error)


def test_exclude_accounts_by_unquoted_id_or_name(inventory):
    accounts = [{"id": "111111111111", "name": "a"}, {"id": "222222222222", "name": "b"}, {"id": "333333333333"}]
    assert inventory({"accounts": accounts, "exclude_accounts": [111111111111, "b"]}).hosts == ["333333333333"]


def test_verify_file():
    from action_harness import init_loader

    init_loader()
    from ansible.plugins.loader import inventory_loader

    plugin = inventory_loader.get("mfaops.iam.aws_accounts")
    assert plugin.verify_file(__file__) is False  # exists, wrong name
    assert plugin.verify_file("/nonexistent/org.aws_accounts.yml") is False


def test_cache_second_run_makes_no_organizations_call(organization, org_inventory, tmp_path):
    cache = {"cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(tmp_path / "cache"),
             "keyed_groups": [{"key": "aws_account_tags", "prefix": "tag"}]}
    first = org_inventory(**cache)
    assert sum(first.calls.values()) == 12 + MEMBERS
    second = org_inventory(**cache)
    assert second.calls == {}
    assert second.dump() == first.dump()
    # refresh (ansible-inventory --flush-cache): lists again
    assert sum(org_inventory(refresh=True, **cache).calls.values()) == 12 + MEMBERS
    # a cached listing made with other filters is not used
    other = org_inventory(organizational_units=["/Root/Sandbox/"], **cache)
    assert other.calls["ListAccountsForParent"] == 1
    assert other.hosts == sorted(a["name"] for a in _active(organization) if a["ou"] == "Sandbox")
    assert org_inventory(organizational_units=["/Root/Sandbox/"], **cache).calls == {}


def test_no_credential_in_hosts_groups_or_cache(organization, iam_endpoint, org_inventory, tmp_path):
    """The listing assumes a role in the management account (assume_role_arn): neither its session credentials nor
    the keys of the inventory file reach host variables, groups or the cache."""
    iam = iam_endpoint.boto3_client("iam")
    iam.create_role(RoleName="OrganizationReader", AssumeRolePolicyDocument="{}")
    secret = "SECRET-key-of-the-inventory-file-0123456789"
    cache_dir = tmp_path / "cache"
    options = {"name": "secret", "secret_key": secret, "assume_role_arn": "arn:aws:iam::%s:role/OrganizationReader" % ROOT,
               "cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(cache_dir),
               "keyed_groups": [{"key": "aws_account_tags", "prefix": "tag"}], "compose": {"everything": "aws_account_tags"}}
    try:
        run = org_inventory(**options)
    finally:
        iam.delete_role(RoleName="OrganizationReader")
    assert len(run.hosts) == MEMBERS
    token, assumed_secret = run.credentials["aws_session_token"], run.credentials["aws_secret_access_key"]
    assert token and assumed_secret
    cached = "".join(path.read_text() for path in cache_dir.iterdir())
    assert organization["accounts"][0]["id"] in cached
    for text in (run.dump(), cached):
        for value in (secret, token, assumed_secret, run.credentials["aws_access_key_id"]):
            assert value not in text
    # served from the cache: no client at all, so not even the AssumeRole of assume_role_arn (the role is gone)
    again = org_inventory(**options)
    assert (again.hosts, again.calls, again.credentials) == (run.hosts, {}, {})


# -- tests with an organization of their own (they reset the endpoint) ------------------------------------------


def test_pages_of_accounts_in_one_ou(endpoint, inventory):
    org = endpoint.create_organization(accounts=25, ou_names=("Everything",))
    run = inventory({"endpoint_url": endpoint.url, "access_key": "testing", "secret_key": "testing",
                     "organizational_units": ["/Root/Everything/"]})
    assert run.hosts == sorted(a["name"] for a in org["accounts"])
    assert run.calls["ListAccountsForParent"] == 2  # pages of 20


def test_not_in_an_organization(endpoint, parse_error):
    error = parse_error({"endpoint_url": endpoint.url, "access_key": "testing", "secret_key": "testing"})
    assert "not in an organization" in str(error)


HOSTILE = ["{{lookup('pipe','touch pwn')}}", "dup", "dup", "../escape", "victim/.", "victim", "a,b:c!d&e*f[1]", "  "]


def test_hostile_account_and_ou_names(endpoint, inventory):
    """Account names are data: every account is a host of its own (dup, dup and dup_<id of the first>: 3 hosts), host
    names hold no template, pattern or path syntax, and distinct OUs (/Root/Prod/Web/, /Root/Prod_Web/ and an OU named
    "Prod/Web" under the root) never share a group: --limit ou_prod reaches Production's accounts only."""
    org = endpoint.create_organization(names=HOSTILE, ou_names=())
    client = endpoint.boto3_client("organizations")
    accounts = org["accounts"]
    twin = client.create_account(AccountName="dup_" + accounts[1]["id"], Email="twin@example.com")
    twin_id = twin["CreateAccountStatus"]["AccountId"]

    def ou(parent, name):
        return client.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]

    def move(account, target):
        client.move_account(AccountId=account["id"], SourceParentId=org["root_id"], DestinationParentId=target)

    prod = ou(org["root_id"], "Prod")
    move(accounts[0], ou(prod, "Web"))
    move(accounts[3], prod)
    move(accounts[1], ou(org["root_id"], "Prod_Web"))
    move(accounts[2], ou(org["root_id"], "Prod/Web"))

    run = inventory({"endpoint_url": endpoint.url, "access_key": "testing", "secret_key": "testing"})
    host_of = {run.vars(host)["aws_account_id"]: host for host in run.hosts}
    assert len(host_of) == len(run.hosts) == len(accounts) + 2  # the twin and the management account
    for host in run.hosts:
        assert re.fullmatch(r"[A-Za-z0-9_.-]+", host), host
    for account in accounts:
        assert run.vars(host_of[account["id"]])["aws_account_name"] == account["name"]  # literal, not templated
    assert run.vars(host_of[twin_id])["aws_account_name"] == "dup_" + accounts[1]["id"]
    assert run.group("ou_prod") == sorted([host_of[accounts[0]["id"]], host_of[accounts[3]["id"]]])
    web, prod_web, slash = (run.vars(host_of[accounts[index]["id"]]) for index in (0, 1, 2))
    assert len({web["aws_ou_path"], prod_web["aws_ou_path"], slash["aws_ou_path"]}) == 3
    assert web["aws_ou_path"] == "/Root/Prod/Web/" and prod_web["aws_ou_path"] == "/Root/Prod_Web/"
    groups = [[name for name in run.inventory.groups if host_of[accounts[index]["id"]] in (run.group(name) or [])
               and name.startswith("ou_")] for index in (0, 1, 2)]
    assert groups[0][0] == "ou_prod" and len(groups[0]) == 2
    assert len({groups[0][1], groups[1][0], groups[2][0]}) == 3
    assert run.group(groups[1][0]) == [host_of[accounts[1]["id"]]]
    assert run.group(groups[2][0]) == [host_of[accounts[2]["id"]]]
