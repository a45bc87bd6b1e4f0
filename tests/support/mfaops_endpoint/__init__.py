"""Local IAM endpoint for mfaops.iam tests: moto made faithful for virtual MFA devices, plus fault knobs."""

from .client import Endpoint
from .request_log import is_write

__all__ = ["Endpoint", "is_write"]
