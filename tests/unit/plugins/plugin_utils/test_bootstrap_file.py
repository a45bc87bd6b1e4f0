"""The bootstrap file: checked before a device exists, written once, atomically, with its mode, never replaced."""

import os
import stat

import pytest

from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_file import BootstrapFile
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_file import BootstrapFileError
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_file import parse_mode


def mode_of(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_write_sets_the_mode_whatever_the_umask_and_creates_parents_0700(tmp_path, umask):
    target = BootstrapFile(str(tmp_path / "a" / "b" / "seed.txt"), 0o600)
    old = os.umask(umask)
    try:
        target.check_writable()
        target.write(b"SEED\n")
    finally:
        os.umask(old)
    assert (tmp_path / "a" / "b" / "seed.txt").read_bytes() == b"SEED\n"
    assert mode_of(target.path) == 0o600
    assert mode_of(tmp_path / "a") == mode_of(tmp_path / "a" / "b") == 0o700
    assert sorted(os.listdir(tmp_path / "a" / "b")) == ["seed.txt"]  # no temp file left behind


def test_an_existing_file_is_never_replaced(tmp_path):
    path = tmp_path / "seed.txt"
    path.write_bytes(b"OLD")
    target = BootstrapFile(str(path), 0o600)
    assert target.exists() is True
    with pytest.raises(BootstrapFileError, match="was not replaced"):
        target.write(b"NEW")
    assert path.read_bytes() == b"OLD"
    assert os.listdir(tmp_path) == ["seed.txt"]


def test_a_symlink_is_refused_even_dangling(tmp_path):
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
    target = BootstrapFile(str(tmp_path / "link"), 0o600)
    with pytest.raises(BootstrapFileError, match="symbolic link"):
        target.exists()
    with pytest.raises(BootstrapFileError):
        target.write(b"SEED")
    assert not (tmp_path / "elsewhere").exists()


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(BootstrapFileError, match="is a directory"):
        BootstrapFile(str(tmp_path), 0o600).exists()


def test_a_parent_that_is_a_file_fails_the_check(tmp_path):
    (tmp_path / "file").write_text("x")
    target = BootstrapFile(str(tmp_path / "file" / "sub" / "seed.png"), 0o600)
    with pytest.raises(BootstrapFileError, match="is not a directory"):
        target.check_writable()


def test_check_without_probe_writes_nothing(tmp_path):
    BootstrapFile(str(tmp_path / "seed.png"), 0o600).check_writable(probe=False)
    assert os.listdir(tmp_path) == []


def test_tilde_is_expanded(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert BootstrapFile("~/x.png", 0o600).path == str(tmp_path / "x.png")


@pytest.mark.parametrize("given, expected", [("0600", 0o600), ("600", 0o600), ("0640", 0o640), (0o400, 0o400), (384, 0o600)])
def test_parse_mode(given, expected):
    assert parse_mode(given) == expected


@pytest.mark.parametrize("given", ["rw", "0999", "01777", "0200", None])
def test_parse_mode_rejects(given):
    with pytest.raises(BootstrapFileError, match="bootstrap_mode"):
        parse_mode(given)
