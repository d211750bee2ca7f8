"""The `throttle` cache: rate-limit counts shared by every process on one machine, kept only in memory.

Rate limits are only as good as their counts are shared: Django's local-memory cache keeps one count per
gunicorn worker, so a limit of N let N attempts through each worker. The counts are keyed by hashes of
clients' addresses, which may stay in memory for minutes but must never reach Beacon's database, a disk or
the logs. So `SharedMemoryCache` keeps them in a SQLite file on tmpfs (/dev/shm: RAM, emptied at reboot)
that every process on the machine opens. SQLite's file locks make each statement atomic between processes:

- `add` is one INSERT … ON CONFLICT that replaces only an expired entry;
- `incr` is one UPDATE … RETURNING on an unexpired entry (ValueError when there is none, as Django's own);
- every PURGE_EVERY writes, or a minute (PURGE_SECONDS) after its last purge, a process deletes the
  expired entries (one DELETE, their bytes overwritten: secure_delete), so no job needs scheduling.

The file is per machine: with several app servers, CACHE_URL (a shared Redis or memcached) replaces it.

Integers are stored as SQLite integers (all the throttles keep); other values are pickled, which is safe
only because the file is this user's alone (made 0600; refused if it is a link or another user's).
MAX_ENTRIES is not applied: culling would reset rate-limit counts. The rate limits add entries only for
attempts within their totals (beacon.core.throttle: the report forms, workshop requests, Q&A questions).

Should the file be deleted while Beacon runs, each process moves to the new one at its next purge.
"""

import fcntl
import logging
import os
import pickle
import sqlite3
import stat
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.exceptions import ImproperlyConfigured
from django.utils.connection import ConnectionProxy

# Use this, as `django.core.cache.cache` is used, to count in the throttle cache from any thread.
throttle_cache = ConnectionProxy(caches, "throttle")

logger = logging.getLogger(__name__)


def throttle_count(key: str, timeout: int) -> int:
    """Count one more attempt under `key` (an entry living `timeout` seconds from the first); the new count."""
    if throttle_cache.add(key, 1, timeout):
        return 1
    try:
        return throttle_cache.incr(key)
    except ValueError:  # expired between add and incr
        throttle_cache.add(key, 1, timeout)
        return 1


def throttle_unavailable(action: str, error: Exception) -> None:
    """The throttle cache failed: the rate limits let the attempt through (a report or a question is never
    lost to a rate limiter) and the log says so, with the error's kind only (its text could hold a key)."""
    logger.warning(
        "rate limit could not count %s attempts (%s); letting them through", action, type(error).__name__
    )


PURGE_EVERY = 200  # writes by one process (and thread) between deletions of expired entries
PURGE_SECONDS = 60  # or at its first write this long after the last deletion
_NEVER = float("inf")  # the expiry of an entry set with timeout=None
_SQLITE_INTEGERS = range(-(2**63), 2**63)

# Connections never to be closed, kept from the garbage collector: those a parent process opened before a
# fork (SQLite must not use or close them in the child), and those to a file since deleted.
_abandoned: list[sqlite3.Connection] = []

# Each process holds the file open from its first connection on: {path: (pid, descriptor, inode)}. Never
# closed, as closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's too.
_held_open: dict[str, tuple[int, int, int]] = {}
_opening = threading.Lock()


