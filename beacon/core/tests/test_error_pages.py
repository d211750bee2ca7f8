"""The 500 page must render when the database is down: it is the page people see when things go wrong."""

import re

from django.test import Client, RequestFactory

from beacon.core.views import server_error


def test_500_page_renders_without_the_database():
    # No django_db mark: any database access in this test raises, so this proves the page needs none.
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Sorry, there is a problem with the service" in body
    assert "Leave this site" in body and 'href="tel:999"' in body


def test_an_unexpected_error_gets_the_styled_500(client, db, settings):
    settings.ROOT_URLCONF = "beacon.core.tests.urls_explode"
    client.raise_request_exception = False
    response = client.get("/explode")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def assert_safety_shell(body: str):
    """Styled like every public page, with the quick exit and the emergency numbers."""
    assert re.search(r'<link rel="stylesheet" href="[^"]*dist/beacon[^"]*\.css"', body), "not styled"
    assert re.search(r'<a href="/leave"[^>]*data-quick-exit', body) and "Leave this site" in body
    assert 'class="beacon-emergency"' in body and 'href="tel:999"' in body and 'href="tel:101"' in body
    assert 'class="govuk-phase-banner"' in body and 'href="/cookies/"' in body


def test_a_bad_request_gets_the_styled_400(client, db):
    # A Host header the site does not serve is refused with a 400 (SuspiciousOperation) by Django itself.
    response = client.get("/", headers={"host": "elsewhere.example"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "We could not understand what your browser sent" in body
    assert_safety_shell(body)


def test_a_refused_page_gets_the_styled_403(client, db, settings):
    settings.ROOT_URLCONF = "beacon.core.tests.urls_explode"
    response = client.get("/forbidden")
    assert response.status_code == 403
    body = response.content.decode()
    assert "You cannot see this page" in body
    assert_safety_shell(body)


def test_a_refused_form_gets_the_styled_csrf_page(db):
    response = Client(enforce_csrf_checks=True).post("/feedback/", {"rating": "5"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Your form could not be sent" in body
    assert_safety_shell(body)


def test_an_unknown_page_gets_the_styled_404(client, db):
    response = client.get("/no-such-page-here/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert_safety_shell(body)
