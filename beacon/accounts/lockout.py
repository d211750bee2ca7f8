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
from django.db.models import Max, Sum
from django.utils import timezone


def known_addresses_since(now: datetime.datetime | None = None) -> datetime.datetime:
    """Sign-ins older than this no longer make an address one the account "has signed in from before", whether or
    not the purge has deleted them yet."""
    return (now or timezone.now()) - datetime.timedelta(days=settings.BEACON_SIGN_IN_RECORDS_DAYS)


@dataclass(frozen=True)
class AccountFailures:
    """The wrong passwords for one user name that count now (those since the cool-off began), by address."""

    by_address: dict[str | None, tuple[int, datetime.datetime]]  # address: (how many, when the last was)

    @property
    def total(self) -> int:
        return sum(count for count, _ in self.by_address.values())

    @property
    def locks_account(self) -> bool:
        """Enough from every address together to lock the account (from the addresses it has not signed in
        from before)."""
        return self.total >= settings.BEACON_ACCOUNT_FAILURE_LIMIT


def account_failures(
    *, since: datetime.datetime, usernames: list[str] | None = None
) -> dict[str, AccountFailures]:
    """The wrong passwords made since `since` (the start of the cool-off), by user name (of those in
    `usernames`, or every one), in one query: the counts both StaffLockoutHandler.get_failures and
    account_locks go by."""
    attempts = AccessAttempt.objects.filter(attempt_time__gte=since)
    if usernames is not None:
        attempts = attempts.filter(username__in=usernames)
    rows = (
        attempts.order_by()  # group by user name and address only, not by axes' default order too
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .values_list("username", "ip_address", "failures", "last")
    )
    by_account: dict[str, dict] = defaultdict(dict)
    for username, address, failures, last in rows:
        if username:
            by_account[username][address] = (failures, last)
    return {username: AccountFailures(by_address) for username, by_address in by_account.items()}


class StaffLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """Failures for this user name from this address, or the limit itself when the account is locked."""
        failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        username = get_client_username(request, credentials)
        if failures >= limit or not username:
            return failures
        account = account_failures(since=get_cool_off_threshold(request), usernames=[username]).get(username)
        if account is None or not account.locks_account or self._known_address(request, username):
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
    by_account = account_failures(since=now - get_cool_off())
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
        failures = by_account[username]
        starts = [
            last for count, last in failures.by_address.values() if count >= settings.AXES_FAILURE_LIMIT
        ]
        addresses = len(starts)
        if failures.locks_account:
            # Failures from addresses it has signed in from still count after the lock, as they are not locked.
            lasts = [
                last for address, (_, last) in failures.by_address.items() if address not in known[username]
            ]
            starts.append(max(lasts or [last for _, last in failures.by_address.values()]))
        if starts:
            locks.append(AccountLock(user, failures.total, min(starts), failures.locks_account, addresses))
    return sorted(locks, key=lambda lock: lock.since)
