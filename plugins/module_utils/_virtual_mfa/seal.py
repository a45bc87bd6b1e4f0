# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Seal the bootstrap seed for its trip from the module to the action plugin.

The module's stdout is logged raw by ``ANSIBLE_DEBUG=1`` and may be kept by tooling, so the seed never travels in
clear: the action plugin generates a one-time key per task, hands it to the module as a no_log argument, and the
module returns only ``seal(key, seed)``.  Standard library only (the module may run where no crypto library is):
a SHA-256 counter-mode keystream (encrypt) followed by HMAC-SHA256 over nonce and ciphertext (authenticate).
"""

import base64
import hashlib
import hmac
import os

KEY_BYTES = 32
_NONCE_BYTES = 16


class SealError(ValueError):
    """The sealed value is malformed, or was sealed with another key."""


def new_key():
    """A fresh one-time key, as text (it travels as a module argument)."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def _keys(key_text):
    key = base64.b64decode(key_text.encode("ascii"), validate=True)
    if len(key) != KEY_BYTES:
        raise SealError("the seal key must be %d bytes" % KEY_BYTES)
    return hashlib.sha256(b"enc" + key).digest(), hashlib.sha256(b"mac" + key).digest()


def _keystream(enc_key, nonce, length):
    blocks = (hashlib.sha256(enc_key + nonce + counter.to_bytes(8, "big")).digest() for counter in range(length // 32 + 1))
    return b"".join(blocks)[:length]


def seal(key_text, plaintext):
    """Encrypt and authenticate ``plaintext`` (text) with the one-time key; returns base64 text."""
    enc_key, mac_key = _keys(key_text)
    data = plaintext.encode("utf-8")
    nonce = os.urandom(_NONCE_BYTES)
    cipher = bytes(a ^ b for a, b in zip(data, _keystream(enc_key, nonce, len(data))))
    tag = hmac.new(mac_key, nonce + cipher, hashlib.sha256).digest()
    return base64.b64encode(nonce + tag + cipher).decode("ascii")


def unseal(key_text, sealed_text):
    """Reverse :func:`seal`; raises :class:`SealError` when the value was tampered with or sealed with another key."""
    enc_key, mac_key = _keys(key_text)
    try:
        blob = base64.b64decode(sealed_text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as e:
        raise SealError("the sealed value is not base64") from e
    nonce, tag, cipher = blob[:_NONCE_BYTES], blob[_NONCE_BYTES:_NONCE_BYTES + 32], blob[_NONCE_BYTES + 32:]
    if not hmac.compare_digest(tag, hmac.new(mac_key, nonce + cipher, hashlib.sha256).digest()):
        raise SealError("the sealed value does not authenticate with this task's key")
    return bytes(a ^ b for a, b in zip(cipher, _keystream(enc_key, nonce, len(cipher)))).decode("utf-8")
