"""plugin_utils/_aws_connection: the client cache is bounded (least recently used dropped), and a cached
assumed-role session is assumed again only when it nears its end."""

import datetime

import pytest

from ansible_collections.mfaops.iam.plugins.plugin_utils import _aws_connection
from ansible_collections.mfaops.iam.plugins.plugin_utils._aws_connection import CACHE_SIZE
from ansible_collections.mfaops.iam.plugins.plugin_utils._aws_connection import ControllerAWS
from ansible_collections.mfaops.iam.plugins.plugin_utils._aws_connection import LRUCache


@pytest.fixture(autouse=True)
def empty_caches():
    _aws_connection.clear_caches()
    yield
    _aws_connection.clear_caches()


def _options(key_id):
    return {"region": "us-east-1", "endpoint_url": "http://127.0.0.1:1", "access_key": key_id, "secret_key": "s"}


def test_the_client_cache_holds_at_most_cache_size_clients():
    """A loop whose 60 items each bring their own keys keeps CACHE_SIZE clients, not 60 (~10 MiB each)."""
    clients = [ControllerAWS(_options("AKIA%04d" % item)).client("iam") for item in range(60)]
    assert len({id(client) for client in clients}) == 60
    assert len(_aws_connection._CLIENTS) == CACHE_SIZE == 8


def test_the_same_options_reuse_the_client_and_the_least_recently_used_is_dropped():
    first = ControllerAWS(_options("AKIA-FIRST")).client("iam")
    for item in range(CACHE_SIZE - 1):
        ControllerAWS(_options("AKIA%04d" % item)).client("iam")
    assert ControllerAWS(_options("AKIA-FIRST")).client("iam") is first  # used again: now the most recent
    ControllerAWS(_options("AKIA-NEW")).client("iam")  # drops AKIA0000, the least recently used
    assert ControllerAWS(_options("AKIA-FIRST")).client("iam") is first
    rebuilt = ControllerAWS(_options("AKIA0000")).client("iam")
    assert len(_aws_connection._CLIENTS) == CACHE_SIZE
    assert rebuilt is not None


def test_lru_cache_put_get_and_bound():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    assert len(cache) == 2


@pytest.mark.parametrize(
    "left, fresh",
    [
        (datetime.timedelta(hours=1), True),
        (datetime.timedelta(minutes=6), True),
        (datetime.timedelta(minutes=4), False),
        (-datetime.timedelta(minutes=1), False),
    ],
)
def test_a_session_is_fresh_until_five_minutes_before_it_expires(left, fresh):
    expiration = datetime.datetime.now(datetime.timezone.utc) + left
    assert _aws_connection._fresh({"Expiration": expiration}) is fresh
