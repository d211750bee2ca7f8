"""Sessions that slide their 60-minute expiry without a database write on every request.

Django can keep a session alive by saving it on every request (SESSION_SAVE_EVERY_REQUEST), which costs a
write transaction for each page a visitor only reads. Beacon instead saves a session when it changed, and
otherwise only when its stored expiry has fallen more than SESSION_TOUCH_SECONDS (default 60) behind a full
SESSION_COOKIE_AGE: a session still ends between 59 and 60 idle minutes after the visitor's last request,
and a reporter moving through the journey costs one write per answer, not per page.

`SessionStore` is Django's database store that remembers the expiry it loaded, and reads and updates its
row with one plain statement each (the same SQL the ORM would send, without building it on every request:
that cost about as much as the whole rest of a journey step). Creating a session stays Django's INSERT.
`SessionMiddleware` is Django's middleware that touches a session whose expiry is getting stale. Both are
set in settings.

The table never holds a session's key or its contents in a usable form. A session key (165 random bits, the
cookie's value) is stored only as its BLAKE2b digest, and the contents (a reporter's answers in
progress, a member of staff's sign-in) are sealed with XSalsa20-Poly1305 (libsodium's secretbox) under a key
derived from the session key. A copy of the database, a backup or a leaked table therefore gives neither a
way into anyone's session nor what they were typing: reading a session needs the visitor's own cookie.
"""

import base64
import functools
import hashlib
import logging
import zlib
from datetime import timedelta
from types import SimpleNamespace

import nacl.exceptions
import nacl.secret
from asgiref.sync import sync_to_async
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


logger = logging.getLogger(__name__)
_COMPRESSED, _PLAIN = b"z", b"p"


def stored_key(session_key: str) -> str:
    """What the session table holds for a session key: a digest of it (40 hex characters, the column's size)."""
    return hashlib.blake2b(session_key.encode(), digest_size=20, person=b"beacon-session").hexdigest()


def _box(session_key: str) -> nacl.secret.SecretBox:
    key = hashlib.blake2b(session_key.encode(), digest_size=32, person=b"beacon-sess-box").digest()
    return nacl.secret.SecretBox(key)


class SessionStore(DatabaseStore):
    loaded_expiry = None

    # --- contents sealed under the session key ---

    def encode(self, session_dict):
        data = self.serializer().dumps(session_dict)
        packed = zlib.compress(data, 6)
        payload = _COMPRESSED + packed if len(packed) < len(data) else _PLAIN + data
        return base64.urlsafe_b64encode(_box(self._get_or_create_session_key()).encrypt(payload)).decode()

    def decode(self, session_data):
        if not self.session_key:
            return {}
        try:
            payload = _box(self.session_key).decrypt(base64.urlsafe_b64decode(session_data.encode()))
            data = zlib.decompress(payload[1:]) if payload[:1] == _COMPRESSED else payload[1:]
            return self.serializer().loads(data)
        except (nacl.exceptions.CryptoError, ValueError, zlib.error):
            logger.warning("A stored session could not be opened; starting an empty one")
            return {}

    # --- the table is keyed on the digest of the session key ---

    def create_model_instance(self, data):
        return self.model(
            session_key=stored_key(self._get_or_create_session_key()),
            session_data=self.encode(data),
            expire_date=self.get_expiry_date(),
        )

    def exists(self, session_key):
        return self.model.objects.filter(session_key=stored_key(session_key)).exists()

    def delete(self, session_key=None):
        session_key = session_key if session_key is not None else self.session_key
        if session_key is not None:
            self.model.objects.filter(session_key=stored_key(session_key)).delete()

    # Beacon serves over WSGI; the async API, should anything call it, goes through the same code.
    async def _aget_session_from_db(self):
        return await sync_to_async(self._get_session_from_db)()

    async def aexists(self, session_key):
        return await sync_to_async(self.exists)(session_key)

    async def adelete(self, session_key=None):
        await sync_to_async(self.delete)(session_key)

    async def acreate_model_instance(self, data):
        return await sync_to_async(self.create_model_instance)(data)

    def _get_session_from_db(self):
        alias = router.db_for_read(self.model)
        select, _ = _statements(alias, self.model._meta.db_table)
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(
                select,
                [stored_key(self.session_key), connection.ops.adapt_datetimefield_value(timezone.now())],
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
                [
                    self.encode(data),
                    connection.ops.adapt_datetimefield_value(expiry),
                    stored_key(self.session_key),
                ],
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
    """Django's, touching a session whose stored expiry is getting stale, except where a view has set
    `request.session.keep_expiry` (a page asking on a timer how long is left, which is no activity)."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.accessed
            and not session.modified
            and not getattr(session, "keep_expiry", False)
            and response.status_code != 500
            and getattr(session, "needs_touch", lambda: False)()
        ):
            session.modified = True
        return super().process_response(request, response)
