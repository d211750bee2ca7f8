"""The 500 page must render when the database is down: it is the page people see when things go wrong."""

from django.test import RequestFactory

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
