"""module_utils/_audit/sources with stub clients: the credential report is polled until IAM says it is ready, with a
growing pause and a time limit; dates read the same from both sources."""

import pytest

from ansible_collections.mfaops.iam.plugins.module_utils._audit.sources import read_credential_report
from ansible_collections.mfaops.iam.plugins.module_utils._audit.sources import second_precision
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import MFAError


class Stub:
    def __init__(self, states):
        self.states = list(states)
        self.calls = []

    def generate_credential_report(self, aws_retry=False):
        self.calls.append("generate")
        return {"State": self.states.pop(0)}

    def get_credential_report(self, aws_retry=False):
        self.calls.append("get")
        return {"Content": b"report"}


def test_the_report_is_fetched_once_it_is_complete_after_growing_pauses():
    client, pauses = Stub(["STARTED", "INPROGRESS", "INPROGRESS", "COMPLETE"]), []
    assert read_credential_report(client, sleep=pauses.append) == {"Content": b"report"}
    assert client.calls == ["generate"] * 4 + ["get"]
    assert pauses == [0.1, 0.2, 0.4]


def test_a_report_never_ready_fails_after_the_timeout():
    client, pauses = Stub(["INPROGRESS"] * 100), []
    with pytest.raises(MFAError, match="not ready after 2 seconds"):
        read_credential_report(client, timeout=2, sleep=pauses.append)
    assert sum(pauses) >= 2 and "get" not in client.calls


@pytest.mark.parametrize("value, expected", [
    ("2024-05-01T12:00:00.123456+00:00", "2024-05-01T12:00:00+00:00"),
    ("2024-05-01T14:00:00+02:00", "2024-05-01T12:00:00+00:00"),
    ("2024-05-01T12:00:00Z", "2024-05-01T12:00:00+00:00"),
    (None, None),
    ("no_information", "no_information"),
])
def test_dates_to_the_second_in_utc(value, expected):
    assert second_precision(value) == expected
