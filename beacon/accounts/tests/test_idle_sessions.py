"""A staff session ends after BEACON_STAFF_IDLE_SECONDS without a person's action: requests a page makes by
itself (the Q&A live view's polling, Wagtail's editing-session pings) do not count."""

import datetime
import time

import pytest
import time_machine
from django.utils import timezone
from wagtail.models import Page

from beacon.accounts import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_session(make_staff):
    from beacon.qanda import services

    editor = make_staff(roles.CAMPAIGN_EDITOR)
    session = services.session_save(
        user=editor,
        data={
            "title": "Ask the team",
            "slug": "ask-the-team",
            "platform": "website",
            "starts_at": timezone.now() + datetime.timedelta(days=1),
            "ends_at": timezone.now() + datetime.timedelta(days=1, hours=1),
        },
    )
    return editor, session


def background_requests(client, session):
    """What an open Q&A live view and an open page editor send without anyone touching them."""
    waiting = client.get(f"/admin/qanda/sessions/{session.pk}/waiting.json")
    home = Page.objects.filter(depth=2).first() or Page.objects.get(depth=1)
    ping = client.post(f"/admin/editing-sessions/ping/wagtailcore/page/{home.pk}/0/")
    return waiting, ping


def test_polling_alone_does_not_keep_a_staff_session_alive(live_session, staff_client, settings):
    editor, session = live_session
    client = staff_client(editor)
    start = time.time()
    with time_machine.travel(start, tick=False):
        assert client.get(f"/admin/qanda/sessions/{session.pk}/live/").status_code == 200
    idle = settings.BEACON_STAFF_IDLE_SECONDS
    for elapsed in range(60, idle + 61, 60):  # every minute, for 31 minutes
        with time_machine.travel(start + elapsed, tick=False):
            waiting, ping = background_requests(client, session)
            if elapsed <= idle:
                assert waiting.status_code == 200 and waiting.json()["live"] is False
                assert ping.status_code == 200
    # The last poll, past the limit, already found the session ended.
    assert waiting.status_code == 302 and waiting["Location"].startswith("/admin/login/")
    with time_machine.travel(start + idle + 65, tick=False):
        response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_page_view_keeps_a_staff_session_alive(live_session, staff_client, settings):
    editor, session = live_session
    client = staff_client(editor)
    idle = settings.BEACON_STAFF_IDLE_SECONDS
    start = time.time()
    with time_machine.travel(start, tick=False):
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(start + idle - 60, tick=False):
        assert client.get(f"/admin/qanda/sessions/{session.pk}/live/").status_code == 200  # a person's action
    with time_machine.travel(start + idle + 60, tick=False):
        waiting, ping = background_requests(client, session)
        assert waiting.status_code == 200 and ping.status_code == 200
    with time_machine.travel(start + 2 * idle - 120, tick=False):
        assert client.get("/admin/").status_code == 200  # 29 minutes after the page view
    with time_machine.travel(start + 3 * idle - 60, tick=False):
        assert client.get("/admin/").status_code == 302  # 31 minutes after that one
