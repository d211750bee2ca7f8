"""Session expiry slides with activity, without a database write for every page a visitor only reads."""

import datetime

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))]


def _stored_expiry(client) -> datetime.datetime:
    return Session.objects.get(session_key=client.cookies["sessionid"].value).expire_date


def test_reading_a_page_soon_after_an_answer_writes_nothing(client):
    client.get("/report/danger/")  # begins the journey: a session is stored
    client.post("/report/danger/", {"danger": "no"})
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/report/about/").status_code == 200
    assert _writes(queries.captured_queries) == []


def test_a_session_read_after_more_than_a_minute_is_stored_again_with_a_full_hour(client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get("/report/danger/")
        client.post("/report/danger/", {"danger": "no"})
    first = _stored_expiry(client)
    with time_machine.travel(start + datetime.timedelta(minutes=50), tick=False):
        assert client.get("/report/about/").status_code == 200
        assert _stored_expiry(client) == timezone.now() + datetime.timedelta(hours=1)
    assert _stored_expiry(client) > first
    # ... so 50 minutes later the answers are still there (they would have gone without the touch).
    with time_machine.travel(start + datetime.timedelta(minutes=100), tick=False):
        page = client.get("/report/about/")
        assert "Your answers have been deleted" not in page.content.decode()


def test_an_idle_hour_still_ends_the_session(client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get("/report/danger/")
        client.post("/report/danger/", {"danger": "no"})
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        assert "Your answers have been deleted" in client.get("/report/about/").content.decode()


def test_the_store_reads_and_updates_its_row_and_ignores_expired_or_missing_ones():
    from django.contrib.sessions.backends.base import UpdateError

    from beacon.core.sessions import SessionStore

    store = SessionStore()
    store["answer"] = 1
    store.save()  # a new row
    key = store.session_key
    again = SessionStore(session_key=key)
    assert again["answer"] == 1
    assert again.loaded_expiry == Session.objects.get(session_key=key).expire_date
    again["answer"] = 2
    again.save()
    assert SessionStore(session_key=key)["answer"] == 2

    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    expired = SessionStore(session_key=key)
    assert expired.load() == {} and expired.session_key is None

    Session.objects.filter(session_key=key).delete()
    again["answer"] = 3
    with pytest.raises(UpdateError):
        again.save()
