"""module_utils/_audit/messages: the texts of the role mfa_audit, against the role's former Jinja (rendered here by
ansible-core's Templar) on random reports, and their edge cases."""

import random

import pytest

from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar
from ansible.template import trust_as_template

from ansible_collections.mfaops.iam.plugins.module_utils._audit.findings import KINDS
from ansible_collections.mfaops.iam.plugins.module_utils._audit.messages import account_label
from ansible_collections.mfaops.iam.plugins.module_utils._audit.messages import findings_message
from ansible_collections.mfaops.iam.plugins.module_utils._audit.messages import report_location

ACCOUNT = "123456789012"
FILES = {"json": "/r/%s/mfa_audit.json" % ACCOUNT, "markdown": "/r/%s/mfa_audit.md" % ACCOUNT}
S3 = {"json": "s3://b/p/%s/mfa_audit.json" % ACCOUNT, "markdown": "s3://b/p/%s/mfa_audit.md" % ACCOUNT}

# The role's vars/main.yml and last task before the texts moved into the task (the folded scalar's lines joined).
OLD_LABEL = ("{{ inventory_hostname }}{{ (' (' ~ aws_account_id ~ ')') "
             "if (aws_account_id | default(inventory_hostname)) != inventory_hostname else '' }}")
OLD_WHERE = ("{{ (files.markdown ~ ' and ' ~ files.json) if files is mapping "
             "else (s3_objects.markdown | default('the report')) }}")
OLD_MESSAGE = ("The MFA audit{{ of_account }} has {{ report.failing.values() | sum }} finding(s) of kinds "
               "that fail the play {{ report.failing | to_json }} ({{ report.totals.findings }} in all: "
               "{{ report.summary | dict2items | selectattr('value') | items2dict | to_json }}); see {{ where }}.")


def render(template, **variables):
    return Templar(loader=DataLoader(), variables=variables).template(trust_as_template(template))


def random_report(rng):
    summary = {kind: rng.choice([0, 0, 1, 2, 17]) for kind in KINDS}
    selected = rng.sample(KINDS, rng.randint(0, len(KINDS)))
    failing = {kind: summary[kind] for kind in KINDS if kind in selected and summary[kind]}
    return {"summary": summary, "failing": failing, "totals": {"findings": sum(summary.values())}}


@pytest.mark.parametrize("seed", range(40))
def test_the_message_is_the_one_the_role_rendered(seed):
    rng = random.Random(seed)
    report = random_report(rng)
    host = rng.choice(["localhost", "prod", ACCOUNT])
    account_id = rng.choice([None, ACCOUNT])
    files, s3_objects = rng.choice([(FILES, None), (FILES, S3), (None, S3), (None, None)])
    named = rng.random() < 0.5
    variables = {"inventory_hostname": host, "files": files, "s3_objects": s3_objects}
    if account_id:
        variables["aws_account_id"] = account_id
    label = render(OLD_LABEL, **variables)
    assert account_label(host, account_id) == label
    where = render(OLD_WHERE, **variables)
    assert report_location(files, s3_objects) == where
    message = findings_message(report, account_label(host, account_id) if named else None,
                               report_location(files, s3_objects))
    if not report["failing"]:
        assert message is None
    else:
        assert message == render(OLD_MESSAGE, report=report, where=where,
                                 of_account=" of account %s" % label if named else "")


def test_the_message_says_how_many_of_which_kinds_and_where():
    report = {"summary": dict.fromkeys(KINDS, 0), "failing": {"root_without_mfa": 1}, "totals": {"findings": 3}}
    report["summary"].update(users_without_mfa=2, root_without_mfa=1)
    assert findings_message(report, account_label("prod", ACCOUNT), report_location(FILES)) == (
        'The MFA audit of account prod (%s) has 1 finding(s) of kinds that fail the play {"root_without_mfa": 1} '
        '(3 in all: {"users_without_mfa": 2, "root_without_mfa": 1}); see /r/%s/mfa_audit.md and '
        "/r/%s/mfa_audit.json." % (ACCOUNT, ACCOUNT, ACCOUNT)
    )
    assert findings_message(report).startswith("The MFA audit has 1 finding(s)")
    assert findings_message(report).endswith("; see the report.")


@pytest.mark.parametrize("failing", [{}, None])
def test_no_message_when_nothing_fails(failing):
    report = {"summary": {"users_without_mfa": 4}, "failing": failing, "totals": {"findings": 4}}
    assert findings_message(report, "prod", "the report") is None


@pytest.mark.parametrize("host, account_id, label", [
    ("prod", ACCOUNT, "prod (%s)" % ACCOUNT),
    (ACCOUNT, ACCOUNT, ACCOUNT),
    ("localhost", None, "localhost"),
    ("localhost", "", "localhost"),
    (None, ACCOUNT, ACCOUNT),
])
def test_the_account_label(host, account_id, label):
    assert account_label(host, account_id) == label


def test_the_report_location_prefers_the_controllers_files_then_s3():
    assert report_location(FILES, S3) == "%s and %s" % (FILES["markdown"], FILES["json"])
    assert report_location(None, S3) == S3["markdown"]
    assert report_location() == "the report"
