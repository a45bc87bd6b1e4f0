# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: aws_accounts
short_description: The accounts of an AWS Organization as inventory hosts, one per account
version_added: 1.0.0
description:
  - Lists the accounts of an AWS Organization with the credentials of its management account (or of a delegated
    administrator), or takes an explicit list of accounts (O(accounts)) and calls no AWS API at all.
  - Gives each account a host named after it (O(hostname_template)) with C(ansible_connection=local) and host variables
    describing the account and the role a play assumes to act in it (O(assume_role_pattern)). The host variables hold
    no credential; a play assumes the role per host when it runs (for example with M(amazon.aws.sts_assume_role)).
  - Keeps the accounts whose status is in O(statuses) (V(ACTIVE) by default), that are in one of
    O(organizational_units) (or below it), that are not in O(exclude_accounts) and whose tags match O(tag_filters).
  - Puts each host in a group per organizational unit (O(ou_groups)), nested as the OUs are, and supports
    O(compose), O(groups) and O(keyed_groups) on the host variables, for example groups per account tag.
  - "Host variables: C(ansible_connection) (V(local)), C(ansible_python_interpreter) (the controller's Python,
    C({{ ansible_playbook_python }}), where boto3 is), C(aws_account_id), C(aws_account_name), C(aws_account_email),
    C(aws_account_status), C(aws_account_arn), C(aws_account_joined_timestamp), C(aws_organization_id),
    C(aws_management_account) (whether it is the organization's management account), C(aws_ou_id), C(aws_ou_path)
    (such as V(/Root/Production/); a C(/) or C(%) inside an OU name is written C(%2F) or C(%25), so that an OU named
    C(Prod/Web) is V(/Root/Prod%2FWeb/), not the OU C(Web) of C(Prod)), C(aws_account_tags) (a dictionary, or V(null)
    when the tags were not read, see O(fetch_tags)), C(aws_partition) and C(aws_assume_role_arn). What is unknown (for
    example the OU of an account of O(accounts) without C(ou_path)) is V(null). O(compose) may override any of them."
  - Every value that comes from AWS (account and OU names, e-mail addresses, tags, ARNs) is data, never a template,
    on every supported ansible-core (on ansible-core before 2.19 the plugin marks it unsafe). An account named
    C({{ 7 * 7 }}) is that text, not V(49), wherever a play uses C(aws_account_name).
  - "Calls (pages of 20 items): DescribeOrganization once; with O(list_by_organizational_unit=true) ListRoots once,
    ListOrganizationalUnitsForParent once per OU of the organization and ListAccountsForParent once per OU in scope;
    otherwise ListAccounts; ListTagsForResource once per account kept by the other filters, only when the tags are
    needed (see O(fetch_tags)). Independent calls run O(max_concurrency) at a time."
  - The inventory file name must end with C(aws_accounts.yml) or C(aws_accounts.yaml).
author:
  - mfaops.iam maintainers (@mfaops)
extends_documentation_fragment:
  - inventory_cache
  - constructed
  - mfaops.iam.requirements.inventory
  - amazon.aws.common.plugins
  - amazon.aws.region.plugins
  - amazon.aws.assume_role.plugins
notes:
  - The connection options (O(access_key), O(profile), O(assume_role_arn), ...) are those of the listing, in the
    management or delegated administrator account. They are not passed to the hosts. O(assume_role_arn) is the role
    the inventory itself assumes to list the organization; O(assume_role_pattern) is the role of each host.
  - Organizations is a global service served from one region per partition; without a configured region the
    inventory uses V(us-east-1).
  - The management account has no C(OrganizationAccountAccessRole). Leave it out with O(exclude_accounts) or give it
    another role with O(compose) (C(aws_management_account) tells it apart).
  - The cache holds the accounts (ids, names, e-mail addresses, OUs, tags), never credentials. A cached listing is
    used only if the options that decide what is listed (source, filters, O(fetch_tags), connection target) are the
    ones it was made with.
  - "Coming from P(amazon.aws.aws_ec2#inventory): the connection options (O(profile), O(region),
    O(assume_role_arn), ... and their aliases), O(compose), O(groups), O(keyed_groups), O(strict) and the cache
    options mean the same here. The others differ, so none is an alias: O(hostname_template) is one format string
    where aws_ec2's C(hostnames) is a list of preferred attributes; O(tag_filters) (tag key to a value, a list of
    values or V(null), every key must match) and O(exclude_accounts) (account ids or names) take the place of
    C(filters), C(include_filters) and C(exclude_filters), whose EC2 API filters do not apply to accounts; the host
    variables keep their names (no C(hostvars_prefix) or C(hostvars_suffix): the roles read C(aws_assume_role_arn);
    use O(compose)); AWS Organizations is global (no C(regions)). An aws_ec2 option set in the inventory file is
    named in a warning and ignored."
