"""Report content encryption, blind indexes and receipt digests.

Report content is sealed with libsodium sealed boxes (PyNaCl): anyone holding the public key can
encrypt, only the private key decrypts. Identifiers that staff need to match across reports (phone
numbers, registrations, postcodes, handles, names) are also stored as keyed HMAC-SHA256 "blind indexes" of
their normalised form, so reports can be linked without decrypting anything. Receipt codes are stored as a
keyed HMAC too, under a key of their own.

Who holds which key (docs/deploy.md):
- public web servers: BEACON_REPORT_PUBLIC_KEY (to seal) and BEACON_RECEIPT_KEY (to make and check receipt
  codes). Never the blind-index key: with it and the database, anyone could test a guess ("was this phone
  number, name or postcode reported?") against every report. The blind indexes are made in the back office,
  by the `report_index` task, after a report is stored.
- back-office servers and task workers: also BEACON_REPORT_PRIVATE_KEY (to read, and to index) and
  BEACON_BLIND_INDEX_KEY (to index and to look identifiers up).

Changing the key pair (docs/deploy.md, "Changing the keys"): BEACON_REPORT_PRIVATE_KEY may hold several private
keys, the current one first (the pair of BEACON_REPORT_PUBLIC_KEY), then older ones still needed to read what was
sealed to them; `manage.py reports_rekey` seals everything again to the current key, after which the older keys
can be destroyed. A sealed box does not say which key it was sealed to, so each key is tried in turn, the
current one first (a wrong key fails its authentication check at once).
"""

import base64
import hashlib
import hmac
import json
import secrets
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox


def _b64decode(value: str) -> bytes:
    return base64.b64decode(value.encode("ascii"), validate=True)


