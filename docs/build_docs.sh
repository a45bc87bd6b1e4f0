#!/usr/bin/env bash
# Builds the mfaops.iam docs site into docs/build/html: antsibull-docs renders the collection's modules, roles and
# guides (docs/docsite/) to reStructuredText, Sphinx renders that to HTML with warnings as errors. No network.
#
#   bash docs/build_docs.sh           build (`make docs`)
#   bash docs/build_docs.sh --check   build, then also lint the collection docs and check the pages in headless
#                                     chromium (installed with apt-get when missing) -- the `docs` test stage
#
# The collection is documented as Ansible finds it on ANSIBLE_COLLECTIONS_PATH (default: build/collections, where
# `make setup` links this tree); the script refuses to document another copy.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CHECK=0
for arg in "$@"; do
  case "$arg" in
    --check) CHECK=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "build_docs.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

[ -x "$ROOT/.venv/bin/python" ] && export PATH="$ROOT/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="${ANSIBLE_COLLECTIONS_PATH:-$ROOT/build/collections}"
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
LINK="$ROOT/build/collections/ansible_collections/mfaops/iam"
if [ ! -e "$LINK" ] && [ "$ANSIBLE_COLLECTIONS_PATH" = "$ROOT/build/collections" ]; then
  mkdir -p "$(dirname "$LINK")" && ln -sfn ../../../.. "$LINK"
fi

STAGE="$ROOT/build/docs"       # generated sources, Sphinx config and doctrees (git-ignored, under build/)
OUT="$ROOT/docs/build/html"    # the site
REPOSITORY="$(python -c 'import yaml; print(yaml.safe_load(open("galaxy.yml"))["repository"])')"

step() { printf '=== docs: %s\n' "$*"; }

# --- 1. ansible-doc renders every module and role, without a warning, from this tree ----------------------------
step "ansible-doc"
modules=() roles=() inventories=()
for f in plugins/modules/*.py; do
  name="$(basename "$f" .py)"; [[ "$name" == _* ]] || modules+=("$name")
done
for f in plugins/inventory/*.py; do
  [ -e "$f" ] || continue
  name="$(basename "$f" .py)"; [[ "$name" == _* ]] || inventories+=("$name")
done
for d in roles/*/; do
  [ -f "${d}meta/argument_specs.yml" ] && roles+=("$(basename "$d")")
