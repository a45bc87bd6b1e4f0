#!/usr/bin/env bash
# Lint stage: ansible-lint (production profile, .ansible-lint) on the roles and example playbooks; ansible-doc on every
# module, inventory plugin and role, failing on any warning it prints; antsibull-changelog lint if the changelog is configured.
# Run from anywhere with the venv on PATH (make test-lint does that); the collection must be on the collections path
# (build/collections, made by make setup).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
export ANSIBLE_COLLECTIONS_PATH="${ANSIBLE_COLLECTIONS_PATH:-$root/build/collections}"
export ANSIBLE_NOCOLOR=1
collection=mfaops.iam
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

echo "--- ansible-lint (production profile): roles/ examples/"
ansible-lint --offline --profile production roles/ examples/ || fail "ansible-lint"

# ansible-doc must render every module and role, with nothing on stderr (warnings about docs go there).
check_doc() {
  local type=$1 name=$2 err
  err=$(mktemp)
  if ! ansible-doc -t "$type" "$name" >/dev/null 2>"$err"; then
    fail "ansible-doc -t $type $name exited non-zero: $(cat "$err")"
  elif [ -s "$err" ]; then
    fail "ansible-doc -t $type $name printed on stderr: $(cat "$err")"
  fi
  rm -f "$err"
}

echo "--- ansible-doc: modules"
modules=()
for path in plugins/modules/*.py; do
  name=$(basename "$path" .py)
  [ "$name" = "__init__" ] && continue
  modules+=("$name")
  check_doc module "$collection.$name"
done
[ ${#modules[@]} -gt 0 ] || fail "no module found in plugins/modules"
echo "checked: ${modules[*]}"

echo "--- ansible-doc: inventory plugins"
inventories=()
for path in plugins/inventory/*.py; do
  [ -e "$path" ] || continue
  name=$(basename "$path" .py)
  [ "$name" = "__init__" ] && continue
  inventories+=("$name")
  check_doc inventory "$collection.$name"
done
echo "checked: ${inventories[*]:-none}"

echo "--- ansible-doc: roles"
roles=()
for path in roles/*/; do
  name=$(basename "$path")
  [ -f "roles/$name/meta/argument_specs.yml" ] || fail "role $name has no meta/argument_specs.yml"
  roles+=("$name")
  check_doc role "$collection.$name"
done
echo "checked: ${roles[*]:-none}"

if [ -f changelogs/config.yaml ]; then
  echo "--- antsibull-changelog lint"
  antsibull-changelog lint || fail "antsibull-changelog lint"
fi

if [ "$failures" -gt 0 ]; then
  echo "lint: $failures failure(s)" >&2
  exit 1
fi
echo "lint: passed"
