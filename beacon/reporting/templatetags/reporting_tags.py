from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def timeout_first_check() -> int:
    """Seconds after a journey page loads before its timeout warning first asks how long is left. Loading the
    page was activity, so the answers last at least SESSION_COOKIE_AGE from then, less the up to
    SESSION_TOUCH_SECONDS that a session's stored expiry may lag (beacon.core.sessions); the question comes in
    time for the warning even then."""
    lasts = settings.SESSION_COOKIE_AGE - getattr(settings, "SESSION_TOUCH_SECONDS", 60)
    return max(0, lasts - settings.BEACON_REPORT_IDLE_WARNING_SECONDS)
