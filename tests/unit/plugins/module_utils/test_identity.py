"""module_utils/_virtual_mfa/identity: which device a task means, validated as IAM would."""

import pytest

from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa import identity

ACCOUNT = "123456789012"


@pytest.mark.parametrize("serial, parsed", [
    ("arn:aws:iam::%s:mfa/alice" % ACCOUNT, ("/", "alice")),
    ("arn:aws-us-gov:iam::%s:mfa/team/a/alice" % ACCOUNT, ("/team/a/", "alice")),
    ("arn:aws:iam::%s:mfa/x:mfa/alice" % ACCOUNT, ("/x:mfa/", "alice")),
])
def test_parse_serial_keeps_the_path_verbatim(serial, parsed):
    device = identity.parse_serial(serial)
    assert (device.path, device.name) == parsed and device.serial_number == serial


@pytest.mark.parametrize("serial", [
    "GAHT12345678",  # a hardware token
    "arn:aws:iam::%s:u2f/user/alice/key-1" % ACCOUNT,  # a FIDO key
    "arn:aws:iam::12345:mfa/alice",  # not a 12-digit account
    "arn:aws:iam::%s:mfa/" % ACCOUNT,  # no name
    None,
])
def test_what_is_not_a_virtual_device_serial(serial):
    assert identity.parse_serial(serial) is None and identity.is_virtual_device_serial(serial) is False


def test_from_serial_number_refuses_the_root_device_and_names_the_form():
    with pytest.raises(ValueError, match="root user's MFA device"):
        identity.from_serial_number("arn:aws:iam::%s:mfa/root-account-mfa-device" % ACCOUNT)
    with pytest.raises(ValueError, match=r"arn:aws:iam::<account id>:mfa/<path><name>"):
        identity.from_serial_number("alice")


def test_matches_compares_the_parsed_path_and_name_not_a_suffix():
    ident = identity.DeviceId("alice", "/")
    assert ident.matches("arn:aws:iam::%s:mfa/alice" % ACCOUNT)
    assert not ident.matches("arn:aws:iam::%s:mfa/x:mfa/alice" % ACCOUNT)
    assert not ident.matches("arn:aws:iam::%s:mfa/Alice" % ACCOUNT)


@pytest.mark.parametrize("name, ok", [("alice", True), ("a" * 226, True), ("a" * 227, False), ("al ice", False),
                                      ("älice", False), ("a+=,.@_-", True), ("", False)])
def test_name_problem(name, ok):
    assert (identity.name_problem(name) is None) is ok


@pytest.mark.parametrize("path, ok", [("/", True), ("/team/", True), ("team/", False), ("/team", False),
                                      ("/" + "a" * 511, False), ("/a b/", False)])
def test_path_problem(path, ok):
    assert (identity.path_problem(path) is None) is ok


def test_serial_problem_refuses_paths_a_serial_number_cannot_hold():
    assert "never be enabled" in identity.serial_problem("alice", "/a!b/")
    assert "at most 256" in identity.serial_problem("a" * 200, "/" + "b" * 40 + "/")
    assert identity.serial_problem("alice", "/team/") is None


def test_user_problem_names_the_option():
    assert identity.user_problem("alice") is None
    assert identity.user_problem("ålice", option="user_name").startswith("user_name 'ålice'")
    assert "not a valid IAM user name" in identity.user_problem("a" * 65)
