"""The `throttle` cache: rate-limit counts shared by every process on the database, none lost, none kept long."""

import datetime
import os
import subprocess
import sys
import time

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from beacon.core.models import ThrottleCacheEntry


def _separate_caches():
    """Two instances of the throttle cache, as two gunicorn workers would each have."""
    return caches.create_connection("throttle"), caches.create_connection("throttle")


def _bump(cache, key: str, timeout: int = 600) -> None:
    """What the throttles do for one attempt: start the count at 1, or add 1 to it."""
    if not cache.add(key, 1, timeout):
        cache.incr(key)


@pytest.mark.django_db
def test_two_workers_see_one_count_and_a_limit_of_n_refuses_the_next_request(settings, monkeypatch):
    from beacon.reporting import throttle

    settings.BEACON_REPORT_RATE_LIMITS = {**settings.BEACON_REPORT_RATE_LIMITS, "submit": (5, 1000, 600)}
    workers = _separate_caches()
    request = RequestFactory().post("/report/check/", REMOTE_ADDR="203.0.113.7")
    verdicts = []
    for attempt in range(6):  # the requests fall on the two workers in turn
        monkeypatch.setattr(throttle, "cache", workers[attempt % 2])
        verdicts.append(throttle.check_and_hit(request, "submit").allowed)
    assert verdicts == [True] * 5 + [False]
    # The table holds keyed hashes of the address, never the address.
    stored = " ".join(f"{row.cache_key} {row.value}" for row in ThrottleCacheEntry.objects.all())
    assert ThrottleCacheEntry.objects.count() == 2 and "203.0.113.7" not in stored


# A separate process, as a gunicorn worker is: it waits for the others, then counts `times` attempts.
_HAMMER = """
import sys, time
import django
django.setup()
from django.conf import settings
from django.core.cache import caches
settings.DATABASES["default"]["NAME"] = sys.argv[1]
cache = caches["throttle"]
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
for _ in range(int(sys.argv[3])):
    if not cache.add("rl:test:all:0", 1, 600):
        cache.incr("rl:test:all:0")
"""


@pytest.mark.django_db(transaction=True)
def test_counts_from_concurrent_processes_are_never_lost():
    """Django's DatabaseCache.incr is a read then a write, so processes adding at once lose counts (this test
    lost over half of them on PostgreSQL, a few on SQLite); the throttle cache adds under a row lock
    (PostgreSQL) or the database's write lock (SQLite)."""
    processes, times = 4, 50
    start_at = str(time.time() + 4)  # after every process has started Django
    command = [sys.executable, "-c", _HAMMER, connection.settings_dict["NAME"], start_at, str(times)]
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    children = [subprocess.Popen(command, env=environment) for _ in range(processes)]  # noqa: S603
    assert [child.wait(120) for child in children] == [0] * processes
    assert caches.create_connection("throttle").get("rl:test:all:0") == processes * times


@pytest.mark.django_db
def test_incr_of_a_missing_or_expired_key_fails_as_djangos_does():
    cache = caches.create_connection("throttle")
    with pytest.raises(ValueError):
        cache.incr("rl:nothing")
    cache.set("rl:old", 3, 60)
    ThrottleCacheEntry.objects.filter(cache_key__endswith="rl:old").update(
        expires=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(ValueError):
        cache.incr("rl:old")
    cache.set("rl:live", 3, 60)
    assert cache.incr("rl:live", 2) == 5 and cache.decr("rl:live") == 4


@pytest.mark.django_db
def test_expired_counts_are_deleted_on_schedule(settings):
    assert ("cache_purge_expired", 5 * 60) in settings.BEACON_SCHEDULE
    cache = caches.create_connection("throttle")
    cache.set("rl:submit:c:gone", 1, 600)
    cache.set("rl:submit:c:kept", 1, 600)
    ThrottleCacheEntry.objects.filter(cache_key__endswith="gone").update(
        expires=timezone.now() - datetime.timedelta(seconds=1)
    )
    settings.BEACON_SCHEDULE = [job for job in settings.BEACON_SCHEDULE if job[0] == "cache_purge_expired"]
    with open("/dev/null", "w") as sink:
        call_command("run_schedule", "--once", stdout=sink)
    left = ThrottleCacheEntry.objects.values_list("cache_key", flat=True)
    assert [key.rsplit(":", 1)[1] for key in left] == ["kept"]


@pytest.mark.django_db
def test_migrate_makes_the_table_so_createcachetable_has_nothing_to_do(capsys):
    call_command("createcachetable", "--dry-run")
    out = capsys.readouterr().out
    assert "beacon_throttle_cache' already exists" in out and "CREATE" not in out
