#!/usr/bin/env bash
# Compat stage: ALL the integration targets (tests/integration/targets, through tests/integration/run_integration.sh,
# on the collection installed from the built tarball, against the local IAM endpoint) on two more Ansibles:
#   core2.17-aws9  ansible-core 2.17.x with amazon.aws 9.x (the floors of meta/runtime.yml and galaxy.yml), Python 3.11
#   newest         the newest `ansible` package with the ansible-core and amazon.aws it brings, Python 3.13 (3.12 if
#                  3.13 is missing; ansible-core 2.20/2.21 run on 3.12-3.14, pip takes the newest that fits)
# Both amazon.aws versions must be inside galaxy.yml's dependency range (its lower bound and its upper bound, below the
# next major after the newest tested): a newer major fails the stage until the bound is raised.
# amazon.aws 9 ships only inside the `ansible` 11.x package, which pins ansible-core 2.18: its wheel is downloaded and
# amazon.aws alone is extracted from it beside the venv (the venv holds no other collection and no broken dependency).
# Each combination has its venv in build/compat/<name>/venv with requirements.txt, the endpoint's moto[server] and the
# targets' zxing-cpp and pillow pinned as in requirements-dev.txt; the endpoint (tests/support) runs in that venv too.
# A venv is reused while its key (interpreter, requirements, this script's install recipe) is unchanged and rebuilt
# otherwise; COMPAT_REBUILD=1 rebuilds anyway (e.g. to pick up a newer `ansible` release for `newest`).
# A combination whose interpreter is missing (looked for in $PYENV_ROOT/versions, default ~/.pyenv) is skipped and
# said so; a failing install or target fails the stage (ansible-test runs on after a failing target, so that each
# combination reports all of its failures). The versions really used are printed before each run.
# Usage: tests/compat/run_compat.sh [ansible-test arguments, e.g. a target name]; COMPAT_ONLY="newest" picks
# combinations by name.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
root=$PWD
export PYTHONPATH=$root/tests/support${PYTHONPATH:+:$PYTHONPATH}  # the endpoint, python -m mfaops_endpoint
pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}

combos=(core2.17-aws9 newest)
declare -A pythons=([core2.17-aws9]="3.11" [newest]="3.13 3.12")      # interpreters, in order of preference
declare -A core_req=([core2.17-aws9]="ansible-core>=2.17,<2.18" [newest]="ansible")
declare -A aws_wheel=([core2.17-aws9]="ansible>=11,<12" [newest]="")   # empty: amazon.aws of the installed ansible
declare -A expect=([core2.17-aws9]="2.17. 9." [newest]="")            # ansible-core and amazon.aws version prefixes

