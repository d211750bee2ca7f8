"""Sign-in for staff: TOTP devices (django-otp), single-use recovery codes, and how long django-axes' records of
sign-ins and wrong passwords are kept."""

import datetime
import secrets

from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from beacon.core.services import audit_record

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


def _delete(queryset) -> int:
    """Delete the rows; how many of the queryset's own model went (not rows deleted with them)."""
    return queryset.delete()[1].get(queryset.model._meta.label, 0)


def sign_in_records_delete(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete django-axes' records of staff sign-ins (AccessLog) and of wrong passwords (AccessFailureLog) made more
    than BEACON_SIGN_IN_RECORDS_DAYS days ago, and its counts of wrong passwords (AccessAttempt) that no longer count
    towards a lock (older than AXES_COOLOFF_TIME: axes deletes those only at the next sign-in). Each holds a user
    name, an address and a browser. Run hourly by `manage.py accounts_purge`. Returns how many rows of each went;
    the counts are audited."""
    now = now or timezone.now()
    days = settings.BEACON_SIGN_IN_RECORDS_DAYS
    cutoff = now - datetime.timedelta(days=days)
    with transaction.atomic():
        deleted = {
            "sign_ins": _delete(AccessLog.objects.filter(attempt_time__lt=cutoff)),
            "failure_logs": _delete(AccessFailureLog.objects.filter(attempt_time__lt=cutoff)),
            "attempt_records": _delete(AccessAttempt.objects.filter(attempt_time__lt=now - get_cool_off())),
        }
        if any(deleted.values()):
            audit_record(
                actor=None,
                action="accounts.sign_in_records_deleted",
                object_type="sign_in_record",
                detail={**deleted, "days": days},
            )
    return deleted
