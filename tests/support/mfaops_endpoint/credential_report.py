"""The credential report (GenerateCredentialReport, GetCredentialReport) as IAM writes it.

moto's report has no `<root_account>` row, fills the password columns of users without a console password with
"not_supported" and the user's creation date where IAM writes "N/A", and always says it was generated on
2015-02-02. Here:

* the first row is `<root_account>`, `arn:aws:iam::<acct>:root`, with "not_supported" password columns (as IAM) and
  mfa_active "true" while root holds any MFA (see root_mfa), no access keys and no certificates;
* a user without a login profile has password_enabled "false" and "N/A" for password_last_used,
  password_last_changed and password_next_rotation; a user with one has password_enabled "true";
* an access key never used has "N/A" (not moto's "not_supported") as its last used region and service;
* mfa_active is "true" when the user holds any MFA device: virtual, hardware or FIDO (other_devices);
* GeneratedTime is when GenerateCredentialReport made the report: as in IAM, a call makes a new one only when
  there is none or it is over four hours old.

Unlike IAM, the rows are computed when GetCredentialReport is called (IAM returns the snapshot it made, up to four
hours old), so a test need not wait or regenerate to see a change.
"""

from __future__ import annotations

from datetime import timedelta

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.iam import models
from moto.iam.responses import IamResponse

from . import root_mfa

DATE_FORMAT = "%Y-%m-%dT%H:%M:%S+00:00"
NO_PASSWORD = {-19: "false", -18: "N/A", -17: "N/A", -16: "N/A"}  # columns 3-6 of 22, counted from the end
HEADER_FIELDS = 22
KEY_LAST_USED = ((-12, -11, -10), (-7, -6, -5))  # access_key_N_last_used_date, _region, _service
MAX_AGE = timedelta(hours=4)


def _root_row(backend) -> str:
    fields = [
        "<root_account>", f"arn:{backend.partition}:iam::{backend.account_id}:root",
        root_mfa.account_created(backend).strftime(DATE_FORMAT),
        "not_supported", "no_information", "not_supported", "not_supported",
        "false" if root_mfa.kind_of(backend) == "none" else "true",
        "false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "false", "N/A",
    ]
    assert len(fields) == HEADER_FIELDS
    return ",".join(fields) + "\n"


def _user_row(user) -> str:
    fields = user.to_csv().rstrip("\n").split(",")  # names may hold commas: columns are indexed from the end
    if fields[-19] == "false":
        for index, value in NO_PASSWORD.items():
            fields[index] = value
    for date, region, service in KEY_LAST_USED:
        if fields[date] == "N/A":
            fields[region] = fields[service] = "N/A"
    return ",".join(fields) + "\n"


_moto_get_credential_report = models.IAMBackend.get_credential_report
_moto_generate_report = models.IAMBackend.generate_report


def get_credential_report(self) -> str:
    header = _moto_get_credential_report(self).split("\n", 1)[0]  # ReportNotPresent before any generation
    return header + "\n" + _root_row(self) + "".join(_user_row(u) for u in self.users.values())


def generate_report(self) -> None:
    _moto_generate_report(self)
    made = getattr(self, "credential_report_time", None)
    if made is None or utcnow() - made > MAX_AGE:
        self.credential_report_time = utcnow()


def r_get_credential_report(self) -> ActionResult:
    report = self.backend.get_credential_report()
    return ActionResult({
        "Content": report, "ReportFormat": "text/csv",
        "GeneratedTime": self.backend.credential_report_time,
    })


def install() -> None:
    models.IAMBackend.get_credential_report = get_credential_report
    models.IAMBackend.generate_report = generate_report
    IamResponse.get_credential_report = r_get_credential_report
