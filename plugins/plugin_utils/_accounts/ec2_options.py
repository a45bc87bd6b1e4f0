# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of amazon.aws.aws_ec2 that the aws_accounts inventory does not have, and what to write instead.

An inventory file's unknown keys are dropped silently by ansible-core; someone used to aws_ec2 who writes
``regions`` or ``hostnames`` gets a warning naming the option and this plugin's way of saying it. None of them is an
alias: where aws_accounts has a similar option its meaning differs (see each entry).
tests/unit/plugins/plugin_utils/test_accounts_ec2_options.py keeps this table equal to aws_ec2's options minus ours.
"""

_FILTERS = ("aws_ec2's EC2 API filters do not apply to accounts; keep accounts with tag_filters (tag key to a value, "
            "a list of values or null, every key must match), statuses and organizational_units")
_HOSTVARS = ("the host variables keep their names (the roles read aws_assume_role_arn and aws_account_id); copy or "
             "rename them with compose")
_ROUTE53 = "accounts have no DNS names"

UNSUPPORTED = {
    "regions": "AWS Organizations is global: the accounts are listed once (region only picks the API endpoint)",
    "filters": _FILTERS,
    "include_filters": _FILTERS,
    "exclude_filters": "leave accounts out with exclude_accounts (account ids or names)",
    "hostnames": ("hosts are named with hostname_template, one Python format string with {id}, {name}, {email} and "
                  "{partition} (such as '{name}' or '{id}'), not a list of preferred attributes"),
    "hostvars_prefix": _HOSTVARS,
    "hostvars_suffix": _HOSTVARS,
    "allow_duplicated_hosts": "each account is one host; accounts that share a host name get <name>_<account id>",
    "strict_permissions": "a refused Organizations call always fails the inventory",
    "use_ssm_inventory": "accounts have no SSM inventory",
    "route53_enabled": _ROUTE53,
    "route53_excluded_zones": _ROUTE53,
    "route53_hostnames": _ROUTE53,
    "use_contrib_script_compatible_sanitization": "OU group names are sanitized as ou_groups describes",
    "use_contrib_script_compatible_ec2_tag_keys": "the account tags are the dictionary aws_account_tags",
}


def unsupported_messages(config):
    """One message per aws_ec2-only option set in ``config`` (the inventory file's top-level keys), sorted."""
    return [
        "%s is an option of amazon.aws.aws_ec2 that this plugin does not have; it is ignored: %s"
        % (option, UNSUPPORTED[option])
        for option in sorted(set(config or {}) & set(UNSUPPORTED))
    ]
