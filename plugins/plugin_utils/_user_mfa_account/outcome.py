# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What user_mfa_account did (or in check mode would do) for each entry, and the task result made of them.

Nothing here holds a seed, a TOTP code or a session key: a device is its public view, a bootstrap file its path,
method and mode, a failure its message and the IAM operation that failed.
"""

from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.transform import diff_view
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.transform import public_view


def failure_text(error):
    """An MFAError's message with the AWS error it wraps (botocore's text names the operation and the error code)."""
    if error.exception is None or str(error.exception) in error.message:
        return error.message
    return "%s: %s" % (error.message, error.exception)


def operation_of(error):
    """The IAM operation whose call failed (botocore's operation name), or None."""
    return getattr(error.exception, "operation_name", None)


class Outcome:
    """One entry: ``changed`` (its IAM user or devices changed), the device published for it, the devices deleted,
    the bootstrap file written and the failure, if any."""

    def __init__(self, planned):
        self.name = planned["name"]
        self.state = planned["state"]
        self.changed = False
        self.user_created = False
        self.device = planned["device_after"]
        # The diff's "before": the device as listed; for offboarding, the devices deleted.
        self.before = diff_view(planned["device"]) if planned["state"] == "present" else []
        self.deleted = []
        self.bootstrap_file = None
        self.msg = None
        self.operation = None

    @property
    def failed(self):
        return self.msg is not None

    def fail(self, message, operation=None):
        if self.msg is None:  # the first failure is the one that stopped the entry
            self.msg, self.operation = message, operation

    def fail_with(self, error):
        self.fail(failure_text(error), operation_of(error))

    def as_dict(self):
        return dict(
            name=self.name, state=self.state, changed=self.changed, user_created=self.user_created,
            device=public_view(self.device), deleted=list(self.deleted), bootstrap_file=self.bootstrap_file,
            failed=self.failed, msg=self.msg, operation=self.operation,
        )


def task_result(outcomes, directory, diff):
    """The task result: per-entry outcomes and the views the user_mfa role publishes; failed when any entry failed."""
    changed_users = [outcome.name for outcome in outcomes if outcome.changed]
    result = dict(
        changed=bool(changed_users),
        changed_users=changed_users,
        devices=[public_view(outcome.device) for outcome in outcomes],
        bootstrap_files=[outcome.bootstrap_file["path"] for outcome in outcomes if outcome.bootstrap_file],
        bootstrap_directory=directory,
        users=[outcome.as_dict() for outcome in outcomes],
        failures=[dict(user=outcome.name, operation=outcome.operation, msg=outcome.msg)
                  for outcome in outcomes if outcome.failed],
    )
    if result["failures"]:
        result["failed"] = True
        result["msg"] = "%d of %d users failed: %s" % (
            len(result["failures"]), len(outcomes),
            " ".join("[%s] %s" % (failure["user"], failure["msg"]) for failure in result["failures"]))
    if diff:
        result["diff"] = dict(
            before={outcome.name: outcome.before for outcome in outcomes if outcome.changed},
            after={outcome.name: diff_view(outcome.device) if outcome.state == "present" else []
                   for outcome in outcomes if outcome.changed},
        )
    return result
