"""Shared pytest set-up: the local IAM endpoint fixtures and the collection on the import path."""

import os

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_LINK = os.path.join(_ROOT, "build", "collections", "ansible_collections", "mfaops", "iam")

# `import ansible_collections.mfaops.iam...` resolves through build/collections (pytest.ini's pythonpath);
# create the development link when the tests run before `make setup` did.
if not os.path.lexists(_LINK):
    os.makedirs(os.path.dirname(_LINK), exist_ok=True)
    os.symlink("../../../..", _LINK)

# ansible-core's collection finder, as ansible-playbook installs it, before any test imports ansible_collections: the
# action plugin runs in-process (tests/support/action_harness.py) and must be loaded the way ansible-core loads it.
from action_harness import init_loader  # noqa: E402 pylint: disable=wrong-import-position

init_loader()

pytest_plugins = ["mfaops_endpoint.pytest_plugin"]