class SharedMemoryCache(BaseCache):
    """A Django cache in a SQLite file that every process on the machine shares (LOCATION: its path)."""

    def __init__(self, location, params):
        super().__init__(params)
        self.path = location
        self._local = threading.local()

    # --- The connection: one per process and thread ------------------------------------------------------

    def _db(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            if getattr(local, "connection", None) is not None:
                _abandoned.append(local.connection)  # forked: the parent's, not ours to close
            local.connection = None
            local.pid = os.getpid()
        if local.connection is None:
            local.connection, local.inode = self._connect()
            local.writes, local.purged = 0, time.time()
        return local.connection

    def _connect(self) -> tuple[sqlite3.Connection, int]:
        with _opening:
            held = _held_open.get(self.path)
            try:
                current = held is not None and held[0] == os.getpid() and os.stat(self.path).st_ino == held[2]
            except FileNotFoundError:
                current = False
            if current:
                return self._open(), held[2]
            fd = self._hold_open()
            # One process at a time makes the file ready: SQLite does not wait for a lock while it switches
            # a file to WAL, so processes starting at once would fail with "database is locked".
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                return self._open(), _held_open[self.path][2]
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def _hold_open(self) -> int:
        """Make the file owner-only before SQLite opens it (SQLite gives its -wal and -shm files the same
        mode), and hold it open. /dev/shm is writable by every user: refuse a link or another user's file."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            os.close(fd)
            raise ImproperlyConfigured(f"The throttle cache {self.path} is not a file of this user's")
        if info.st_mode & 0o077:
            os.fchmod(fd, 0o600)
        _held_open[self.path] = (os.getpid(), fd, info.st_ino)
        return fd

    def _open(self) -> sqlite3.Connection:
        # timeout: a process finding the file locked waits up to 5 s for it instead of failing.
        connection = sqlite3.connect(self.path, timeout=5, autocommit=True)
        # WAL: readers do not wait for the writer. synchronous=OFF: the file is in RAM, gone at reboot.
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=OFF")
        # Deleted entries' bytes are overwritten with zeros, not left in free pages.
        connection.execute("PRAGMA secure_delete=ON")
        # Made on first use: tmpfs is emptied at every reboot.
        connection.execute(
            "CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, value NOT NULL, expires REAL NOT NULL)"
            " WITHOUT ROWID"
        )
        return connection

    def _wrote(self, db: sqlite3.Connection, now: float) -> None:
        """After a write: now and then delete the expired entries, and notice a file deleted under us."""
        local = self._local
        local.writes += 1
        if local.writes % PURGE_EVERY and now < local.purged + PURGE_SECONDS:
            return
        db.execute("DELETE FROM cache WHERE expires <= ?", (now,))
        local.purged = now
        try:
            replaced = os.stat(self.path).st_ino != local.inode
        except FileNotFoundError:
            replaced = True
        if replaced:  # the next use opens the file the other processes now use
            # Not closed: closing the last connection to a WAL database deletes its -wal file by name,
            # which is now the new file's.
            _abandoned.append(db)
            local.connection = None

    # --- Values --------------------------------------------------------------------------------------

    def _encode(self, value):
        if type(value) is int and value in _SQLITE_INTEGERS:
            return value
        return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def _decode(stored):
        return stored if isinstance(stored, int) else pickle.loads(stored)  # noqa: S301 (an owner-only file)

    def _expires(self, timeout) -> float:
        expires = self.get_backend_timeout(timeout)
        return _NEVER if expires is None else expires

    # --- The cache API -------------------------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        db, now = self._db(), time.time()
        cursor = db.execute(
            "INSERT INTO cache (key, value, expires) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE"
            " SET value = excluded.value, expires = excluded.expires WHERE cache.expires <= ?",
            (key, self._encode(value), self._expires(timeout), now),
        )
        added = cursor.rowcount == 1
        self._wrote(db, now)
        return added

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        key = self.make_and_validate_key(key, version=version)
        db, now = self._db(), time.time()
        db.execute(
            "INSERT INTO cache (key, value, expires) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE"
            " SET value = excluded.value, expires = excluded.expires",
            (key, self._encode(value), self._expires(timeout)),
        )
        self._wrote(db, now)

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        rows = self._db().execute("SELECT value FROM cache WHERE key = ? AND expires > ?", (key, time.time()))
        row = rows.fetchone()
        rows.close()
        return default if row is None else self._decode(row[0])

    def has_key(self, key, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        rows = self._db().execute("SELECT 1 FROM cache WHERE key = ? AND expires > ?", (key, time.time()))
        found = rows.fetchone() is not None
        rows.close()
        return found

    def incr(self, key, delta=1, version=None):
        cache_key = self.make_and_validate_key(key, version=version)
        db, now = self._db(), time.time()
        # fetchall: the statement (and its write lock) ends before we return.
        rows = db.execute(
            "UPDATE cache SET value = value + ? WHERE key = ? AND expires > ? AND typeof(value) = 'integer'"
            " RETURNING value",
            (delta, cache_key, now),
        ).fetchall()
        if rows:
            self._wrote(db, now)
            return rows[0][0]
        # Missing, expired, or not an integer (then added as Django's own caches do, not atomically).
        value = self.get(key, version=version)
        if value is None:
            raise ValueError(f"Key '{key}' not found")
        value += delta
        db.execute(
            "UPDATE cache SET value = ? WHERE key = ? AND expires > ?", (self._encode(value), cache_key, now)
        )
        self._wrote(db, now)
        return value

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        db, now = self._db(), time.time()
        cursor = db.execute(
            "UPDATE cache SET expires = ? WHERE key = ? AND expires > ?", (self._expires(timeout), key, now)
        )
        touched = cursor.rowcount == 1
        self._wrote(db, now)
        return touched

    def delete(self, key, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        now = time.time()
        rows = self._db().execute("DELETE FROM cache WHERE key = ? RETURNING expires", (key,)).fetchall()
        return bool(rows) and rows[0][0] > now

    def clear(self) -> None:
        self._db().execute("DELETE FROM cache")
