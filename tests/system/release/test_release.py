"""The release as a new user gets it: `make build` writes the tarball; a fresh venv gets exactly what the README's
"Using it" says (the `ansible` package, the tarball through ansible-galaxy, the requirements.txt of the installed
collection); the local endpoint is installed from the installed collection and started as the README says; then the
README's quick start runs: examples/quickstart.yml twice (the second changes nothing) and the organization audit and
onboarding over 3 member accounts. The README's command lines are run as written, in bash, with only these
substitutions: HOME is a temporary directory (so ~ is a fresh user's), port 5000 is a free port, the state directory
is temporary, the tarball name is its path, and the Galaxy install line is skipped (Galaxy is not reachable here;
the tarball line installs the same collection)."""

import json
import os
import re
import socket
import subprocess
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
GALAXY_LINE = "ansible-galaxy collection install mfaops.iam "


def _readme_blocks():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        using = handle.read().split("## Using it", 1)[1].split("### In your playbooks", 1)[0]
    install, quickstart = re.findall(r"```bash\n(.*?)```", using, re.S)
    return install, quickstart


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _version():
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        return re.search(r"^version:\s*(\S+)", handle.read(), re.M).group(1)


@pytest.fixture(scope="module")
def user(tmp_path_factory):
    """A fresh user: HOME and a work directory, an environment without the development tree's settings."""
    top = tmp_path_factory.mktemp("release")
    home, work = top / "home", top / "work"
    home.mkdir()
    work.mkdir()
    dev_bin = os.path.dirname(sys.executable)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ANSIBLE_", "AWS_", "PYTHON", "VIRTUAL_ENV", "MOTO_"))}
    env.update(HOME=str(home), PIP_CACHE_DIR=os.path.expanduser("~/.cache/pip"), ANSIBLE_NOCOLOR="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1",
               PATH=os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p != dev_bin))
    return {"home": home, "work": work, "env": env, "state": top / "endpoint", "port": _free_port()}


def _bash(user, script, timeout):
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=str(user["work"]), env=user["env"],
                          capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, "%s\n--- stdout\n%s\n--- stderr\n%s" % (script, done.stdout[-6000:], done.stderr[-4000:])
    return done.stdout


def test_build_install_and_quick_start_as_the_readme_says(user):
    tarball = os.path.join(ROOT, "build", "dist", "mfaops-iam-%s.tar.gz" % _version())
    build = subprocess.run(["make", "-C", ROOT, "build"], capture_output=True, text=True, timeout=600, check=False)
    assert build.returncode == 0 and os.path.isfile(tarball), build.stdout[-3000:] + build.stderr[-3000:]

    install, quickstart = _readme_blocks()
    lines = [line for line in install.splitlines() if not line.startswith(GALAXY_LINE)]
    assert any("collection install mfaops-iam-%s.tar.gz" % _version() in line for line in lines), lines
    script = "\n".join(lines).replace("mfaops-iam-%s.tar.gz" % _version(), tarball)
    _bash(user, script + "\nansible-galaxy collection list mfaops.iam", timeout=900)
    installed = user["home"] / ".ansible" / "collections" / "ansible_collections" / "mfaops" / "iam"
    assert json.loads((installed / "MANIFEST.json").read_text())["collection_info"]["version"] == _version()
    assert not (installed / "tests" / "unit").exists() and (installed / "tests" / "support" / "pyproject.toml").exists()

    script = (quickstart.replace("/tmp/mfaops-endpoint", str(user["state"]))
              .replace("5000", str(user["port"])))
    activate = ". ~/venvs/ansible/bin/activate\n"  # the install block's venv, as the user's shell still has it
    try:
        output = _bash(user, activate + script, timeout=900)
    finally:  # the endpoint never outlives the test, whatever failed
        stop = user["home"] / "venvs" / "mfaops-endpoint" / "bin" / "mfaops-endpoint"
        if stop.exists():
            subprocess.run([str(stop), "stop", "--state-dir", str(user["state"])], env=user["env"], timeout=60,
                           check=False, capture_output=True)

    recaps = re.findall(r"PLAY RECAP \*+\n((?:\S+\s+: .*\n)+)", output)
    assert len(recaps) == 4, output[-3000:]
    first, second, audit, onboard = recaps
    assert "changed=2" in first and "changed=0" in second and "failed=0" in second
    assert all("failed=0" in line for recap in (audit, onboard) for line in recap.splitlines())
    examples = user["work"] / "mfaops-examples"
    assert (examples / "mfa" / "alice.png").stat().st_mode & 0o777 == 0o600
    summary = json.loads((examples / "organization" / "mfa_audit" / "mfa_audit_organization.json").read_text())
    assert summary["accounts"]["total"] == 4 and summary["accounts"]["audited"] == 4
    onboarded = sorted((examples / "organization" / "mfa").glob("*/breakglass-admin.png"))
    assert len(onboarded) == 4
    assert not (user["state"] / "endpoint.pid").exists()  # stopped by the quick start's last line
