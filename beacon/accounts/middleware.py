"""Staff sessions: a second factor before anything in the back office, and an idle time-out.

Outside the back office and the sign-in steps (/admin/, /account/), a session that has passed the password but
not the second factor counts as signed out: Wagtail's private pages ("signed-in users", groups) see an
anonymous visitor and send them to the sign-in steps (accounts.views.sign_in)."""

import time
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect

STAFF_PREFIXES = ("/admin/",)
SIGN_IN_PREFIXES = ("/admin/", "/account/")  # where a session part-way through signing in is still its user
OPEN_PATHS = ("/admin/login/", "/admin/logout/", "/admin/password_reset/")
LAST_SEEN_KEY = "beacon_staff_last_seen"


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
                if request.path.startswith(STAFF_PREFIXES):
                    return redirect(f"/admin/login/?next={quote(request.get_full_path())}")
                return self.get_response(request)
            request.session[LAST_SEEN_KEY] = now
            if not user.is_verified():
                if request.path.startswith(STAFF_PREFIXES) and not request.path.startswith(OPEN_PATHS):
                    return redirect(f"/account/two-factor/verify/?next={quote(request.get_full_path())}")
                if not request.path.startswith(SIGN_IN_PREFIXES):
                    _sign_out_for_this_request(request)
        return self.get_response(request)


def _sign_out_for_this_request(request) -> None:
    """The request goes on as an anonymous visitor's; the session itself is left as it is."""
    anonymous = AnonymousUser()
    anonymous.otp_device = None
    anonymous.is_verified = lambda: False

    async def auser():
        return anonymous

    request.user = anonymous
    request.auser = auser
