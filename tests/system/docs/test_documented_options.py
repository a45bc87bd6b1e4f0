"""Every plugin of the collection that takes options documents exactly the options it validates.

The argument spec each plugin really validates is captured where it is used: an action plugin's call to
``validate_argument_spec`` (its ``run`` is stopped there), a module's ``AnsibleAWSModule`` / ``AnsibleModule``
construction (its ``main`` is stopped there). The documentation is what ``ansible-doc`` shows, doc fragments merged.
Both are compared option by option: names, type, default, choices, aliases, required, elements. A plugin added later is
checked too (plugins/action/*.py and plugins/modules/*.py are listed, not named here).
"""

import glob
import json
import os
import subprocess
import sys

import pytest

from action_harness import init_loader
from action_harness import run_action

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
FIELDS = ("type", "default", "choices", "aliases", "required", "elements")


class Captured(Exception):
    def __init__(self, spec):
        super().__init__("captured")
        self.spec = spec


def _names(kind):
    return sorted(os.path.basename(path)[:-3] for path in glob.glob(os.path.join(ROOT, "plugins", kind, "*.py"))
                  if not os.path.basename(path).startswith("_"))


def _documented(names):
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-doc"), "-j"] + ["mfaops.iam.%s" % n for n in names]
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, "build", "collections"))
    answer = subprocess.run(command, env=env, capture_output=True, text=True, check=True, timeout=300)
    return {name.split(".")[-1]: doc["doc"].get("options") or {} for name, doc in json.loads(answer.stdout).items()}


def _normal(option):
    """An option's documented or validated properties, with ansible's defaults made explicit."""
    found = {field: option.get(field) for field in FIELDS}
    found["type"] = found["type"] or "str"
    found["required"] = bool(found["required"])
    found["aliases"] = sorted(found["aliases"] or [])
    if found["type"] == "path" and found["default"] is not None:
        found["default"] = str(found["default"])
    return found


def _action_spec(name, monkeypatch):
    from ansible.plugins.action import ActionBase  # pylint: disable=import-outside-toplevel

    def capture(self, argument_spec=None, **_kwargs):
        raise Captured(argument_spec)

    monkeypatch.setattr(ActionBase, "validate_argument_spec", capture)
    try:
        run_action({}, action_name="mfaops.iam.%s" % name)
    except Captured as captured:
        return captured.spec
    return None


def _module_spec(name, monkeypatch):
    import importlib  # pylint: disable=import-outside-toplevel
    from ansible.module_utils import basic  # pylint: disable=import-outside-toplevel
    from ansible_collections.amazon.aws.plugins.module_utils import modules  # pylint: disable=import-outside-toplevel

    def capture(self, *args, **kwargs):
        raise Captured(kwargs.get("argument_spec") or args[0])

    monkeypatch.setattr(basic.AnsibleModule, "__init__", capture)
    monkeypatch.setattr(modules.AnsibleAWSModule, "__init__", capture)
    module = importlib.import_module("ansible_collections.mfaops.iam.plugins.modules.%s" % name)
    if not hasattr(module, "main"):
        return None  # documentation only: the action plugin of the same name validates
    try:
        module.main()
    except Captured as captured:
        return dict(_aws_common(), **captured.spec) if _uses_aws(module) else dict(captured.spec)
    return None


def _uses_aws(module):
    return "AnsibleAWSModule" in open(module.__file__, encoding="utf-8").read()


def _aws_common():
    from ansible_collections.amazon.aws.plugins.module_utils.modules import aws_argument_spec  # noqa: E501 pylint: disable=import-outside-toplevel
    return aws_argument_spec()


ACTIONS = _names("action")
MODULES = [name for name in _names("modules") if name not in ACTIONS]


@pytest.fixture(scope="module")
def documented():
    return _documented(ACTIONS + MODULES)


def _compare(name, spec, docs):
    assert spec is not None, "%s: no argument spec found" % name
    assert sorted(spec) == sorted(docs), "%s: validated %s, documented %s" % (
        name, sorted(set(spec) - set(docs)), sorted(set(docs) - set(spec)))
    for option in spec:
        assert _normal(spec[option]) == _normal(docs[option]), "%s: option %s" % (name, option)


@pytest.mark.parametrize("name", ACTIONS)
def test_an_action_documents_the_options_it_validates(name, documented, monkeypatch):
    init_loader()
    _compare(name, _action_spec(name, monkeypatch), documented[name])


@pytest.mark.parametrize("name", MODULES)
def test_a_module_documents_the_options_it_validates(name, documented, monkeypatch):
    init_loader()
    spec = _module_spec(name, monkeypatch)
    if spec is None:
        pytest.skip("documentation only")
    _compare(name, spec, documented[name])
