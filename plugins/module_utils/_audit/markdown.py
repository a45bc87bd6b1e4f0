# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The people's view (Markdown) of an account's audit report and of the organization summary.

Rendering only: every decision (which findings, which fail the play) is in the report already.  Text that comes
from AWS (paths, tag keys, names, error messages) is written inside code spans or with ``|`` escaped, so it cannot
break a table.
"""

TITLES = (
    ("root_without_mfa", "Root user without MFA"),
    ("root_with_virtual_mfa", "Root user with a virtual (not hardware) MFA device"),
    ("console_users_without_mfa", "Users with a console password and no MFA device"),
    ("users_without_mfa", "Users without any MFA device"),
    ("orphaned_devices", "Unassigned (orphaned) virtual MFA devices"),
    ("devices_missing_tags", "Devices missing required tags"),
    ("devices_of_users_not_matching_pattern", "Devices of users not matching the naming rule"),
)


def cell(value):
    """Table cell text: ``|`` escaped, line breaks as spaces."""
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def code(value):
    """A code span that holds ``value`` whatever backticks it has, safe in a table cell."""
    text = cell(value)
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return "%s%s%s%s%s" % (fence, pad, text, pad, fence)


def _plural(count, word):
    return "%d %s%s" % (count, word, "" if count == 1 else "s")


def _source_line(report):
    source = report.get("source") or {}
    if source.get("kind") == "credential_report":
        return (
            "Read from the IAM credential report generated %s (%s seconds old) and the virtual MFA device listing."
            % (
                source.get("credential_report_generated_at") or "at an unknown time",
                source.get("credential_report_age_seconds"),
            )
        )
    if source.get("kind") == "listing":
        return "Read live from the IAM listings (users, their MFA devices and console passwords)."
    return None


def _root(report):
    if report.get("root") is None:
        return "Not audited."
    if report["findings"]["root_without_mfa"]:
        return "**The root user has no MFA device.**"
    if report["findings"]["root_with_virtual_mfa"]:
        return "**The root user's MFA is a virtual device, not a hardware one:** %s." % code(
            report["root"]["virtual_mfa_serial_number"]
        )
    return "The root user has MFA, and not on a virtual device."


def _table(header, rows):
    if not rows:
        return ["None."]
    lines = [
        "| %s |" % " | ".join(title for title, _align in header),
        "| %s |" % " | ".join("---:" if align == "right" else "---" for _title, align in header),
    ]
    lines += ["| %s |" % " | ".join(row) for row in rows]
    return lines


def account_markdown(report, account_label=None):
    """The Markdown report of one account."""
    findings, settings = report["findings"], report["settings"]
    totals = report["totals"]
    lines = ["# IAM MFA audit" + (" of %s" % cell(account_label) if account_label else ""), ""]
    lines.append("Generated %s." % report["generated_at"])
    source = _source_line(report)
    if source:
        lines.append(source)
    lines += [
        "%d IAM users under %s and %d virtual MFA devices under %s audited: **%s**."
        % (
            totals["users"],
            code(settings["user_path_prefix"]),
            totals["virtual_mfa_devices"],
            code(settings["device_path_prefix"]),
            _plural(totals["findings"], "finding"),
        ),
        "",
        "| Finding | Security Hub control | Count | Fails the play |",
        "| --- | --- | ---: | --- |",
    ]
    for kind, title in TITLES:
        controls = ", ".join(report["controls"].get(kind, [])) or "-"
        fails = "yes" if kind in settings["fail_on_findings"] else "no"
        lines.append("| %s | %s | %d | %s |" % (title, controls, report["summary"][kind], fails))
    lines += ["", "## Root user", "", _root(report), "", "## Users with a console password and no MFA device", ""]
    lines += _table(
        (("User", ""), ("Path", ""), ("Created", ""), ("Password last used", "")),
        [
            [code(u["user_name"]), code(u["path"]), cell(u["create_date"]), cell(u["password_last_used"] or "never")]
            for u in findings["console_users_without_mfa"]
        ],
    )
    lines += [
        "",
        "## Users without any MFA device",
        "",
        "Hardware tokens and FIDO security keys count as MFA. Users without a console password (API-only) are "
        "listed too, unless exempt (`exempt_users`).",
        "",
    ]
    lines += _table(
        (("User", ""), ("Path", ""), ("Created", ""), ("Console access", ""), ("Password last used", "")),
        [
            [
                code(u["user_name"]),
                code(u["path"]),
                cell(u["create_date"]),
                "yes" if u["console_access"] else "no",
                cell(u["password_last_used"] or "never"),
            ]
            for u in findings["users_without_mfa"]
        ],
    )
    lines += ["", "## Unassigned (orphaned) virtual MFA devices", ""]
    if findings["orphaned_devices"]:
        lines += [
            "Age comes from the %s tag when the device has one, otherwise from when this audit first saw the "
            "device unassigned (a lower bound: the previous report carries it over)." % code(settings["created_tag"]),
            "",
        ]
    lines += _table(
        (("Device", ""), ("Age (days)", "right"), ("Age from", ""), ("Created", ""), ("First seen unassigned", "")),
        [
            [
                code(d["serial_number"]),
                str(d["age_days"]),
                "creation tag" if d["age_source"] == "created_tag" else "first seen (at least)",
                cell(d["created"] or "unknown"),
                cell(d["first_seen"]),
            ]
            for d in findings["orphaned_devices"]
        ],
    )
    lines += ["", "## Devices missing required tags", ""]
    if not settings["required_tags"]:
        lines.append("No required tags are configured (`required_tags`).")
    else:
        lines += ["Required tags: %s." % ", ".join(code(tag) for tag in settings["required_tags"]), ""]
        lines += _table(
            (("Device", ""), ("User", ""), ("Missing tags", "")),
            [
                [
                    code(d["serial_number"]),
                    code(d["user_name"]) if d["user_name"] else "nobody",
                    ", ".join(code(tag) for tag in d["missing_tags"]),
                ]
                for d in findings["devices_missing_tags"]
            ],
        )
    lines += ["", "## Devices of users not matching the naming rule", ""]
    if not settings["user_name_pattern"]:
        lines.append("No naming rule is configured (`user_name_pattern`).")
    else:
        lines += ["User names must match %s entirely." % code(settings["user_name_pattern"]), ""]
        lines += _table(
            (("Device", ""), ("User", ""), ("Enabled", "")),
            [
                [code(d["serial_number"]), code(d["user_name"]), cell(d["enable_date"] or "unknown")]
                for d in findings["devices_of_users_not_matching_pattern"]
            ],
        )
    return "\n".join(lines) + "\n"


def _account_cell(entry):
    names = [entry.get(key) for key in ("name", "host") if entry.get(key)]
    label = names[0] if names else None
    return (
        "%s (%s)" % (cell(label), code(entry["account"]))
        if label and label != entry["account"]
        else code(entry["account"])
    )


def organization_markdown(summary, report_name="mfa_audit"):
    """The Markdown organization summary."""
    accounts = summary["accounts"]
    lines = [
        "# MFA audit of the organization",
        "",
        "Generated %s: %d account(s), %d audited, **%d not audited**, %d with findings, %d with findings of kinds "
        "that fail the play."
        % (
            summary["generated_at"],
            accounts["total"],
            accounts["audited"],
            accounts["not_audited"],
            accounts["with_findings"],
            accounts["failing"],
        ),
        "",
        "## Totals",
        "",
        "| | Count |",
        "| --- | ---: |",
        "| IAM users | %d |" % summary["totals"]["users"],
        "| Virtual MFA devices | %d |" % summary["totals"]["virtual_mfa_devices"],
        "| Findings | %d |" % summary["totals"]["findings"],
    ]
    lines += ["| `%s` | %d |" % (kind, count) for kind, count in summary["by_kind"].items()]
    lines += ["", "## Accounts not audited", ""]
    if summary["not_audited"]:
        lines += ["| Account | Why |", "| --- | --- |"]
        lines += ["| %s | %s |" % (_account_cell(entry), cell(entry["reason"])) for entry in summary["not_audited"]]
    else:
        lines.append("None: every account was audited.")
    kinds = list(summary["by_kind"])
    lines += [
        "",
        "## Per account",
        "",
        "| Account | Audited at | Users | Devices | Findings |%s" % "".join(" `%s` |" % kind for kind in kinds),
        "| --- | --- | ---: | ---: | ---: |%s" % (" ---: |" * len(kinds)),
    ]
    for entry in summary["per_account"]:
        lines.append(
            "| %s | %s | %d | %d | %d |%s"
            % (
                _account_cell(entry),
                cell(entry.get("generated_at") or "?"),
                entry["totals"]["users"],
                entry["totals"]["virtual_mfa_devices"],
                entry["totals"]["findings"],
                "".join(" %d |" % entry["summary"][kind] for kind in kinds),
            )
        )
    lines += ["", "Each account's own report is `<report directory>/<account>/%s.md` (and `.json`)." % report_name]
    return "\n".join(lines) + "\n"