done
doc_err="$(mktemp)" doc_json="$(mktemp)"; trap 'rm -f "$doc_err" "$doc_json"' EXIT
check_ansible_doc() {  # type name...  (one ansible-doc run per output format for all plugins of the type)
  local kind="$1"; shift
  [ $# -gt 0 ] || return 0
  local names=("${@/#/mfaops.iam.}")
  if ! ansible-doc --json -t "$kind" "${names[@]}" >"$doc_json" 2>"$doc_err" \
     || ! ansible-doc -t "$kind" "${names[@]}" >/dev/null 2>>"$doc_err"; then
    echo "build_docs.sh: ansible-doc -t $kind ${names[*]} failed:" >&2; cat "$doc_err" >&2; return 1
  fi
  if grep -qE 'WARNING|ERROR|DEPRECATION' "$doc_err"; then
    echo "build_docs.sh: ansible-doc -t $kind ${names[*]} is not clean:" >&2; cat "$doc_err" >&2; return 1
  fi
  # Every plugin documented, and from this tree, not from another installed copy.
  python -c '
import json, os, sys
kind, root, doc, names = sys.argv[1], os.path.realpath(sys.argv[2]), sys.argv[3], sys.argv[4:]
data = json.load(open(doc))
for name in names:
    if name not in data or not data[name]:
        sys.exit("build_docs.sh: ansible-doc returned no documentation for %s %s" % (kind, name))
    path = os.path.realpath(data[name]["path"] if kind == "role" else data[name]["doc"]["filename"])
    if path != root and not path.startswith(root + os.sep):
        sys.exit("build_docs.sh: ansible-doc found %s at %s, not in %s: check ANSIBLE_COLLECTIONS_PATH" % (name, path, root))
' "$kind" "$ROOT" "$doc_json" "${names[@]}"
}
check_ansible_doc module "${modules[@]}"
check_ansible_doc role "${roles[@]}"
check_ansible_doc inventory "${inventories[@]}"
echo "ansible-doc: ${#modules[@]} module(s), ${#roles[@]} role(s), ${#inventories[@]} inventory plugin(s) clean"

# --- 2. antsibull-docs: collection pages and the guides as reStructuredText ---------------------------------------
step "antsibull-docs"
rm -rf "$STAGE"
mkdir -p "$STAGE/rst"
chmod 0700 "$STAGE" "$STAGE/rst"  # antsibull-docs only writes into a directory that only its owner can write
cp docs/sphinx/conf.py "$STAGE/conf.py"
cp -r docs/sphinx/_static "$STAGE/_static"
python docs/sphinx/inventory.py "$STAGE/ansible.inv" "$ROOT"
antsibull-docs --config-file docs/sphinx/antsibull-docs.cfg collection \
  --use-current --squash-hierarchy --fail-on-error --cleanup everything \
  --dest-dir "$STAGE/rst" mfaops.iam
for ref in $(python -c 'import yaml
for s in yaml.safe_load(open("docs/docsite/extra-docs.yml"))["sections"]:
    for e in s["toctree"]:
        print(e if isinstance(e, str) else e["ref"])'); do
  if [ ! -f "$STAGE/rst/docsite/$ref.rst" ]; then
    echo "build_docs.sh: guide $ref was not taken into the site (missing, or its labels lack the prefix" \
         "ansible_collections.mfaops.iam.docsite.)" >&2
    exit 1
  fi
done
# docs/benchmarks.md (Markdown, kept with the benchmark suite) becomes the body of the benchmarks page.
python docs/sphinx/markdown_page.py docs/benchmarks.md "$STAGE/rst/docsite/benchmarks.rst" "$REPOSITORY"
# CHANGELOG.rst (antsibull-changelog release) becomes the body of the changelog page.
python docs/sphinx/changelog_page.py CHANGELOG.rst "$STAGE/rst/docsite/changelog.rst"
# The collection index reads "mfaops.iam", not antsibull-docs' title-cased "Mfaops.Iam".
python - "$STAGE/rst/index.rst" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
title = "mfaops.iam: AWS IAM virtual MFA devices as code"
text, count = re.subn(r"^Mfaops\.Iam\n=+\n", title + "\n" + "=" * len(title) + "\n", text, count=1, flags=re.M)
if count != 1:
    sys.exit("build_docs.sh: no 'Mfaops.Iam' title in %s to make readable" % path)
open(path, "w", encoding="utf-8").write(text)
PY

# --- 3. Sphinx, warnings as errors ------------------------------------------------------------------------------
step "sphinx-build"
rm -rf "$OUT"
sphinx-build -b html -c "$STAGE" -d "$STAGE/doctrees" -W --keep-going -q "$STAGE/rst" "$OUT"
echo "site: $OUT/index.html"

[ "$CHECK" = 1 ] || exit 0

# --- 4. --check: the collection docs linter, then the pages in a real browser -------------------------------------
step "antsibull-docs lint-collection-docs"
# The linter copies the collection and its dependencies to a temporary tree, and copies only the files git tracks
# when a path is inside a git work tree: that would lint the last commit, and find nothing of amazon.aws in a
# git-ignored .venv. So it lints a plain copy of this tree, with git pointed at no repository at all.
LINT="$STAGE/lint/ansible_collections/mfaops/iam"
mkdir -p "$LINT"
tar -C "$ROOT" --exclude=./.git --exclude=./.venv --exclude=./build --exclude=./tests --exclude=./docs/build \
  --exclude=__pycache__ -cf - . | tar -C "$LINT" -xf -
GIT_DIR="$STAGE/no-git-repository" antsibull-docs lint-collection-docs \
  --plugin-docs --check-extra-docs-refs --validate-collection-refs self "$LINT"

step "headless chromium"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "build_docs.sh: $CHROMIUM is missing; installing Debian's chromium"
  if [ "$(id -u)" = 0 ]; then SUDO=(); elif sudo -n true 2>/dev/null; then SUDO=(sudo -n); else
    echo "build_docs.sh: chromium is needed for --check; install it (apt-get install chromium) as root" >&2; exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq chromium >/dev/null
fi
"$CHROMIUM" --version 2>/dev/null
python docs/sphinx/check_site.py --html "$OUT" --chromium "$CHROMIUM" --collection-root "$ROOT"
