#!/usr/bin/env bash
# ansible-test sanity on a copy of the tracked files laid out as ansible_collections/mfaops/iam.
# ansible-test bootstraps pip in its venvs with a get-pip script it downloads; this machine has no such host, so an
# offline stand-in goes into ansible-test's cache first (ensurepip, then pip install of what it was asked for).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
python - <<'PY'
import pathlib
from ansible_test._internal.python_requirements import get_venv_packages
from ansible_test._internal.host_configs import NativePythonConfig
PIP_VERSION = get_venv_packages(NativePythonConfig(version="3.11"))["pip"]  # the pip ansible-test bootstraps
cache = pathlib.Path.home() / ".ansible" / "test" / "cache"
cache.mkdir(parents=True, exist_ok=True)
target = cache / ("get_pip_%s.py" % PIP_VERSION.replace(".", "_"))
target.write_text('''"""Offline stand-in for get-pip.py: ensurepip, then pip install the requested packages."""
import os, subprocess, sys
subprocess.run([sys.executable, "-m", "ensurepip", "--upgrade"], check=True, stdout=subprocess.DEVNULL)
env = dict(os.environ)
env.pop("PIP_CONFIG_FILE", None)  # ensurepip points it at os.devnull; pip must keep this machine's index settings
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
if args:
    subprocess.run([sys.executable, "-m", "pip", "install", "--disable-pip-version-check"] + args, check=True, env=env)
''')
print("get-pip stand-in:", target)
PY
work=build/sanity/ansible_collections/mfaops/iam
rm -rf build/sanity && mkdir -p "$work"
git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} cp --parents {} "$work"/
# the dependency amazon.aws, from the ansible package, beside the collection (ansible-test looks there)
amazon_aws=$(python -c 'import ansible_collections.amazon.aws as m; print(list(m.__path__)[0])')
mkdir -p build/sanity/ansible_collections/amazon && ln -sfn "$amazon_aws" build/sanity/ansible_collections/amazon/aws
cd "$work"
git init -q && git add -A >/dev/null  # ansible-test lists the files to test from git
ansible-test sanity --python 3.11 --venv --color no "$@"
