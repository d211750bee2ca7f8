"""Sessions that slide their 60-minute expiry without a database write on every request.

Django can keep a session alive by saving it on every request (SESSION_SAVE_EVERY_REQUEST), which costs a
write transaction for each page a visitor only reads. Beacon instead saves a session when it changed, and
otherwise only when its stored expiry has fallen more than SESSION_TOUCH_SECONDS (default 60) behind a full
SESSION_COOKIE_AGE: a session still ends between 59 and 60 idle minutes after the visitor's last request,
and a reporter moving through the journey costs one write per answer, not per page.

`SessionStore` is Django's database store that remembers the expiry it loaded, and reads and updates its
row with one plain statement each (the same SQL the ORM would send, without building it on every request:
that cost about as much as the whole rest of a journey step). Creating and deleting sessions stay Django's.
`SessionMiddleware` is Django's middleware that touches a session whose expiry is getting stale. Both are
set in settings.
"""

import functools
from datetime import timedelta
from types import SimpleNamespace

from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import connections, router
from django.utils import timezone

from .sql import aware_utc


@functools.cache
def _statements(alias: str, table: str) -> tuple[str, str]:
    quote = connections[alias].ops.quote_name
    table = quote(table)
    key, data, expiry = quote("session_key"), quote("session_data"), quote("expire_date")
    return (
        f"SELECT {data}, {expiry} FROM {table} WHERE {key} = %s AND {expiry} > %s",  # noqa: S608
        f"UPDATE {table} SET {data} = %s, {expiry} = %s WHERE {key} = %s",  # noqa: S608
    )


class SessionStore(DatabaseStore):
    loaded_expiry = None

    def _get_session_from_db(self):
        alias = router.db_for_read(self.model)
        select, _ = _statements(alias, self.model._meta.db_table)
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(
                select, [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())]
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            self.loaded_expiry = None
            return None
        self.loaded_expiry = aware_utc(row[1])
        return SimpleNamespace(session_data=row[0], expire_date=self.loaded_expiry)

    def save(self, must_create=False):
        if self.session_key is None or must_create:
            return super().save(must_create=must_create)  # a new row: Django's INSERT, with its clash check
        data = self._get_session(no_load=False)
        expiry = self.get_expiry_date()
        alias = router.db_for_write(self.model)
        _, update = _statements(alias, self.model._meta.db_table)
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(
                update,
                [self.encode(data), connection.ops.adapt_datetimefield_value(expiry), self.session_key],
            )
            if cursor.rowcount != 1:
                raise UpdateError  # the row is gone (expired and cleared, or flushed): as Django's store does
        self.loaded_expiry = expiry

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
