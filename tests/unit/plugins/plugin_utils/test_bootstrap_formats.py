"""The bootstrap formats: rendering (the QR code decodes to the URI) and reading a seed back from text."""

import io

import pytest
import zxingcpp
from PIL import Image

from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_formats import otpauth_uri
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_formats import render
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_formats import seed_from_text

SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_uri_quotes_the_label_and_issuer_but_keeps_the_at_sign():
    assert otpauth_uri(SEED, "alice@123456789012", "AWS") == "otpauth://totp/alice@123456789012?secret=%s&issuer=AWS" % SEED
    assert otpauth_uri(SEED, "a b", "Example Corp").endswith("&issuer=Example%20Corp")
    assert otpauth_uri(SEED, "a b", "").startswith("otpauth://totp/a%20b?secret=")


def test_qr_png_decodes_to_the_uri():
    png = render("QRCodePNG", SEED, "alice@123456789012", "AWS")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [d.text for d in decoded] == [otpauth_uri(SEED, "alice@123456789012", "AWS")]


@pytest.mark.parametrize("method, expected", [
    ("Base32StringSeed", SEED + "\n"),
    ("OtpauthURI", "otpauth://totp/l?secret=%s&issuer=AWS\n" % SEED),
])
def test_text_formats(method, expected):
    assert render(method, SEED, "l", "AWS").decode() == expected


@pytest.mark.parametrize("text", [
    SEED, SEED.lower() + "\n", "  " + SEED[:16] + " " + SEED[16:] + "  ", SEED + "====",
    "otpauth://totp/alice@1?secret=%s&issuer=AWS" % SEED, "OTPAUTH://totp/x?issuer=y&secret=%s\n" % SEED.lower(),
])
def test_seed_is_read_back_from_every_text_form(text):
    assert seed_from_text(text) == SEED


@pytest.mark.parametrize("text, problem", [
    ("", "empty"),
    ("not base32 at all!", "not a Base32"),
    ("otpauth://hotp/x?secret=%s" % SEED, "not a TOTP"),
    ("otpauth://totp/x?issuer=AWS", "no secret"),
])
def test_unusable_text_is_rejected_without_echoing_it(text, problem):
    with pytest.raises(ValueError) as error:
        seed_from_text(text)
    assert problem in str(error.value)
    assert SEED not in str(error.value)
