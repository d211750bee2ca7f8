"""The `throttle` cache: rate-limit counts shared by every process on the machine, exact, kept only in memory
for minutes (beacon.core.cache.SharedMemoryCache)."""

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory

from beacon.core import cache as cache_module
from beacon.core.cache import SharedMemoryCache


@pytest.fixture
def location(tmp_path) -> str:
    return str(tmp_path / "throttle.sqlite3")


def _rows(location: str) -> dict:
    """The entries as another process sees them, expired or not."""
    with closing(sqlite3.connect(location)) as db:
        return dict(db.execute("SELECT key, value FROM cache"))


def _raw(location: str) -> bytes:
    """Every byte SQLite keeps for the cache: the file and its write-ahead log and shared-memory index."""
    files = [Path(location + suffix) for suffix in ("", "-wal", "-shm")]
    return b"".join(file.read_bytes() for file in files if file.exists())


# A separate process, as a gunicorn worker is: it waits for the others, then counts `times` attempts the way
# the throttles do (start the count at 1, or add 1 to it).
_WORKER = """
import sys, time
from beacon.core.cache import SharedMemoryCache
cache = SharedMemoryCache(sys.argv[1], {})
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
for _ in range(int(sys.argv[3])):
    if not cache.add("rl:test:all:0", 1, 600):
        cache.incr("rl:test:all:0")
"""


def test_counts_from_concurrent_processes_are_exact(location):
    """Four processes on a file none has made yet, all counting at once: not one count lost."""
    processes, times = 4, 250
    start_at = str(time.time() + 1.5)  # after every process has started
    command = [sys.executable, "-c", _WORKER, location, start_at, str(times)]
    children = [subprocess.Popen(command, cwd=settings.BASE_DIR) for _ in range(processes)]  # noqa: S603
    assert [child.wait(60) for child in children] == [0] * processes
    assert SharedMemoryCache(location, {}).get("rl:test:all:0") == processes * times


# gunicorn's master forks its workers: here a process uses the cache, then forks, and both count.
_FORKING = """
import os, sys
from beacon.core.cache import SharedMemoryCache
cache = SharedMemoryCache(sys.argv[1], {})
cache.set("count", 0, 600)
child = os.fork()
for _ in range(200):
    cache.incr("count")
if child == 0:
    os._exit(0)
_, status = os.waitpid(child, 0)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def test_a_forked_process_opens_its_own_connection(location):
    """A connection made before a fork is never used after it, in either process: no count is lost."""
    command = [sys.executable, "-c", _FORKING, location]
    assert subprocess.run(command, cwd=settings.BASE_DIR, timeout=60, check=False).returncode == 0  # noqa: S603
    assert SharedMemoryCache(location, {}).get("count") == 400


def test_two_workers_share_one_count_and_a_limit_of_n_refuses_the_next(
    fresh_window, location, settings, monkeypatch
):
    from beacon.core import throttle

    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "submit": (5, 1000, 600)}
    workers = SharedMemoryCache(location, {}), SharedMemoryCache(location, {})
    request = RequestFactory().post("/report/check/", REMOTE_ADDR="203.0.113.7")
    verdicts = []
    for attempt in range(7):  # the requests fall on the two workers in turn
        monkeypatch.setattr(cache_module, "throttle_cache", workers[attempt % 2])
        verdicts.append(throttle.check_and_hit(request, "submit").allowed)
    assert verdicts == [True] * 5 + [False, False]
    # Refused attempts are not counted: the total and the client each hold 5.
    assert sorted(_rows(location).values()) == [5, 5]


def test_expired_entries_are_not_returned_and_are_deleted_within_a_few_hundred_writes(location):
    cache = SharedMemoryCache(location, {})
    cache.set("rl:gone", 3, 0.2)
    cache.set("rl:kept", 3, 600)
    time.sleep(0.3)
    assert cache.get("rl:gone") is None and not cache.has_key("rl:gone") and not cache.touch("rl:gone")
    with pytest.raises(ValueError):
        cache.incr("rl:gone")
    assert "rl:gone" in str(_rows(location))  # still in the file, until the next purge
    for _ in range(cache_module.PURGE_EVERY):
        cache.incr("rl:kept")
    assert [key.rsplit(":", 1)[1] for key in _rows(location)] == ["kept"]


def test_on_a_quiet_site_expired_entries_are_deleted_at_the_first_write_a_minute_on(location, monkeypatch):
    monkeypatch.setattr(cache_module, "PURGE_SECONDS", 0.3)
    cache = SharedMemoryCache(location, {})
    cache.set("rl:gone", 1, 0.2)
    time.sleep(0.4)
    cache.set("rl:kept", 1, 600)
    assert [key.rsplit(":", 1)[1] for key in _rows(location)] == ["kept"]


def test_add_replaces_only_an_expired_entry(location):
    cache = SharedMemoryCache(location, {})
    assert cache.add("rl:a", 1, 0.2)
    assert not cache.add("rl:a", 9, 600) and cache.get("rl:a") == 1
    time.sleep(0.3)
    assert cache.add("rl:a", 9, 600) and cache.get("rl:a") == 9


def test_it_behaves_as_djangos_caches_do(location):
    cache = SharedMemoryCache(location, {})
    with pytest.raises(ValueError):
        cache.incr("missing")
    cache.set("n", 3, None)  # never expires
    assert cache.incr("n", 2) == 5 and cache.decr("n") == 4 and cache.get("n") == 4
    cache.set("things", {"a": [1, 2]}, 600)
    cache.set("yes", True, 600)
    cache.set("huge", 2**70, 600)
    assert cache.get("things") == {"a": [1, 2]} and cache.get("yes") is True and cache.get("huge") == 2**70
    assert cache.incr("huge") == 2**70 + 1
    assert cache.get_many(["n", "yes", "missing"]) == {"n": 4, "yes": True}
    assert cache.touch("n", 600) and cache.has_key("n")
    assert cache.delete("n") and not cache.delete("n") and cache.get("n", "default") == "default"
    cache.clear()
    assert _rows(location) == {}


def test_the_file_holds_no_client_address(settings, monkeypatch):
    """Read raw, as anyone reading the memory's file would: keyed hashes and counts, no address."""
    from beacon.core import throttle

    location = settings.CACHES["throttle"]["LOCATION"]
    for address in ("203.0.113.7", "2001:db8::4:77"):
        request = RequestFactory().post("/report/check/", REMOTE_ADDR=address)
        assert throttle.check_and_hit(request, "submit").allowed
        assert throttle.check(request, "followup").allowed
        throttle.hit(request, "followup")
        assert throttle.check_and_hit(request, "question").allowed
    raw = _raw(location)
    assert b"rl:submit:c:" in raw and b"rl:followup:c:" in raw and b"rl:question:c:" in raw
    for address in (b"203.0.113.7", b"2001:db8::4:77", b"203.0.113", b"2001:db8"):
        assert address not in raw


