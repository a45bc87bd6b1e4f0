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


def window(now=None):
    """The number of the 30-second window ``now`` falls in."""
    return int((time.time() if now is None else now) // STEP_SECONDS)


def codes_for_window(seed, number):
    """The two codes IAM expects in window ``number``: the previous window's and this one's, i.e. (T-30 s, T)."""
    totp = pyotp.TOTP(normalize_seed(seed))
    return totp.at((number - 1) * STEP_SECONDS), totp.at(number * STEP_SECONDS)


class CodeClock:
    """Hands out code pairs from a seed, never one that shares a code with a pair handed out before.

    IAM accepts a TOTP code once per device, so a call after another (a resync that checked the seed, then the
    enable; or a retry after InvalidAuthenticationCode) waits for a window whose pair is entirely new.
    ``sleep`` and ``now`` are injectable for tests.
    """

    def __init__(self, seed, sleep=time.sleep, now=time.time):
        self.seed = seed
        self.sleep = sleep
        self.now = now
        self.last_window = None

    def next_pair(self):
        current = window(self.now())
        if self.last_window is not None and current < self.last_window + 2:
            target = self.last_window + 2  # the pair (target-1, target) shares nothing with (last-1, last)
            self.sleep(target * STEP_SECONDS - self.now() + 0.5)
            current = max(target, window(self.now()))
        self.last_window = current
        return codes_for_window(self.seed, current)
