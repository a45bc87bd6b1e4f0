"""Run the iam_virtual_mfa action plugin in this process, as ansible-playbook's worker would, without a playbook.

The plugin is the whole task (it runs on the controller), so this drives the real code path: real argument
validation, the real IAM client from the amazon.aws connection options, real files.  It builds the few ansible-core
objects the plugin touches (a Task with args, check_mode, diff and environment; the local connection; a loader whose
base directory stands for the playbook's).
"""

from __future__ import annotations

from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task
import os

from ansible.plugins.loader import action_loader, connection_loader, init_plugin_loader
from ansible.template import Templar

ACTION = "mfaops.iam.iam_virtual_mfa"
COLLECTIONS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "build", "collections")


def init_loader() -> None:
    """Install ansible-core's collection finder once, before anything imports ``ansible_collections`` otherwise."""
    from ansible.utils.collection_loader import AnsibleCollectionConfig

    if AnsibleCollectionConfig.collection_finder is None:
        init_plugin_loader([COLLECTIONS])


def run_action(args: dict, check_mode: bool = False, diff: bool = False, environment: dict | None = None,
               basedir: str | None = None, task_vars: dict | None = None, action_name: str = ACTION) -> dict:
    """The task result of ``action_name`` (default iam_virtual_mfa) with ``args`` (connection options included)."""
    init_loader()
    loader = DataLoader()
    if basedir:
        loader.set_basedir(basedir)
    task = Task()
    task.action = action_name
    task.args = dict(args)
    task.check_mode = check_mode
    task.diff = diff
    if environment:
        task.environment = [environment]
    play_context = PlayContext()
    play_context.check_mode = check_mode
    play_context.diff = diff
    connection = connection_loader.get("local", play_context, None)
    templar = Templar(loader=loader, variables=task_vars or {})
    action = action_loader.get(action_name, task=task, connection=connection, play_context=play_context, loader=loader,
                               templar=templar, shared_loader_obj=None)
    return action.run(task_vars=task_vars or {})
