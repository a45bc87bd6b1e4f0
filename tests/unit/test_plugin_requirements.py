"""What ansible-doc tells a user about where each plugin runs and what it needs there, and which modules
module_defaults' group/mfaops.iam.aws reaches: checked against the code (action plugins, meta/runtime.yml,
requirements.txt), for every module and inventory plugin the collection has."""

import json
import os
import re
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
# The controller-side tasks that compute TOTP codes and write QR codes.
TOTP_MODULES = {"iam_virtual_mfa", "user_mfa_account"}
REQUIREMENT = re.compile(r"([A-Za-z0-9_.-]+)\s*>=\s*([0-9][0-9.]*)")


def _names(folder):
    return sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, "plugins", folder))
                  if name.endswith(".py") and name != "__init__.py")


def _docs(plugin_type, names):
    tool = os.path.join(BIN, "ansible-doc")
    done = subprocess.run([tool if os.path.exists(tool) else "ansible-doc", "--json", "-t", plugin_type]
                          + ["mfaops.iam.%s" % name for name in names], check=True, capture_output=True, text=True)
    return {name.split(".")[-1]: entry["doc"] for name, entry in json.loads(done.stdout).items()}


@pytest.fixture(scope="module")
def module_docs():
    return _docs("module", _names("modules"))


def _pinned():
    """{package: minimum version} of requirements.txt."""
    with open(os.path.join(ROOT, "requirements.txt"), encoding="utf-8") as handle:
        return dict(REQUIREMENT.match(line).groups() for line in handle if REQUIREMENT.match(line))


def _aws_calls(name):
    with open(os.path.join(ROOT, "plugins", "action", name + ".py"), encoding="utf-8") as handle:
        return "_aws_connection" in handle.read()


def test_controller_side_modules_say_their_requirements_are_the_controllers(module_docs):
    for name in _names("action"):
        requirements = module_docs[name].get("requirements") or []
        if _aws_calls(name):
            assert requirements, name
        wrong = [req for req in requirements if not req.endswith("on the controller")]
        assert not wrong, ("%s runs on the controller (plugins/action/%s.py): use the doc fragment "
                           "mfaops.iam.requirements.controller (or .controller_totp), not %s" % (name, name, wrong))
        packages = {REQUIREMENT.match(req).group(1) for req in requirements if REQUIREMENT.match(req)}
        if name in TOTP_MODULES:
            assert {"boto3", "botocore", "pyotp", "qrcode", "pypng"} <= packages, (name, requirements)
        elif _aws_calls(name):
            assert {"boto3", "botocore"} <= packages, (name, requirements)


def test_modules_that_run_where_the_task_runs_need_boto3_there(module_docs):
    for name in sorted(set(_names("modules")) - set(_names("action"))):
        requirements = module_docs[name]["requirements"]
        assert {"boto3 >= 1.34.0", "botocore >= 1.34.0"} <= set(requirements), (name, requirements)
        assert not [req for req in requirements if "controller" in req], name


def test_inventory_plugins_need_boto3_on_the_controller():
    for name, doc in _docs("inventory", _names("inventory")).items():
        assert {"boto3 >= 1.34.0 on the controller", "botocore >= 1.34.0 on the controller"} <= set(
            doc["requirements"]), name


def test_documented_versions_are_those_of_requirements_txt(module_docs):
    pinned = _pinned()
    for name, doc in module_docs.items():
        for requirement in doc.get("requirements") or []:
            match = REQUIREMENT.match(requirement)
            if match and match.group(1) in pinned:
                assert match.group(2) == pinned[match.group(1)], (name, requirement, pinned)


def test_action_group_attribute_matches_meta_runtime(module_docs):
    with open(os.path.join(ROOT, "meta", "runtime.yml"), encoding="utf-8") as handle:
        group = [entry for entry in yaml.safe_load(handle)["action_groups"]["aws"] if isinstance(entry, str)]
    for name, doc in module_docs.items():
        attribute = (doc.get("attributes") or {}).get("action_group")
        if name in group:
            assert attribute and attribute["support"] == "full" and attribute["membership"] == ["mfaops.iam.aws"], name
        else:
            assert not attribute or not attribute.get("membership"), name
