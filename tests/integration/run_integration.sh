#!/usr/bin/env bash
# ansible-test integration against the local IAM endpoint, on the collection installed from the built tarball
# (what is tested is what is shipped). The endpoint is started here and always stopped on exit.
# Arguments are passed to ansible-test (e.g. a target name). Environment (all optional; tests/compat uses them):
#   MFAOPS_IT_VENV        a venv whose python, ansible-galaxy and ansible-test run everything here (default: PATH's)
#   MFAOPS_IT_DIR         the build directory, under build/ (default: build/integration)
#   MFAOPS_IT_AMAZON_AWS  the amazon.aws collection directory to test with (default: the ansible package's)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
if [ -n "${MFAOPS_IT_VENV:-}" ]; then export VIRTUAL_ENV=$MFAOPS_IT_VENV PATH=$MFAOPS_IT_VENV/bin:$PATH; fi
it=$(realpath -ms "${MFAOPS_IT_DIR:-$root/build/integration}")
case $it in "$root"/build/?*) ;; *) echo "MFAOPS_IT_DIR must be under $root/build, not $it" >&2; exit 2 ;; esac
state=$it/endpoint

rm -rf "$it" && mkdir -p "$it/dist" "$state"
ansible-galaxy collection build --force --output-path "$it/dist" . >/dev/null
ansible-galaxy collection install --no-deps --force -p "$it/collections" "$it"/dist/mfaops-iam-*.tar.gz >/dev/null
installed=$it/collections/ansible_collections/mfaops/iam
# amazon.aws comes with the ansible package (Galaxy is not reachable here); ansible-test sees collections beside ours.
amazon_aws=${MFAOPS_IT_AMAZON_AWS:-$(python -c 'import ansible_collections.amazon.aws as m; print(list(m.__path__)[0])')}
mkdir -p "$it/collections/ansible_collections/amazon" && ln -sfn "$amazon_aws" "$it/collections/ansible_collections/amazon/aws"
# The targets are not shipped; they run against the installed plugins.
mkdir -p "$installed/tests" && cp -r tests/integration "$installed/tests/"

trap 'python -m mfaops_endpoint stop --state-dir "$state" >/dev/null 2>&1 || true' EXIT
trap 'exit 130' INT && trap 'exit 143' TERM  # so that the EXIT trap runs on these too
url=$(python -m mfaops_endpoint start --state-dir "$state")
printf 'iam_endpoint_url: %s\n' "$url" > "$installed/tests/integration/integration_config.yml"

cd "$installed"
git init -q && git add -A >/dev/null  # ansible-test lists the content to test from git
ansible-test integration --local --python "$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])')" --color no "$@"
