# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The organization-wide summary of mfa_audit: the per-account reports (build_report's) added up, with the accounts
that could not be audited and why.

``organization_summary`` only adds: every total is the sum of the accounts' reports, and each report's counts are
checked against its own finding lists first, so the summary is right to the device or an error names the account.
Plain dicts in, a plain dict out.
"""


from .._common.stamps import stamp
from .findings import KINDS

SUMMARY_VERSION = 1
TOTALS = ("users", "virtual_mfa_devices", "findings")


def _items(value, what, payload):
    """[(account, payload)] from {account: payload} or [{"account": ..., payload: ...}]."""
    if isinstance(value, dict):
        return [(str(account), item) for account, item in value.items()]
    if isinstance(value, (list, tuple)):
        items = []
        for index, entry in enumerate(value):
            if not isinstance(entry, dict) or "account" not in entry or payload not in entry:
                raise ValueError("%s[%d] must be a dictionary with account and %s" % (what, index, payload))
            items.append((str(entry["account"]), entry[payload]))
        return items
    raise ValueError("%s must be a dictionary (account -> %s) or a list, not %s" % (what, payload, type(value).__name__))


def _checked_counts(account, report):
    """(summary, totals, failing) of one report, its summary recounted from its finding lists."""
    if not isinstance(report, dict) or not isinstance(report.get("summary"), dict) or not isinstance(report.get("totals"), dict):
        raise ValueError("the report of %s has no summary or totals: is it an mfa_audit report?" % account)
    summary = {kind: int(count) for kind, count in report["summary"].items()}
    for kind, entries in (report.get("findings") or {}).items():
        if len(entries) != summary.get(kind, 0):
            raise ValueError("the report of %s counts %s %s but lists %d" % (account, summary.get(kind, 0), kind, len(entries)))
    totals = {name: int(report["totals"].get(name) or 0) for name in TOTALS}
    if "findings" not in report["totals"]:
        totals["findings"] = sum(summary.values())
    elif totals["findings"] != sum(summary.values()):
        raise ValueError("the report of %s totals %d findings but its summary adds up to %d" % (
            account, totals["findings"], sum(summary.values())))
    failing = {kind: int(count) for kind, count in (report.get("failing") or {}).items() if count}
    return summary, totals, failing


def report_problem(account, report):
    """Why ``report`` (an account's report, or its compact form without findings) cannot be added up, or None."""
    try:
        _checked_counts(account, report)
    except (AttributeError, TypeError, ValueError) as e:
        return str(e)
    return None


def _kinds(summaries):
    """KINDS first, in the report's order, then any other kind (a newer report version) sorted."""
    extra = sorted({kind for summary in summaries for kind in summary} - set(KINDS))
    return list(KINDS) + extra


def _labelled(entry, labels):
    """``entry`` with the ``host`` and ``name`` that ``labels`` knows for its account (display only)."""
    label = labels.get(entry["account"]) or {}
    for key in ("host", "name"):
        if label.get(key):
            entry[key] = str(label[key])
    return entry


def organization_summary(reports, not_audited=None, now=None, labels=None):
    """The summary of ``reports`` (account -> mfa_audit report, or [{"account", "report"}]) and ``not_audited``
    (account -> reason, or [{"account", "reason"}]); ``now`` a UTC datetime or ``YYYY-MM-DDTHH:MM:SSZ``; ``labels``
    (account -> {"host", "name"}) adds those keys to the account's entries."""
    labels = labels or {}
    audited = _items(reports or {}, "reports", "report")
    failed = _items(not_audited or {}, "not_audited", "reason")
    names = [account for account, _report in audited]
    twice = sorted({account for account in names if names.count(account) > 1}
                   | ({account for account, _reason in failed} & set(names)))
    if twice:
        raise ValueError("accounts listed twice (or both audited and not audited): %s" % ", ".join(twice))
    counted = [(account, report, _checked_counts(account, report)) for account, report in audited]
    kinds = _kinds([summary for _account, _report, (summary, _totals, _failing) in counted])
    per_account = []
    for account, report, (summary, totals, failing) in sorted(counted, key=lambda item: item[0]):
        per_account.append(_labelled({
            "account": account,
            "report_version": report.get("report_version"),
            "generated_at": report.get("generated_at"),
            "totals": totals,
            "summary": {kind: summary.get(kind, 0) for kind in kinds},
            "failing": failing,
        }, labels))
    by_kind = {kind: sum(entry["summary"][kind] for entry in per_account) for kind in kinds}
    failing_by_kind = {kind: sum(entry["failing"].get(kind, 0) for entry in per_account) for kind in kinds}
    return {
        "summary_version": SUMMARY_VERSION,
        "generated_at": stamp(now),
        "accounts": {
            "total": len(per_account) + len(failed),
            "audited": len(per_account),
            "not_audited": len(failed),
            "with_findings": sum(1 for entry in per_account if entry["totals"]["findings"]),
            "failing": sum(1 for entry in per_account if entry["failing"]),
        },
        "totals": {name: sum(entry["totals"][name] for entry in per_account) for name in TOTALS},
        "by_kind": by_kind,
        "failing_by_kind": {kind: count for kind, count in failing_by_kind.items() if count},
        "per_account": per_account,
        "not_audited": [
            _labelled({"account": account, "reason": str(reason)}, labels) for account, reason in sorted(failed)
        ],
    }
