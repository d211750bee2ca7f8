"""The warning before a reporter's answers are deleted for want of activity (WCAG 2.2.1, Timing Adjustable).

Every page of the journey loads core/timeout-warning.js with the journey's own words. The script asks
/report/session/ how long the answers have left, which never counts as activity (answers left open on a screen
are still deleted on time); "Keep my answers" posts to /report/session/keep/ with the CSRF token and keeps the
answers, and any files, for another SESSION_COOKIE_AGE. Once they are gone, the page is replaced by
/report/expired/. The browser test is e2e/test_journey_timeout.py."""

import time
from html.parser import HTMLParser

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from beacon.reporting.models import PendingUpload

from .conftest import image_bytes

pytestmark = pytest.mark.django_db

STATUS, KEEP, EXPIRED = "/report/session/", "/report/session/keep/", "/report/expired/"


class Scripts(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and (attrs.get("src") or "").endswith("/core/timeout-warning.js"):
            self.found.append(attrs)


def warning(html: str) -> tuple[dict, str] | None:
    """The warning's script tag and its <template>'s content, or None."""
    scripts = Scripts(html).found
    if not scripts:
        return None
    [script] = scripts
    template = html.split(f'<template id="{script["data-template"]}"', 1)[1].split("</template>", 1)[0]
    return script, template


@pytest.fixture
def reporter(db):
    """A reporter's browser (CSRF checked, as a browser's is) with a journey begun."""
    client = Client(enforce_csrf_checks=True)
    assert client.get("/report/danger/").status_code == 200
    return client


def csrf(client) -> str:
    return client.get(STATUS).json()["csrf"]


def test_every_page_of_the_journey_warns_and_no_other_page_does(walker, settings):
    walker.start()
    walker.answer("danger", {"danger": "yes"}, expect="call-999")
    pages = {"call-999": walker.get("call-999").content.decode()}
    walker.minimal(upto="check")
    for slug in ["danger", "about", "files", "check"]:
        pages[slug] = walker.get(slug).content.decode()
    walker.answer("people", {"people": "yes"}, expect="person")
    pages["person"] = walker.get("person").content.decode()
    walker.answer("person", {"name": "Big Dave", "is_child": "no"}, expect="people-list")
    pages["people-list"] = walker.get("people-list").content.decode()
    walker.answer("people-list", {"add_another": "no"})
    for slug, html in pages.items():
        found = warning(html)
        assert found is not None, slug
        script, template = found
        assert "defer" in script
        assert (script["data-status-url"], script["data-stay-url"], script["data-end-url"]) == (
            STATUS,
            KEEP,
            EXPIRED,
        )
        # Loading the page was activity: the first question waits until just before the warning is due
        # (60 minutes, less the 2 of the warning and the minute a stored expiry may lag).
        assert script["data-first-check"] == "3420"
        assert "data-escape-stays" not in script  # Escape is the quick exit on public pages
        assert "data-end-always" in script  # answers on the screen do not outlive those on the server
        assert 'data-live="We will delete your answers in {time}."' in template
        assert ">Your answers will be deleted soon</h2>" in template
        assert ">Keep my answers</button>" in template
        assert 'href="/leave" class="govuk-button govuk-button--warning" data-quick-exit' in template
    for url in ["/report/", "/report/follow-up/", EXPIRED, "/"]:
        assert warning(walker.client.get(url).content.decode()) is None, url
    done = walker.submit().content.decode()
    assert warning(done) is None


def test_the_status_says_how_long_is_left_and_asking_never_keeps_the_answers(reporter, settings):
    age = settings.SESSION_COOKIE_AGE
    start = time.time()
    with time_machine.travel(start, tick=False):
        assert reporter.get("/report/danger/").status_code == 200
    with time_machine.travel(start + age - 100, tick=False):
        status = reporter.get(STATUS)
        assert status.status_code == 200 and "no-store" in status["Cache-Control"]
        data = status.json()
        assert data["active"] is True and data["warn"] == settings.BEACON_REPORT_IDLE_WARNING_SECONDS
        assert 99 <= data["remaining"] <= 100 and data["csrf"]
    with time_machine.travel(start + age + 1, tick=False):
        assert reporter.get(STATUS).json() == {"active": False}  # deleted on time, the asking notwithstanding
        page = reporter.post(
            "/report/danger/", {"danger": "no", "csrfmiddlewaretoken": status.json()["csrf"]}
        )
        assert "Your answers have been deleted" in page.content.decode()


def test_keep_my_answers_keeps_them_and_their_files_for_another_hour(walker, settings):
    age = settings.SESSION_COOKIE_AGE
    start = time.time()
    with time_machine.travel(start, tick=False):
        walker.minimal(upto="files")
        photo = SimpleUploadedFile("door.jpg", image_bytes(), content_type="image/jpeg")
        response = walker.post("files", {"file": photo, "action": "upload"})
        assert response.status_code == 302 and PendingUpload.objects.count() == 1
    with time_machine.travel(start + age - 60, tick=False):
        kept = walker.client.post(KEEP)
        assert kept.status_code == 200 and "no-store" in kept["Cache-Control"]
        assert kept.json()["active"] is True and kept.json()["remaining"] == age
        touched = PendingUpload.objects.get().touched_at.timestamp()
        assert abs(touched - (start + age - 60)) < 2  # the file is kept too
    with time_machine.travel(start + 2 * age - 120, tick=False):
        assert 59 <= walker.client.get(STATUS).json()["remaining"] <= 60
        assert "door.jpg" in walker.get("files").content.decode()


def test_keep_my_answers_needs_the_csrf_token_a_post_and_answers_to_keep(reporter, settings):
    start = time.time()
    with time_machine.travel(start, tick=False):
        token = csrf(reporter)
        for refused in (reporter.post(KEEP), reporter.post(KEEP, HTTP_X_CSRFTOKEN="x" * 32)):
            assert refused.status_code == 403 and refused["Content-Type"].startswith("text/html")
        assert reporter.get(KEEP).status_code == 405
    with time_machine.travel(start + settings.SESSION_COOKIE_AGE + 1, tick=False):
        assert reporter.get(STATUS).json() == {"active": False}
        late = reporter.post(KEEP, HTTP_X_CSRFTOKEN=token)
        assert late.status_code == 403 and late.json() == {"active": False}  # too late: nothing comes back
        assert reporter.get(STATUS).json() == {"active": False}
        assert (
            "Your answers have been deleted"
            in reporter.post(
                "/report/danger/", {"danger": "no", "csrfmiddlewaretoken": token}
            ).content.decode()
        )


def test_no_journey_no_warning_and_the_page_it_ends_on(client):
    assert client.get(STATUS).json() == {"active": False}
    page = client.get(EXPIRED)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    text = " ".join(page.content.decode().split())
    assert "Your answers have been deleted" in text and "60 minutes" in text
    assert client.post(EXPIRED).status_code == 405


def test_the_timings_follow_the_settings_even_on_a_page_rendered_once_per_process(client, settings):
    """A blank question page is rendered once per process (views.blank_page): a setting changed since (tests do)
    must not leave the warning's old timings on it."""
    first = warning(client.get("/report/danger/").content.decode())[0]
    assert first["data-first-check"] == "3420"
    settings.SESSION_COOKIE_AGE = 30 * 60
    again = warning(client.get("/report/danger/").content.decode())[0]
    assert again["data-first-check"] == "1620"
