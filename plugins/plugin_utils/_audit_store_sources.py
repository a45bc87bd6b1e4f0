# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the organization summary in a report directory was built from, kept beside it in a hidden file
(``.<summary name>.sources.json``), so that a host whose own state the summary already holds can skip the rebuild.

A rebuild from the directory alone (no states from the job's stats, nothing read from or written to S3) ``record``s
the digest of each account state it read (the bytes it parsed), a digest of its other inputs (expected accounts,
not-audited reasons, max_age_hours, names, file mode), the digests of the summary's two files as written, until
when max_age_hours leaves the result unchanged, and the summary's account counts.  The file is written after the
summary, atomically and with the summary's mode (_report_files.write_file).  Under the lock, before rebuilding,
``covered`` answers those counts (skip) when all of this holds, else None (rebuild):

- the file parses as this module wrote it (anything else, a forged or broken file included, means rebuild);
- the other inputs' digest is equal, and no state the summary counted as recent has aged past max_age_hours since;
- the calling host's own state file, in its account directory (naming.account_directory, the role's default
  layout), is recorded with the digest its bytes have now (a host without a state file always rebuilds);
- the summary's two files hold the bytes and mode that were recorded (deleted or replaced: rebuild);
- no state file lies outside an account directory's name (the base's own state, or an account written to a
  ``report_subdir`` of its own): the host's fresh state could be there, while an old one sits in its directory.

Why the last host still leaves a complete summary.  A host writes its state (mfa_audit_account) before it runs the
summary task, and every rebuild reads, under the exclusive lock, every state present.  Take a host H whose state
file holds the bytes B from its write on.  If H rebuilds, its rebuild starts after that write and reads B.  If H
skips, the record it checks under the lock is that of the last rebuild R before it (the summary's recorded digests
prove that the summary on disk is the one R wrote), and R read H's file as B, so the summary on disk holds B: R
started after H's write, or before it only if the write left the bytes as they were.  A host therefore never
trusts a summary that missed its state: a rebuild that started before its state existed recorded no digest for
it, or another one.  After every host's task, the summary on disk is that of the last rebuild L: each host that
rebuilt did so at or before L and after its write, so L read its state; each host that skipped found its B read by
a rebuild at or before L, and its file still held B when L read it.  A skip needs the other inputs equal, so the
summary also has the inputs of the last task; its ``generated_at`` is L's time.  What this no longer covers: a
state whose host writes it and then never runs the summary task (the play stopped between the two tasks) is in the
summary only if a later rebuild read it; before, any later host's rebuild did.
"""

import json
import os
import re
from datetime import datetime
from datetime import timedelta

from ansible_collections.mfaops.iam.plugins.module_utils._audit.ages import parse_stamp
from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts.naming import is_account_directory
from ansible_collections.mfaops.iam.plugins.plugin_utils._audit_store import SUFFIXES
from ansible_collections.mfaops.iam.plugins.plugin_utils._audit_store import StoreError
from ansible_collections.mfaops.iam.plugins.plugin_utils._audit_store import digest
from ansible_collections.mfaops.iam.plugins.plugin_utils._audit_store import to_json

VERSION = 1
_HEX = re.compile(r"[0-9a-f]{64}")
_COUNTS = ("total", "audited", "not_audited", "with_findings", "failing")


def sidecar_name(summary_name):
    return ".%s.sources.json" % summary_name


def inputs_digest(**inputs):
    """The digest of the summary's inputs other than the states (JSON values; anything else by its repr)."""
    return digest(json.dumps(inputs, sort_keys=True, separators=(",", ":"), default=repr).encode("utf-8"))


def fresh_until(states, max_age_hours, now):
    """Until when (naive UTC datetime, ISO text) no state of ``states`` (states.newest's) counted as recent at
    ``now`` becomes older than ``max_age_hours``; None when nothing can age out."""
    if max_age_hours is None:
        return None
    limits = []
    for state in states.values():
        try:
            limit = parse_stamp(state.get("generated_at")) + timedelta(hours=max_age_hours)
        except OverflowError:  # past the year 9999: never
            continue
        if limit >= now:
            limits.append(limit)
    return min(limits).isoformat() if limits else None


def record(store, summary_name, states, inputs, json_text, markdown_text, accounts, until):
    """Write the record of a rebuild: ``states`` {account directory: digest} (DirectoryStore.states'), ``inputs``
    (inputs_digest), the summary's two texts as written, its ``accounts`` counts, ``until`` (fresh_until)."""
    store.write_file(
        sidecar_name(summary_name),
        to_json(
            {
                "version": VERSION,
                "inputs": inputs,
                "states": states,
                "summary": {
                    "json": digest(json_text.encode("utf-8")),
                    "markdown": digest(markdown_text.encode("utf-8")),
                },
                "accounts": accounts,
                "fresh_until": until,
            }
        ),
    )


def _count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _recorded(store, summary_name):
    """The record as ``record`` wrote it, or None: missing, unreadable or not in that shape."""
    found = store.read_file("", sidecar_name(summary_name))
    try:
        value = json.loads(found[0].decode("utf-8")) if found else None
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict) or value.get("version") != VERSION or not isinstance(value.get("inputs"), str):
        return None
    states, summary, accounts = value.get("states"), value.get("summary"), value.get("accounts")
    if not isinstance(states, dict) or not all(isinstance(v, str) and _HEX.fullmatch(v) for v in states.values()):
        return None
    if not isinstance(summary, dict) or not all(isinstance(summary.get(k), str) for k in ("json", "markdown")):
        return None
    if not isinstance(accounts, dict) or not all(_count(accounts.get(k)) for k in _COUNTS):
        return None
    until = value.get("fresh_until")
    try:
        value["fresh_until"] = None if until is None else datetime.fromisoformat(until)
    except (TypeError, ValueError):
        return None
    if value["fresh_until"] is not None and value["fresh_until"].tzinfo is not None:
        return None
    return value


def _same(store, subdir, file_name, expected):
    found = store.read_file(subdir, file_name)
    return found is not None and found[1] == store.mode and digest(found[0]) == expected


def _states_elsewhere(store):
    """Whether a state file lies in the base or in a directory not named as naming.account_directory names."""
    state_file = store.name + SUFFIXES["state"]
    for entry in os.listdir(store.base):
        if entry == state_file:
            return True
        if not is_account_directory(entry) and os.path.lexists(os.path.join(store.base, entry, state_file)):
            return True
    return False


def covered(store, summary_name, own_directory, inputs, now):
    """The recorded summary's account counts when it holds the state in ``own_directory`` as it is now and was
    built from ``inputs`` (see the module's description); None when the summary must be rebuilt."""
    try:
        recorded = _recorded(store, summary_name)
        if recorded is None or recorded["inputs"] != inputs or own_directory not in recorded["states"]:
            return None
        if recorded["fresh_until"] is not None and now > recorded["fresh_until"]:
            return None
        if not _same(store, own_directory, store.name + SUFFIXES["state"], recorded["states"][own_directory]):
            return None
        for kind, suffix in (("json", ".json"), ("markdown", ".md")):
            if not _same(store, "", summary_name + suffix, recorded["summary"][kind]):
                return None
        if _states_elsewhere(store):
            return None
    except (StoreError, OSError):
        return None
    return {name: recorded["accounts"][name] for name in _COUNTS}