# The endpoint's and the targets' packages, as pinned in requirements-dev.txt.
mapfile -t dev_reqs < <(grep -E '^(moto\[server\]|zxing-cpp|pillow)[=<>!~ ]' requirements-dev.txt | sed 's/ *#.*//')
if [ ${#dev_reqs[@]} -ne 3 ]; then
  echo "compat: expected moto[server], zxing-cpp and pillow in requirements-dev.txt, found: ${dev_reqs[*]}" >&2
  exit 1
fi

find_python() {  # the newest pyenv Python X.Y.Z for X.Y=$1 that can make a venv
  local p
  p=$(printf '%s\n' "$pyenv_root"/versions/"$1".*/bin/python"$1" | sort -V | tail -n 1)
  [ -x "$p" ] && "$p" -c 'import venv, ensurepip' 2>/dev/null && echo "$p"
}

build_venv() {  # $1 name, $2 combination directory, $3 base interpreter
  local name=$1 dir=$2 py=$3 wheel
  rm -rf "$dir/venv" "$dir/collections" "$dir/wheel" "$dir/key" && mkdir -p "$dir/collections" || return 1
  "$py" -m venv "$dir/venv" || return 1
  # pip's output goes to install.log (this machine's pip config adds warnings for every package), shown on failure
  "$dir/venv/bin/python" -m pip install -r requirements.txt "${dev_reqs[@]}" "${core_req[$name]}" >"$dir/install.log" 2>&1 ||
    { tail -n 30 "$dir/install.log"; return 1; }
  if [ -n "${aws_wheel[$name]}" ]; then
    "$dir/venv/bin/python" -m pip download --no-deps --only-binary=:all: -d "$dir/wheel" "${aws_wheel[$name]}" >>"$dir/install.log" 2>&1 ||
      { tail -n 30 "$dir/install.log"; return 1; }
    wheel=$(ls "$dir"/wheel/ansible-*.whl) || return 1
    "$dir/venv/bin/python" - "$wheel" "$dir/collections" <<'PY' || return 1
import sys, zipfile
wheel, dest = sys.argv[1:]
prefix = "ansible_collections/amazon/aws/"
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.startswith(prefix)]
    if not names:
        sys.exit("no amazon.aws in %s" % wheel)
    z.extractall(dest, names)
print("amazon.aws extracted from %s" % wheel.rsplit("/", 1)[-1])
PY
    rm -rf "$dir/wheel"
  fi
}

# Prints the versions the combination really has and checks them against expect[]; $4: the amazon.aws directory.
show_versions() {
  local name=$1 dir=$2 py=$3 aws=$4 core aws_version ansible_pkg
  core=$("$dir/venv/bin/python" -c 'from ansible.release import __version__; print(__version__)') || return 1
  aws_version=$("$dir/venv/bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["collection_info"]["version"])' "$aws/MANIFEST.json") || return 1
  ansible_pkg=$("$dir/venv/bin/python" -m pip show ansible 2>/dev/null | sed -n 's/^Version: //p')
  echo "python:       $("$dir/venv/bin/python" -V 2>&1) (venv of $py)"
  echo "ansible-core: $core ($("$dir/venv/bin/ansible" --version | sed -n 1p))"
  echo "ansible:      ${ansible_pkg:-not installed}${aws_wheel[$name]:+ (amazon.aws taken from the wheel of ${aws_wheel[$name]})}"
  echo "amazon.aws:   $aws_version (MANIFEST.json of $aws)"
  echo "boto3/botocore/moto: $("$dir/venv/bin/python" -c 'import boto3, botocore, moto; print(boto3.__version__, botocore.__version__, moto.__version__)')"
  echo "ansible-galaxy collection list amazon.aws:"
  ANSIBLE_COLLECTIONS_PATH=$dir/collections "$dir/venv/bin/ansible-galaxy" collection list amazon.aws 2>&1 | sed 's/^/  /'
  # galaxy.yml's amazon.aws range is what this stage tests: every combination's amazon.aws must be inside it (newest
  # past the upper bound means a new major came out: raise the bound once this stage has passed on it).
  "$dir/venv/bin/python" - "$aws_version" <<'PY' || return 1
import sys, yaml
from ansible.galaxy.dependency_resolution.versioning import meets_requirements
wanted = yaml.safe_load(open("galaxy.yml"))["dependencies"]["amazon.aws"]
if not meets_requirements(sys.argv[1], wanted):
    sys.exit("compat: amazon.aws %s is outside galaxy.yml's range %r: run this stage on it, then move the bound"
             % (sys.argv[1], wanted))
print("amazon.aws %s is inside galaxy.yml's range %s" % (sys.argv[1], wanted))
PY
  if [ -n "${expect[$name]}" ]; then
    read -r want_core want_aws <<<"${expect[$name]}"
    if [[ $core != "$want_core"* || $aws_version != "$want_aws"* ]]; then
      echo "compat: $name wants ansible-core ${want_core}x and amazon.aws ${want_aws}x, got $core and $aws_version" >&2
      return 1
    fi
  fi
}

for name in ${COMPAT_ONLY:-}; do
  [ -n "${core_req[$name]:-}" ] || { echo "compat: no combination $name (there are: ${combos[*]})" >&2; exit 2; }
done
# One combination, all its output on stdout; exits 0 passed, 1 failed, 3 skipped.
run_combo() {
  local name=$1 start=$SECONDS py="" v dir key aws
  shift
  for v in ${pythons[$name]}; do py=$(find_python "$v") && break; done
  if [ -z "$py" ]; then
    echo "compat: SKIPPED $name: no Python ${pythons[$name]// / or } with venv under $pyenv_root/versions"
    return 3
  fi
  dir=$root/build/compat/$name
  key=$({
    echo "$name $py"; "$py" -VV
    echo "${core_req[$name]} | ${aws_wheel[$name]} | ${dev_reqs[*]}"; cat requirements.txt
    declare -f build_venv
  } | sha256sum | cut -c1-16)
  if [ "${COMPAT_REBUILD:-0}" != 1 ] && [ -f "$dir/key" ] && [ "$(cat "$dir/key")" = "$key" ] && [ -x "$dir/venv/bin/python" ]; then
    echo "venv: reused $dir/venv (key $key)"
  else
    echo "venv: building $dir/venv (key $key) from $py"
    build_venv "$name" "$dir" "$py" || { echo "compat: FAILED $name: could not build its venv"; return 1; }
    echo "$key" >"$dir/key"
    echo "venv: built in $((SECONDS - start))s"
  fi
  aws=$dir/collections/ansible_collections/amazon/aws
  [ -n "${aws_wheel[$name]}" ] || aws=$("$dir/venv/bin/python" -c 'import ansible_collections.amazon.aws as m; print(list(m.__path__)[0])')
  show_versions "$name" "$dir" "$py" "$aws" || { echo "compat: FAILED $name: not the versions it stands for"; return 1; }
  if MFAOPS_IT_VENV=$dir/venv MFAOPS_IT_DIR=$dir/integration MFAOPS_IT_AMAZON_AWS=$aws \
    bash tests/integration/run_integration.sh --continue-on-error "$@"; then
    echo "compat: PASSED $name in $((SECONDS - start))s"
  else
    echo "compat: FAILED $name in $((SECONDS - start))s (integration targets)"
    return 1
  fi
}

# The combinations run side by side (each is mostly one busy process; COMPAT_JOBS=1 runs them one after the other),
# each into build/compat/<name>.log, which is printed whole when that combination is done.
stage_start=$SECONDS
selected=()
declare -A pid=() rc=()
for name in "${combos[@]}"; do
  if [ -n "${COMPAT_ONLY:-}" ] && [[ " $COMPAT_ONLY " != *" $name "* ]]; then continue; fi
  selected+=("$name")
done
# Each combination in a process group of its own: an interrupted stage ends them all (run_integration.sh then stops
# its endpoint), not just the subshells.
stop_all() {
  local p
  for p in "${pid[@]}"; do kill -TERM -- "-$p" 2>/dev/null; done
  wait
  exit 130
}
trap stop_all INT TERM
mkdir -p build/compat
set -m
for name in "${selected[@]}"; do
  echo "compat: $name started, log: build/compat/$name.log"
  run_combo "$name" "$@" >"build/compat/$name.log" 2>&1 &
  pid[$name]=$!
  if [ "${COMPAT_JOBS:-2}" -le 1 ]; then wait "${pid[$name]}"; rc[$name]=$?; fi
done
passed=() failed=() skipped=()
for name in "${selected[@]}"; do
  if [ -z "${rc[$name]:-}" ]; then wait "${pid[$name]}"; rc[$name]=$?; fi
  echo "--- compat: $name (build/compat/$name.log)"
  cat "build/compat/$name.log"
  case ${rc[$name]} in 0) passed+=("$name") ;; 3) skipped+=("$name") ;; *) failed+=("$name") ;; esac
done

echo "compat: passed: ${passed[*]:-none}; failed: ${failed[*]:-none}; skipped: ${skipped[*]:-none}; $((SECONDS - stage_start))s"
[ ${#failed[@]} -eq 0 ]
