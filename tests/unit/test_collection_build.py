"""The release artifact: `ansible-galaxy collection build` ships the collection's content and nothing of the dev tree.

Builds the tarball into a temporary directory (as `make build` does into build/dist), then checks its member list and
MANIFEST.json, and that the collection installed from it is complete enough for ansible-doc to document its modules.
"""

import json
import os
import subprocess
import sys
import tarfile

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)

# Paths (relative to the collection root) that must never be in the artifact, and file name patterns.
EXCLUDED_PREFIXES = (
    ".git/", ".github/", ".ci/", ".venv/", ".ansible/", ".pytest_cache/", ".bench/",
    "build/", "demo/", "docs/build/", "docs/_build/", "docs/sphinx/",
)
# Of tests/, only the local endpoint ships: its package, its pyproject.toml (pip install <collection>/tests/support)
# and its README.
SHIPPED_TESTS = ("tests/support/mfaops_endpoint/", "tests/support/pyproject.toml", "tests/support/README.md")
EXCLUDED_FILES = {
    ".gitignore", "Makefile", "pytest.ini", "requirements-dev.txt", ".ansible-lint", ".yamllint",
    "docs/build_docs.sh",
}
# What a user, AWX and ansible-builder need from the artifact.
REQUIRED_FILES = (
    "MANIFEST.json", "FILES.json", "meta/runtime.yml", "meta/execution-environment.yml", "requirements.txt",
    "plugins/modules/iam_virtual_mfa.py", "plugins/action/iam_virtual_mfa.py", "COPYING", "README.md", "bindep.txt",
    "examples/awx/execution-environment.yml",
)


def _tool(name):
    path = os.path.join(BIN, name)
    return path if os.path.exists(path) else name


def _galaxy():
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _collection_version():
    return _galaxy()["version"]


@pytest.fixture(scope="module")
def artifact(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [_tool("ansible-galaxy"), "collection", "build", "--force", "--output-path", str(out), ROOT],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )
    tarball = out / ("mfaops-iam-%s.tar.gz" % _collection_version())
    assert tarball.is_file(), sorted(os.listdir(out))
    with tarfile.open(tarball) as archive:
        members = {member.name.rstrip("/"): member for member in archive.getmembers()}
        manifest = json.load(archive.extractfile("MANIFEST.json"))
    return tarball, members, manifest


def _shipped_tree(top):
    """Every file under ``top`` in the work tree, as the build sees it (caches are never shipped)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(os.path.join(ROOT, top)):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for filename in filenames:
            if filename.endswith((".pyc", ".retry")):
                continue
            found.append(os.path.relpath(os.path.join(dirpath, filename), ROOT))
    return sorted(found)


@pytest.mark.parametrize("top", ["plugins", "roles", "meta", os.path.join("tests", "support", "mfaops_endpoint")])
def test_every_content_file_ships(artifact, top):
    _tarball, members, _manifest = artifact
    expected = _shipped_tree(top)
    if top == "plugins":
        assert expected, "plugins/ is empty"
    missing = [path for path in expected if path not in members]
    assert not missing, "not in the artifact: %s" % missing


def test_required_files_ship(artifact):
    _tarball, members, _manifest = artifact
    missing = [path for path in REQUIRED_FILES if path not in members]
    assert not missing


def test_guides_ship_for_the_ansible_docsite(artifact):
    _tarball, members, _manifest = artifact
    guides = _shipped_tree(os.path.join("docs", "docsite"))
    assert "docs/docsite/extra-docs.yml" in guides
    assert [path for path in guides if path not in members] == []


def test_nothing_of_the_development_tree_ships(artifact):
    _tarball, members, _manifest = artifact
    leaked = sorted(
        name for name in members
        if name.startswith(EXCLUDED_PREFIXES) or name + "/" in EXCLUDED_PREFIXES or name in EXCLUDED_FILES
        or (name.startswith("tests/") and not (name + "/").startswith(SHIPPED_TESTS)
            and name + "/" not in ("tests/", "tests/support/"))
        or "__pycache__" in name.split("/") or name.endswith((".pyc", ".tar.gz"))
    )
    assert leaked == []


def test_manifest_names_the_dependency(artifact):
    _tarball, _members, manifest = artifact
    info = manifest["collection_info"]
    assert (info["namespace"], info["name"], info["version"]) == ("mfaops", "iam", _collection_version())
    # amazon.aws 9 up to the next major after the newest the compat stage tested (tests/compat/run_compat.sh)
    assert info["dependencies"] == {"amazon.aws": ">=9.0.0,<12.0.0"}
    for key in ("repository", "documentation", "homepage", "issues"):
        assert info[key].startswith("https://github.com/mfaops/mfaops.iam"), key


def test_licence_ships(artifact):
    """COPYING is the GPL v3 that every file's header points to, in the artifact and named by its MANIFEST.json."""
    tarball, members, manifest = artifact
    assert manifest["collection_info"]["license_file"] == "COPYING"
    assert members["COPYING"].isfile()
    with tarfile.open(tarball) as archive:
        text = archive.extractfile("COPYING").read().decode("utf-8")
    assert text.lstrip().startswith("GNU GENERAL PUBLIC LICENSE")
    assert "Version 3, 29 June 2007" in text and "END OF TERMS AND CONDITIONS" in text


def test_installed_artifact_documents_its_modules(artifact, tmp_path):
    """What is shipped is usable: installed from the tarball alone, ansible-doc renders the module from there."""
    tarball, _members, _manifest = artifact
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(tmp_path), ANSIBLE_NOCOLOR="1")
    subprocess.run(
        [_tool("ansible-galaxy"), "collection", "install", "--force", "--no-deps", "-p", str(tmp_path), str(tarball)],
        check=True, capture_output=True, text=True, env=env,
    )
    done = subprocess.run(
        [_tool("ansible-doc"), "--json", "-t", "module", "mfaops.iam.iam_virtual_mfa"],
        check=True, capture_output=True, text=True, env=env,
    )
    doc = json.loads(done.stdout)["mfaops.iam.iam_virtual_mfa"]["doc"]
    assert doc["filename"].startswith(str(tmp_path)), doc["filename"]
    assert {"bootstrap_file", "on_missing_seed", "state"} <= set(doc["options"])
    assert "[WARNING]" not in done.stderr, done.stderr


def test_the_endpoint_package_pins_the_moto_the_tests_run_on():
    """tests/support/pyproject.toml patches moto's internals: it requires the moto of requirements-dev.txt."""
    import tomllib

    with open(os.path.join(ROOT, "tests", "support", "pyproject.toml"), "rb") as handle:
        project = tomllib.load(handle)["project"]
    with open(os.path.join(ROOT, "requirements-dev.txt"), encoding="utf-8") as handle:
        dev = [line.split("#", 1)[0].strip() for line in handle if line.startswith("moto")]
    assert [req for req in project["dependencies"] if req.startswith("moto")] == dev
    assert project["scripts"] == {"mfaops-endpoint": "mfaops_endpoint.__main__:main"}
