# mfaops.iam: one entry point for set-up, demo, tests, benchmark, docs and the release tarball.
# Everything is installed from PyPI into .venv (`make build`: into build/buildenv, ansible-core alone); nothing outside
# the project tree is needed but Python 3.11.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COLLECTIONS := $(CURDIR)/build/collections
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PYTHONPATH := $(CURDIR)/tests/support
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: release-notes setup demo test test-unit test-system test-sanity test-integration test-compat test-lint test-changelog test-docs bench bench-engine bench-roles bench-org docs build clean

setup: $(STAMP) $(COLLECTIONS)/ansible_collections/mfaops/iam

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# Development layout: the collection on the collections path, pointing at this tree.
$(COLLECTIONS)/ansible_collections/mfaops/iam:
	mkdir -p $(COLLECTIONS)/ansible_collections/mfaops
	ln -sfn ../../../.. $@

demo: setup
	$(BIN)/python demo/run_demo.py

test: setup
	bash tests/run_all.sh

test-unit: setup
	bash tests/run_all.sh unit

test-system: setup
	bash tests/run_all.sh system

test-sanity: setup
	bash tests/run_all.sh sanity

test-integration: setup
	bash tests/run_all.sh integration

test-compat: setup
	bash tests/run_all.sh compat

test-lint: setup
	bash tests/run_all.sh lint

# The converged iam_virtual_mfa loop is also measured on the last two-process release (1.0.0), for before/after.
BENCH_BASELINE ?= 99de248

bench: bench-engine bench-roles bench-org

# iam_virtual_mfa_info vs a boto3 loop and the AWS CLI; the converged iam_virtual_mfa loop, before/after.
bench-engine: setup
	$(BIN)/python tests/bench/run_bench.py --baseline $(BENCH_BASELINE) $(BENCH_ARGS)

# The roles at 1,000 users next to one iam_virtual_mfa_info listing; first-time onboarding per user.
bench-roles: setup
	$(BIN)/python tests/bench/bench_user_mfa.py
	$(BIN)/python tests/bench/bench_audit.py

# The roles over an organization (issue 13's figures): CPU per account, forks=10 vs forks=1, c7n-org on the same
# accounts (installed into its own venv, never into .venv), calls at 1,000 users, 100 accounts, keys under debug.
# BENCH_ORG_ARGS="--only c7n,forks --repeat 2" picks figures; see tests/bench/bench_org_audit.py --help.
C7N_VENV := build/bench/c7n-venv
BENCH_ORG_ARGS ?=

$(C7N_VENV)/.installed: tests/bench/requirements-c7n.txt
	$(PYTHON) -m venv $(C7N_VENV)
	$(C7N_VENV)/bin/python -m pip install --quiet -r tests/bench/requirements-c7n.txt
	touch $@

bench-org: setup $(C7N_VENV)/.installed
	$(BIN)/python tests/bench/bench_org_audit.py $(BENCH_ORG_ARGS)

docs: setup
	bash docs/build_docs.sh

# The release tarball needs ansible-galaxy only: a small venv with just ansible-core (build/buildenv, 70 MB; the
# development venv is 980 MB), made once and reused (`make clean` or removing it picks up a new BUILD_CORE).
BUILDENV := build/buildenv
BUILD_CORE ?= ansible-core>=2.19,<2.20

$(BUILDENV)/.installed:
	rm -rf $(BUILDENV)
	$(PYTHON) -m venv $(BUILDENV)
	$(BUILDENV)/bin/python -m pip install --quiet '$(BUILD_CORE)'
	echo '$(BUILD_CORE)' > $@

build: $(BUILDENV)/.installed
	mkdir -p build/dist
	$(BUILDENV)/bin/ansible-galaxy collection build --force --output-path build/dist .

# The release notes of galaxy.yml's version: changelogs/changelog.yaml and CHANGELOG.rst from the fragments (which
# it then removes). antsibull-changelog reads the new plugins' version_added with ansible-doc: the collection must be
# on the collections path, as `make setup` puts it. `make docs` then shows them on the changelog page.
release-notes: setup
	$(BIN)/antsibull-changelog lint
	$(BIN)/antsibull-changelog release

clean:
	rm -rf build tests/output docs/build .pytest_cache
