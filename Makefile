# mfaops.iam: one entry point for set-up, demo, tests, benchmark, docs and the release tarball.
# Everything is installed from PyPI into .venv; nothing outside the project tree is needed but Python 3.11.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COLLECTIONS := $(CURDIR)/build/collections
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PYTHONPATH := $(CURDIR)/tests/support
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: setup demo test test-unit test-system test-sanity test-integration test-compat test-lint test-changelog test-docs bench docs build clean

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

bench: setup
	$(BIN)/python tests/bench/run_bench.py --baseline $(BENCH_BASELINE) $(BENCH_ARGS)

docs: setup
	bash docs/build_docs.sh

build: setup
	mkdir -p build/dist
	$(BIN)/ansible-galaxy collection build --force --output-path build/dist .

clean:
	rm -rf build tests/output docs/build .pytest_cache
