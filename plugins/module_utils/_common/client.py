# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The botocore client settings every client of the collection is built with (IAM, STS, S3, Organizations).

botocore's standard retry mode retries what it knows: throttling, 5xx answers (ServiceFailure included), dropped
connections and timeouts, ``max_attempts`` retries after the first try.  IAM's own "try again later" answers are
retried one layer up (``_virtual_mfa.errors.RETRY``), never both.  A task's aws_config still wins (merged after this).
"""

MAX_ATTEMPTS = 10
CLIENT_CONFIG = {"retries": {"mode": "standard", "max_attempts": MAX_ATTEMPTS}}


def pool_config(max_workers):
    """botocore client settings that give every worker its own HTTP connection (botocore keeps 10 by default)."""
    return {"max_pool_connections": max(10, int(max_workers))}


def client_config(max_workers=None):
    """CLIENT_CONFIG, with a connection pool for ``max_workers`` threads sharing the client when given."""
    if max_workers is None:
        return dict(CLIENT_CONFIG)
    return dict(CLIENT_CONFIG, **pool_config(max_workers))
