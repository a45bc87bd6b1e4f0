"""pytest fixtures: fake AWS credentials, one endpoint per session (per xdist worker), `endpoint` and `iam`."""

from __future__ import annotations

import os

import pytest

from .client import Endpoint

FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}
_saved_env: dict[str, str | None] = {}


def pytest_configure(config) -> None:
    for name in [*FAKE_AWS_ENV, "AWS_PROFILE", "AWS_SESSION_TOKEN"]:
        _saved_env[name] = os.environ.pop(name, None)
    os.environ.update(FAKE_AWS_ENV)


def pytest_unconfigure(config) -> None:
    for name, value in _saved_env.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def iam_endpoint():
    """One endpoint server for the whole session (each xdist worker gets its own)."""
    with Endpoint() as ep:
        yield ep


@pytest.fixture
def endpoint(iam_endpoint):
    """The session's endpoint, reset: empty IAM, empty request log, no faults."""
    iam_endpoint.reset()
    return iam_endpoint


@pytest.fixture
def iam(endpoint):
    """A boto3 IAM client for the freshly reset endpoint."""
    return endpoint.boto3_client("iam")
