#!/usr/bin/env bash
# The seed appears nowhere in -vvv output: create and enable devices with every bootstrap method (plus a
# converged re-run, check mode and a failure after the seed exists), then search the whole output for each seed.
set -eux
workdir="${OUTPUT_DIR:-$(mktemp -d)}/secrecy"
rm -rf "$workdir"
log="$workdir.log"
ansible-playbook -vvv --diff create_and_enable.yml -e "workdir=$workdir" "$@" > "$log" 2>&1 || { cat "$log"; exit 1; }
set +x
python check_no_seed.py "$log" "$workdir"
