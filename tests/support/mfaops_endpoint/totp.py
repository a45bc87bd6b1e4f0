"""TOTP checks for EnableMFADevice and ResyncMFADevice: the endpoint's model of how IAM judges a pair of codes.

The model (what IAM does, as far as the endpoint can tell; see shared/IAM-FACTS.md):

* Both codes are exactly six digits (else ValidationError, 400).
* They are the codes of two consecutive 30-second windows of the device's seed (RFC 6238: SHA-1, 6 digits), the
  second one being the current window, give or take one window of clock drift. Anything else answers
  InvalidAuthenticationCode (403).
* A code is accepted only once per device. Once Enable or Resync accepted a pair, the two windows it used are spent
  for that device: a later Enable or Resync of the same device that uses a code of either window answers
  InvalidAuthenticationCode (403), even after DeactivateMFADevice. A caller that needs two calls in a row (enable,
  then resync) must wait for fresh windows. Windows are remembered on the device, so deleting and recreating a device
  (new seed) starts afresh, and so does a reset of the endpoint.

The endpoint's TOTP clock is the real clock plus ``CLOCK["offset_seconds"]`` (control API ``POST clock``), so that
tests can move it forward together with the clock they inject into the code under test instead of waiting for real
30-second windows. A reset sets it back to 0.
"""

from __future__ import annotations

import re
import time

import pyotp
from moto.iam.exceptions import IAMException, ValidationError

CODE_RE = re.compile(r"[0-9]{6}")
DRIFT_WINDOWS = 1  # the second code may be one window early or late
CLOCK = {"offset_seconds": 0.0}


def now() -> float:
    """The endpoint's TOTP time: the real clock plus the offset tests set."""
    return time.time() + CLOCK["offset_seconds"]


class InvalidAuthenticationCode(IAMException):
    code = "InvalidAuthenticationCode"
    message = "Authentication code for device is not valid."  # 403: the status comes from botocore's IAM model


def _malformed(code: str, field: str) -> ValidationError:
    return ValidationError(
        f"1 validation error detected: Value '{code}' at '{field}' failed to satisfy constraint: "
        "Member must be exactly 6 digits"
    )


def _spent(device) -> set[int]:
    if not hasattr(device, "spent_windows"):
        device.spent_windows = set()
    return device.spent_windows


def check_codes(device, code1: str, code2: str) -> None:
    """Accept (and spend) the two codes for `device` (a moto VirtualMfaDevice), or raise as IAM would."""
    for field, code in (("authenticationCode1", code1), ("authenticationCode2", code2)):
        if not CODE_RE.fullmatch(code or ""):
            raise _malformed(code, field)
    totp = pyotp.TOTP(device.base32_string_seed)  # 30 s, 6 digits, SHA1
    current = int(now()) // 30
    spent = _spent(device)
    for window in range(current - DRIFT_WINDOWS, current + DRIFT_WINDOWS + 1):
        if (code1, code2) == (totp.at((window - 1) * 30), totp.at(window * 30)):
            if {window - 1, window} & spent:
                break  # a code already used for this device
            spent.update((window - 1, window))
            return
    raise InvalidAuthenticationCode()
