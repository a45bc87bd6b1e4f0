# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The texts the role mfa_audit shows about one account's audit: how it names the account, where the report is,
and the message that fails the host on findings. Plain values in, text out."""

import json


def account_label(host, account_id=None):
    """The account as messages name it: its host name, with the account id when that differs (``prod
    (123456789012)``); the account id alone for a task without a host."""
    if account_id is None or str(account_id) in ("", str(host)):
        return str(host)
    if not host:
        return str(account_id)
    return "%s (%s)" % (host, account_id)


def report_location(files=None, s3_objects=None):
    """Where people find the report: its Markdown and JSON files on the controller (``files``), else its Markdown
    object in S3 (``s3_objects``), else ``the report``."""
    if files:
        return "%s and %s" % (files["markdown"], files["json"])
    if s3_objects:
        return s3_objects["markdown"]
    return "the report"


def findings_message(report, account=None, location="the report"):
    """The message that fails the host when ``report`` has findings of the kinds that fail the play (its ``failing``
    key), or None when it has none: how many, of which kinds, all the kinds found, and where the report is.

    ``account`` names the account (account_label); None for the one account of a play that audits only the
    caller's own.
    """
    failing = report.get("failing") or {}
    if not failing:
        return None
    found = {kind: count for kind, count in report["summary"].items() if count}
    return "The MFA audit%s has %d finding(s) of kinds that fail the play %s (%d in all: %s); see %s." % (
        " of account %s" % account if account else "",
        sum(failing.values()),
        json.dumps(failing),
        report["totals"]["findings"],
        json.dumps(found),
        location,
    )
