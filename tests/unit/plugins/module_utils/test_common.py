"""_common: the helpers every plugin shares (client settings, bounded pool, times, ARNs, path prefixes, file modes)."""

import datetime
import threading
import time

import pytest

from ansible_collections.mfaops.iam.plugins.module_utils._common.arn import partition_and_account
from ansible_collections.mfaops.iam.plugins.module_utils._common.arn import partition_or
from ansible_collections.mfaops.iam.plugins.module_utils._common.client import CLIENT_CONFIG
from ansible_collections.mfaops.iam.plugins.module_utils._common.client import client_config
from ansible_collections.mfaops.iam.plugins.module_utils._common.file_mode import parse_mode
from ansible_collections.mfaops.iam.plugins.module_utils._common.paging import paginate
from ansible_collections.mfaops.iam.plugins.module_utils._common.paths import path_prefix_problem
from ansible_collections.mfaops.iam.plugins.module_utils._common.pool import MAX_WORKERS
from ansible_collections.mfaops.iam.plugins.module_utils._common.pool import concurrency_problem
from ansible_collections.mfaops.iam.plugins.module_utils._common.pool import map_bounded
from ansible_collections.mfaops.iam.plugins.module_utils._common.stamps import iso
from ansible_collections.mfaops.iam.plugins.module_utils._common.stamps import parse_stamp
from ansible_collections.mfaops.iam.plugins.module_utils._common.stamps import stamp

ACCOUNT = "123456789012"


def test_client_config_sizes_the_pool_for_its_workers_and_leaves_the_shared_settings_alone():
    assert client_config() == CLIENT_CONFIG and client_config() is not CLIENT_CONFIG
    assert client_config(3)["max_pool_connections"] == 10
    assert client_config(20) == dict(CLIENT_CONFIG, max_pool_connections=20)
    assert "max_pool_connections" not in CLIENT_CONFIG


@pytest.mark.parametrize("value, problem", [(1, None), (MAX_WORKERS, None), (0, "between 1 and 50, not 0"),
                                            (MAX_WORKERS + 1, "between 1 and 50, not 51")])
def test_concurrency_problem(value, problem):
    found = concurrency_problem(value)
    assert found == problem if problem is None else found == "max_concurrency must be " + problem


def test_map_bounded_keeps_the_order_and_never_exceeds_its_workers():
    lock, running, peak = threading.Lock(), [0], [0]

    def work(item):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.01)
        with lock:
            running[0] -= 1
        return item * 2

    assert map_bounded(work, range(30), 3) == [i * 2 for i in range(30)]
    assert 1 <= peak[0] <= 3  # never more than its workers (how many overlap is up to the scheduler)
    assert map_bounded(work, [], 3) == []


def test_map_bounded_raises_the_first_failure():
    def work(item):
        if item == 5:
            raise ValueError("five")
        return item

    with pytest.raises(ValueError, match="five"):
        map_bounded(work, range(10), 4)


@pytest.mark.parametrize("arn, expected", [
    ("arn:aws-cn:iam::%s:user/alice" % ACCOUNT, ("aws-cn", ACCOUNT)),
    ("arn:aws:iam::%s:mfa/team/alice" % ACCOUNT, ("aws", ACCOUNT)),
    ("arn:aws-us-gov:sts::%s:assumed-role/audit/session" % ACCOUNT, ("aws-us-gov", ACCOUNT)),
])
def test_partition_and_account(arn, expected):
    assert partition_and_account(arn) == expected


@pytest.mark.parametrize("arn", ["", None, "GAHT12345678", "arn:"])
def test_partition_and_account_refuses_what_is_no_arn(arn):
    with pytest.raises(ValueError, match="is not an ARN"):
        partition_and_account(arn)


def test_partition_or_default():
    assert partition_or("arn:aws-cn:organizations::%s:account/o-x/%s" % (ACCOUNT, ACCOUNT), "aws") == "aws-cn"
    assert partition_or(None, "aws") == "aws" and partition_or("nonsense", "aws") == "aws"


def test_stamp_is_utc_to_the_second():
    plus_two = datetime.timezone(datetime.timedelta(hours=2))
    assert stamp(datetime.datetime(2026, 3, 1, 2, 30, 15, 999, tzinfo=plus_two)) == "2026-03-01T00:30:15Z"
    assert stamp(datetime.datetime(2026, 3, 1, 2, 30, 15)) == "2026-03-01T02:30:15Z"  # naive: taken as UTC
    assert parse_stamp(stamp()) <= datetime.datetime.now(datetime.timezone.utc)


