"""Sign-in lock-outs: django-axes' database handler with a second, higher limit per account (AXES_HANDLER).

django-axes counts failed sign-ins per user name and address together (AXES_LOCKOUT_PARAMETERS) against
AXES_FAILURE_LIMIT (5): that address is then locked out of that account for AXES_COOLOFF_TIME. Alone, that
lets someone guess one account's password without end from many addresses. So the failures for a user name
from every address together also count, against BEACON_ACCOUNT_FAILURE_LIMIT (20): the account is then locked
from every address except those it has signed in from in the last BEACON_SIGN_IN_RECORDS_DAYS days (axes'
access log, which `manage.py accounts_purge` empties of older sign-ins), so that its owner can still sign in at
work while someone else is guessing. (axes has one limit for all its parameter combinations: a
["username"] combination would lock any account for everyone after 5 guesses.)

Only passwords actually checked count (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is off), and a lock ends
on time. Someone who manages accounts unlocks one at once from the admin (Settings → Users → Locked accounts:
`account_locks` lists them, user_services.account_unlock clears them); docs/staff-sign-in.md.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.utils import timezone


def known_addresses_since(now: datetime.datetime | None = None) -> datetime.datetime:
    """Sign-ins older than this no longer make an address one the account "has signed in from before", whether or
    not the purge has deleted them yet."""
    return (now or timezone.now()) - datetime.timedelta(days=settings.BEACON_SIGN_IN_RECORDS_DAYS)


class StaffLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """Failures for this user name from this address, or the limit itself when the account is locked."""
        failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        username = get_client_username(request, credentials)
        if failures >= limit or not username:
            return failures
        account_failures = (
            AccessAttempt.objects.filter(
                username=username, attempt_time__gte=get_cool_off_threshold(request)
            ).aggregate(total=Sum("failures_since_start"))["total"]
            or 0
        )
        if account_failures < settings.BEACON_ACCOUNT_FAILURE_LIMIT or self._known_address(request, username):
            return failures
        return limit

    @staticmethod
    def _known_address(request, username: str) -> bool:
        address = getattr(request, "axes_ip_address", None)
        return (
            bool(address)
            and AccessLog.objects.filter(
                username=username, ip_address=address, attempt_time__gte=known_addresses_since()
            ).exists()
        )


@dataclass(frozen=True)
class AccountLock:
    """An account that cannot be signed in to now, from some addresses or from every one it has not used."""

    user: object
    failures: int  # wrong passwords that count now (those in the last AXES_COOLOFF_TIME)
    since: datetime.datetime  # when the first of its locks began
    account_wide: bool  # locked from every address it has not signed in from before
    addresses: int  # addresses locked out of it on their own (AXES_FAILURE_LIMIT from one address)


def account_locks(*, now: datetime.datetime | None = None) -> list[AccountLock]:
    """The staff accounts locked now, by the same counts as StaffLockoutHandler.get_failures, oldest lock first.
    Wrong passwords for user names that belong to no account lock no one and are not listed."""
    now = now or timezone.now()
    attempts = AccessAttempt.objects.filter(attempt_time__gte=now - get_cool_off()).values_list(
        "username", "ip_address", "attempt_time", "failures_since_start"
    )
    by_account: dict[str, dict] = defaultdict(lambda: defaultdict(list))
    for username, address, attempt_time, failures in attempts:
        if username:
            by_account[username][address].append((attempt_time, failures))
    users = {
        user.get_username(): user
        for user in get_user_model()._default_manager.filter(username__in=by_account)
    }
    known = defaultdict(set)
    for username, address in AccessLog.objects.filter(
        username__in=users, attempt_time__gte=known_addresses_since(now)
    ).values_list("username", "ip_address"):
        known[username].add(address)

    locks = []
    for username, user in users.items():
        by_address = by_account[username]
        starts = [
            max(time for time, _ in rows)
            for rows in by_address.values()
            if sum(count for _, count in rows) >= settings.AXES_FAILURE_LIMIT
        ]
        addresses = len(starts)
        total = sum(count for rows in by_address.values() for _, count in rows)
        account_wide = total >= settings.BEACON_ACCOUNT_FAILURE_LIMIT
        if account_wide:
            # Failures from addresses it has signed in from still count after the lock, as they are not locked.
            times = [
                time
                for address, rows in by_address.items()
                if address not in known[username]
                for time, _ in rows
            ]
            starts.append(max(times or [time for rows in by_address.values() for time, _ in rows]))
        if starts:
            locks.append(AccountLock(user, total, min(starts), account_wide, addresses))
    return sorted(locks, key=lambda lock: lock.since)
