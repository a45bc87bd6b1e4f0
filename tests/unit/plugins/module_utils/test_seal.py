"""seal.py: the seed sealed by the module opens only with the action plugin's key pair; anything else is SealError."""

import base64

import pytest

from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa import seal as sealing
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.seal import SealError
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.seal import check_public_key
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.seal import new_key
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.seal import public_key
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.seal import seal
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.seal import unseal

SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_the_key_pair_opens_what_was_sealed_for_its_public_half():
    key = new_key()
    sealed = seal(public_key(key), SEED)
    assert unseal(key, sealed) == SEED
    assert SEED not in sealed and SEED.lower() not in sealed.lower()
    assert seal(public_key(key), SEED) != sealed, "a fresh one-time key pair and nonce every time"


def test_sealing_for_a_full_pair_uses_only_its_public_half():
    key = new_key()
    assert unseal(key, seal(key, SEED)) == SEED


def test_the_public_half_alone_does_not_open_it():
    """What ANSIBLE_DEBUG can log (the module's arguments and output) is the public half and the sealed value."""
    key = new_key()
    sealed = seal(public_key(key), SEED)
    with pytest.raises(SealError, match="needs the key pair"):
        unseal(public_key(key), sealed)


def test_another_key_pair_does_not_open_it():
    sealed = seal(public_key(new_key()), SEED)
    with pytest.raises(SealError, match="does not authenticate"):
        unseal(new_key(), sealed)


def test_the_right_private_half_with_another_public_half_does_not_open_it():
    key, other = new_key(), new_key()
    sealed = seal(public_key(key), SEED)
    with pytest.raises(SealError):
        unseal("%s.%s" % (key.split(".")[0], public_key(other)), sealed)


@pytest.mark.parametrize("where", ["public half", "nonce", "tag", "ciphertext", "truncated", "appended"])
def test_a_tampered_value_is_refused(where):
    key = new_key()
    blob = bytearray(base64.b64decode(seal(public_key(key), SEED)))
    offsets = {"public half": 100, "nonce": 256 + 3, "tag": 256 + 16 + 5, "ciphertext": len(blob) - 1}
    if where == "truncated":
        blob = blob[:-1]
    elif where == "appended":
        blob += b"\0"
    else:
        blob[offsets[where]] ^= 0x01
    with pytest.raises(SealError):
        unseal(key, base64.b64encode(bytes(blob)).decode())


@pytest.mark.parametrize("sealed", ["", "not base64!", base64.b64encode(b"short").decode(), "é"])
def test_malformed_sealed_values_are_seal_errors(sealed):
    with pytest.raises(SealError):
        unseal(new_key(), sealed)


@pytest.mark.parametrize("public", [0, 1, sealing._P - 1, sealing._P, sealing._P + 1])
def test_degenerate_public_keys_are_refused(public):
    """1 and p-1 (and values outside the group) would fix the shared secret whatever the private half."""
    text = base64.b64encode(public.to_bytes(257, "big")[-256:] if public < 2 ** 2048 else b"\xff" * 257).decode()
    with pytest.raises(SealError):
        check_public_key(text)
    with pytest.raises(SealError):
        seal(text, SEED)


@pytest.mark.parametrize("key", ["", "AAAA", "not base64!", "x" * 44])
def test_garbage_keys_are_seal_errors(key):
    with pytest.raises(SealError):
        check_public_key(key)
    with pytest.raises(SealError):
        unseal(key, seal(public_key(new_key()), SEED))
