"""plugin_utils/_accounts/naming: host, group and directory names from hostile account and OU names."""

import os

import pytest

from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts import naming

X, Y, Z = "111111111111", "222222222222", "333333333333"


def test_host_names_are_unique_after_every_rename():
    names, clashes = naming.host_names(["dup", "dup", "dup_" + X], [X, Y, Z])
    assert len(set(names)) == 3
    assert names[2] == "dup_" + X  # the account really named so keeps its name
    assert names[1] == "dup_" + Y
    assert clashes == ["dup"]


def test_host_names_hold_no_template_pattern_or_path_syntax():
    hostile = ["{{lookup('pipe','touch pwn')}}", "../escape", "a,b:c!d&e*f[1]", "~re", "victim/.", "  "]
    ids = [str(100000000000 + index) for index in range(len(hostile))]
    names, _clashes = naming.host_names(hostile, ids)
    for name in names:
        assert name and all(char.isalnum() or char in "_.-" for char in name)
        assert "{" not in name and "/" not in name
    assert names[-1] == ids[-1]  # a blank name becomes the id
    assert len(set(names)) == len(names)


def test_ou_groups_never_merge_distinct_ous():
    groups = naming.ou_group_names(["/Root/Prod/Web/", "/Root/Prod_Web/", "/Root/"], "ou_")
    assert groups["/Root/Prod/"] == "ou_prod"
    assert groups["/Root/Prod/Web/"] != groups["/Root/Prod_Web/"]
    assert groups["/Root/"] == "ou_root"
    assert len(set(groups.values())) == len(groups)
    assert naming.ou_group_chain("/Root/Prod/Web/", groups) == ["ou_prod", groups["/Root/Prod/Web/"]]


def test_ou_groups_keep_readable_names_without_clash():
    groups = naming.ou_group_names(["/Root/Production/Web/", "/Root/Development/"], "ou_")
    assert groups == {"/Root/Production/": "ou_production", "/Root/Production/Web/": "ou_production_web",
                      "/Root/Development/": "ou_development"}


def test_ou_case_twins_are_two_groups():
    groups = naming.ou_group_names(["/Root/Prod/", "/Root/prod/"], "ou_")
    assert groups["/Root/Prod/"] != groups["/Root/prod/"]


@pytest.mark.parametrize("host", ["../escape", "victim/.", ".", "..", "Victim", "victim", "mfa_audit_organization.json"])
def test_account_directory_of_a_host_is_one_safe_component(host):
    name = naming.account_directory(None, host)
    assert name.startswith("host_") and "/" not in name and "." not in name


def test_account_directory_is_the_id_and_unique():
    assert naming.account_directory(X, "../escape") == X
    assert naming.account_directory(None, "Victim") != naming.account_directory(None, "victim")
    with pytest.raises(ValueError):
        naming.account_directory("../1", "x")


def test_child_path_never_leaves_its_base(tmp_path):
    assert naming.child_path(str(tmp_path), X) == os.path.join(str(tmp_path), X)
    for bad in ("..", ".", "a/b", ""):
        with pytest.raises(ValueError):
            naming.child_path(str(tmp_path), bad)
    os.symlink("/tmp", str(tmp_path / "link"))
    with pytest.raises(ValueError):
        naming.child_path(str(tmp_path), "link")


def test_mark_unsafe_keeps_the_value():
    value = {"name": "{{ 7 * 7 }}", "tags": {"k": "v"}}
    assert naming.mark_unsafe(value) == value


def test_a_host_name_is_never_a_group_or_a_reserved_name():
    names, clashes = naming.host_names(["localhost", "ou_prod", "all", "web"], [X, Y, Z, "444444444444"], ["ou_prod"])
    assert names == ["localhost_" + X, "ou_prod_" + Y, "all_" + Z, "web"]
    assert clashes == ["all", "localhost", "ou_prod"]


@pytest.mark.parametrize("host", ["Web.A", "db-1", "lab/x", "Ünï", "..", "123456789012x"])
def test_every_account_directory_is_recognised_as_one(host):
    assert naming.is_account_directory(naming.account_directory(None, host))
    assert naming.is_account_directory(naming.account_directory("123456789012", host))


@pytest.mark.parametrize("name", ["by-name", "host_", "host_Web", "host_%2f", "12345678901", "mfa_audit.json", ".."])
def test_other_names_are_not_account_directories(name):
    assert not naming.is_account_directory(name)
