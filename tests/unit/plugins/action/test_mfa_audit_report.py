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
