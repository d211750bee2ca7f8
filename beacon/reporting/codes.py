"""References, receipt codes and the reporter's own reading key.

Both codes use an alphabet without characters that are easy to confuse when written down or read out
(no 0/O, 1/I/L, U/V pairs): 30 symbols, so each is worth log2(30) = 4.9 bits.

- A reference ("K7QM-2XDP") names a report in conversation; it is not a secret.
- A receipt code ("HX4R-9CWT-M2KD-7PQE-B3NF") is the anonymous reporter's only key back to their report:
  20 symbols from a cryptographic random source, 98 bits, far beyond guessing at any allowed rate.
  Beacon stores only a keyed hash of it (`receipt_hash`, under BEACON_RECEIPT_KEY). Receipts made before that
  key existed were hashed with the blind-index key, which the public side no longer holds: their reports are
  marked `receipt_legacy`, and are found by the reporter's reading key instead (`reader_key_opens`).
"""

import hashlib
import secrets

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox

from . import crypto

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_LENGTH = 8
RECEIPT_LENGTH = 20
RECEIPT_GROUP = 4


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def _group(code: str, size: int) -> str:
    return "-".join(code[i : i + size] for i in range(0, len(code), size))


def reference_new() -> str:
    return _group(_random(REFERENCE_LENGTH), 4)


def receipt_new() -> str:
    return _group(_random(RECEIPT_LENGTH), RECEIPT_GROUP)


def receipt_normalise(value: str) -> str | None:
    """The bare symbols of a receipt as typed (any case, spaces or dashes), or None if it cannot be one."""
    compact = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    if len(compact) != RECEIPT_LENGTH or any(ch not in ALPHABET for ch in compact):
        return None
    return compact


def receipt_hash(normalised: str) -> str:
    return crypto.receipt_digest(normalised)


# --- The reporter's reading key ----------------------------------------------------------------------


def _receipt_key(normalised: str, reference: str) -> bytes:
    return hashlib.blake2b(
        normalised.encode("ascii"),
        digest_size=SecretBox.KEY_SIZE,
        salt=hashlib.blake2b(reference.encode("ascii"), digest_size=16).digest(),
        person=b"beacon-receipt",
    ).digest()


def reader_keys_new(*, receipt_normalised: str, reference: str) -> tuple[bytes, bytes]:
    """(public key, private key locked with the receipt code) for a new anonymous report."""
    private = PrivateKey.generate()
    locked = SecretBox(_receipt_key(receipt_normalised, reference)).encrypt(bytes(private))
    return bytes(private.public_key), bytes(locked)


def reader_seal(public_key: bytes, text: str) -> bytes:
    return SealedBox(PublicKey(bytes(public_key))).encrypt(text.encode("utf-8"))


def reader_box(*, receipt_normalised: str, reference: str, locked_key: bytes) -> SealedBox:
    private = SecretBox(_receipt_key(receipt_normalised, reference)).decrypt(bytes(locked_key))
    return SealedBox(PrivateKey(private))


def reader_key_opens(*, receipt_normalised: str, reference: str, locked_key: bytes) -> bool:
    """Whether this receipt code unlocks the report's reading key: SecretBox is authenticated, so only the code
    the key was locked with opens it. How a report made before BEACON_RECEIPT_KEY is found by its receipt."""
    if not locked_key:
        return False
    try:
        SecretBox(_receipt_key(receipt_normalised, reference)).decrypt(bytes(locked_key))
    except (CryptoError, TypeError, ValueError):
        return False
    return True
