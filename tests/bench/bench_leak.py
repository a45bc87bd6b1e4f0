"""What the endpoint's STS issued (moto's record of its AssumeRole answers, /moto-api/data.json), and how often any of
those key ids, secrets and session tokens appears in a text: the fleet benchmark's count of leaked session keys."""

from __future__ import annotations

import json
import os
import urllib.request

FIELDS = (("access_key_id", "key ids"), ("secret_access_key", "secrets"), ("session_token", "session tokens"))


def issued(endpoint):
    """[{access_key_id, secret_access_key, session_token, session_name, account_id}] of every AssumeRole answer."""
    with urllib.request.urlopen(endpoint.url + "/moto-api/data.json", timeout=60) as answer:
        data = json.load(answer)
    return [{k: role.get(k) for k in ("access_key_id", "secret_access_key", "session_token", "session_name",
                                      "account_id")} for role in data.get("sts", {}).get("AssumedRole", [])]


def since(before, after):
    """The sessions of ``after`` not in ``before``."""
    known = {s["access_key_id"] for s in before}
    return [s for s in after if s["access_key_id"] not in known]


def texts_under(*roots):
    """(path, text) of every file under ``roots`` (undecodable bytes replaced)."""
    out = []
    for root in roots:
        for folder, _dirs, files in os.walk(root):
            for name in files:
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8", errors="replace") as handle:
                    out.append((path, handle.read()))
    return out


def hits(sessions, texts):
    """{"key ids": n, "secrets": n, "session tokens": n, "total": n, "where": {source: n}}: occurrences of each issued
    value in the (source, text) pairs."""
    counts = {label: 0 for _field, label in FIELDS}
    where = {}
    for source, text in texts:
        for session in sessions:
            for field, label in FIELDS:
                value = session.get(field)
                found = text.count(value) if value else 0
                counts[label] += found
                if found:
                    where[source] = where.get(source, 0) + found
    counts["total"] = sum(counts[label] for _field, label in FIELDS)
    counts["where"] = where
    return counts
