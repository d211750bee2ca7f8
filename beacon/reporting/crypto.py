"""Report content encryption and blind indexes.

Report content is sealed with libsodium sealed boxes (PyNaCl): anyone holding the public key can
encrypt, only the private key decrypts. The public site is configured with the public key alone; the
staff back office also loads the private key. Identifiers that staff need to match across reports
(phone numbers, registrations, postcodes, handles, names) are also stored as keyed HMAC-SHA256 "blind
indexes" of their normalised form, so reports can be linked without decrypting anything.
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


def generate_keys() -> dict[str, str]:
    """A new key pair and blind-index key, base64-encoded, named as the settings name them."""
    private = PrivateKey.generate()
    return {
        "BEACON_REPORT_PUBLIC_KEY": _b64encode(bytes(private.public_key)),
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


def blind_index(kind: str, normalised_value: str) -> str:
    """Keyed HMAC of an already-normalised identifier, e.g. blind_index("phone", "+447700900123")."""
    key = settings.BEACON_BLIND_INDEX_KEY
    if not key:
        raise ImproperlyConfigured("BEACON_BLIND_INDEX_KEY is not set (manage.py beacon_keys makes one).")
    message = f"{kind}:{normalised_value}".encode()
    return hmac.new(_b64decode(key), message, hashlib.sha256).hexdigest()
