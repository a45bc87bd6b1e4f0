#!/usr/bin/env bash
# ansible-test integration against the local IAM endpoint, on the collection installed from the built tarball
# (what is tested is what is shipped). The endpoint is started here and always stopped on exit.
# Arguments are passed to ansible-test (e.g. a target name).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
it=$root/build/integration
state=$it/endpoint

rm -rf "$it" && mkdir -p "$it/dist" "$state"
ansible-galaxy collection build --force --output-path "$it/dist" . >/dev/null
ansible-galaxy collection install --no-deps --force -p "$it/collections" "$it"/dist/mfaops-iam-*.tar.gz >/dev/null
installed=$it/collections/ansible_collections/mfaops/iam
# amazon.aws comes with the ansible package (Galaxy is not reachable here); ansible-test sees collections beside ours.
amazon_aws=$(python -c 'import ansible_collections.amazon.aws as m; print(list(m.__path__)[0])')
mkdir -p "$it/collections/ansible_collections/amazon" && ln -sfn "$amazon_aws" "$it/collections/ansible_collections/amazon/aws"
# The targets are not shipped; they run against the installed plugins.
mkdir -p "$installed/tests" && cp -r tests/integration "$installed/tests/"

trap 'python -m mfaops_endpoint stop --state-dir "$state" >/dev/null 2>&1 || true' EXIT
url=$(python -m mfaops_endpoint start --state-dir "$state")
printf 'iam_endpoint_url: %s\n' "$url" > "$installed/tests/integration/integration_config.yml"

cd "$installed"
git init -q && git add -A >/dev/null  # ansible-test lists the content to test from git
ansible-test integration --local --python 3.11 --color no "$@"
