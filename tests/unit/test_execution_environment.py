"""Execution environments: meta/execution-environment.yml is the collection's dependency metadata (the form
ansible-builder introspection reads from every installed collection); examples/awx/execution-environment.yml is a
complete ansible-builder 3 definition that ansible-builder turns into a build context with everything needed.

`ansible-builder create` needs no container engine, so this runs anywhere; `ansible-builder introspect` is how an
execution environment build finds the Python deps of the collections it installs, and runs offline too.
"""

import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
META_FILE = os.path.join("meta", "execution-environment.yml")
EE_FILE = os.path.join("examples", "awx", "execution-environment.yml")
PYTHON_DEPS = {"boto3", "botocore", "pyotp", "qrcode", "pypng"}


def _tool(name):
    path = os.path.join(BIN, name)
    return path if os.path.exists(path) else name


def _requirement_names(path):
    """Distribution names in a pip requirements file (comments, options and version specifiers dropped)."""
    names = set()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.split("#", 1)[0].strip()
            if line and not line.startswith("-"):
                names.add(re.split(r"[\s<>=!~;\[]", line, maxsplit=1)[0].lower())
    return names


def _requirement_lines(path):
    with open(path, encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip() and not line.lstrip().startswith("#")]


def _collection_version():
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)["version"]


@pytest.fixture(scope="module")
def layout(tmp_path_factory):
    """examples/awx/ (the definition, as in the repository) and build/dist/ with the release tarball, where the
    definition's additional_build_files looks for it (`make build`). A private copy of that layout keeps the test off
    the repository's build/ directory, which other test stages use."""
    top = tmp_path_factory.mktemp("ee")
    shutil.copytree(os.path.join(ROOT, "examples", "awx"), top / "examples" / "awx")
    dist = top / "build" / "dist"
    dist.mkdir(parents=True)
    subprocess.run(
        [_tool("ansible-galaxy"), "collection", "build", "--output-path", str(dist), ROOT],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )
    tarball = dist / ("mfaops-iam-%s.tar.gz" % _collection_version())
    assert tarball.is_file()
    return top, str(tarball)


@pytest.fixture(scope="module")
def tarball(layout):
    return layout[1]


@pytest.fixture(scope="module")
def context(layout):
    """`ansible-builder create -f examples/awx/execution-environment.yml --context build/ee-context`."""
    top, _tarball = layout
    done = subprocess.run(
        [_tool("ansible-builder"), "create", "-f", EE_FILE, "--context", os.path.join("build", "ee-context"),
         "--output-filename", "Containerfile"],
        check=True, capture_output=True, text=True, cwd=str(top),
    )
    assert "Complete!" in done.stdout + done.stderr
    return str(top / "build" / "ee-context")


def test_collection_metadata_is_the_form_introspection_reads():
    """meta/execution-environment.yml as ansible-builder expects it from a collection: files relative to the root."""
    with open(os.path.join(ROOT, META_FILE), encoding="utf-8") as handle:
        metadata = yaml.safe_load(handle)
    assert metadata == {"version": 1, "dependencies": {"python": "requirements.txt", "system": "bindep.txt"}}
    assert PYTHON_DEPS <= _requirement_names(os.path.join(ROOT, "requirements.txt"))
    assert _requirement_lines(os.path.join(ROOT, "bindep.txt")) == []  # pure Python: no system package


def test_definition_is_version_3_with_pins():
    with open(os.path.join(ROOT, EE_FILE), encoding="utf-8") as handle:
        definition = yaml.safe_load(handle)
    assert definition["version"] == 3
    assert definition["images"]["base_image"]["name"].split(":")[-1]  # a tag, as ansible-builder requires
    deps = definition["dependencies"]
    assert deps["ansible_core"]["package_pip"].startswith("ansible-core")
    assert deps["ansible_runner"]["package_pip"].startswith("ansible-runner")
    # the collections' own metadata brings their Python libraries; nothing is listed twice
    assert "python" not in deps and "system" not in deps


def test_context_installs_amazon_aws(context):
    with open(os.path.join(context, "_build", "requirements.yml"), encoding="utf-8") as handle:
        galaxy = yaml.safe_load(handle)
    versions = {entry["name"]: entry.get("version") for entry in galaxy["collections"]}
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        assert versions.get("amazon.aws") == yaml.safe_load(handle)["dependencies"]["amazon.aws"]


def test_context_installs_this_collection_from_the_tarball(context, tarball):
    copied = os.path.join(context, "_build", "collections", os.path.basename(tarball))
    assert os.path.isfile(copied)
    with open(os.path.join(context, "Containerfile"), encoding="utf-8") as handle:
        containerfile = handle.read()
    galaxy_stage = containerfile.split("FROM base AS galaxy", 1)[1].split("FROM base AS builder", 1)[0]
    assert re.search(r"ansible-galaxy collection install .*collections/mfaops-iam-\*\.tar\.gz", galaxy_stage)
    # The builder stage introspects the installed collections, this one included: its metadata brings its libraries.
    builder_stage = containerfile.split("FROM base AS builder", 1)[1].split("FROM base AS final", 1)[0]
    assert "introspect.py introspect" in builder_stage
    assert "COPY --from=galaxy /usr/share/ansible /usr/share/ansible" in builder_stage


def test_introspect_finds_the_deps_of_the_installed_collection(tarball, tmp_path):
    """What happens inside any EE build that installs mfaops.iam: its metadata points at its requirements."""
    install = tmp_path / "collections"
    # Only this path counts: the development link on ANSIBLE_COLLECTIONS_PATH would make the install a no-op.
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(install))
    subprocess.run(
        [_tool("ansible-galaxy"), "collection", "install", "--force", "--no-deps", "-p", str(install), tarball],
        check=True, capture_output=True, text=True, env=env,
    )
    assert (install / "ansible_collections" / "mfaops" / "iam" / "MANIFEST.json").is_file()
    pip_out = tmp_path / "requirements.txt"
    bindep_out = tmp_path / "bindep.txt"
    done = subprocess.run(
        [_tool("ansible-builder"), "introspect", str(install), "--write-pip", str(pip_out),
         "--write-bindep", str(bindep_out)],
        check=True, capture_output=True, text=True,
    )
    assert "Expected requirements file not present" not in done.stdout + done.stderr
    with open(pip_out, encoding="utf-8") as handle:
        lines = [line for line in handle.read().splitlines() if line.strip()]
    assert all("from collection mfaops.iam" in line for line in lines), lines
    assert PYTHON_DEPS <= _requirement_names(pip_out)
    assert not bindep_out.exists() or _requirement_lines(bindep_out) == []
