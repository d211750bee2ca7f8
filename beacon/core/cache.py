"""The `throttle` cache: where the rate limits count attempts, shared by every process on one database.

Rate limits are only as good as their counts are shared. Django's local-memory cache keeps one count per
gunicorn worker, so a limit of N let N attempts through each worker. Without a shared cache server
(CACHE_URL), the throttle cache is Django's database cache on a table of its own (`beacon_throttle_cache`,
made by migrate), which every worker and every app server on the database sees.

Django's `DatabaseCache.add` is safe between processes (the key is the primary key, so of two inserts at once
one fails and `add` says False), but its `incr` reads the value and writes it back, so two workers adding at
once lose a count. `ThrottleCache.incr` reads and writes in one transaction holding the row (SELECT … FOR
UPDATE on PostgreSQL; on SQLite Beacon begins transactions IMMEDIATE, which takes the database's write lock
first), so no count is lost.

Expired rows are deleted by `manage.py cache_purge_expired`, which `run_schedule` runs every 5 minutes (the
database cache itself deletes them only when it holds more than MAX_ENTRIES rows).
"""

import base64
import pickle

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.connection import ConnectionProxy

# Use this, as `django.core.cache.cache` is used, to count in the throttle cache from any thread.
throttle_cache = ConnectionProxy(caches, "throttle")


class ThrottleCache(DatabaseCache):
    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table, key_column = quote(self._table), quote("cache_key")
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')}, {quote('expires')} FROM {table} WHERE {key_column} = %s{lock}",  # noqa: S608
                [key],
            )
            row = cursor.fetchone()
            if row is None or self._converted(connection, row[1]) < timezone.now():
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode())) + delta  # noqa: S301
            stored = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {table} SET {quote('value')} = %s WHERE {key_column} = %s", [stored, key])  # noqa: S608
        return value

    def purge_expired(self) -> int:
        """Delete the expired rows; returns how many."""
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {quote(self._table)} WHERE {quote('expires')} < %s",  # noqa: S608
                [connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            return cursor.rowcount

    @staticmethod
    def _converted(connection, expires):
        """The expiry as Django's own database cache reads it (aware or naive as the database gives it)."""
        expression = models.Expression(output_field=models.DateTimeField())
        converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        for converter in converters:
            expires = converter(expires, expression, connection)
        return expires
