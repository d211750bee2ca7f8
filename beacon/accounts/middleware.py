"""Staff sessions: a second factor before anything in the back office, and an idle time-out.

Outside the back office and the sign-in steps (/admin/, /account/), a session that has passed the password but
not the second factor counts as signed out: Wagtail's private pages ("signed-in users", groups) see an
anonymous visitor and send them to the sign-in steps (accounts.views.sign_in).

The idle time-out counts a person's actions only. Requests that a page sends by itself on a timer are named in
BACKGROUND_VIEWS: they are answered (or find the session ended) but never make it last longer, so a tab left
open still signs out. A new polling endpoint must be added there (docs/staff-sign-in.md). A post that the CSRF
check refuses does not count either. Every staff page warns before the time-out (core/timeout-warning.js, session_views).

A form sent after the time-out is not silently dropped on the way to the sign-in page: the person is told they
were signed out and that what they sent was not saved (accounts.views.sent_after_sign_out). Pages opened after
it still go to the sign-in page."""

import time
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from . import views

STAFF_PREFIXES = ("/admin/",)
SIGN_IN_PREFIXES = ("/admin/", "/account/")  # where a session part-way through signing in is still its user
OPEN_PATHS = ("/admin/login/", "/admin/logout/", "/admin/password_reset/")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
LAST_SEEN_KEY = "beacon_staff_last_seen"
# URL names (so a changed path keeps its place) of the back office's requests that no person makes.
BACKGROUND_VIEWS = frozenset(
    {
        "qanda_admin:waiting",  # the Q&A live view asks every 15 s whether new questions are waiting
        "wagtailadmin_editing_sessions:ping",  # an open Wagtail editor says every 10 s who has it open
        "wagtailadmin_editing_sessions:release",  # ... and, when it closes, that it was closed
        "accounts:session_status",  # every staff page's timeout warning asks how long the sign-in has left
    }
)


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > settings.BEACON_STAFF_IDLE_SECONDS:
                logout(request)
                if _is_a_persons_form(request):
                    return views.sent_after_sign_out(request)
                if request.path.startswith(STAFF_PREFIXES):
                    return redirect(f"/admin/login/?next={quote(request.get_full_path())}")
                return self.get_response(request)
            # Recorded in process_view, once the CSRF check has passed and the view is known.
            request.beacon_staff_activity = now
            if not user.is_verified():
                if request.path.startswith(STAFF_PREFIXES) and not request.path.startswith(OPEN_PATHS):
                    return redirect(f"/account/two-factor/verify/?next={quote(request.get_full_path())}")
                if not request.path.startswith(SIGN_IN_PREFIXES):
                    _sign_out_for_this_request(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Runs after CsrfViewMiddleware's: a post it refuses (a forged form, or "Stay signed in" without the
        # token) is no one's action and does not keep the sign-in.
        # The view is known by now: a request a page makes by itself is told apart without resolving again.
        now = getattr(request, "beacon_staff_activity", None)
        if now is not None and request.resolver_match.view_name not in BACKGROUND_VIEWS:
            request.session[LAST_SEEN_KEY] = now
        return None


def _is_a_persons_form(request) -> bool:
    """A form a person sent in the back office or on their account pages (not signing in or out, and not a
    request a page makes by itself)."""
    return (
        request.method not in SAFE_METHODS
        and request.path.startswith(SIGN_IN_PREFIXES)
        and not request.path.startswith(OPEN_PATHS)
        and not _is_background(request)
    )


def _is_background(request) -> bool:
    if not request.path_info.startswith(SIGN_IN_PREFIXES):
        return False
    try:
        return resolve(request.path_info).view_name in BACKGROUND_VIEWS
    except Resolver404:
        return False


def _sign_out_for_this_request(request) -> None:
    """The request goes on as an anonymous visitor's; the session itself is left as it is."""
    anonymous = AnonymousUser()
    anonymous.otp_device = None
    anonymous.is_verified = lambda: False

    async def auser():
        return anonymous

    request.user = anonymous
    request.auser = auser
