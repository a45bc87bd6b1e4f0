"""Run the aws_accounts inventory in this process, as ansible-inventory does (InventoryManager), counting the
Organizations calls it makes with a botocore event hook (the endpoint's request log records IAM calls only)."""

import collections
import json

import pytest
import yaml

from action_harness import init_loader

PLUGIN = "mfaops.iam.aws_accounts"


class Run:
    """One inventory parse: the inventory, the Organizations calls by operation, the credentials the plugin held."""

    def __init__(self, inventory, calls, credentials):
        self.inventory = inventory
        self.calls = calls
        self.credentials = credentials

    @property
    def hosts(self):
        return sorted(host.name for host in self.inventory.get_hosts())

    def vars(self, host):
        return self.inventory.get_host(host).get_vars()

    def group(self, name):
        group = self.inventory.groups.get(name)
        return None if group is None else sorted(host.name for host in group.get_hosts())

    def children(self, name):
        return sorted(group.name for group in self.inventory.groups[name].child_groups)

    def dump(self):
        """Every host's variables and every group's hosts, as text (what ansible-inventory --list shows)."""
        data = {
            "hostvars": {host: self.vars(host) for host in self.hosts},
            "groups": {name: self.group(name) for name in self.inventory.groups},
        }
        return json.dumps(data, default=str, sort_keys=True)


@pytest.fixture
def inventory(tmp_path, monkeypatch):
    """``inventory(config, cache=True, name="org")`` parses an aws_accounts.yml made of ``config`` -> Run."""
    init_loader()
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader

    from ansible_collections.mfaops.iam.plugins.inventory.aws_accounts import InventoryModule

    state = {}
    original = InventoryModule.client

    def counting_client(self, *args, **kwargs):
        client = original(self, *args, **kwargs)
        client.meta.events.register(
            "before-call.organizations", lambda model, **_kwargs: state["calls"].update([model.name]))
        state["credentials"] = dict(self._frozen_credentials)
        return client

    monkeypatch.setattr(InventoryModule, "client", counting_client)

    def run(config, cache=True, name="org"):
        path = tmp_path / ("%s.aws_accounts.yml" % name)
        path.write_text(yaml.safe_dump(dict({"plugin": PLUGIN}, **config)))
        state.update(calls=collections.Counter(), credentials={})
        manager = InventoryManager(DataLoader(), sources=[str(path)], cache=cache)
        return Run(manager, state["calls"], state["credentials"])

    return run


@pytest.fixture
def parse_error(tmp_path):
    """``parse_error(config)`` -> the exception the plugin raises for ``config``, a dict or the YAML text of the options
    (InventoryManager would only warn)."""
    init_loader()
    from ansible.inventory.data import InventoryData
    from ansible.parsing.dataloader import DataLoader
    from ansible.plugins.loader import inventory_loader

    def run(config):
        path = tmp_path / "bad.aws_accounts.yml"
        # a str is the file's text after the plugin line, as a user wrote it (YAML reads 0123 as an octal number)
        if isinstance(config, str):
            path.write_text("plugin: %s\n%s" % (PLUGIN, config))
        else:
            path.write_text(yaml.safe_dump(dict({"plugin": PLUGIN}, **config)))
        plugin = inventory_loader.get(PLUGIN)
        with pytest.raises(Exception) as caught:
            plugin.parse(InventoryData(), DataLoader(), str(path), cache=False)
        return caught.value

    return run
