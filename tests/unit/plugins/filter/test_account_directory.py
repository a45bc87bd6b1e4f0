"""The filter mfaops.iam.account_directory: the directory name the roles give an account (or a host) under a base."""

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.mfaops.iam.plugins.filter.account_directory import FilterModule

account_directory = FilterModule().filters()["account_directory"]


def test_an_account_is_its_id_whatever_its_name():
    for host in ("../escape", "victim/.", "mfa_audit_organization.json", "payments"):
        assert account_directory(host, "111111111111") == "111111111111"


@pytest.mark.parametrize("host, expected", [
    ("localhost", "host_localhost"),
    ("web.example.com", "host_web%2Eexample%2Ecom"),
    ("..", "host_%2E%2E"),
    ("Victim", "host_%56ictim"),
])
def test_a_host_without_an_account_id_is_escaped(host, expected):
    assert account_directory(host) == account_directory(host, None) == account_directory(host, "") == expected


@pytest.mark.parametrize("account_id", ["../1", "12345", 12345])
def test_what_is_not_an_account_id_is_an_error(account_id):
    with pytest.raises(AnsibleFilterError, match="account_directory: .* is not a 12-digit account id"):
        account_directory("x", account_id)