def test_the_file_is_the_owners_alone(location):
    previous = os.umask(0)
    try:
        SharedMemoryCache(location, {}).set("rl:a", 1, 600)
    finally:
        os.umask(previous)
    for suffix in ("", "-wal", "-shm"):
        assert os.stat(location + suffix).st_mode & 0o777 == 0o600, suffix
    # A file made beforehand readable by others is made owner-only; a link (planted in /dev/shm) is refused.
    made_before = location + ".before"
    Path(made_before).touch(0o644)
    SharedMemoryCache(made_before, {}).get("rl:a")
    assert os.stat(made_before).st_mode & 0o777 == 0o600
    os.symlink(location, location + ".link")
    with pytest.raises(OSError):
        SharedMemoryCache(location + ".link", {}).get("rl:a")


def test_a_file_deleted_under_the_workers_is_noticed(location):
    """Should the file be deleted while Beacon runs (by hand, or a clean-up), each worker moves to the new one
    within a purge's worth of writes, so that their counts are shared again."""
    first, second = SharedMemoryCache(location, {}), SharedMemoryCache(location, {})
    first.set("rl:a", 1, 600)
    for suffix in ("", "-wal", "-shm"):
        os.unlink(location + suffix)
    second.set("rl:a", 1, 600)  # makes a new file
    for _ in range(cache_module.PURGE_EVERY):
        first.incr("rl:a")
    assert first.incr("rl:a") == second.get("rl:a") and second.incr("rl:a") == first.get("rl:a")


def _throttle_settings(**environment) -> dict:
    """CACHES["throttle"] and the schedule as the base settings make them, read in a fresh process whose
    environment has no CACHE_URL or BEACON_THROTTLE_FILE unless given here."""
    code = (
        "import json; from config.settings import base; "
        "print(json.dumps({'throttle': base.CACHES['throttle'], 'jobs': [n for n, _ in base.BEACON_SCHEDULE]}))"
    )
    env = {
        k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "BEACON_THROTTLE_FILE")
    } | environment
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_by_default_it_is_a_file_in_memory_named_for_this_site():
    read = _throttle_settings()
    throttle = read["throttle"]
    assert throttle["BACKEND"] == "beacon.core.cache.SharedMemoryCache"
    folder = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()  # noqa: S108
    assert Path(throttle["LOCATION"]).parent == Path(folder)
    assert Path(throttle["LOCATION"]).name.startswith("beacon-throttle-")
    assert "cache_purge_expired" not in read["jobs"]


def test_with_cache_url_the_throttle_counts_in_that_cache_server():
    throttle = _throttle_settings(CACHE_URL="redis://127.0.0.1:6379/0")["throttle"]
    assert throttle["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert throttle["LOCATION"] == "redis://127.0.0.1:6379/0"
    # The default cache uses the same server: the counts keep to a key prefix of their own.
    assert throttle["KEY_PREFIX"] == "throttle"
