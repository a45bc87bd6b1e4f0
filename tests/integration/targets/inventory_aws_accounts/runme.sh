#!/usr/bin/env bash
# The inventory plugin aws_accounts on this ansible-core (the compat stage runs it on 2.17, which templates any
# inventory string not marked unsafe): accounts whose names are templates, paths and twins, listed from the endpoint's
# organization, then a play that uses aws_account_name and runs mfa_audit. No account name may run code (the name
# {{lookup('pipe','touch pwn')}} must not create ./pwn), every account is a host of its own, and each report goes to
# <report_dir>/<account id>/.
set -euxo pipefail
workdir="${OUTPUT_DIR:-$(mktemp -d)}/inventory_aws_accounts"
rm -rf "$workdir" pwn && mkdir -p "$workdir"
# ansible-test lays the targets out beside integration_config.yml (iam_endpoint_url) but passes it to roles only
config="$(cd ../.. && pwd)/integration_config.yml"
ansible-playbook setup.yml -e "workdir=$workdir" -e "@$config" "$@"
ansible-inventory -i "$workdir/hostile.aws_accounts.yml" --list --output "$workdir/inventory.json"
ansible-playbook -i "$workdir/hostile.aws_accounts.yml" -f 4 use_names.yml -e "workdir=$workdir" -e "@$config" "$@" \
  | tee "$workdir/play.log"
# the account named {{lookup('pipe','touch pwn')}} ran nothing, and tasks showed its name as it is
test ! -e pwn
grep -F "is named <{{lookup('pipe','touch pwn')}}>" "$workdir/play.log"
grep -F '"account_label": "{{lookup('"'pipe','touch pwn'"')}} (hostile-000@example.com)"' "$workdir/play.log"
grep -F "composed: {{lookup('pipe','touch pwn')}} <hostile-000@example.com>" "$workdir/play.log"
python check.py "$workdir"
