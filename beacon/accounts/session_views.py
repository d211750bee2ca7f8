"""What the timeout warning on every staff page asks (core/timeout-warning.js), and where it leads.

The warning asks the server how long the sign-in has left rather than counting on its own, so that several tabs
agree and a page view or a form sent in another tab is taken into account. Asking is listed in BACKGROUND_VIEWS
and never counts as activity: only "Stay signed in", a POST with the CSRF token, does (as every request a person
makes does, in StaffSessionMiddleware)."""

import time

from django.conf import settings
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .middleware import LAST_SEEN_KEY
from .views import idle_time, is_local_path, sign_in_again_url


def _seconds_left(request) -> int:
    idle = settings.BEACON_STAFF_IDLE_SECONDS
    last_seen = request.session.get(LAST_SEEN_KEY)
    if last_seen is None:
        return idle
    return max(0, idle - (int(time.time()) - last_seen))


def _status(request) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"active": False})
    return JsonResponse(
        {
            "active": True,
            "remaining": _seconds_left(request),
            "warn": settings.BEACON_STAFF_IDLE_WARNING_SECONDS,
            "csrf": get_token(
                request
            ),  # for "Stay signed in" and "Sign out"; only this site's pages can read it
        }
    )


@never_cache
@require_GET
def session_status(request):
    """How many seconds this sign-in has left. A session the time-out has ended is signed out before this runs."""
    return _status(request)


@never_cache
@require_POST
def stay_signed_in(request):
    """The warning's "Stay signed in": the request itself is the activity that keeps the sign-in."""
    response = _status(request)
    if not request.user.is_authenticated:
        response.status_code = (
            403  # no one to keep signed in (after the time-out, the middleware answers first)
        )
    return response


@never_cache
@require_GET
def signed_out(request):
    """Where the warning leads once the time-out has signed the person out, so that the page they left open (a
    report, an assessment) is no longer on the screen."""
    target = request.GET.get("next", "")
    target = target if is_local_path(target) else "/admin/"
    if request.user.is_authenticated:
        return redirect(target)
    return render(
        request,
        "accounts/signed_out.html",
        {"sent": False, "idle": idle_time(), "sign_in_url": sign_in_again_url(target)},
    )