def test_parse_stamp_round_trips_and_refuses_other_text():
    parsed = parse_stamp("2026-03-01T00:30:15Z")
    assert parsed == datetime.datetime(2026, 3, 1, 0, 30, 15, tzinfo=datetime.timezone.utc)
    assert stamp(parsed) == "2026-03-01T00:30:15Z"
    for text in ("2026-13-01T00:00:00Z", "2026-03-01", "2026-03-01T00:30:15+00:00"):
        with pytest.raises(ValueError):
            parse_stamp(text)


def test_iso_turns_botocore_datetimes_into_text_and_leaves_the_rest():
    when = datetime.datetime(2026, 3, 1, 0, 30, 15, tzinfo=datetime.timezone.utc)
    assert iso(when) == "2026-03-01T00:30:15+00:00"
    assert iso("2026-03-01") == "2026-03-01" and iso(None) is None


@pytest.mark.parametrize("prefix", ["/", "/people/", "/a", "/" + "x" * 511])
def test_path_prefix_accepted(prefix):
    assert path_prefix_problem(prefix) is None


@pytest.mark.parametrize("prefix", ["", "people/", "/" + "x" * 512, "/é/", "/a b/", None])
def test_path_prefix_refused_naming_the_option(prefix):
    assert path_prefix_problem(prefix, "user_path_prefix") == (
        "user_path_prefix %r is not an IAM path prefix ('/' then printable ASCII, at most 512 characters)" % (prefix,))


@pytest.mark.parametrize("given, expected", [
    ("0600", 0o600), ("600", 0o600), ("0640", 0o640), (" 0640 ", 0o640), ("0o600", 0o600), ("0400", 0o400),
    (0o400, 0o400), (384, 0o600), (0o777, 0o777),
])
def test_parse_mode(given, expected):
    assert parse_mode(given) == expected


@pytest.mark.parametrize("given, reason", [
    ("rw", "is not an octal file mode"), ("u=rw", "is not an octal file mode"), ("0999", "is not an octal file mode"),
    (None, "is not an octal file mode"), (True, "is not an octal file mode"), ("", "is not an octal file mode"),
    ("01777", "is outside 0000-0777"), (0o4755, "is outside 0000-0777"), (-1, "is outside 0000-0777"),
    ("0200", "would leave the file unreadable by its owner"), (0o044, "would leave the file unreadable by its owner"),
])
def test_parse_mode_refuses_naming_the_option(given, reason):
    with pytest.raises(ValueError, match="^report_mode .*%s" % reason):
        parse_mode(given, "report_mode")


class _Pages:
    """botocore's PageIterator as far as paginate uses it: build_full_result over ``items`` from StartingToken,
    MaxItems at a time; records every chunk asked for."""

    def __init__(self, items, config, calls):
        self.items, self.config, self.calls = items, config, calls

    def build_full_result(self):
        start = int(self.config.get("StartingToken") or 0)
        end = start + self.config["MaxItems"]
        self.calls.append(dict(self.config))
        result = {"Items": self.items[start:end]}
        if end < len(self.items):
            result["NextToken"] = str(end)
        return result


class _Client:
    def __init__(self, items):
        self.items, self.calls = items, []

    def get_paginator(self, operation):
        client = self

        class Paginator:
            def paginate(self, **kwargs):
                assert operation == "list_things" and kwargs.pop("Filter") == "x"
                return _Pages(client.items, kwargs["PaginationConfig"], client.calls)

        return Paginator()


def test_paginate_fetches_chunk_by_chunk_through_the_wrapper_and_stops_when_the_caller_stops():
    client, wrapped = _Client(list(range(25))), []

    def fetch(function):
        wrapped.append(function)
        return function

    items = paginate(client, "list_things", "Items", 10, fetch, Filter="x")
    assert [next(items), next(items), next(items)] == [0, 1, 2] and len(client.calls) == 1
    assert list(items) == list(range(3, 25))
    assert [call.get("StartingToken") for call in client.calls] == [None, "10", "20"] and len(wrapped) == 3
    assert all(call["PageSize"] == call["MaxItems"] == 10 for call in client.calls)


def test_paginate_without_a_page_size_asks_for_chunks_and_no_page_size():
    client = _Client(list(range(3)))
    assert list(paginate(client, "list_things", "Items", Filter="x")) == [0, 1, 2]
    assert client.calls == [{"MaxItems": 1000}]
