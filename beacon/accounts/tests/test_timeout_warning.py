"""The warning before the staff idle time-out: every staff page loads it, it asks the server how long is left
(which never counts as activity, so several tabs agree and a tab left open still signs out), and only "Stay
signed in" (a POST with a CSRF token) keeps the sign-in. With the time-out passed, it leads to a page that
says why the person was signed out."""

import time
from html.parser import HTMLParser

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from beacon.accounts import roles

pytestmark = pytest.mark.django_db

STATUS = "/account/session/"
STAY = "/account/session/stay-signed-in/"


class Tags(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.scripts, self.styles = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.styles.append(attrs["href"])


def warning_script(html):
    return [s for s in Tags(html).scripts if (s.get("src") or "").endswith("/core/timeout-warning.js")]


def signed_in(client, user):
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return client


@pytest.fixture
def officer(make_staff):
    return make_staff(roles.TRIAGE_OFFICER)


@pytest.mark.parametrize("url", ["/admin/", "/admin/triage/", "/account/two-factor/recovery-codes/"])
def test_every_staff_page_loads_the_warning(officer, staff_client, url):
    html = staff_client(officer).get(url).content.decode()
    [script] = warning_script(html)
    assert "defer" in script
    assert script["data-status-url"] == STATUS
    assert script["data-stay-url"] == STAY
    assert script["data-end-url"] == "/account/signed-out/"
    assert "data-end-next" in script and "data-escape-stays" in script
    assert "data-first-check" not in script and "data-end-always" not in script
    # The dialog's words, and its "Sign out" form, are the page's own.
    template = html.split(f'<template id="{script["data-template"]}"', 1)[1].split("</template>", 1)[0]
    assert 'data-live="We will sign you out in {time}."' in template
    assert ">You are about to be signed out</h2>" in template and ">Stay signed in</button>" in template
    assert '<form method="post" action="/admin/logout/"' in template and ">Sign out</button>" in template
    assert any(href.endswith("/accounts/timeout-warning.css") for href in Tags(html).styles)
    assert finders.find("core/timeout-warning.js") and finders.find("accounts/timeout-warning.css")


def test_the_warning_script_builds_an_accessible_modal_dialog():
    with open(finders.find("core/timeout-warning.js")) as file:
        source = file.read()
    for needed in (
        "showModal",
        "aria-labelledby",
        "aria-describedby",
        "data-timeout-live",
        "location.replace",
    ):
        assert needed in source


def test_the_signed_out_page_does_not_load_it(client):
    assert warning_script(client.get("/account/signed-out/").content.decode()) == []


def test_the_status_says_how_long_is_left_and_does_not_count_as_activity(officer, staff_client, settings):
    client = staff_client(officer)
    idle, warn = settings.BEACON_STAFF_IDLE_SECONDS, settings.BEACON_STAFF_IDLE_WARNING_SECONDS
    start = time.time()
    with time_machine.travel(start, tick=False):
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(start + idle - 100, tick=False):
        status = client.get(STATUS)
    assert status.status_code == 200 and "no-store" in status["Cache-Control"]
    data = status.json()
    assert data["active"] is True and data["remaining"] == 100 and data["warn"] == warn and data["csrf"]
    with time_machine.travel(start + idle + 1, tick=False):
        assert client.get(STATUS).json() == {"active": False}  # the time-out still came on time
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_stay_signed_in_counts_as_activity(officer, settings):
    client = signed_in(Client(enforce_csrf_checks=True), officer)
    idle = settings.BEACON_STAFF_IDLE_SECONDS
    start = time.time()
    with time_machine.travel(start, tick=False):
        assert client.get("/admin/").status_code == 200
        csrf = client.get(STATUS).json()["csrf"]
    with time_machine.travel(start + idle - 60, tick=False):
        response = client.post(STAY, HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 200 and response.json()["remaining"] == idle
    with time_machine.travel(start + 2 * idle - 120, tick=False):
        assert client.get(STATUS).json()["remaining"] == 60
        assert client.get("/admin/").status_code == 200


def test_stay_signed_in_needs_the_csrf_token(officer, settings):
    client = signed_in(Client(enforce_csrf_checks=True), officer)
    idle = settings.BEACON_STAFF_IDLE_SECONDS
    start = time.time()
    with time_machine.travel(start, tick=False):
        assert client.get("/admin/").status_code == 200  # the CSRF cookie is set, but the token is not sent
    with time_machine.travel(start + idle - 60, tick=False):
        assert client.post(STAY).status_code == 403
        assert client.post(STAY, HTTP_X_CSRFTOKEN="x" * 32).status_code == 403
    with time_machine.travel(start + idle + 1, tick=False):
        assert client.get(STATUS).json() == {"active": False}  # the refused posts did not count


def test_stay_signed_in_takes_only_a_post(officer, staff_client):
    assert staff_client(officer).get(STAY).status_code == 405


def test_stay_signed_in_after_the_time_out_does_not_sign_back_in(officer, settings):
    client = signed_in(Client(enforce_csrf_checks=True), officer)
    start = time.time()
    with time_machine.travel(start, tick=False):
        assert client.get("/admin/").status_code == 200
        csrf = client.get(STATUS).json()["csrf"]
    with time_machine.travel(start + settings.BEACON_STAFF_IDLE_SECONDS + 1, tick=False):
        assert client.post(STAY, HTTP_X_CSRFTOKEN=csrf).status_code == 403
        assert client.get(STATUS).json() == {"active": False}


def test_the_signed_out_page_says_why_and_leads_back(client):
    response = client.get("/account/signed-out/?next=/admin/triage/reports/3/assess/")
    assert response.status_code == 200
    text = " ".join(response.content.decode().split())
    assert "You were signed out because you did nothing for 30 minutes." in text
    assert 'href="/admin/login/?next=/admin/triage/reports/3/assess/"' in text


@pytest.mark.parametrize("next_url", ["https://elsewhere.example/", "//elsewhere.example/", "nothing"])
def test_the_signed_out_page_leads_only_to_this_site(client, next_url):
    response = client.get("/account/signed-out/", {"next": next_url})
    assert 'href="/admin/login/?next=/admin/"' in response.content.decode()


def test_someone_still_signed_in_goes_on_to_the_page(officer, staff_client):
    response = staff_client(officer).get("/account/signed-out/?next=/admin/triage/")
    assert response.status_code == 302 and response["Location"] == "/admin/triage/"