options:
  plugin:
    description: The name of this plugin; it makes the file an inventory source of this plugin.
    type: str
    required: true
    choices: [mfaops.iam.aws_accounts]
  accounts:
    description:
      - The accounts, listed here instead of read from AWS Organizations. No AWS API is called.
      - Each is a dictionary with C(id) (12 digits; quote it, YAML reads a number with a leading 0 differently) and
        optionally C(name) (default the id), C(email), C(status) (default V(ACTIVE)), C(ou_path) (such as
        V(/Root/Production/)) and C(tags) (a dictionary).
      - O(organizational_units) then matches C(ou_path) and takes paths only.
    type: list
    elements: dict
    default: []
  statuses:
    description:
      - Keep the accounts whose status (C(State) of the account, or its older C(Status)) is one of these.
      - An empty list keeps every status.
    type: list
    elements: str
    default: [ACTIVE]
  organizational_units:
    description:
      - Keep the accounts in one of these organizational units or in an OU below it.
      - Each is an OU id (V(ou-ab12-cdef3456)), a root id (V(r-ab12)) or a path of OU names from the root
        (V(/Root/Production/) or V(/Root/Production/Web)).
      - With the Organizations listing, only the OUs in scope are listed (ListAccountsForParent); an OU the
        organization does not have is an error.
    type: list
    elements: str
    default: []
  exclude_accounts:
    description:
      - Leave out these accounts, by id or by name.
      - Quote account ids. An unquoted number must be a 12-digit id; YAML reads an unquoted id with a leading C(0)
        (C(012345670123)) as an octal number, which is refused with an error rather than matching no account.
    type: list
    elements: raw
    default: []
  tag_filters:
    description:
      - Keep the accounts whose tags match every entry. A key maps to a value, to a list of values (any of them) or to
        V(null) (the tag is set, with any value).
      - The tags are then read (ListTagsForResource per account).
    type: dict
    default: {}
  fetch_tags:
    description:
      - Whether to read the accounts' tags into C(aws_account_tags).
      - By default they are read when O(tag_filters) is set or when O(compose), O(groups) or O(keyed_groups) name
        C(aws_account_tags), and not otherwise (C(aws_account_tags) is then V(null)).
    type: bool
  list_by_organizational_unit:
    description:
      - List the accounts OU by OU (the OU tree once, then ListAccountsForParent per OU in scope), which gives each
        account its OU (C(aws_ou_id), C(aws_ou_path)) and OU groups.
      - With V(false), one ListAccounts listing (the fewest calls in a flat organization); the accounts then have no
        OU and O(organizational_units) cannot be used.
    type: bool
    default: true
  max_concurrency:
    description: How many Organizations calls run at a time (the OUs of one level of the tree, the accounts' tags).
    type: int
    default: 4
  hostname_template:
    description:
      - The host name of an account, a Python format string with the fields C({id}), C({name}), C({email}) and
        C({partition}).
      - Host names are made of C(A-Z), C(a-z), C(0-9), C(_), C(.) and C(-) only; every other character of the text
        (blanks, C({ }), C(/), C(:), C(,), C(!), C([ ]), ...) is replaced by C(_), so that a host name is never a
        template, a host pattern or a path. Text that is empty once stripped gives the account id.
      - Account names need not be unique; accounts that would share a host name get C(<name>_<id>) instead (then
        C(<name>_<id>_2), ... if an account is really named so), with a warning; every account is a host of its own.
        So does an account whose host name would be an OU group's name or C(localhost), C(all) or C(ungrouped).
        Use V({id}) for names that never change.
    type: str
    default: '{name}'
  assume_role_pattern:
    description:
      - The ARN of the role to assume in each account, in C(aws_assume_role_arn); a Python format string with the
        fields C({id}), C({name}), C({email}) and C({partition}).
      - An empty value sets C(aws_assume_role_arn) to V(null) (act with the play's own credentials).
    type: str
    default: 'arn:{partition}:iam::{id}:role/OrganizationAccountAccessRole'
  partition:
    description:
      - The partition of the accounts (V(aws), V(aws-us-gov), V(aws-cn)), in C(aws_partition) and C({partition}).
      - By default that of the account's ARN, or V(aws) for the accounts of O(accounts).
    type: str
  ou_groups:
    description:
      - Put each host in a group named after its organizational unit, such as C(ou_production) for
        V(/Root/Production/) and C(ou_production_web) for V(/Root/Production/Web/) (a child group of
        C(ou_production)); accounts directly under the root are in C(ou_root).
      - Names are lower case, with every character other than a-z, 0-9 and C(_) replaced by C(_).
      - Distinct OUs never share a group. OUs whose names would give the same group name (V(/Root/Prod/Web/) and
        V(/Root/Prod_Web/), or C(Prod) and C(prod)) each get a group named C(<name>_<8 hex digits>) instead, the
        digits those of the SHA-256 of the OU's path, so that C(--limit ou_prod) never reaches an account outside
        C(/Root/Prod/).
    type: bool
    default: true
  ou_group_prefix:
    description: The prefix of the OU groups.
    type: str
    default: ou_
"""

EXAMPLES = r"""
# organization.aws_accounts.yml: every active account of the organization, named after the account, grouped by OU,
# listed with the management account's credentials (environment, profile or instance role)
plugin: mfaops.iam.aws_accounts

---

# Production accounts only, tagged team=payments or team=identity, cached for an hour, with a group per tag
# (tag_team_payments, ...) and a group of the accounts that hold regulated data
plugin: mfaops.iam.aws_accounts
profile: org-management
organizational_units:
  - /Root/Production/
tag_filters:
  team: [payments, identity]
keyed_groups:
  - key: aws_account_tags
    prefix: tag
groups:
  regulated: aws_account_tags.get('data-class') == 'regulated'
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/mfaops-accounts
cache_timeout: 3600

---

# Host names are account ids; each account is audited through a dedicated read-only role; the management account
# is left out; the inventory itself assumes a role in the management account to list the organization
plugin: mfaops.iam.aws_accounts
assume_role_arn: arn:aws:iam::111111111111:role/OrganizationReader
hostname_template: '{id}'
assume_role_pattern: 'arn:{partition}:iam::{id}:role/mfaops-audit'
exclude_accounts:
  - '111111111111'

---

# A fixed list of accounts, no Organizations call (for example without access to the management account)
plugin: mfaops.iam.aws_accounts
accounts:
  - id: '222222222222'
    name: payments-prod
    ou_path: /Root/Production/
    tags:
      team: payments
  - id: '333333333333'
    name: sandbox
assume_role_pattern: 'arn:aws:iam::{id}:role/mfaops-audit'
"""

import hashlib
import json

try:
    import botocore
except ImportError:
    pass  # reported by require_aws_sdk

from ansible.errors import AnsibleParserError

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core < 2.19 templates every inventory string
    trust_as_template = None

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.plugin_utils.inventory import AWSInventoryBase

from ansible_collections.mfaops.iam.plugins.module_utils._common.client import client_config
from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts import ec2_options
from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts import hostvars
from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts import listing
from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts import naming
from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts import records as account_records
from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts import select

DEFAULT_REGION = "us-east-1"
CACHE_FORMAT = 1
PLAYBOOK_PYTHON = "{{ ansible_playbook_python }}"
# The options that decide which accounts are listed and what is read about them: a cached listing made with other
# values of these is not used.
QUERY_OPTIONS = ("accounts", "statuses", "organizational_units", "exclude_accounts", "tag_filters",
                 "list_by_organizational_unit", "endpoint_url", "profile", "access_key", "assume_role_arn", "region")
CONSTRUCTED_OPTIONS = ("compose", "groups", "keyed_groups")


def _mentions(value, word):
    return word in json.dumps(value, default=str)


class InventoryModule(AWSInventoryBase):
    NAME = "mfaops.iam.aws_accounts"
    INVENTORY_FILE_SUFFIXES = ("aws_accounts.yml", "aws_accounts.yaml")

    def __init__(self):
        super().__init__()
        self._role_assumed = False

    # -- AWS ---------------------------------------------------------------------------------------------------

    def _set_frozen_credentials(self):
        """amazon.aws assumes O(assume_role_arn) while parsing; here only when the listing calls AWS (not on a cache
        hit), see _organizations."""

    def client(self, *args, **kwargs):
        kwargs.setdefault("region", self.region or DEFAULT_REGION)
        return super().client(*args, **kwargs)

    def _organizations(self, workers):
        if not self._role_assumed:
            super()._set_frozen_credentials()
            self._role_assumed = True
        # botocore's standard retry mode retries Organizations' TooManyRequestsException and 5xx answers, page by page.
        return self.client("organizations", config=client_config(workers))

    def _list_organization(self, settings):
        """The records of the organization's accounts that the status, OU and exclusion filters keep."""
        workers = settings["max_concurrency"]
        client = self._organizations(workers)
        organization = listing.describe_organization(client)
        if settings["list_by_organizational_unit"]:
            scope = select.ou_scope(listing.ou_tree(client, workers), settings["organizational_units"])
            found = [account_records.from_organizations(account, node, organization)
                     for node, account in listing.accounts_by_parent(client, scope, workers)]
        else:
            found = [account_records.from_organizations(account, None, organization)
                     for account in listing.all_accounts(client)]
        kept = [record for record in found if self._kept(record, settings)]
        if settings["fetch_tags"]:
            tags = listing.account_tags(client, [record["id"] for record in kept], workers)
            for record in kept:
                record["tags"] = tags[record["id"]]
        return kept

    def _kept(self, record, settings):
        return select.status_matches(record, settings["statuses"]) and not select.is_excluded(record, settings["exclude_accounts"])

    def _read_accounts(self, settings):
        """The accounts to make hosts of, sorted by name then id."""
        if settings["accounts"]:
            found = account_records.from_entries(settings["accounts"])
            wanted = settings["organizational_units"]
            found = [record for record in found
                     if self._kept(record, settings) and (not wanted or select.path_in_scope(record["ou_path"], wanted))]
        else:
            try:
                found = self._list_organization(settings)
            except is_boto3_error_code("AWSOrganizationsNotInUseException") as e:
                self.fail_aws("Failed to list the accounts: the caller's account is not in an organization", exception=e)
            except is_boto3_error_code("AccessDeniedException") as e:
                self.fail_aws("Failed to list the accounts of the organization (it takes the credentials of the "
                              "management account or of a delegated administrator)", exception=e)
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                self.fail_aws("Failed to list the accounts of the organization", exception=e)
        if settings["tag_filters"]:
            found = [record for record in found if select.tags_match(record["tags"], settings["tag_filters"])]
        return sorted(found, key=lambda record: (record["name"].lower(), record["id"]))

    # -- options -----------------------------------------------------------------------------------------------

    def _read_config_data(self, path):
        """The inventory file, read as every inventory plugin reads it; aws_ec2 options set by habit are warned about
        (ansible-core drops unknown keys silently)."""
        config = super()._read_config_data(path)
        for message in ec2_options.unsupported_messages(config):
            self.warn("%s: %s" % (self.NAME, message))
        return config

    def _settings(self):
        """The options, checked; ValueError says what is wrong."""
        settings = {name: self.get_option(name) for name in (
            "accounts", "statuses", "organizational_units", "exclude_accounts", "tag_filters", "fetch_tags",
            "list_by_organizational_unit", "max_concurrency", "hostname_template", "assume_role_pattern",
            "partition", "ou_groups", "ou_group_prefix")}
        hostvars.template_fields(settings["hostname_template"], "hostname_template")
        if settings["assume_role_pattern"]:
            hostvars.template_fields(settings["assume_role_pattern"], "assume_role_pattern")
        if settings["max_concurrency"] < 1:
            raise ValueError("max_concurrency must be at least 1")
        select.split_ou_filter(settings["organizational_units"])
        settings["exclude_accounts"] = select.exclusions(settings["exclude_accounts"])
        if settings["accounts"]:
            account_records.from_entries(settings["accounts"])
        elif settings["organizational_units"] and not settings["list_by_organizational_unit"]:
            raise ValueError("organizational_units needs list_by_organizational_unit=true")
        if settings["fetch_tags"] is None:
            constructed = [self.get_option(name) for name in CONSTRUCTED_OPTIONS]
            settings["fetch_tags"] = bool(settings["tag_filters"]) or _mentions(constructed, "aws_account_tags")
        elif settings["tag_filters"] and not settings["fetch_tags"] and not settings["accounts"]:
            raise ValueError("tag_filters needs the tags: leave fetch_tags unset or set it to true")
        return settings

    def _query_key(self, settings):
        """A digest of what the listing depends on (no secret: neither the secret key nor a session token)."""
        query = {name: self.get_option(name) for name in QUERY_OPTIONS}
        query.update(fetch_tags=settings["fetch_tags"], format=CACHE_FORMAT)
        return hashlib.sha256(json.dumps(query, sort_keys=True, default=str).encode()).hexdigest()

    # -- inventory ---------------------------------------------------------------------------------------------

    def _add_ou_groups(self, host, chain):
        """Put ``host`` in the last group of ``chain`` (naming.ou_group_chain), each group a child of the one before."""
        parent = None
        for group in chain:
            self.inventory.add_group(group)
            if parent is not None:
                self.inventory.add_child(parent, group)
            parent = group
        if parent is not None:
            self.inventory.add_host(host, group=parent)

    def _populate(self, found, settings):
        def partition(record):
            return hostvars.account_partition(record, settings["partition"])

        ou_groups = naming.ou_group_names([record["ou_path"] for record in found], settings["ou_group_prefix"])
        rendered = [hostvars.render(settings["hostname_template"], record, partition(record)) for record in found]
        group_names = ou_groups.values() if settings["ou_groups"] else ()
        names, clashes = naming.host_names(rendered, [record["id"] for record in found], group_names)
        if clashes:
            self.warn("%s: the host name(s) %s would be shared by several accounts or are a group's or a reserved name "
                      "(localhost, all, ungrouped); each such account is named <name>_<account id>"
                      % (self.NAME, ", ".join(clashes)))
        strict = self.get_option("strict")
        python = trust_as_template(PLAYBOOK_PYTHON) if trust_as_template else PLAYBOOK_PYTHON
        for record, name in zip(found, names):
            # Everything the account's record holds came from AWS (or the accounts option): data, never a template.
            account_vars = hostvars.host_vars(record, partition(record), settings["assume_role_pattern"])
            host_vars = {key: naming.mark_unsafe(value) for key, value in account_vars.items()}
            host_vars["ansible_python_interpreter"] = python
            self.inventory.add_host(name)
            for key, value in host_vars.items():
                self.inventory.set_variable(name, key, value)
            if settings["ou_groups"]:
                self._add_ou_groups(name, naming.ou_group_chain(record["ou_path"], ou_groups))
            self._set_composite_vars(self.get_option("compose"), host_vars, name, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), host_vars, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), host_vars, name, strict=strict)

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache=cache)
        try:
            settings = self._settings()
            query = self._query_key(settings)
            hit, cached = self.get_cached_result(path, cache)
            if hit and isinstance(cached, dict) and cached.get("query") == query:
                found = cached["accounts"]
            else:
                found = self._read_accounts(settings)
                if self.get_option("cache"):
                    self._cache[self.get_cache_key(path)] = {"query": query, "accounts": found}
        except ValueError as e:
            raise AnsibleParserError("%s: %s" % (self.NAME, e)) from e
        self._populate(found, settings)
