"""Two-factor sign-in for staff: TOTP devices (django-otp) and single-use recovery codes."""

import secrets

from django.db import transaction
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


@transaction.atomic
def totp_device_pending(*, user, device_id: int | None = None) -> TOTPDevice:
    """The unconfirmed authenticator of one sign-in: the device `device_id` (kept in that session) while it is
    still pending, otherwise a new one with a new key. Making one deletes the user's other unconfirmed devices,
    so a key shown to another session (someone else who had the first password) can never be confirmed."""
    if device_id is not None:
        device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
        if device is not None:
            return device
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user, device_id: int, token: str) -> TOTPDevice | None:
    """Confirm the pending device `device_id` if `token` is its current code. It replaces the user's
    authenticator, and every other unconfirmed device goes."""
    device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
    if device is None or not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def recovery_code_digest(code: str) -> str:
    """What is stored for a recovery code: a keyed digest (HMAC with the site's secret key, 64 bits, the
    16 characters django-otp's token column holds), never the code. A copy of the database then gives no
    code that passes the second factor, and guessing one offline needs the secret key as well."""
    normalised = code.replace(" ", "").replace("-", "").strip().lower()
    return salted_hmac("beacon.accounts.recovery-code", normalised, algorithm="sha256").hexdigest()[:16]


def second_factor_candidate(device, token: str) -> str:
    """The value a device checks for the code typed: recovery codes are stored as digests."""
    return recovery_code_digest(token) if isinstance(device, StaticDevice) else token


@transaction.atomic
def recovery_codes_issue(*, user) -> list[str]:
    """Replace the user's recovery codes with new ones. Shown once; only their digests are kept."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="Recovery codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        code = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        StaticToken.objects.create(device=device, token=recovery_code_digest(code))
        codes.append(code)
    return codes


def has_second_factor(*, user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
