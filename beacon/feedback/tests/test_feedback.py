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
    assert "must be 1200 characters or fewer" in body
    assert 'aria-describedby="id_comment-hint id_comment-error"' in body
    assert Feedback.objects.count() == 0


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
