"""Several accounts on one server: which account a request acts in, and AssumeRole only into roles that exist.

moto keeps one IAM backend per account id. A request acts in the account of its access key: keys that STS
AssumeRole returned for `arn:aws:iam::<other>:role/<name>` belong to <other>, every other key (e.g. "testing") to
the default account 123456789012 (moto also honours MOTO_ACCOUNT_ID and an `x-moto-account-id` header; so does
`request_account`). moto lets anyone assume any role ARN, existing or not; IAM answers AccessDenied (403) when the
role does not exist in the target account, and so does the endpoint (`assume_role_refusal`); a RoleArn that is not a
role ARN answers ValidationError "Request ARN is invalid" (400) as STS does. Trust policies are not evaluated: any
caller may assume a role that exists.
"""

from __future__ import annotations

import os
import re

DEFAULT_ACCOUNT = "123456789012"
ACCOUNT_RE = re.compile(r"[0-9]{12}")
ROLE_ARN_RE = re.compile(r"arn:(aws[a-z-]*):iam::([0-9]{12}):role/.+")
CREDENTIAL_RE = re.compile(r"Credential=([^/,\s]+)/[^/]*/([^/]*)/")


def iam_backend(account_id: str | None = None, partition: str = "aws"):
    """moto's IAM backend of an account (created on first use), default account if None; ValueError if malformed."""
    from moto.iam.models import iam_backends

    account_id = DEFAULT_ACCOUNT if account_id is None else account_id
    if not isinstance(account_id, str) or not ACCOUNT_RE.fullmatch(account_id):
        raise ValueError("account must be a 12-digit account id")
    return iam_backends[account_id][partition]


def _access_key(environ) -> tuple[str | None, str]:
    match = CREDENTIAL_RE.search(environ.get("HTTP_AUTHORIZATION", ""))
    return (match.group(1), match.group(2) or "us-east-1") if match else (None, "us-east-1")


def request_account(environ) -> str:
    """The account id a request acts in, decided as moto decides it. Call under the app lock."""
    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"]
    if environ.get("HTTP_X_MOTO_ACCOUNT_ID"):
        return environ["HTTP_X_MOTO_ACCOUNT_ID"]
    key = _access_key(environ)[0]
    if key is None:
        return DEFAULT_ACCOUNT
    from moto.iam.models import get_account_id_from

    return get_account_id_from(key)


def assume_role_refusal(environ, params: dict[str, str]) -> tuple[int, str, str] | None:
    """For an STS AssumeRole request: (status, code, message) of STS's refusal, or None to let moto answer.

    Call under the app lock.
    """
    match = ROLE_ARN_RE.fullmatch(params.get("RoleArn", ""))
    if match is None:
        return 400, "ValidationError", "Request ARN is invalid"
    from moto.iam.exceptions import NotFoundException
    from moto.sts.models import sts_backends

    partition, account_id = match.groups()
    try:
        iam_backend(account_id, partition).get_role_by_arn(params["RoleArn"])
        return None
    except NotFoundException:
        pass
    key, region = _access_key(environ)
    caller = sts_backends[request_account(environ)][partition].get_caller_identity(key or "", region)[1]
    return 403, "AccessDenied", f"User: {caller} is not authorized to perform: sts:AssumeRole on resource: {params['RoleArn']}"
