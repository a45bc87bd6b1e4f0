# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's one exception class, its error handler, and the retry policy for IAM calls.

Retries live in one layer per kind of error, never stacked:
- botocore's standard retry mode (CLIENT_CONFIG) retries what it knows: throttling, 5xx answers (ServiceFailure
  included), dropped connections and timeouts, ``max_attempts`` retries after the first try;
- RETRY retries only IAM's own "try again later" answers, which botocore does not know (EntityTemporarilyUnmodifiable,
  ConcurrentModification), and RETRY_FRESH also NoSuchEntity on a device created moments ago (eventual consistency).
A throttled call is therefore tried 1 + CLIENT_CONFIG's max_attempts times, not that many times RETRY's retries.
"""

from ansible_collections.amazon.aws.plugins.module_utils.iam import AnsibleIAMError
from ansible_collections.amazon.aws.plugins.module_utils.iam import IAMErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# IAM answers these while another change to the same entity is in flight; they clear on their own.
IAM_CONFLICT_CODES = ("EntityTemporarilyUnmodifiable", "ConcurrentModification")

# botocore's own retries: throttling, 5xx, connection errors. A task's aws_config still wins (merged after this).
MAX_ATTEMPTS = 10
CLIENT_CONFIG = {"retries": {"mode": "standard", "max_attempts": MAX_ATTEMPTS}}


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


class MFAErrorHandler(IAMErrorHandler):
    """amazon.aws's IAM handler (NoSuchEntity = missing), raising :class:`MFAError`."""

    _CUSTOM_EXCEPTION = MFAError
