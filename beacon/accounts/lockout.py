"""Sign-in lock-outs: django-axes' database handler with a second, higher limit per account (AXES_HANDLER).

django-axes counts failed sign-ins per user name and address together (AXES_LOCKOUT_PARAMETERS) against
AXES_FAILURE_LIMIT (5): that address is then locked out of that account for AXES_COOLOFF_TIME. Alone, that
lets someone guess one account's password without end from many addresses. So the failures for a user name
from every address together also count, against BEACON_ACCOUNT_FAILURE_LIMIT (20): the account is then locked
from every address except those it has signed in from before (axes' access log), so that its owner can still
sign in at work while someone else is guessing. (axes has one limit for all its parameter combinations: a
["username"] combination would lock any account for everyone after 5 guesses.)

Only passwords actually checked count (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is off), and a lock ends
on time. `manage.py axes_reset_username <name>` unlocks an account at once (docs/staff-sign-in.md).
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import Sum


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
        return bool(address) and AccessLog.objects.filter(username=username, ip_address=address).exists()
