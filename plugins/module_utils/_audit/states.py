# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each account's audit state, and which accounts the organization summary counts as audited.

After each audit (or failed audit) of an account, a small state document is stored next to its report (a file, an
S3 object) and published in the job's stats: the account's key (its report directory name, naming.account_directory),
who it is (id, host, name), whether it was audited, when, why not, and the report's counts without its findings.
The summary is built from these states, never from one play's host variables, so that it comes out the same from a
shared directory, an S3 prefix or AWX artifacts, whatever the strategy, the batches (serial) or the job slices.
Plain dicts in, plain dicts out.
"""

from datetime import timedelta

from .._common.stamps import naive_utcnow
from .ages import parse_stamp
from .organization import report_problem

STATE_VERSION = 1
COMPACT_KEYS = ("report_version", "generated_at", "totals", "summary", "failing", "source")
NO_STATE = "no report: the audit did not run for this account (its host failed, was skipped or was left out before it)"


def compact(report):
    """The report without its findings: what the summary adds up."""
    return {key: report[key] for key in COMPACT_KEYS if key in report}


def audited_state(key, account, report, locations=None):
    """The state of an account whose audit wrote ``report``."""
    return {
        "state_version": STATE_VERSION,
        "key": key,
        "account": account,
        "audited": True,
        "generated_at": report["generated_at"],
        "reason": None,
        "report": compact(report),
        "locations": locations or {},
    }


def not_audited_state(key, account, reason, now):
    """The state of an account whose audit failed; ``now`` is a ``YYYY-MM-DDTHH:MM:SSZ`` stamp."""
    return {
        "state_version": STATE_VERSION,
        "key": key,
        "account": account,
        "audited": False,
        "generated_at": now,
        "reason": str(reason),
        "report": None,
        "locations": {},
    }


def state_problem(state):
    """Why ``state`` (read from a file, an object or the job's stats: untrusted) is not a state, or None."""
    if not isinstance(state, dict) or not isinstance(state.get("key"), str) or not state["key"]:
        return "not an audit state"
    if parse_stamp(state.get("generated_at")) is None:
        return "its generated_at is not a YYYY-MM-DDTHH:MM:SSZ time"
    if state.get("audited") is True:
        return report_problem(state["key"], state.get("report"))
    if state.get("audited") is not False:
        return "its audited is neither true nor false"
    return None


def newest(*collections):
    """{key: state}: of each account's states in ``collections`` (dicts key -> state), the most recent one.  States
    that are not states are left out."""
    chosen = {}
    for states in collections:
        for state in (states or {}).values():
            if state_problem(state) is None:
                current = chosen.get(state["key"])
                if current is None or parse_stamp(state["generated_at"]) >= parse_stamp(current["generated_at"]):
                    chosen[state["key"]] = state
    return chosen


def _label(state, expected):
    label = dict((state or {}).get("account") or {})
    for name in ("host", "name"):
        if not label.get(name) and expected.get(name):
            label[name] = expected[name]
    return {name: label.get(name) for name in ("host", "name") if isinstance(label.get(name), str)}


def summary_inputs(states, expected=None, reasons=None, max_age_hours=None, now=None):
    """(reports, not_audited, labels) for organization.organization_summary.

    ``states``: {key: state} (``newest``'s); ``expected``: the accounts the summary must cover, [{"key", "host",
    "name"}] (None: every account that has a state); ``reasons``: {key: why} for expected accounts without a state
    (what the play knows, for example from the host's variables); ``max_age_hours``: a state older than this counts
    as not audited; ``now``: a UTC datetime (default: now).
    """
    now = now or naive_utcnow()
    wanted = list(expected) if expected is not None else [{"key": key} for key in sorted(states)]
    reports, not_audited, labels = {}, {}, {}
    for entry in wanted:
        key = entry["key"]
        if key in reports or key in not_audited:
            continue  # the same account twice in the expected list (two hosts for one account)
        state = states.get(key)
        labels[key] = _label(state, entry)
        if state is None:
            not_audited[key] = (reasons or {}).get(key) or NO_STATE
        elif max_age_hours is not None and now - parse_stamp(state["generated_at"]) > timedelta(hours=max_age_hours):
            not_audited[key] = "its last audit state (%s) is older than %s hours" % (
                state["generated_at"],
                max_age_hours,
            )
        elif not state["audited"]:
            not_audited[key] = state.get("reason") or "the audit failed"
        else:
            reports[key] = state["report"]
    return reports, not_audited, labels
