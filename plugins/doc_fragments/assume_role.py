# -*- coding: utf-8 -*-

# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    """The role a controller-side action of the collection assumes inside its own process."""

    DOCUMENTATION = r"""
options:
  assume_role_arn:
    description:
      - The ARN of an IAM role to assume (STS AssumeRole) before acting, for example the C(aws_assume_role_arn) that
        the inventory plugin P(mfaops.iam.aws_accounts#inventory) sets on each account's host.
      - The role is assumed with the task's own connection options (O(access_key), O(profile), O(endpoint_url), ...,
        C(module_defaults), the task's C(environment:)), and every AWS call of the task then acts as the role.
      - The task runs in the controller's process, so the session's access key id, secret access key and session
        token stay there; they are never a task argument, fact, result, warning or log line, even with
        C(ANSIBLE_DEBUG). Within one worker process (the items of a loop) a session is reused until five minutes
        before it expires.
      - A role that cannot be assumed fails the task with a message naming the role ARN and the AWS error code.
      - Unset (the default), the task acts with its own credentials.
    type: str
  role_session_name:
    description:
      - The name of the assumed role's session, as it shows in the account's CloudTrail; 2 to 64 characters of
        letters, digits and C(+=,.@_-). Only used with O(assume_role_arn).
    type: str
    default: mfaops
  external_id:
    description:
      - The external id the role's trust policy asks for (C(sts:ExternalId)). Only used with O(assume_role_arn).
    type: str
  duration_seconds:
    description:
      - How long the session lasts, from 900 seconds to the role's maximum (at most 43200). AWS's default (one hour)
        when unset. Only used with O(assume_role_arn).
    type: int
"""
