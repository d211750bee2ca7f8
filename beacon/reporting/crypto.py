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
"""

import base64
import hashlib
import hmac
import json
import secrets
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
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


@cache
def _private_box(private_key: str) -> SealedBox:
    return SealedBox(PrivateKey(_b64decode(private_key)))


def can_decrypt() -> bool:
    return bool(getattr(settings, "BEACON_REPORT_PRIVATE_KEY", ""))


def seal(data: bytes) -> bytes:
    key = settings.BEACON_REPORT_PUBLIC_KEY
    if not key:
        raise ImproperlyConfigured("BEACON_REPORT_PUBLIC_KEY is not set (manage.py beacon_keys makes one).")
    return _public_box(key).encrypt(data)


def unseal(ciphertext: bytes) -> bytes:
    key = settings.BEACON_REPORT_PRIVATE_KEY
    if not key:
        raise ImproperlyConfigured("This process has no BEACON_REPORT_PRIVATE_KEY: it cannot read reports.")
    return _private_box(key).decrypt(bytes(ciphertext))


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
