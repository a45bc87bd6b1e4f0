"""The mfa_audit_report action plugin in this process: both files written atomically with their mode, in check mode
too, a private directory created when missing, and bad arguments refused before anything is written."""

import os

import pytest

from action_harness import init_loader

from ansible.errors import AnsibleActionFail
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task
from ansible.plugins.loader import action_loader
from ansible.plugins.loader import connection_loader
from ansible.template import Templar


def run(args, check_mode=False, basedir=None):
    init_loader()
    loader = DataLoader()
    if basedir:
        loader.set_basedir(basedir)
    task = Task()
    task.action = "mfaops.iam.mfa_audit_report"
    task.args = dict(args)
    task.check_mode = check_mode
    play_context = PlayContext()
    play_context.check_mode = check_mode
    connection = connection_loader.get("local", play_context, None)
    action = action_loader.get(task.action, task=task, connection=connection, play_context=play_context, loader=loader,
                               templar=Templar(loader=loader, variables={}), shared_loader_obj=None)
    try:
        return action.run(task_vars={})
    except AnsibleActionFail as e:
        return dict(e.result, failed=True, msg=e.message)


def report_args(directory, **overrides):
    return dict(dict(directory=str(directory), name="audit", json='{"a": 1}\n', markdown="# Audit\n"), **overrides)


def mode(path):
    return os.stat(path).st_mode & 0o7777


@pytest.mark.parametrize("check_mode", [False, True])
def test_both_files_in_a_new_private_directory_in_check_mode_too(tmp_path, check_mode):
    directory = tmp_path / "a" / "reports"
    result = run(report_args(directory), check_mode=check_mode)
    assert result["changed"] is True and "failed" not in result and "invocation" not in result
    assert result["files"] == {"json": str(directory / "audit.json"), "markdown": str(directory / "audit.md")}
    assert (directory / "audit.json").read_text() == '{"a": 1}\n'
    assert (directory / "audit.md").read_text() == "# Audit\n"
    assert mode(directory) == 0o750 and mode(directory / "audit.json") == mode(directory / "audit.md") == 0o640
    assert sorted(os.listdir(directory)) == ["audit.json", "audit.md"]  # no temporary file left


def test_the_same_text_again_changes_nothing_and_new_text_replaces_the_file(tmp_path):
    assert run(report_args(tmp_path))["changed"] is True
    before = os.stat(tmp_path / "audit.json").st_ino
    assert run(report_args(tmp_path))["changed"] is False
    assert os.stat(tmp_path / "audit.json").st_ino == before
    assert run(report_args(tmp_path, markdown="# Other\n", mode="0600"))["changed"] is True
    assert (tmp_path / "audit.md").read_text() == "# Other\n" and mode(tmp_path / "audit.md") == 0o600
    assert os.stat(tmp_path / "audit.json").st_ino != before  # replaced (new mode), not rewritten in place


def test_an_existing_directory_keeps_its_mode_and_a_relative_one_is_under_the_playbook_directory(tmp_path):
    os.chmod(tmp_path, 0o755)
    assert run(report_args("out", mode=0o644), basedir=str(tmp_path))["files"]["json"] == str(tmp_path / "out" / "audit.json")
    assert mode(tmp_path) == 0o755 and mode(tmp_path / "out" / "audit.json") == 0o644


@pytest.mark.parametrize("overrides, message", [
    (dict(mode="u=rw"), "mode 'u=rw' is not an octal file mode"),
    (dict(name="../x"), "name '../x' is not a plain file name"),
    (dict(name=".."), "name '..' is not a plain file name"),
])
def test_bad_arguments_write_nothing(tmp_path, overrides, message):
    result = run(report_args(tmp_path / "r", **overrides))
    assert result["failed"] is True and result["msg"].startswith(message)
    assert not (tmp_path / "r").exists()


def test_a_file_that_cannot_be_replaced_is_a_failure_naming_it_and_leaves_no_temporary_file(tmp_path):
    (tmp_path / "audit.json").mkdir()  # a directory where the file should go: the rename fails, even for root
    result = run(report_args(tmp_path))
    assert result["failed"] is True and result["msg"].startswith("cannot write %s" % (tmp_path / "audit.json"))
    assert sorted(os.listdir(tmp_path)) == ["audit.json"]


