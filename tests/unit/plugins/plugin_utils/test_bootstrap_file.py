"""The bootstrap file: checked before a device exists, written once, atomically, with its mode, never replaced."""

import json
import os
import shutil
import signal
import stat
import tempfile

import pytest

from ansible_collections.mfaops.iam.plugins.plugin_utils import _bootstrap_dir
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_file import BootstrapFile
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_file import BootstrapFileError
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_sink import BootstrapSink

NOBODY = 65534
ROOT = os.geteuid() == 0
CALLS = {
    "exists": lambda target: target.exists(),
    "read_text": lambda target: target.read_text(),
    "check_writable": lambda target: target.check_writable(),
    "write": lambda target: target.write(b"SEED\n"),
}
WRITING = ["check_writable", "write"]


def mode_of(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def tree(root):
    """Every name under ``root``, symlinks not followed."""
    return sorted(os.path.relpath(os.path.join(top, name), root) for top, dirs, files in os.walk(root) for name in dirs + files)


def assert_plain(message, path, reason):
    assert path in message
    assert message.endswith(": " + reason)
    assert "Traceback" not in message and "Errno" not in message


def outcome(call):
    try:
        return ["returned", repr(call())]
    except Exception as e:  # pylint: disable=broad-except
        return ["raised", type(e).__name__, str(e)]


def as_unprivileged(call):
    """``outcome(call)``; as root (who bypasses permission bits) in a forked child running as nobody."""
    if not ROOT:
        return outcome(call)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report, and never return into pytest
        try:
            try:
                os.close(read_end)
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
                report = outcome(call)
            except BaseException as e:  # pylint: disable=broad-except
                report = ["child failed", repr(e)]
            os.write(write_end, json.dumps(report).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        report = pipe.read()
    os.waitpid(pid, 0)
    return json.loads(report)


@pytest.fixture
def nobodys_dir(tmp_path):
    """A private directory of the user as_unprivileged() runs as (tmp_path's parents are closed to nobody)."""
    if not ROOT:
        yield tmp_path
        return
    path = tempfile.mkdtemp(prefix="mfaops-test-")
    os.chown(path, NOBODY, NOBODY)
    try:
        yield type(tmp_path)(path)
    finally:
        for top, dirs, _files in os.walk(path):
            for name in dirs:
                os.chmod(os.path.join(top, name), 0o700)
        shutil.rmtree(path)


@pytest.fixture(params=[True, False], ids=["dir_fd", "by_path"])
def dir_fd(request, monkeypatch):
    """Run a test with writes relative to the directory's descriptor, and with the path-based fallback."""
    if request.param and not _bootstrap_dir.DIR_FD:
        pytest.skip("this platform has no dir_fd for os.open and os.link")
    monkeypatch.setattr(_bootstrap_dir, "DIR_FD", request.param)
    return request.param


def on_fchmod(monkeypatch, action):
    """Run ``action(fd)`` when the temporary file gets its mode: after it exists, before its first byte."""
    fchmod = os.fchmod

    def hook(fd, mode):
        action(fd)
        fchmod(fd, mode)

    monkeypatch.setattr(os, "fchmod", hook)


# Writing


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
@pytest.mark.usefixtures("dir_fd")
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


@pytest.mark.usefixtures("dir_fd")
def test_a_parent_another_run_creates_meanwhile_is_used_not_an_error(tmp_path, monkeypatch):
    """Two accounts' tasks (forks) write into <dir>/<account id>/ while <dir> does not exist yet: the one whose
    mkdir of <dir> comes second finds it there and goes on."""
    real_mkdir = os.mkdir
    base = str(tmp_path / "bootstrap")

    def other_run_first(path, mode=0o777, **kwargs):
        if path == base and not os.path.exists(base):
            real_mkdir(path, 0o700)  # the other fork, between this write's look and its mkdir
        return real_mkdir(path, mode, **kwargs)

    monkeypatch.setattr(os, "mkdir", other_run_first)
    target = BootstrapFile(str(tmp_path / "bootstrap" / "111111111111" / "alice.seed"), 0o600)
    target.write(b"SEED\n")
    assert (tmp_path / "bootstrap" / "111111111111" / "alice.seed").read_bytes() == b"SEED\n"
    assert mode_of(tmp_path / "bootstrap" / "111111111111") == 0o700


@pytest.mark.usefixtures("dir_fd")
def test_the_temporary_file_is_created_0600_and_has_its_mode_before_any_byte(tmp_path, monkeypatch):
    seen = []
    on_fchmod(monkeypatch, lambda fd: seen.append((stat.S_IMODE(os.fstat(fd).st_mode), os.fstat(fd).st_size)))
    BootstrapFile(str(tmp_path / "seed.txt"), 0o640).write(b"SEED\n")
    assert seen == [(0o600, 0)]
    assert mode_of(tmp_path / "seed.txt") == 0o640


@pytest.mark.usefixtures("dir_fd")
def test_an_existing_file_is_never_replaced(tmp_path):
    path = tmp_path / "seed.txt"
    path.write_bytes(b"OLD")
    target = BootstrapFile(str(path), 0o600)
    assert target.exists() is True
    for method in WRITING:
        with pytest.raises(BootstrapFileError, match="already exists and is never replaced"):
            CALLS[method](target)
    assert path.read_bytes() == b"OLD"
    assert os.listdir(tmp_path) == ["seed.txt"]


@pytest.mark.usefixtures("dir_fd")
def test_a_file_that_appears_during_the_write_is_not_replaced(tmp_path, monkeypatch):
    path = tmp_path / "seed.txt"
    on_fchmod(monkeypatch, lambda fd: path.write_bytes(b"OTHER"))
    with pytest.raises(BootstrapFileError, match="^bootstrap_file %s appeared meanwhile; it was not replaced$" % path):
        BootstrapFile(str(path), 0o600).write(b"SEED\n")
    assert path.read_bytes() == b"OTHER"
    assert os.listdir(tmp_path) == ["seed.txt"]


@pytest.mark.skipif(not _bootstrap_dir.DIR_FD, reason="this platform has no dir_fd: the write goes by path")
def test_a_directory_swapped_during_the_write_does_not_redirect_it(tmp_path, monkeypatch):
    checked, elsewhere = tmp_path / "seeds", tmp_path / "elsewhere"
    checked.mkdir(mode=0o700)
    elsewhere.mkdir(mode=0o700)

    def swap(_fd):
        checked.rename(tmp_path / "moved")
        checked.symlink_to(elsewhere)

    on_fchmod(monkeypatch, swap)
    BootstrapFile(str(checked / "seed.txt"), 0o600).write(b"SEED\n")
    assert os.listdir(elsewhere) == []
    assert os.listdir(tmp_path / "moved") == ["seed.txt"]
    assert (tmp_path / "moved" / "seed.txt").read_bytes() == b"SEED\n"


# What is at the path, or above it


@pytest.mark.usefixtures("dir_fd")
def test_a_symlink_is_refused_even_dangling(tmp_path):
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
    target = BootstrapFile(str(tmp_path / "link"), 0o600)
    for method in CALLS:
        with pytest.raises(BootstrapFileError, match="is a symbolic link"):
            CALLS[method](target)
    assert not (tmp_path / "elsewhere").exists()


def test_a_symlink_to_a_file_is_not_read_through(tmp_path):
    (tmp_path / "real.txt").write_text("JBSWY3DPEHPK3PXP\n")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    with pytest.raises(BootstrapFileError, match="is a symbolic link"):
        BootstrapFile(str(tmp_path / "link.txt"), 0o600).read_text()


def test_a_fifo_is_not_read_and_does_not_block(tmp_path):
    os.mkfifo(str(tmp_path / "fifo"))

    def timeout(_signum, _frame):
        raise AssertionError("read_text() blocked on a FIFO")

    old = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(5)
    try:
        with pytest.raises(BootstrapFileError, match="is not a regular file"):
            BootstrapFile(str(tmp_path / "fifo"), 0o600).read_text()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(BootstrapFileError, match="is a directory"):
        BootstrapFile(str(tmp_path), 0o600).exists()


@pytest.mark.parametrize("method", WRITING)
@pytest.mark.usefixtures("dir_fd")
def test_a_directory_that_is_a_symlink_is_refused(tmp_path, method):
    (tmp_path / "real").mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(tmp_path / "real")
    target = BootstrapFile(str(tmp_path / "link" / "seed.txt"), 0o600)
    with pytest.raises(BootstrapFileError) as caught:
        CALLS[method](target)
    assert str(caught.value) == (
        "cannot write bootstrap_file %s: its directory %s is a symbolic link; give the real path (%s)"
        % (target.path, tmp_path / "link", tmp_path / "real"))
    assert os.listdir(tmp_path / "real") == []


def name_too_long(base):
    return base / ("x" * 256)


def name_too_long_below_a_missing_directory(base):
    return base / "missing" / ("x" * 256) / "seed.txt"


def symlink_loop_in_a_parent(base):
    (base / "a").symlink_to(base / "b")
    (base / "b").symlink_to(base / "a")
    return base / "a" / "seed.txt"


def parent_is_a_file(base):
    (base / "file").write_text("x")
    return base / "file" / "sub" / "seed.txt"


@pytest.mark.parametrize("method", sorted(CALLS))
@pytest.mark.parametrize("case, reason", [
    (name_too_long, "File name too long"),
    (symlink_loop_in_a_parent, "Too many levels of symbolic links"),
    (parent_is_a_file, "Not a directory"),
])
@pytest.mark.usefixtures("dir_fd")
def test_filesystem_errors_are_named_in_plain_words_and_create_nothing(tmp_path, case, reason, method):
    target = BootstrapFile(str(case(tmp_path)), 0o600)
    before = tree(tmp_path)
    with pytest.raises(BootstrapFileError) as caught:
        CALLS[method](target)
    assert_plain(str(caught.value), target.path, reason)
    assert tree(tmp_path) == before


@pytest.mark.parametrize("method", WRITING)
@pytest.mark.usefixtures("dir_fd")
def test_a_name_too_long_below_a_missing_directory_is_found_before_anything_is_created(tmp_path, method):
    target = BootstrapFile(str(name_too_long_below_a_missing_directory(tmp_path)), 0o600)
    with pytest.raises(BootstrapFileError) as caught:
        CALLS[method](target)
    assert_plain(str(caught.value), target.path, "File name too long")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("method", sorted(CALLS))
def test_a_parent_without_permission_is_named_in_plain_words(nobodys_dir, method):
    locked = nobodys_dir / "locked"
    locked.mkdir(mode=0o700)
    if ROOT:
        os.chown(str(locked), NOBODY, NOBODY)
    locked.chmod(0)
    target = BootstrapFile(str(locked / "seed.txt"), 0o600)
    report = as_unprivileged(lambda: CALLS[method](target))
    assert report[:2] == ["raised", "BootstrapFileError"], report
    assert_plain(report[2], target.path, "Permission denied")
    locked.chmod(0o700)
    assert os.listdir(locked) == []


# The check: a real probe, leaving nothing behind


@pytest.mark.parametrize("below", ["", "missing/sub"])
def test_the_check_leaves_nothing_behind(tmp_path, below):
    BootstrapFile(str(tmp_path / below / "seed.png"), 0o600).check_writable()
    assert os.listdir(tmp_path) == []


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs procfs")
@pytest.mark.parametrize("path", ["/proc/mfaops-seed.txt", "/proc/mfaops-missing/seed.txt"])
def test_the_check_probes_even_where_os_access_says_yes(path):
    if ROOT:
        assert os.access("/proc", os.W_OK)  # and yet nothing can be created there
    with pytest.raises(BootstrapFileError, match="^cannot write bootstrap_file %s: " % path):
        BootstrapFile(path, 0o600).check_writable()


# The file's directory must be private to the current user


@pytest.mark.parametrize("mode", [0o770, 0o720, 0o702, 0o777, 0o1777, 0o1770], ids="{:04o}".format)
@pytest.mark.parametrize("method", WRITING)
@pytest.mark.usefixtures("dir_fd")
def test_a_directory_others_can_write_to_is_refused(tmp_path, mode, method):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(mode)
    target = BootstrapFile(str(shared / "seed.txt"), 0o600)
    with pytest.raises(BootstrapFileError) as caught:
        CALLS[method](target)
    assert str(caught.value) == (
        "cannot write bootstrap_file %s: its directory %s has mode %04o: group or others can write to it; keep "
        "bootstrap files in a private directory (mode 0700, owned by the user who runs Ansible)" % (target.path, shared, mode))
    assert os.listdir(shared) == []


@pytest.mark.parametrize("mode", [0o700, 0o750, 0o755], ids="{:04o}".format)
@pytest.mark.usefixtures("dir_fd")
def test_a_directory_only_its_owner_can_write_to_is_accepted(tmp_path, mode):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds").chmod(mode)
    target = BootstrapFile(str(tmp_path / "seeds" / "seed.txt"), 0o600)
    target.check_writable()
    target.write(b"SEED\n")
    assert mode_of(tmp_path / "seeds") == mode
    assert os.listdir(tmp_path / "seeds") == ["seed.txt"]


@pytest.mark.skipif(not ROOT, reason="giving a directory to another user needs root")
@pytest.mark.parametrize("method", WRITING)
@pytest.mark.usefixtures("dir_fd")
def test_a_directory_of_another_user_is_refused(tmp_path, method):
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o700)
    os.chown(str(theirs), NOBODY, NOBODY)
    target = BootstrapFile(str(theirs / "seed.txt"), 0o600)
    with pytest.raises(BootstrapFileError, match="its directory %s has mode 0700 and belongs to uid %d, not to the current "
                       "user \\(uid 0\\); keep bootstrap files in a private directory" % (theirs, NOBODY)):
        CALLS[method](target)
    assert os.listdir(theirs) == []


@pytest.mark.skipif(os.stat("/").st_uid != 0 or mode_of("/") & 0o022, reason="/ is not a root-owned 0755 directory here")
def test_a_root_directory_is_refused_to_another_user():
    report = as_unprivileged(lambda: BootstrapFile("/mfaops-test-seed.txt", 0o600).check_writable())
    assert report[:2] == ["raised", "BootstrapFileError"], report
    user = NOBODY if ROOT else os.geteuid()
    assert "its directory / has mode %04o and belongs to uid 0, not to the current user (uid %d)" % (mode_of("/"), user) in report[2]


# The rest of the API


def test_read_text(tmp_path):
    (tmp_path / "seed.txt").write_text("JBSWY3DPEHPK3PXP\n")
    assert BootstrapFile(str(tmp_path / "seed.txt"), 0o600).read_text() == "JBSWY3DPEHPK3PXP\n"


def test_tilde_is_expanded(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert BootstrapFile("~/x.png", 0o600).path == str(tmp_path / "x.png")


@pytest.mark.parametrize("given", ["rw", "0999", "01777", "0200", None])
def test_a_bad_bootstrap_mode_is_a_bootstrap_file_error_naming_the_option(given, tmp_path):
    """The rule is _common.file_mode's (tested in test_common); the sink names the option and raises its error."""
    with pytest.raises(BootstrapFileError, match="^bootstrap_mode "):
        BootstrapSink(str(tmp_path / "x.png"), {"bootstrap_mode": given})


def test_remove_written_removes_the_file_and_the_directories_write_created(tmp_path):
    target = BootstrapFile(str(tmp_path / "new" / "deeper" / "alice.seed"), 0o600)
    target.write(b"SEED\n")
    target.remove_written()
    assert tree(str(tmp_path)) == []
    target.remove_written()  # once removed, nothing more to do


@pytest.mark.parametrize("away", ["moved", "deleted"])  # deleted: the new file may get the same inode number
def test_remove_written_leaves_a_file_put_at_the_path_since_alone(tmp_path, away):
    path = tmp_path / "alice.seed"
    target = BootstrapFile(str(path), 0o600)
    target.write(b"SEED\n")
    if away == "moved":
        os.rename(str(path), str(tmp_path / "moved.seed"))
    else:
        path.unlink()
    path.write_bytes(b"someone else's\n")
    with pytest.raises(BootstrapFileError, match="is no longer the file this task wrote; it was left alone"):
        target.remove_written()
    assert path.read_bytes() == b"someone else's\n"


def test_remove_written_without_a_write_removes_nothing(tmp_path):
    path = tmp_path / "alice.seed"
    path.write_bytes(b"SEED\n")
    BootstrapFile(str(path), 0o600).remove_written()
    assert path.exists()
