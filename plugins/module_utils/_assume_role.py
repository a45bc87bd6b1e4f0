# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of a controller-side task that acts in another account through STS AssumeRole, as
amazon.aws.sts_assume_role and the aws_accounts inventory mean them (doc fragment mfaops.iam.assume_role).

plugin_utils/_aws_connection.py assumes the role inside the task's process; this file holds only the options, their
check and the AssumeRole call's parameters, so that the argument specs can share them.
"""

import re

ASSUME_ROLE_OPTIONS = ("assume_role_arn", "role_session_name", "external_id", "duration_seconds")
DEFAULT_SESSION_NAME = "mfaops"
MIN_DURATION, MAX_DURATION = 900, 43200
_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}")


def assume_role_spec():
    """The four options, to add to a task's argument spec."""
    return dict(
        assume_role_arn=dict(type="str"),
        role_session_name=dict(type="str", default=DEFAULT_SESSION_NAME),
        external_id=dict(type="str"),
        duration_seconds=dict(type="int"),
    )


def assume_role_problem(params):
    """What is wrong with the options, as a message, or None; checked before any AWS call."""
    name = params.get("role_session_name")
    if params.get("assume_role_arn") is not None and not params["assume_role_arn"].startswith("arn:"):
        return (
            "assume_role_arn %r is not a role ARN (arn:aws:iam::<account id>:role/<name>)" % params["assume_role_arn"]
        )
    if name is not None and not _SESSION_NAME.fullmatch(name):
        return "role_session_name must be 2 to 64 characters of letters, digits and +=,.@_-, not %r" % name
    duration = params.get("duration_seconds")
    if duration is not None and not MIN_DURATION <= duration <= MAX_DURATION:
        return "duration_seconds must be between %d and %d, not %d" % (MIN_DURATION, MAX_DURATION, duration)
    return None


def assume_role_call(params):
    """The keyword arguments of STS AssumeRole for the options."""
    call = {
        "RoleArn": params["assume_role_arn"],
        "RoleSessionName": params.get("role_session_name") or DEFAULT_SESSION_NAME,
    }
    if params.get("external_id"):
        call["ExternalId"] = params["external_id"]
    if params.get("duration_seconds"):
        call["DurationSeconds"] = params["duration_seconds"]
    return call
