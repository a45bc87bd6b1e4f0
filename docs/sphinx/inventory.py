"""Write an intersphinx inventory of the Ansible docs for the labels the site refers to, without any download.

antsibull-docs pages refer to the Ansible docsite (ansible.builtin modules, the modules of the collections this one
depends on, a few reference pages) by Sphinx label.  Sphinx resolves such labels through intersphinx, which
normally downloads docs.ansible.com's objects.inv; this build has no network.  So this script lists the labels from
what is installed: ansible-core's own plugins and the dependency collections found on the collections path, each
pointing at its page on docs.ansible.com.  A label missing from this inventory still fails the Sphinx build.

Usage: python inventory.py OUTPUT_FILE [COLLECTION_ROOT]
"""

import os
import sys
import zlib

import yaml

# Pages of the Ansible docsite that antsibull-docs output or the guides refer to: label -> (page, title).
DOCSITE_LABELS = {
    "ansible_configuration_settings": ("reference_appendices/config.html", "Ansible Configuration Settings"),
    "action_plugins": ("plugins/action.html", "Action plugins"),
    "common_return_values": ("reference_appendices/common_return_values.html", "Return Values"),
    "check_mode_dry": ("playbook_guide/playbooks_checkmode.html", "Validating tasks: check mode and diff mode"),
    "module_defaults": ("playbook_guide/playbooks_module_defaults.html", "Module defaults"),
    "playbooks_delegation": ("playbook_guide/playbooks_delegation.html", "Controlling where tasks run"),
    "keep_secret_data": ("reference_appendices/faq.html", "How do I keep secret data in my playbook?"),
}

# Plugin types whose one-file-per-plugin directories are listed: directory name -> type name in labels.
PLUGIN_DIRS = {"modules": "module", "lookup": "lookup", "inventory": "inventory", "connection": "connection"}


def _anchor(label):
    return label.replace(".", "-").replace("_", "-").lower()


def _plugins(plugins_dir):
    """(name, type) for each plugin file under a collection's (or ansible-core's) plugin directories."""
    for directory, plugin_type in PLUGIN_DIRS.items():
        path = os.path.join(plugins_dir, directory)
        if not os.path.isdir(path):
            continue
        for filename in sorted(os.listdir(path)):
            stem, ext = os.path.splitext(filename)
            if ext == ".py" and not stem.startswith("_"):
                yield stem, plugin_type


def _collection_roots():
    """Directories named ansible_collections, in the order Ansible searches them."""
    roots = []
    for entry in os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep):
        if entry:
            roots.append(entry if os.path.basename(entry) == "ansible_collections" else os.path.join(entry, "ansible_collections"))
    roots.extend(os.path.join(entry, "ansible_collections") for entry in sys.path if entry)
    return [root for root in roots if os.path.isdir(root)]


def _dependencies(collection_root):
    with open(os.path.join(collection_root, "galaxy.yml"), encoding="utf-8") as handle:
        return sorted((yaml.safe_load(handle) or {}).get("dependencies") or {})


def _config_envvars(core):
    """The environment variables of ansible-core's settings (plugin docs of the inventory_cache fragment, for example,
    refer to them); the configuration reference page documents each with an ``envvar-<NAME>`` anchor."""
    with open(os.path.join(core, "config", "base.yml"), encoding="utf-8") as handle:
        settings = yaml.safe_load(handle) or {}
    for setting in settings.values():
        for env in (setting or {}).get("env") or []:
            if env.get("name"):
                yield env["name"]


def entries(collection_root):
    """Inventory lines: (name, domain:role, uri, display name)."""
    import ansible  # pylint: disable=import-outside-toplevel

    for label, (page, title) in DOCSITE_LABELS.items():
        yield label, "std:label", "%s#%s" % (page, _anchor(label)), title

    core = os.path.dirname(ansible.__file__)
    for name in _config_envvars(core):
        yield name, "std:envvar", "reference_appendices/config.html#envvar-%s" % name, name

    sources = [("ansible", "builtin", core, os.path.join(core, "plugins"))]
    roots = _collection_roots()
    for fqcn in _dependencies(collection_root):
        namespace, name = fqcn.split(".")
        found = next((os.path.join(root, namespace, name) for root in roots if os.path.isdir(os.path.join(root, namespace, name))), None)
        if found is None:
            raise SystemExit("inventory.py: dependency %s is not installed on the collections path" % fqcn)
        sources.append((namespace, name, os.path.join(found, "plugins"), os.path.join(found, "plugins")))

    for namespace, name, modules_parent, plugins_dir in sources:
        seen = set()
        # ansible-core keeps its modules in lib/ansible/modules, its other plugins in lib/ansible/plugins/<type>.
        listings = list(_plugins(modules_parent)) + ([] if modules_parent == plugins_dir else list(_plugins(plugins_dir)))
        for plugin, plugin_type in listings:
            if (plugin, plugin_type) in seen:
                continue
            seen.add((plugin, plugin_type))
            label = "ansible_collections.%s.%s.%s_%s" % (namespace, name, plugin, plugin_type)
            page = "collections/%s/%s/%s_%s.html" % (namespace, name, plugin, plugin_type)
            yield label, "std:label", "%s#%s" % (page, _anchor(label)), "%s.%s.%s %s" % (namespace, name, plugin, plugin_type)


def write(path, lines):
    header = (
        "# Sphinx inventory version 2\n"
        "# Project: Ansible\n"
        "# Version: latest\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    body = "".join("%s %s -1 %s %s\n" % (name, role, uri, title) for name, role, uri, title in lines)
    with open(path, "wb") as handle:
        handle.write(header.encode("utf-8"))
        handle.write(zlib.compress(body.encode("utf-8")))


def main():
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__.strip().splitlines()[-1])
    collection_root = sys.argv[2] if len(sys.argv) == 3 else os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    lines = sorted(set(entries(collection_root)))
    write(sys.argv[1], lines)
    print("inventory.py: %d labels of the Ansible docs in %s" % (len(lines), sys.argv[1]))


if __name__ == "__main__":
    main()
