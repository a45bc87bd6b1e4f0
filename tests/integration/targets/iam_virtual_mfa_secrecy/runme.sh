#!/usr/bin/env bash
# The seed appears nowhere in -vvv output: create and enable devices with every bootstrap method (plus a
# converged re-run, check mode and a failure after the seed exists), then search the whole output for each seed.
set -eux
workdir="${OUTPUT_DIR:-$(mktemp -d)}/secrecy"
rm -rf "$workdir"
log="$workdir.log"
# ansible-test lays the targets out beside integration_config.yml (iam_endpoint_url) but passes it to roles only
config="$(cd ../.. && pwd)/integration_config.yml"
ansible-playbook -vvv --diff create_and_enable.yml -e "workdir=$workdir" -e "@$config" "$@" > "$log" 2>&1 || { cat "$log"; exit 1; }
set +x
python check_no_seed.py "$log" "$workdir"
