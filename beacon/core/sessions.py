"""Sessions that slide their 60-minute expiry without a database write on every request.

Django can keep a session alive by saving it on every request (SESSION_SAVE_EVERY_REQUEST), which costs a
write transaction for each page a visitor only reads. Beacon instead saves a session when it changed, and
otherwise only when its stored expiry has fallen more than SESSION_TOUCH_SECONDS (default 60) behind a full
SESSION_COOKIE_AGE: a session still ends between 59 and 60 idle minutes after the visitor's last request,
and a reporter moving through the journey costs one write per answer, not per page.

`SessionStore` is Django's database store that remembers the expiry it loaded; `SessionMiddleware` is
Django's middleware that touches a session whose expiry is getting stale. Both are set in settings.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.utils import timezone


class SessionStore(DatabaseStore):
    loaded_expiry = None

    def _get_session_from_db(self):
        session = super()._get_session_from_db()
        self.loaded_expiry = session.expire_date if session is not None else None
        return session

    def needs_touch(self) -> bool:
        """Whether the stored expiry lags a full session age by more than SESSION_TOUCH_SECONDS."""
        if self.loaded_expiry is None or self.is_empty():
            return False
        stale_by = timezone.now() + timedelta(seconds=self.get_expiry_age()) - self.loaded_expiry
        return stale_by.total_seconds() > getattr(settings, "SESSION_TOUCH_SECONDS", 60)


class SessionMiddleware(DjangoSessionMiddleware):
    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.accessed
            and not session.modified
            and response.status_code != 500
            and getattr(session, "needs_touch", lambda: False)()
        ):
            session.modified = True
        return super().process_response(request, response)
