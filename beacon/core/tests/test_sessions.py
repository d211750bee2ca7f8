"""Session expiry slides with activity, without a database write for every page a visitor only reads."""

import datetime

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beacon.core.sessions import stored_key

pytestmark = pytest.mark.django_db


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))]


def _stored_expiry(client) -> datetime.datetime:
    return Session.objects.get(session_key=stored_key(client.cookies["sessionid"].value)).expire_date


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
    assert again.loaded_expiry == Session.objects.get(session_key=stored_key(key)).expire_date
    again["answer"] = 2
    again.save()
    assert SessionStore(session_key=key)["answer"] == 2

    Session.objects.filter(session_key=stored_key(key)).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired = SessionStore(session_key=key)
    assert expired.load() == {} and expired.session_key is None

    Session.objects.filter(session_key=stored_key(key)).delete()
    again["answer"] = 3
    with pytest.raises(UpdateError):
        again.save()


def test_the_table_holds_neither_session_keys_nor_readable_contents(client):
    """A copy of the session table gives no way into a session and nothing of the answers in progress."""
    import base64

    from beacon.core.sessions import SessionStore

    client.get("/report/danger/")
    client.post("/report/danger/", {"danger": "no"})
    client.post("/report/about/", {"categories": ["cuckooing"]})
    key = client.cookies["sessionid"].value
    row = Session.objects.get()
    assert row.session_key == stored_key(key) and key not in row.session_key
    stored = base64.urlsafe_b64decode(row.session_data)
    for text in (b"report_journey", b"cuckooing", b"danger"):
        assert text not in row.session_data.encode() and text not in stored
    # Only the visitor's own key opens it; the digest from the table is no key at all.
    answers = SessionStore(session_key=key)["report_journey"]["answers"]
    assert answers["danger"] == {"danger": "no"} and "cuckooing" in str(answers["about"])
    assert SessionStore(session_key=row.session_key).load() == {}
    thief = type(client)()
    thief.cookies["sessionid"] = row.session_key
    assert "Your answers have been deleted" in thief.get("/report/about/").content.decode()


def test_a_staff_sign_in_is_not_taken_over_with_the_stored_digest(make_staff):
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from beacon.accounts import roles

    officer = make_staff(roles.TRIAGE_OFFICER)
    staff = Client()
    staff.force_login(officer)
    session = staff.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=officer).persistent_id
    session.save()
    assert staff.get("/admin/triage/").status_code == 200
    thief = Client()
    thief.cookies["sessionid"] = Session.objects.get().session_key
    response = thief.get("/admin/triage/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_expired_sessions_are_deleted_on_schedule_and_live_ones_kept(settings):
    """`clearsessions` finds expired rows by their expiry alone, so it works on the digest-keyed table; the
    schedule runs it every 15 minutes, so abandoned answers and old sign-ins do not stay in the database."""
    from django.core.management import call_command

    from beacon.core.sessions import SessionStore

    assert ("clearsessions", 15 * 60) in settings.BEACON_SCHEDULE
    stores = []
    for answer in ("abandoned", "in progress"):
        store = SessionStore()
        store["answer"] = answer
        store.save()
        stores.append(store)
    abandoned, live = stores
    Session.objects.filter(session_key=stored_key(abandoned.session_key)).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    settings.BEACON_SCHEDULE = [job for job in settings.BEACON_SCHEDULE if job[0] == "clearsessions"]
    with open("/dev/null", "w") as sink:
        call_command("run_schedule", "--once", stdout=sink)
    assert list(Session.objects.values_list("session_key", flat=True)) == [stored_key(live.session_key)]
    assert SessionStore(session_key=live.session_key)["answer"] == "in progress"
