"""The 500 page must render when the database is down: it is the page people see when things go wrong."""

import html
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


RESEND_FORM = re.compile(r'<form method="post" action="([^"]+)" novalidate>(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


COMMENT = 'The advice page helped.\nBut <b>"the map"</b> was hard to use & slow.'


def refused_feedback(browser=None, **headers):
    """Feedback sent without its CSRF cookie, as from a phone that closed the browser and reopened the tab."""
    browser = browser or Client(enforce_csrf_checks=True)
    return browser.post("/feedback/", {"rating": "4", "comment": COMMENT}, **headers)


def test_a_form_refused_for_want_of_its_cookie_can_be_sent_again_with_what_was_written(db):
    from beacon.feedback.models import Feedback

    browser = Client(enforce_csrf_checks=True)
    response = refused_feedback(browser, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 403 and "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert "Nothing has been sent yet" in body and Feedback.objects.count() == 0
    action, form = RESEND_FORM.search(body).groups()
    fields = HIDDEN.findall(form)
    assert action == "/feedback/"
    assert fields[1:] == [
        ("rating", "4"),
        (
            "comment",
            "The advice page helped.\nBut &lt;b&gt;&quot;the map&quot;&lt;/b&gt; was hard to use &amp; slow.",
        ),
    ]
    assert "<b>" not in body
    # "Send it again" posts those fields with the page's fresh token and the cookie the page set: it goes through.
    assert fields[0][0] == "csrfmiddlewaretoken"
    sent = browser.post(
        action,
        {"csrfmiddlewaretoken": fields[0][1], "rating": "4", "comment": html.unescape(fields[2][1])},
        HTTP_ORIGIN="http://testserver",
    )
    assert sent.status_code == 302
    assert Feedback.objects.get().comment == COMMENT


def test_the_answers_are_offered_again_when_only_the_referer_says_the_form_was_ours(db):
    response = refused_feedback(HTTP_REFERER="http://testserver/feedback/")
    assert RESEND_FORM.search(response.content.decode())


def test_a_form_sent_from_another_site_is_not_offered_again(db):
    for headers in (
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_REFERER": "https://evil.example/feedback/"},
        {"HTTP_REFERER": "http://testserver.evil.example/feedback/"},
        {},
    ):
        body = refused_feedback(**headers).content.decode()
        assert "Your form could not be sent" in body
        assert not RESEND_FORM.search(body) and "the map" not in body, headers


def test_a_staff_form_is_never_offered_again(db):
    response = Client(enforce_csrf_checks=True).post(
        "/admin/login/", {"username": "someone", "password": "a guess"}, HTTP_ORIGIN="http://testserver"
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert not RESEND_FORM.search(body) and "a guess" not in body
