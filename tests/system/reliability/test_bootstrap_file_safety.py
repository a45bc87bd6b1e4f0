"""The bootstrap file on the controller, through real ansible-playbook runs: its mode whatever the umask, new parent
directories 0700, a symlink at the destination refused before anything is created, an existing file never replaced."""

import os
import stat

import pytest

pytestmark = pytest.mark.xdist_group("reliability-files")


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.mark.parametrize("umask", [0o000, 0o077])
def test_file_modes_and_new_directories_whatever_the_umask(playbooks, endpoint, tmp_path, umask):
    endpoint.boto3_client("iam").create_user(UserName="alice")
    existing = tmp_path / "existing"
    existing.mkdir(mode=0o755)
    os.chmod(existing, 0o755)
    nested = existing / "a" / "b" / "c"
    tasks = [
        playbooks.task(task="default mode, new directories", name="qr", state="enabled", user_name="alice",
                       bootstrap_file=str(nested / "qr.png")),
        playbooks.task(task="text, in a new directory", name="text", bootstrap_file=str(existing / "t" / "seed.txt"),
                       bootstrap_method="Base32StringSeed"),
        playbooks.task(task="explicit mode", name="group", bootstrap_file=str(existing / "group.uri"),
                       bootstrap_method="OtpauthURI", bootstrap_mode="0640"),
    ]
    run = playbooks.run(tasks, preexec_fn=lambda: os.umask(umask))
    assert run.rc == 0, run.summary()
    assert mode(nested / "qr.png") == 0o600
    assert mode(existing / "t" / "seed.txt") == 0o600
    assert mode(existing / "group.uri") == 0o640
    for directory in (existing / "a", existing / "a" / "b", nested, existing / "t"):
        assert mode(directory) == 0o700, directory
    assert mode(existing) == 0o755, "an existing directory is left as it is"
    assert run.result("explicit mode")["bootstrap_file"]["mode"] == "0640"
    assert sorted(os.listdir(existing)) == ["a", "group.uri", "t"], "no temp or probe file left"


@pytest.mark.parametrize("points_to", ["nothing", "a file", "a directory"])
def test_a_symlink_at_the_destination_is_refused_before_anything_is_created(playbooks, endpoint, tmp_path, points_to):
    endpoint.boto3_client("iam").create_user(UserName="alice")
    endpoint.clear_requests()
    elsewhere = tmp_path / "elsewhere"
    if points_to == "a file":
        elsewhere.write_text("someone else's file\n")
    elif points_to == "a directory":
        elsewhere.mkdir()
    link = tmp_path / "mfa.png"
    os.symlink(str(elsewhere), str(link))
    run = playbooks.run([playbooks.task(task="create", name="alice", state="enabled", user_name="alice", bootstrap_file=str(link))])
    assert run.rc == 2
    result = run.result("create")
    assert "bootstrap_file %s is a symbolic link; it is never written or read through one" % link in result["msg"]
    assert endpoint.write_requests() == []
    assert os.readlink(str(link)) == str(elsewhere)
    if points_to == "a file":
        assert elsewhere.read_text() == "someone else's file\n"
    elif points_to == "a directory":
        assert os.listdir(str(elsewhere)) == []
    else:
        assert not os.path.lexists(str(elsewhere))


def test_an_existing_bootstrap_file_is_never_replaced(playbooks, endpoint, tmp_path):
    target = tmp_path / "mfa" / "alice.png"
    first = playbooks.run([playbooks.task(task="create", name="alice", bootstrap_file=str(target))])
    assert first.rc == 0, first.summary()
    content, inode = target.read_bytes(), os.stat(target).st_ino
    endpoint.clear_requests()
    second = playbooks.run([playbooks.task(task="create", name="bob", bootstrap_file=str(target))])
    assert second.rc == 2
    assert "bootstrap_file %s already exists: an existing bootstrap file is never replaced" % target in second.result("create")["msg"]
    assert endpoint.write_requests() == []
    assert target.read_bytes() == content and os.stat(target).st_ino == inode
