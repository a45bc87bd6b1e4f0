"""module_utils/_audit/markdown: the reports render from build_report's output, and text from AWS cannot break a
table."""

from ansible_collections.mfaops.iam.plugins.module_utils._audit.findings import build_report
from ansible_collections.mfaops.iam.plugins.module_utils._audit.markdown import account_markdown
from ansible_collections.mfaops.iam.plugins.module_utils._audit.markdown import code
from ansible_collections.mfaops.iam.plugins.module_utils._audit.markdown import organization_markdown
from ansible_collections.mfaops.iam.plugins.module_utils._audit.organization import organization_summary


def test_code_spans_and_cells_hold_any_text():
    assert code("plain") == "`plain`"
    assert code("a`b") == "``a`b``"
    assert code("`x") == "`` `x ``"
    assert code("a|b\nc") == "`a\\|b c`"


def test_account_report_lists_the_findings_with_paths_that_hold_pipes():
    users = [{"user_name": "bob", "arn": "arn:aws:iam::1:user/a|b/bob", "path": "/a|b/", "has_mfa": False,
              "password_enabled": True, "create_date": "2024-01-01T00:00:00+00:00"}]
    report = build_report({"users": users, "root": {"mfa_enabled": False, "virtual_mfa_serial_number": None}},
                          {"virtual_mfa_devices": []}, {"required_tags": ["owner"]}, {}, "2026-01-01T00:00:00Z")
    text = account_markdown(report, "Prod | EU")
    assert text.startswith("# IAM MFA audit of Prod \\| EU\n")
    assert "**3 findings**" in text and "**The root user has no MFA device.**" in text
    assert "| `bob` | `/a\\|b/` | 2024-01-01T00:00:00+00:00 | never |" in text
    assert "Required tags: `owner`." in text


def test_organization_summary_names_accounts_and_escapes_reasons():
    summary = organization_summary({}, {"111111111111": "denied | twice\nreally"}, now="2026-01-01T00:00:00Z",
                                   labels={"111111111111": {"host": "prod"}})
    text = organization_markdown(summary)
    assert "| prod (`111111111111`) | denied \\| twice really |" in text
    assert "**1 not audited**" in text
