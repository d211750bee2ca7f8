"""Staff sessions: a second factor before anything in the back office, and an idle time-out."""

import time
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect

STAFF_PREFIXES = ("/admin/",)
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
            if request.path.startswith(STAFF_PREFIXES) and not request.path.startswith(OPEN_PATHS):
                if not user.is_verified():
                    return redirect(f"/account/two-factor/verify/?next={quote(request.get_full_path())}")
        return self.get_response(request)