# -- report directories are checked as the bootstrap file's directory is: private, not a symlink, owned by the user --


@pytest.mark.parametrize("directory_mode", [0o777, 0o1777, 0o770])
def test_a_directory_others_can_write_to_is_refused_and_nothing_is_written(tmp_path, directory_mode):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, directory_mode)
    result = run(report_args(shared))
    assert result["failed"] is True
    assert result["msg"] == (
        "report directory %s has mode %04o: group or others can write to it; use a directory private to the user who "
        "runs Ansible (owned by it, mode 0750 or 0700), or make this one so (chmod go-w %s)"
        % (shared, directory_mode, shared))
    assert os.listdir(shared) == []


def test_a_symlinked_directory_is_refused(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    os.symlink(str(real), str(tmp_path / "link"))
    result = run(report_args(tmp_path / "link"))
    assert result["failed"] is True
    assert result["msg"] == ("report directory %s is a symbolic link; reports are never written or read through one: "
                             "give the real path (%s)" % (tmp_path / "link", real))
    assert os.listdir(real) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a directory to another user")
def test_a_directory_of_another_user_is_refused(tmp_path):
    """Another local user made the account's directory in a shared report directory before the audit did."""
    planted = tmp_path / "111111111111"
    planted.mkdir(mode=0o755)
    os.chown(planted, 65534, 65534)
    result = run(report_args(planted))
    assert result["failed"] is True
    expected = "report directory %s has mode 0755 and belongs to uid 65534, not to the current user (uid 0)" % planted
    assert result["msg"].startswith(expected)
    assert os.listdir(planted) == []


def test_a_report_file_that_is_a_symlink_is_replaced_never_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("theirs\n")
    reports = tmp_path / "reports"
    reports.mkdir(mode=0o750)
    os.symlink(str(elsewhere), str(reports / "audit.json"))
    assert run(report_args(reports))["changed"] is True
    assert elsewhere.read_text() == "theirs\n"
    assert not os.path.islink(reports / "audit.json") and (reports / "audit.json").read_text() == '{"a": 1}\n'


def test_the_previous_report_is_read_from_a_checked_directory_only(tmp_path):
    reports = tmp_path / "reports"
    files = {"json": str(reports / "audit.json"), "markdown": str(reports / "audit.md")}
    assert run({"directory": str(reports), "name": "audit", "read_previous": True}) == {
        "changed": False, "previous": {}, "files": files}
    assert not reports.exists()  # nothing created for a read
    run(report_args(reports, json='{"devices": [{"first_seen": "2024-01-01"}]}\n'))
    assert run({"directory": str(reports), "name": "audit", "read_previous": True})["previous"] == {
        "devices": [{"first_seen": "2024-01-01"}]}
    # a forged report in a directory others can write to is never read
    os.chmod(reports, 0o777)
    (reports / "audit.json").write_text('{"devices": [{"first_seen": "2000-01-01"}]}\n')
    result = run({"directory": str(reports), "name": "audit", "read_previous": True})
    assert result["failed"] is True and "previous" not in result
    assert result["msg"].startswith("report directory %s has mode 0777: group or others can write to it" % reports)
    os.chmod(reports, 0o750)
    os.unlink(reports / "audit.json")
    os.symlink(str(tmp_path / "forged.json"), str(reports / "audit.json"))
    (tmp_path / "forged.json").write_text('{"devices": [{"first_seen": "2000-01-01"}]}\n')
    result = run({"directory": str(reports), "name": "audit", "read_previous": True})
    assert result["failed"] is True
    assert result["msg"] == "previous report %s is a symbolic link; it is never read through one" % (
        reports / "audit.json")
    os.unlink(reports / "audit.json")
    (reports / "audit.json").write_text("not json")
    result = run({"directory": str(reports), "name": "audit", "read_previous": True})
    assert result["failed"] is True
    assert result["msg"].startswith("previous report %s is not JSON (Expecting value: line 1 column 1 (char 0)); "
                                    "remove it" % (reports / "audit.json"))
