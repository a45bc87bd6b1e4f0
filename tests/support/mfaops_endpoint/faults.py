"""Fault knobs (latency, throttling, dropped connections, create lag, held responses, garbage answers) and their
decisions.

``garbage`` = {"actions": [NAME, ...], "answer": "html_500" | "truncated", "after": N} answers the named IAM actions
with something botocore cannot parse (it raises ResponseParserError, outside its ClientError/BotoCoreError families),
after letting the first N of their calls through (default 0):

- "html_500": a proxy's or load balancer's HTML error page, status 500, without executing the call (as an endpoint
  that does not implement the action, or a proxy in front of IAM, answers);
- "truncated": the call IS executed and its answer cut in half (a proxy that drops the connection mid-answer): the
  change happened, the caller cannot know it.
"""

from __future__ import annotations

import random
import threading

from . import iam_fidelity

DEFAULTS = {
    "latency_ms": 0,
    "throttle_fraction": 0.0,
    "create_lag_seconds": 0.0,
    "drop_fraction": 0.0,
    "pause_after": None,  # {"action": "CreateVirtualMFADevice", "seconds": 60}
    "random_seed": None,
    "fault_actions": None,  # None: throttle/drop may hit every IAM action
    "garbage": None,  # {"actions": ["ListMFADeviceTags"], "answer": "html_500" | "truncated", "after": 0}
}
GARBAGE_ANSWERS = ("html_500", "truncated")
# Actions on a device that answer NoSuchEntity while it is younger than create_lag_seconds.
LAG_ACTIONS = {
    "EnableMFADevice", "TagMFADevice", "UntagMFADevice", "ListMFADeviceTags", "DeactivateMFADevice", "ResyncMFADevice",
}


def _validate(name: str, value):
    if name not in DEFAULTS:
        raise ValueError(f"unknown fault {name!r}; known: {sorted(DEFAULTS)}")
    if value is None and name in ("pause_after", "random_seed", "fault_actions", "garbage"):
        return None
    if name.endswith("_fraction"):
        value = float(value)
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1")
    elif name in ("latency_ms", "create_lag_seconds"):
        value = float(value)
        if value < 0:
            raise ValueError(f"{name} must be >= 0")
    elif name == "random_seed":
        value = int(value)
    elif name == "fault_actions":
        if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
            raise ValueError("fault_actions must be a list of action names or null")
    elif name == "garbage":
        value = _validate_garbage(value)
    elif name == "pause_after":
        if not isinstance(value, dict) or not isinstance(value.get("action"), str):
            raise ValueError('pause_after must be {"action": NAME, "seconds": N} or null')
        value = {"action": value["action"], "seconds": float(value.get("seconds", 60))}
    return value


def _validate_garbage(value) -> dict:
    usage = 'garbage must be {"actions": [NAME, ...], "answer": "html_500" | "truncated", "after": N} or null'
    if not isinstance(value, dict) or set(value) - {"actions", "answer", "after"}:
        raise ValueError(usage)
    actions, answer, after = value.get("actions"), value.get("answer", "html_500"), value.get("after", 0)
    if not isinstance(actions, list) or not actions or not all(isinstance(a, str) for a in actions):
        raise ValueError(usage)
    if answer not in GARBAGE_ANSWERS or isinstance(after, bool) or not isinstance(after, int) or after < 0:
        raise ValueError(usage)
    return {"actions": list(actions), "answer": answer, "after": after}


class Faults:
    def __init__(self, **settings) -> None:
        self._lock = threading.Lock()
        self._settings = dict(DEFAULTS)
        self._rng = random.Random()
        self._release = threading.Event()  # set to let held responses go
        self._garbage_seen = 0  # calls of garbage's actions since it was last set
        self.update(settings)

    def snapshot(self) -> dict:
        with self._lock:
            return dict(self._settings)

    def update(self, changes: dict) -> dict:
        """Validate and apply a partial change; raises ValueError (and applies nothing) on a bad value."""
        checked = {name: _validate(name, value) for name, value in changes.items()}
        with self._lock:
            self._settings.update(checked)
            if "random_seed" in checked:
                self._rng.seed(checked["random_seed"])
            if "garbage" in checked:
                self._garbage_seen = 0
            if "pause_after" in checked:
                self._release.set()  # let responses held under the old setting go now
                self._release = threading.Event()
        return self.snapshot()

    def reset(self) -> dict:
        self.update(dict(DEFAULTS))
        return self.snapshot()

    def latency_seconds(self) -> float:
        with self._lock:
            return self._settings["latency_ms"] / 1000.0

    def decide(self, action: str, params: dict[str, str]) -> str | None:
        """Return "drop", "throttle", "lag", "html_500", "truncated" or None (execute normally) for one IAM call."""
        with self._lock:
            s = self._settings
            garbage = s["garbage"]
            if garbage and action in garbage["actions"]:
                self._garbage_seen += 1
                if self._garbage_seen > garbage["after"]:
                    return garbage["answer"]
            if s["fault_actions"] is None or action in s["fault_actions"]:
                if s["drop_fraction"] and self._rng.random() < s["drop_fraction"]:
                    return "drop"
                if s["throttle_fraction"] and self._rng.random() < s["throttle_fraction"]:
                    return "throttle"
            lag = s["create_lag_seconds"]
        if lag and action in LAG_ACTIONS:
            age = iam_fidelity.seconds_since_created(params.get("SerialNumber", ""))
            if age is not None and age < lag:
                return "lag"
        return None

    def hold(self, action: str) -> None:
        """After `action` was executed, hold its response as pause_after says (released early when it changes)."""
        with self._lock:
            pause, release = self._settings["pause_after"], self._release
        if pause and pause["action"] == action:
            release.wait(pause["seconds"])
