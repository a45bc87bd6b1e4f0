# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The three bootstrap formats (QR code PNG, Base32 seed, otpauth URI): render them, and read a seed back from text."""

import io
from urllib.parse import parse_qs
from urllib.parse import quote
from urllib.parse import urlsplit

from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.totp import normalize_seed

try:
    import qrcode
    from qrcode.image.pure import PyPNGImage

    HAS_QRCODE = True
except ImportError:
    HAS_QRCODE = False

TEXT_METHODS = ("Base32StringSeed", "OtpauthURI")


def otpauth_uri(seed, label, issuer):
    """``otpauth://totp/<label>?secret=<seed>&issuer=<issuer>``, the URI authenticator apps read from the QR code."""
    uri = "otpauth://totp/%s?secret=%s" % (quote(label, safe="@"), seed)
    if issuer:
        uri += "&issuer=%s" % quote(issuer, safe="")
    return uri


def render(method, seed, label, issuer):
    """The bootstrap file's bytes."""
    if method == "Base32StringSeed":
        return (seed + "\n").encode("ascii")
    uri = otpauth_uri(seed, label, issuer)
    if method == "OtpauthURI":
        return (uri + "\n").encode("ascii")
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(uri)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(image_factory=PyPNGImage).save(buffer)
    return buffer.getvalue()


def seed_from_text(text):
    """The seed held by a Base32StringSeed or OtpauthURI file; raises ValueError without quoting the content."""
    text = text.strip()
    if text.lower().startswith("otpauth://"):
        parts = urlsplit(text)
        if parts.netloc.lower() != "totp":
            raise ValueError("the otpauth URI is not a TOTP URI")
        secrets = parse_qs(parts.query).get("secret")
        if not secrets:
            raise ValueError("the otpauth URI has no secret parameter")
        return normalize_seed(secrets[0])
    return normalize_seed(text)
