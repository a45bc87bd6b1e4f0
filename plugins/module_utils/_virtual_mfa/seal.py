# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Seal the bootstrap seed for its trip from the module to the action plugin.

The module's stdout is logged raw by ``ANSIBLE_DEBUG=1``, and so are the module's arguments (ansible-core's
``done with _execute_module`` debug line ignores no_log), so nothing the module is given may open what it returns.
The action plugin therefore draws a one-time Diffie-Hellman key pair per task (RFC 3526 group 14, 2048 bits) and
hands the module only the public half.  The module draws its own one-time pair, derives the shared secret, seals
the seed with it and returns its public half with the sealed value; only the action plugin, holding the private
half in memory, can derive the secret again.  Standard library only (the module may run where no crypto library
is): modular exponentiation for the key agreement, SHA-256 for the key derivation, a SHA-256 counter-mode keystream
(encrypt), then HMAC-SHA256 over the public halves, nonce and ciphertext (authenticate).

Key texts: ``new_key()`` returns ``"<private>.<public>"`` (base64 each); ``public_key()`` its public half, which is
what the module gets.  ``seal()`` accepts either; ``unseal()`` needs the pair.
"""

import base64
import binascii
import hashlib
import hmac
import os

# RFC 3526, 2048-bit MODP group (group 14): a safe prime, generator 2.
_P = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AACAA68FFFFFFFFFFFFFFFF", 16)
_G = 2
_GROUP_BYTES = 256
_PRIVATE_BYTES = 32  # a 256-bit exponent: 128-bit security, as the group itself
_NONCE_BYTES = 16
_TAG_BYTES = 32


class SealError(ValueError):
    """The sealed value or a key is malformed, or the value was sealed for another key."""


def _b64(data):
    return base64.b64encode(data).decode("ascii")


def _unb64(text, what):
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError, binascii.Error) as e:
        raise SealError("%s is not base64" % what) from e


def _public_number(data):
    """A peer's public half, checked: in [2, p-2], so neither 1 nor p-1 (which would fix the shared secret)."""
    number = int.from_bytes(data, "big")
    if len(data) != _GROUP_BYTES or not 2 <= number <= _P - 2:
        raise SealError("the public key is not a valid group element")
    return number


def new_key():
    """A fresh one-time key pair, as text: ``"<private>.<public>"``. Hand the module only ``public_key()`` of it."""
    private = os.urandom(_PRIVATE_BYTES)
    public = pow(_G, int.from_bytes(private, "big"), _P).to_bytes(_GROUP_BYTES, "big")
    return "%s.%s" % (_b64(private), _b64(public))


def public_key(key_text):
    """The public half of a key pair text (a public key text is returned as it is)."""
    return key_text.rpartition(".")[2]


def check_public_key(key_text):
    """Raise SealError unless ``key_text`` (a pair or its public half) holds a usable public key."""
    _public_number(_unb64(public_key(key_text), "the public key"))


def _keys(shared, public_a, public_b):
    material = hashlib.sha256(b"mfaops.iam seal v2" + shared.to_bytes(_GROUP_BYTES, "big") + public_a + public_b).digest()
    return hashlib.sha256(b"enc" + material).digest(), hashlib.sha256(b"mac" + material).digest()


def _keystream(enc_key, nonce, length):
    blocks = (hashlib.sha256(enc_key + nonce + counter.to_bytes(8, "big")).digest() for counter in range(length // 32 + 1))
    return b"".join(blocks)[:length]


def seal(key_text, plaintext):
    """Encrypt and authenticate ``plaintext`` (text) for the holder of the key pair whose public half is in
    ``key_text``; returns base64 text (this side's one-time public half, nonce, tag, ciphertext)."""
    their_public = _unb64(public_key(key_text), "the public key")
    their_number = _public_number(their_public)
    private = int.from_bytes(os.urandom(_PRIVATE_BYTES), "big")
    my_public = pow(_G, private, _P).to_bytes(_GROUP_BYTES, "big")
    enc_key, mac_key = _keys(pow(their_number, private, _P), their_public, my_public)
    data = plaintext.encode("utf-8")
    nonce = os.urandom(_NONCE_BYTES)
    cipher = bytes(a ^ b for a, b in zip(data, _keystream(enc_key, nonce, len(data))))
    tag = hmac.new(mac_key, my_public + nonce + cipher, hashlib.sha256).digest()
    return _b64(my_public + nonce + tag + cipher)


def unseal(key_text, sealed_text):
    """Reverse :func:`seal` with the key pair; raises :class:`SealError` when the value was tampered with, or
    sealed for another key."""
    private_text, dot, my_public_text = key_text.rpartition(".")
    if not dot:
        raise SealError("unsealing needs the key pair, not only its public half")
    private = int.from_bytes(_unb64(private_text, "the private key"), "big")
    my_public = _unb64(my_public_text, "the public key")
    blob = _unb64(sealed_text, "the sealed value")
    head = _GROUP_BYTES + _NONCE_BYTES + _TAG_BYTES
    if len(blob) < head:
        raise SealError("the sealed value is too short")
    their_public, nonce = blob[:_GROUP_BYTES], blob[_GROUP_BYTES:_GROUP_BYTES + _NONCE_BYTES]
    tag, cipher = blob[_GROUP_BYTES + _NONCE_BYTES:head], blob[head:]
    enc_key, mac_key = _keys(pow(_public_number(their_public), private, _P), my_public, their_public)
    if not hmac.compare_digest(tag, hmac.new(mac_key, their_public + nonce + cipher, hashlib.sha256).digest()):
        raise SealError("the sealed value does not authenticate with this task's key")
    try:
        return bytes(a ^ b for a, b in zip(cipher, _keystream(enc_key, nonce, len(cipher)))).decode("utf-8")
    except UnicodeDecodeError as e:  # cannot happen after a good tag; kept so that nothing but SealError escapes
        raise SealError("the sealed value is not text") from e
