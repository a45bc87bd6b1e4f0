# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TOTP codes for EnableMFADevice and ResyncMFADevice, computed with pyotp (RFC 6238: SHA-1, 6 digits, 30 s)."""

import base64
import binascii
import time

try:
    import pyotp

    HAS_PYOTP = True
except ImportError:
    HAS_PYOTP = False

STEP_SECONDS = 30
# pyotp refuses shorter secrets (NIST SP 800-63B); every seed AWS issues is 320 bits.
MIN_SEED_BITS = 112


def normalize_seed(seed):
    """The Base32 seed without spaces or padding, upper case; raises ValueError when it is not Base32."""
    text = "".join(str(seed).split()).upper().rstrip("=")
    if not text:
        raise ValueError("the seed is empty")
    try:
        key = base64.b32decode(text + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError) as e:
        raise ValueError("the seed is not a Base32 string") from e
    if len(key) * 8 < MIN_SEED_BITS:
        raise ValueError("the seed holds %d bits; at least %d are needed (AWS issues 320)" % (len(key) * 8, MIN_SEED_BITS))
    return text


def consecutive_codes(seed, now=None):
    """The two codes IAM expects: the previous 30-second window's and the current one's, i.e. (T-30 s, T)."""
    now = time.time() if now is None else now
    totp = pyotp.TOTP(normalize_seed(seed))
    return totp.at(now - STEP_SECONDS), totp.at(now)


def codes_ahead(seed, windows, now=None):
    """The code pairs for the current 30-second window and the ``windows - 1`` after it, so that the seed itself
    need not travel: ``{"offset": seconds into the current window, "pairs": [[T-30 s, T], [T, T+30 s], ...]}``."""
    now = time.time() if now is None else now
    totp = pyotp.TOTP(normalize_seed(seed))
    first = int(now // STEP_SECONDS)
    pairs = [[totp.at((window - 1) * STEP_SECONDS), totp.at(window * STEP_SECONDS)] for window in range(first, first + windows)]
    return {"offset": now - first * STEP_SECONDS, "pairs": pairs}


def seconds_to_next_window(now=None):
    """How long until the next 30-second window starts (used to retry once with fresh codes)."""
    now = time.time() if now is None else now
    return STEP_SECONDS - (now % STEP_SECONDS)
