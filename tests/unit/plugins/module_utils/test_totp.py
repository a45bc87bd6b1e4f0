"""totp.py against RFC 6238 Appendix B (SHA-1; IAM uses six digits, the low six of the RFC's eight)."""

import base64

import pyotp
import pytest

from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.totp import CodeClock
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.totp import codes_for_window
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.totp import normalize_seed
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.totp import window

# RFC 6238 Appendix B: the SHA-1 secret is the ASCII string "12345678901234567890".
RFC_SEED = base64.b32encode(b"12345678901234567890").decode()
RFC_SHA1 = {59: "94287082", 1111111109: "07081804", 1111111111: "14050471", 1234567890: "89005924",
            2000000000: "69279037", 20000000000: "65353130"}


def consecutive_codes(seed, now):
    return codes_for_window(seed, window(now))


@pytest.mark.parametrize("t, eight_digits", sorted(RFC_SHA1.items()))
def test_rfc6238_appendix_b_sha1_vectors(t, eight_digits):
    _previous, current = consecutive_codes(RFC_SEED, now=t)
    assert current == eight_digits[-6:]


def test_t59_is_287082_and_the_pair_is_previous_window_then_current():
    assert consecutive_codes(RFC_SEED, now=59) == (pyotp.TOTP(RFC_SEED).at(29), "287082")
    assert consecutive_codes(RFC_SEED, now=89)[0] == "287082"


class FakeTime:
    def __init__(self, now):
        self.now = now
        self.slept = []

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds

    def time(self):
        return self.now


def test_the_clock_never_hands_out_a_code_twice():
    """IAM takes a code once per device: the second pair waits for a window whose codes are both new."""
    fake = FakeTime(1111111111.5)  # 1.5 s into window 37037037
    clock = CodeClock(RFC_SEED, sleep=fake.sleep, now=fake.time)
    first = clock.next_pair()
    assert first == consecutive_codes(RFC_SEED, 1111111111.5) and first[1] == "050471"
    second = clock.next_pair()
    assert not set(first) & set(second)
    assert window(fake.now) == window(1111111111.5) + 2
    assert sum(fake.slept) == pytest.approx(2 * 30 - 1.5 + 0.5)


def test_the_clock_does_not_wait_when_two_windows_have_passed():
    fake = FakeTime(1000.0)
    clock = CodeClock(RFC_SEED, sleep=fake.sleep, now=fake.time)
    clock.next_pair()
    fake.now += 65
    clock.next_pair()
    assert fake.slept == []


@pytest.mark.parametrize("seed, message", [
    ("", "empty"), ("not base32!", "not a Base32 string"), ("ABCD1890ABCD1890ABCD1890", "not a Base32 string"),
    ("JBSWY3DPEHPK3PXP", "holds 80 bits; at least 112"),
])
def test_bad_seeds(seed, message):
    with pytest.raises(ValueError, match=message):
        normalize_seed(seed)


def test_seed_spaces_case_and_padding_are_normalized():
    spaced = " ".join(RFC_SEED.lower()[i:i + 4] for i in range(0, len(RFC_SEED), 4))
    assert normalize_seed(" %s \n" % spaced) == RFC_SEED
    assert normalize_seed(RFC_SEED[:-4] + "====") == RFC_SEED[:-4]
