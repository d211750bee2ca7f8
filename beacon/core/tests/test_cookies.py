"""Beacon's two cookies end when the browser closes, and the cookies page names them as configured."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from beacon.core.sessions import stored_key

pytestmark = pytest.mark.django_db


def assert_ends_with_the_browser(cookie):
    # No Max-Age and no Expires: a browser-session cookie, gone when the browser is closed, so a shared
    # family device keeps no trace of the visit for a year.
    assert cookie["max-age"] == "" and cookie["expires"] == "", cookie.output()


@pytest.mark.parametrize("path", ["/feedback/", "/admin/login/"])
def test_the_csrf_cookie_ends_with_the_browser(client, settings, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_ends_with_the_browser(response.cookies[settings.CSRF_COOKIE_NAME])


def test_the_session_cookie_ends_with_the_browser_and_answers_expire_after_an_idle_hour(client, settings):
    assert client.get("/report/danger/").status_code == 200
    response = client.post("/report/danger/", {"danger": "no"})
    assert response.status_code == 302
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]  # as the journey's responses last set it
    assert_ends_with_the_browser(cookie)
    # The answers held server-side still end after SESSION_COOKIE_AGE idle seconds.
    expiry = Session.objects.get(session_key=stored_key(cookie.value)).expire_date
    expected = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((expiry - expected).total_seconds()) < 60


def test_the_cookies_page_names_the_cookies_as_configured(client, settings):
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    body = client.get("/cookies/").content.decode()
    assert '<td class="govuk-table__cell">__Host-sessionid</td>' in body
    assert '<td class="govuk-table__cell">__Host-csrftoken</td>' in body
    assert "1 year" not in body
    assert body.count("When you close your browser") == 2
    assert "or after 60 minutes without use" in body


def test_the_cookies_page_follows_other_lifetimes(client, settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = False
    settings.SESSION_COOKIE_AGE = 30 * 60
    settings.CSRF_COOKIE_AGE = 7 * 24 * 60 * 60
    body = client.get("/cookies/").content.decode()
    assert "After 30 minutes without use" in body
    assert "After 7 days" in body
    assert "When you close your browser" not in body
