"""module_utils/_audit/credential_report: IAM's unquoted CSV read from the end of each row (user names may hold
commas), the root row, and dates that are not dates."""

import pytest

from ansible_collections.mfaops.iam.plugins.module_utils._audit.credential_report import parse_rows
from ansible_collections.mfaops.iam.plugins.module_utils._audit.credential_report import user_path
from ansible_collections.mfaops.iam.plugins.module_utils._audit.credential_report import users_and_root

HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
    "access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,"
    "access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
)
TAIL = "false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"


def _row(user, arn, created, password, last_used, mfa):
    return ",".join([user, arn, created, password, last_used, "N/A", "N/A", mfa, TAIL])


REPORT = (
    "\n".join(
        [
            HEADER,
            _row(
                "<root_account>",
                "arn:aws:iam::111122223333:root",
                "2020-01-01T00:00:00+00:00",
                "not_supported",
                "no_information",
                "true",
            ),
            _row(
                "zed",
                "arn:aws:iam::111122223333:user/zed",
                "2024-05-01T12:00:00+00:00",
                "true",
                "2024-06-01T08:30:00+00:00",
                "false",
            ),
            _row(
                "a,b=c@d",
                "arn:aws:iam::111122223333:user/team/ops/a,b=c@d",
                "2024-05-02T12:00:00+00:00",
                "false",
                "N/A",
                "true",
            ),
            _row(
                "new",
                "arn:aws:iam::111122223333:user/new",
                "2024-05-03T12:00:00+00:00",
                "true",
                "no_information",
                "false",
            ),
        ]
    )
    + "\n"
)


def test_users_and_root_from_the_report():
    users, root = users_and_root(REPORT.encode())
    assert root is True
    assert users == [
        {
            "user_name": "a,b=c@d",
            "arn": "arn:aws:iam::111122223333:user/team/ops/a,b=c@d",
            "path": "/team/ops/",
            "create_date": "2024-05-02T12:00:00+00:00",
            "password_last_used": None,
            "password_enabled": False,
            "has_mfa": True,
        },
        {
            "user_name": "new",
            "arn": "arn:aws:iam::111122223333:user/new",
            "path": "/",
            "create_date": "2024-05-03T12:00:00+00:00",
            "password_last_used": None,
            "password_enabled": True,
            "has_mfa": False,
        },
        {
            "user_name": "zed",
            "arn": "arn:aws:iam::111122223333:user/zed",
            "path": "/",
            "create_date": "2024-05-01T12:00:00+00:00",
            "password_last_used": "2024-06-01T08:30:00+00:00",
            "password_enabled": True,
            "has_mfa": False,
        },
    ]


def test_a_report_without_a_root_row_says_nothing_of_root():
    lines = REPORT.splitlines()
    assert users_and_root("\n".join([lines[0]] + lines[2:]))[1] is None


@pytest.mark.parametrize(
    "arn, path",
    [
        ("arn:aws:iam::111122223333:user/alice", "/"),
        ("arn:aws:iam::111122223333:user/a/b/alice", "/a/b/"),
        ("arn:aws-us-gov:iam::111122223333:user/x/alice", "/x/"),
        ("arn:aws:iam::111122223333:root", "/"),
    ],
)
def test_user_path_from_its_arn(arn, path):
    assert user_path(arn) == path


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "is empty"),
        ("name,arn,mfa_active\n", "header is not IAM's"),
        (HEADER + "\nalice,arn:aws:iam::1:user/alice,true\n", "line 2"),
        (HEADER + "\n" + _row("alice", "notanarn", "x", "true", "N/A", "false") + "\n", "line 2"),
    ],
)
def test_a_report_that_is_not_iams_is_refused_naming_the_line(content, message):
    with pytest.raises(ValueError, match=message):
        parse_rows(content)
