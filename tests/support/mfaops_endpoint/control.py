"""The control API under /_mfaops/: health, request log, faults, reset, the seeds of created devices, and state IAM's
API cannot make: hardware/FIDO devices of users (other_devices) and root MFA (root_mfa).

Every answer is JSON; errors are {"error": message} (plus "code": IAM's error code when IAM would refuse the same),
with status 400 (bad input), 404 (no such endpoint or user) or 409 (limit, clash).
"""

from __future__ import annotations

import json
import os
from urllib.parse import parse_qs

from moto.core.exceptions import ServiceException

from . import iam_fidelity, other_devices, root_mfa, totp

STATUS_OF_IAM_ERROR = {"NoSuchEntity": 404, "ValidationError": 400}  # others (EntityAlreadyExists, LimitExceeded): 409


def _reset(app) -> dict:
    from moto.moto_api._internal.models import moto_api_backend

    with app.lock:
        moto_api_backend.reset()
    app.log.clear()
    app.faults.reset()
    totp.CLOCK["offset_seconds"] = 0.0
    return {"status": "ok"}


def _clock(body: dict) -> tuple[int, object]:
    offset = body.get("offset_seconds")
    if isinstance(offset, bool) or not isinstance(offset, (int, float)) or offset < 0:
        return 400, {"error": "offset_seconds must be a number >= 0"}
    totp.CLOCK["offset_seconds"] = float(offset)
    return 200, dict(totp.CLOCK)


def _faults(app, body: dict) -> tuple[int, object]:
    try:
        return 200, app.faults.update(body)
    except (TypeError, ValueError) as e:
        return 400, {"error": str(e)}


def _change(app, func, *args) -> tuple[int, object]:
    """Run func(*args) on moto's state under the app lock; bad input and IAM errors become control API errors."""
    try:
        with app.lock:
            return 200, func(*args)
    except ValueError as e:
        return 400, {"error": str(e)}
    except ServiceException as e:
        return STATUS_OF_IAM_ERROR.get(e.code, 409), {"error": e.message, "code": e.code}


def _mfa_device(account, user, kind, serial=None) -> dict:
    return {"serial_number": other_devices.attach(account, user, kind, serial)}


def _sessions() -> list[dict]:
    """Every session STS AssumeRole issued since the last reset, with its credentials (for tests that look for
    leaked keys)."""
    from moto.sts.models import sts_backends

    issued = []
    for account_id in list(sts_backends):
        for partition in list(sts_backends[account_id]):
            for role in sts_backends[account_id][partition].assumed_roles:
                issued.append({
                    "role_arn": role.role_arn, "session_name": role.session_name, "external_id": role.external_id,
                    "expiration": role.expiration.strftime("%Y-%m-%dT%H:%M:%SZ"), "access_key_id": role.access_key_id,
                    "secret_access_key": role.secret_access_key, "session_token": role.session_token,
                })
    return issued


def route(app, method: str, name: str, query: dict, body: dict) -> tuple[int, object]:
    if (method, name) == ("GET", "health"):
        return 200, {"status": "ok", "pid": os.getpid()}
    if (method, name) == ("GET", "requests"):
        return 200, app.log.entries(query.get("action", [None])[0])
    if (method, name) == ("DELETE", "requests"):
        app.log.clear()
        return 200, {"status": "ok"}
    if (method, name) == ("GET", "faults"):
        return 200, app.faults.snapshot()
    if (method, name) == ("POST", "faults"):
        return _faults(app, body)
    if (method, name) == ("POST", "reset"):
        return 200, _reset(app)
    if (method, name) == ("GET", "clock"):
        return 200, dict(totp.CLOCK)
    if (method, name) == ("POST", "clock"):
        return _clock(body)
    if (method, name) == ("GET", "seeds"):
        return 200, iam_fidelity.seeds()
    if (method, name) == ("GET", "sessions"):
        return _change(app, _sessions)
    if (method, name) == ("POST", "mfa_devices"):
        return _change(app, _mfa_device, body.get("account"), body.get("user"), body.get("kind"), body.get("serial"))
    if (method, name) == ("POST", "root_mfa"):
        return _change(app, root_mfa.set_root_mfa, body.get("account"), body.get("kind"), body.get("name"))
    return 404, {"error": f"no such control endpoint: {method} /_mfaops/{name}"}


def handle(app, environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    try:
        body = json.loads(raw) if raw.strip() else {}
        if not isinstance(body, dict):
            raise ValueError("the body must be a JSON object")
    except ValueError as e:
        status, answer = 400, {"error": f"bad JSON body: {e}"}
    else:
        name = environ["PATH_INFO"][len("/_mfaops/"):].strip("/")
        status, answer = route(app, environ["REQUEST_METHOD"], name, parse_qs(environ.get("QUERY_STRING", "")), body)
    data = json.dumps(answer).encode()
    start_response(f"{status} {'OK' if status == 200 else 'Error'}", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]
