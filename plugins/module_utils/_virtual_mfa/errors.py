# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's one exception class, its error handler, and the retry policies for IAM calls."""

from ansible_collections.amazon.aws.plugins.module_utils.iam import AnsibleIAMError
from ansible_collections.amazon.aws.plugins.module_utils.iam import IAMErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# IAM answers these while another change to the same device is in flight; they clear on their own.
TRANSIENT_CODES = ["EntityTemporarilyUnmodifiable", "ConcurrentModification", "ServiceFailure"]

# Every call: Throttling and the other standard codes (AWSRetry's defaults) plus the transient ones above.
RETRY = AWSRetry.jittered_backoff(retries=8, delay=1, max_delay=20, catch_extra_error_codes=TRANSIENT_CODES)

# Calls on a device created moments ago: IAM is eventually consistent and may not know the device yet.
RETRY_FRESH = AWSRetry.jittered_backoff(
    retries=8, delay=1, max_delay=10, catch_extra_error_codes=TRANSIENT_CODES + ["NoSuchEntity"]
)

# botocore's own retries (below RETRY): connection errors (reset, closed, read timeout) and 5xx answers are not
# ClientErrors, so only botocore retries them; its default of 3 attempts gives up on a flaky network too soon.
# A task's aws_config still wins (merged after this).
CLIENT_CONFIG = {"retries": {"mode": "standard", "max_attempts": 10}}


class MFAError(AnsibleIAMError):
    """A failure the module reports with ``fail_json``; ``message`` names the operation or the bad input."""


class MFAErrorHandler(IAMErrorHandler):
    """amazon.aws's IAM handler (NoSuchEntity = missing), raising :class:`MFAError`."""

    _CUSTOM_EXCEPTION = MFAError