def _b64encode(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


# The keys, by the processes that hold them: every process, then the back office only.
PUBLIC_KEY_NAMES = ("BEACON_REPORT_PUBLIC_KEY", "BEACON_RECEIPT_KEY")
BACK_OFFICE_KEY_NAMES = ("BEACON_REPORT_PRIVATE_KEY", "BEACON_BLIND_INDEX_KEY")


def generate_keys() -> dict[str, str]:
    """A new key pair, receipt key and blind-index key, base64-encoded, named as the settings name them: the
    public side's first (PUBLIC_KEY_NAMES), then the back office's (BACK_OFFICE_KEY_NAMES)."""
    private = PrivateKey.generate()
    return {
        "BEACON_REPORT_PUBLIC_KEY": _b64encode(bytes(private.public_key)),
        "BEACON_RECEIPT_KEY": _b64encode(secrets.token_bytes(32)),
        "BEACON_REPORT_PRIVATE_KEY": _b64encode(bytes(private)),
        "BEACON_BLIND_INDEX_KEY": _b64encode(secrets.token_bytes(32)),
    }


@cache
def _public_box(public_key: str) -> SealedBox:
    return SealedBox(PublicKey(_b64decode(public_key)))


def private_keys(value: str) -> list[str]:
    """The private keys a BEACON_REPORT_PRIVATE_KEY value names: the current one first, then older ones,
    separated by commas or spaces."""
    return value.replace(",", " ").split()


@cache
def _private_boxes(value: str) -> tuple[SealedBox, ...]:
    return tuple(SealedBox(PrivateKey(_b64decode(key))) for key in private_keys(value))


def _is_key(value: str) -> bool:
    try:
        return len(_b64decode(value)) == 32
    except ValueError:
        return False


@cache
def key_pair_problem(public_key: str, private_key: str) -> str | None:
    """What is wrong with these values of BEACON_REPORT_PUBLIC_KEY and BEACON_REPORT_PRIVATE_KEY, or None.

    A back office whose first private key is not the public key's pair would seal new reports, messages and
    notes to a key it does not read them with: production settings refuse to start with it."""
    if not _is_key(public_key):
        return "BEACON_REPORT_PUBLIC_KEY is not a key (32 bytes, base64-encoded)."
    keys = private_keys(private_key)
    if private_key and not keys:
        return "BEACON_REPORT_PRIVATE_KEY names no key: give the private key, or leave it empty."
    for position, key in enumerate(keys, start=1):
        if not _is_key(key):
            return f"Key {position} of BEACON_REPORT_PRIVATE_KEY is not a key (32 bytes, base64-encoded)."
    if keys and bytes(PrivateKey(_b64decode(keys[0])).public_key) != _b64decode(public_key):
        return (
            "The first key of BEACON_REPORT_PRIVATE_KEY is not the pair of BEACON_REPORT_PUBLIC_KEY: put the "
            "current private key first and older ones after it, and give every process the same public key."
        )
    return None


def can_decrypt() -> bool:
    return bool(private_keys(getattr(settings, "BEACON_REPORT_PRIVATE_KEY", "")))


def seal(data: bytes) -> bytes:
    key = settings.BEACON_REPORT_PUBLIC_KEY
    if not key:
        raise ImproperlyConfigured("BEACON_REPORT_PUBLIC_KEY is not set (manage.py beacon_keys makes one).")
    return _public_box(key).encrypt(data)


def _boxes() -> tuple[SealedBox, ...]:
    boxes = _private_boxes(settings.BEACON_REPORT_PRIVATE_KEY)
    if not boxes:
        raise ImproperlyConfigured("This process has no BEACON_REPORT_PRIVATE_KEY: it cannot read reports.")
    return boxes


def _open(boxes: tuple[SealedBox, ...] | list[SealedBox], data: bytes) -> bytes:
    """Open with the first of these keys that opens it; CryptoError when none does."""
    *all_but_last, last = boxes
    for box in all_but_last:
        try:
            return box.decrypt(data)
        except CryptoError:
            continue
    return last.decrypt(data)


def unseal(ciphertext: bytes) -> bytes:
    """Open what was sealed to the current key pair or to an older one that BEACON_REPORT_PRIVATE_KEY still
    names; raises CryptoError when none of them opens it."""
    return _open(_boxes(), bytes(ciphertext))


def sealed_to_current(ciphertext: bytes) -> bool:
    """The current key pair (the first key of BEACON_REPORT_PRIVATE_KEY) opens this."""
    current, *_ = _boxes()
    try:
        current.decrypt(bytes(ciphertext))
    except CryptoError:
        return False
    return True


def reseal(ciphertext: bytes) -> bytes | None:
    """The same content sealed to the current public key, or None when it is sealed to the current pair already.
    Raises CryptoError when no key of BEACON_REPORT_PRIVATE_KEY opens it. Each key is tried once: the current
    one, then the older ones."""
    if problem := key_pair_problem(settings.BEACON_REPORT_PUBLIC_KEY, settings.BEACON_REPORT_PRIVATE_KEY):
        raise ImproperlyConfigured(
            problem
        )  # what is sealed now would not open with the current key: keep the old
    data = bytes(ciphertext)
    current, *older = _boxes()
    try:
        current.decrypt(data)
    except CryptoError:
        if not older:
            raise
        return seal(_open(older, data))
    return None


def seal_json(value) -> bytes:
    return seal(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def unseal_json(ciphertext: bytes):
    return json.loads(unseal(ciphertext).decode("utf-8"))


def _hmac(key: str, kind: str, normalised_value: str) -> str:
    return hmac.new(_b64decode(key), f"{kind}:{normalised_value}".encode(), hashlib.sha256).hexdigest()


def blind_index(kind: str, normalised_value: str) -> str:
    """Keyed HMAC of an already-normalised identifier, e.g. blind_index("phone", "+447700900123").

    Back office only: a public web server has no BEACON_BLIND_INDEX_KEY, and never calls this."""
    key = getattr(settings, "BEACON_BLIND_INDEX_KEY", "")
    if not key:
        raise ImproperlyConfigured(
            "This process has no BEACON_BLIND_INDEX_KEY: blind indexes are made and looked up in the back "
            "office only (manage.py beacon_keys makes one)."
        )
    return _hmac(key, kind, normalised_value)


def receipt_digest(normalised_code: str) -> str:
    """Keyed HMAC of a receipt code (codes.receipt_hash), under BEACON_RECEIPT_KEY, which the public web servers
    hold: it opens nothing but receipts."""
    key = getattr(settings, "BEACON_RECEIPT_KEY", "")
    if not key:
        raise ImproperlyConfigured("BEACON_RECEIPT_KEY is not set (manage.py beacon_keys makes one).")
    return _hmac(key, "receipt", normalised_code)
