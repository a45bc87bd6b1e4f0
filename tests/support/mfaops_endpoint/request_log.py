"""Thread-safe log of every IAM request the endpoint answered (or dropped), minus the TOTP codes."""

from __future__ import annotations

import threading
import time

SECRET_PARAMS = {"AuthenticationCode1", "AuthenticationCode2"}
UNLOGGED_PARAMS = SECRET_PARAMS | {"Action", "Version"}


# Generate* calls make a report of the account (credential report, last-accessed details); they change no entity.
READ_ONLY_GENERATE = ("GenerateCredentialReport",)


def is_write(action: str) -> bool:
    """Read-only IAM actions are List*, Get* and the report generation; everything else changes state."""
    return not action.startswith(("List", "Get")) and action not in READ_ONLY_GENERATE


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[dict] = []

    def record(self, action: str, params: dict[str, str], status: int | str, started: float | None = None,
               account: str | None = None) -> None:
        entry = {
            "action": action,
            "account": account,  # the account id the request acted in
            "params": {k: v for k, v in params.items() if k not in UNLOGGED_PARAMS},
            "status": status,
            "time": time.time() if started is None else started,
        }
        with self._lock:
            self._entries.append(entry)

    def entries(self, action: str | None = None) -> list[dict]:
        with self._lock:
            return [dict(e) for e in self._entries if action is None or e["action"] == action]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
