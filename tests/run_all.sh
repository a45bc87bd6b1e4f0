#!/usr/bin/env bash
# Runs every test stage of the collection (or the ones named as arguments) and prints one summary line.
# Stages: unit (pytest, in-process: decisions with stub clients, the action plugin and modules with real boto3 against
# the local endpoint, budgets), system (pytest driving real ansible-playbook, ansible-inventory and ansible-runner:
# reliability under faults, races and kills, secrecy of every output, AWX jobs, the organization), sanity (ansible-test),
# integration (ansible-test against the local IAM endpoint, collection installed from the built tarball),
# compat (the integration targets on ansible-core 2.17 + amazon.aws 9 and on the newest ansible, venvs in build/compat),
# lint (ansible-lint, antsibull-changelog, ansible-doc), docs (antsibull-docs + Sphinx + headless Chromium).
set -uo pipefail
cd "$(dirname "$0")/.."
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(unit system sanity integration compat lint docs)

run_stage() {
  case "$1" in
    unit)        python -m pytest -q -n 2 --dist loadgroup tests/unit tests/support ;;
    system)      python -m pytest -q -n 2 --dist loadgroup tests/system ;;
    sanity)      bash tests/sanity/run_sanity.sh ;;
    integration) bash tests/integration/run_integration.sh ;;
    compat)      bash tests/compat/run_compat.sh ;;
    lint)        bash tests/lint/run_lint.sh ;;
    docs)        bash docs/build_docs.sh --check ;;
    *)           echo "unknown stage $1"; return 2 ;;
  esac
}

passed=0 failed=0 failed_names=()
times=()
for stage in "${stages[@]}"; do
  echo "=== stage: $stage ==="
  started=$SECONDS
  if run_stage "$stage"; then passed=$((passed + 1)); else failed=$((failed + 1)); failed_names+=("$stage"); fi
  times+=("$stage $((SECONDS - started)) s")
done
echo "stage times: $(IFS=,; echo "${times[*]}" | sed 's/,/, /g')"
[ $failed -eq 0 ] || echo "failed stages: ${failed_names[*]}"
echo "stages: $passed passed, $failed failed"
[ $failed -eq 0 ]
