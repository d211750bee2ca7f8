import re

import pytest

from beacon.feedback.models import Feedback
from beacon.feedback.selectors import feedback_summary
from beacon.feedback.services import feedback_submit

pytestmark = pytest.mark.django_db


def test_valid_feedback_is_stored_and_thanked(client):
    response = client.post("/feedback/", {"rating": "4", "comment": "Clear and quick."})
    assert response.status_code == 302 and response["Location"] == "/feedback/thank-you/"
    stored = Feedback.objects.get()
    assert (stored.rating, stored.comment) == (4, "Clear and quick.")
    assert "Thank you for your feedback" in client.get(response["Location"]).content.decode()


def test_empty_feedback_shows_an_error_summary_and_stores_nothing(client):
    response = client.post("/feedback/", {"comment": "I could not find the form"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert '<a href="#id_rating_0">Select how easy it was to use this site</a>' in body
    assert "I could not find the form" in body, "the comment already typed must be kept"
    assert "<title>Error: " in body
    assert Feedback.objects.count() == 0


def test_too_long_comment_is_refused_with_a_clear_message(client):
    response = client.post("/feedback/", {"rating": "3", "comment": "x" * (Feedback.COMMENT_MAX + 1)})
    body = response.content.decode()
    assert (
        "Your ideas for improving it must be 1,200 characters or fewer" in body
    )  # a noun, and a comma as "5,000"
    assert 'aria-describedby="id_comment-hint id_comment-error"' in body
    assert Feedback.objects.count() == 0


def test_the_comment_limit_is_written_with_a_thousands_comma(client):
    assert Feedback.COMMENT_MAX == 1200
    assert "You can enter up to 1,200 characters." in client.get("/feedback/").content.decode()


def test_out_of_range_rating_and_hostile_text(client):
    assert "Select a valid choice" in client.post("/feedback/", {"rating": "9"}).content.decode()
    refused = client.post("/feedback/", {"rating": "2", "comment": "nul\x00byte"})
    assert refused.status_code == 200 and "Null characters are not allowed" in refused.content.decode()
    response = client.post(
        "/feedback/", {"rating": "2", "comment": "<script>alert(1)</script>\u202eevil'; DROP TABLE x;--"}
    )
    assert response.status_code == 302
    comment = Feedback.objects.get().comment
    assert "\u202e" not in comment, "bidi override characters are stripped"
    assert comment == "<script>alert(1)</script>evil'; DROP TABLE x;--"


def test_feedback_keeps_nothing_about_the_person(client):
    client.post(
        "/feedback/", {"rating": "5"}, HTTP_USER_AGENT="Distinctive-Agent/9.9", REMOTE_ADDR="203.0.113.77"
    )
    fields = {f.name for f in Feedback._meta.get_fields()}
    assert fields == {"id", "rating", "comment", "received_on"}
    assert not client.cookies.get("sessionid")


def test_summary_counts_each_rating():
    for rating in (5, 5, 4, 1):
        feedback_submit(rating=rating)
    summary = feedback_summary()
    assert summary["total"] == 4
    assert summary["per_rating"] == {5: 2, 4: 1, 3: 0, 2: 0, 1: 1}
    assert summary["mean"] == 3.75


def test_feedback_is_rate_limited_per_client_and_the_refused_text_kept(client, settings, fresh_window):
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "feedback": (2, 100, 900)}
    assert client.post("/feedback/", {"rating": "9"}).status_code == 200  # refused by the form: not counted
    for _ in range(2):
        assert client.post("/feedback/", {"rating": "4", "comment": "Fine"}).status_code == 302

    refused = client.post("/feedback/", {"rating": "2", "comment": "The map was hard to use"})

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 900
    body = refused.content.decode()
    assert "There is a problem" in body and "<title>Error: " in body
    assert re.search(
        r'<a href="#id_comment">You have sent feedback several times in a short time\. Wait', body
    )
    assert "The map was hard to use" in body, "the comment already typed must be kept"
    assert re.search(r'<input[^>]*value="2"[^>]*checked', body), "the rating chosen must be kept"
    assert Feedback.objects.count() == 2
    # Someone else, on another connection, can still send theirs.
    other = client.post("/feedback/", {"rating": "5"}, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302 and Feedback.objects.count() == 3


def test_feedback_has_a_limit_in_total(client, settings, fresh_window):
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "feedback": (100, 2, 900)}
    for address in ("203.0.113.1", "203.0.113.2"):
        assert client.post("/feedback/", {"rating": "4"}, REMOTE_ADDR=address).status_code == 302
    refused = client.post("/feedback/", {"rating": "3", "comment": "Late"}, REMOTE_ADDR="203.0.113.3")
    assert refused.status_code == 429 and "Late" in refused.content.decode()
    assert Feedback.objects.count() == 2


def test_an_oversized_post_gets_a_page_saying_the_answer_is_too_long(client, caplog):
    """Beyond Django's limit for form data (2 MB) the body is not read: a plain page says why and links back,
    instead of the bare 400 page and an ERROR traceback in the log."""
    from beacon.core.tests.test_error_pages import assert_safety_shell

    response = client.post("/feedback/", {"rating": "4", "comment": "y" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    body = response.content.decode()
    assert "<title>Error: your answer is too long" in body and "Your answer is too long" in body
    assert 'href="/feedback/"' in body and client.get("/feedback/").status_code == 200
    assert_safety_shell(body)
    assert Feedback.objects.count() == 0
    assert [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")] == []
