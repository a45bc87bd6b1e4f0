"""plugin_utils/_accounts/layout.per_account: the roles' choice of an account's own directory, against the roles'
former Jinja (user_mfa's default, mfa_audit's report directory) rendered by ansible-core's Templar."""

import pytest

from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar
from ansible.template import trust_as_template

from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts.layout import per_account

ACCOUNT = "123456789012"
OLD_USER_MFA = "{{ ansible_play_hosts_all | length > 1 or aws_account_id is defined }}"
OLD_MFA_AUDIT_FLAT = "{{ ansible_play_hosts_all | length == 1 and aws_account_id is not defined }}"


def render(template, **variables):
    return Templar(loader=DataLoader(), variables=variables).template(trust_as_template(template))


@pytest.mark.parametrize("hosts", [["localhost"], ["a", "b"], ["a", "b", "c"]])
@pytest.mark.parametrize("account_id", [None, ACCOUNT])
def test_auto_decides_as_the_roles_did(hosts, account_id):
    variables = {"ansible_play_hosts_all": hosts}
    if account_id:
        variables["aws_account_id"] = account_id
    decided = per_account("auto", account_id, hosts)
    assert decided is render(OLD_USER_MFA, **variables)
    assert (not decided) is render(OLD_MFA_AUDIT_FLAT, **variables)


def test_auto_without_the_plays_hosts_counts_this_host_alone():
    assert per_account("auto", None, None) is False
    assert per_account("auto", ACCOUNT, None) is True
    assert per_account(" AUTO ", "", ["localhost"]) is False  # an empty id is no id


@pytest.mark.parametrize("choice, expected", [
    (True, True), ("yes", True), ("true", True), (1, True),
    (False, False), ("no", False), ("False", False), (0, False), (None, False),
])
def test_a_boolean_choice_is_kept_whatever_the_play(choice, expected):
    assert per_account(choice, ACCOUNT, ["a", "b"]) is expected
    assert per_account(choice, None, ["localhost"]) is expected


@pytest.mark.parametrize("choice", ["maybe", "", "auto-ish", [True]])
def test_any_other_choice_is_refused(choice):
    with pytest.raises(ValueError, match="must be true, false or auto, not"):
        per_account(choice, None, ["localhost"])
