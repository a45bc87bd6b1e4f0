"""totp.py against RFC 6238 Appendix B (SHA-1; IAM uses six digits, the low six of the RFC's eight)."""

import base64

import pyotp
import pytest

from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.totp import codes_ahead
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.totp import consecutive_codes
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.totp import normalize_seed
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.totp import seconds_to_next_window

# RFC 6238 Appendix B: the SHA-1 secret is the ASCII string "12345678901234567890".
RFC_SEED = base64.b32encode(b"12345678901234567890").decode()
RFC_SHA1 = {59: "94287082", 1111111109: "07081804", 1111111111: "14050471", 1234567890: "89005924",
            2000000000: "69279037", 20000000000: "65353130"}


@pytest.mark.parametrize("t, eight_digits", sorted(RFC_SHA1.items()))
def test_rfc6238_appendix_b_sha1_vectors(t, eight_digits):
    _previous, current = consecutive_codes(RFC_SEED, now=t)
    assert current == eight_digits[-6:]


def test_t59_is_287082_and_the_pair_is_previous_window_then_current():
    assert consecutive_codes(RFC_SEED, now=59) == (pyotp.TOTP(RFC_SEED).at(29), "287082")
    assert consecutive_codes(RFC_SEED, now=89)[0] == "287082"


def test_codes_ahead_are_the_pairs_the_module_would_compute_in_each_window():
    now = 1111111111.5
    ahead = codes_ahead(RFC_SEED, 20, now=now)
    assert ahead["offset"] == pytest.approx(now % 30)
    assert len(ahead["pairs"]) == 20
    for index, pair in enumerate(ahead["pairs"]):
        assert tuple(pair) == consecutive_codes(RFC_SEED, now=now + 30 * index)
    assert ahead["pairs"][0][1] == "050471"


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


def test_seconds_to_next_window():
    assert seconds_to_next_window(now=59) == 1
    assert seconds_to_next_window(now=60) == 30
