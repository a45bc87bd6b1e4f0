# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's one exception class, its error handler, and the retry policy for IAM calls.

Retries live in one layer per kind of error, never stacked:
- botocore's standard retry mode (_common.client.CLIENT_CONFIG, every client's) retries what it knows: throttling,
  5xx answers (ServiceFailure included), dropped connections and timeouts, ``max_attempts`` retries after the first
  try;
- RETRY retries only IAM's own "try again later" answers, which botocore does not know (EntityTemporarilyUnmodifiable,
  ConcurrentModification), and RETRY_FRESH also NoSuchEntity on a device created moments ago (eventual consistency).
A throttled call is therefore tried 1 + CLIENT_CONFIG's max_attempts times, not that many times RETRY's retries.

Every failure of a call raises MFAError naming the call: amazon.aws's handler covers ClientError (whose text names the
operation) and BotoCoreError; MFAErrorHandler adds the operation's name to the latter and turns anything else raised
during the call (botocore's ResponseParserError for an answer that is not IAM's XML -- an endpoint without the
action, a proxy's HTML error page, a cut answer) into an MFAError too, without the answer's body (it may hold a seed).
"""

import functools

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.iam import AnsibleIAMError
from ansible_collections.amazon.aws.plugins.module_utils.iam import IAMErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# IAM answers these while another change to the same entity is in flight; they clear on their own.
IAM_CONFLICT_CODES = ("EntityTemporarilyUnmodifiable", "ConcurrentModification")


class _IAMConflictRetry(AWSRetry):
    """AWSRetry without its built-in list (Throttling and the like, which botocore already retries): only the codes
    given in ``catch_extra_error_codes``."""

    @staticmethod
    def found(response_code, catch_extra_error_codes=None):
        return response_code in (catch_extra_error_codes or ())


RETRY = _IAMConflictRetry.jittered_backoff(retries=6, delay=1, max_delay=10, catch_extra_error_codes=list(IAM_CONFLICT_CODES))

RETRY_FRESH = _IAMConflictRetry.jittered_backoff(
    retries=8, delay=1, max_delay=10, catch_extra_error_codes=list(IAM_CONFLICT_CODES) + ["NoSuchEntity"]
)


class MFAError(AnsibleIAMError):
    """A failure the task reports; ``message`` names the operation or the bad input."""


def operation_of(exception):
    """The name of the AWS operation (``ListMFADeviceTags``) being called when ``exception`` was raised, or None:
    a ClientError says it; for anything else it is found in the traceback, in botocore's BaseClient._make_api_call."""
    name = getattr(exception, "operation_name", None)
    trace = exception.__traceback__
    while name is None and trace is not None:
        frame = trace.tb_frame
        if frame.f_code.co_name == "_make_api_call" and isinstance(frame.f_locals.get("operation_name"), str):
            name = frame.f_locals["operation_name"]
        trace = trace.tb_next
    return name


def _unexpected(description, exception):
    """An MFAError for an exception outside botocore's ClientError and BotoCoreError families. Only the first line of
    botocore's own message is quoted (ResponseParserError's goes on with the answer's body, which may hold a seed)."""
    operation = operation_of(exception)
    kind = type(exception).__name__
    if type(exception).__module__.split(".")[0] == "botocore":
        lines = str(exception).strip().splitlines()
        kind = "%s: %s" % (kind, lines[0].rstrip(" :.")[:300]) if lines else kind
    if operation is None:
        return MFAError(message="Failed to %s: %s" % (description, kind))
    message = "Failed to %s: %s failed with %s" % (description, operation, kind)
    if type(exception).__name__ == "ResponseParserError":
        message += ". The answer was not IAM's: an endpoint that does not implement %s, or a proxy, answered" % (
            operation)
        if not operation.startswith(("List", "Get")):
            message += "; whether the call took effect is unknown"
    return MFAError(message=message)


class MFAErrorHandler(IAMErrorHandler):
    """amazon.aws's IAM handler (NoSuchEntity = missing), raising :class:`MFAError` for every exception a call
    raises. list_error_handler and deletion_error_handler build on common_error_handler, so they do too."""

    _CUSTOM_EXCEPTION = MFAError

    @classmethod
    def common_error_handler(cls, description):
        def wrapper(func):
            handled = super(MFAErrorHandler, cls).common_error_handler(description)(func)

            @functools.wraps(func)
            def handler(*args, **kwargs):
                try:
                    return handled(*args, **kwargs)
                except AnsibleAWSError as e:
                    operation = operation_of(e.exception) if e.exception is not None else None
                    if operation and operation not in "%s %s" % (e.message, e.exception):  # BotoCoreError: name it
                        e.message = "%s (%s)" % (e.message, operation)
                        e.args = (e.message,)
                    raise
                except Exception as e:  # pylint: disable=broad-except
                    raise _unexpected(description, e) from e

            return handler

        return wrapper
