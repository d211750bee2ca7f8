"""Coming back with a receipt code: status, staff questions, replies with files, and throttling."""

import sqlite3
from contextlib import closing

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from beacon.reporting.models import Report, ReportAttachment, ReportMessage
from beacon.reporting.selectors import report_messages
from beacon.reporting.services import report_delete, report_message_add

from .conftest import image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(walker):
    done = walker.minimal().submit().content.decode()
    receipt = done.split("data-receipt>")[1].split("<")[0]
    return Report.objects.get(), receipt


def test_the_receipt_round_trip(client, sent, make_staff):
    report, receipt = sent
    page = client.get("/report/follow-up/")
    assert page.status_code == 200 and "Enter your receipt code" in page.content.decode()
    status = client.post("/report/follow-up/", {"receipt": receipt.lower().replace("-", " ")})
    text = status.content.decode()
    assert status.status_code == 200
    assert report.reference in text and "Received" in text and "We have not asked you anything" in text

    report_message_add(
        report=report,
        direction="to_reporter",
        text="What colour is the door?",
        author=make_staff("Triage officer"),
    )
    text = client.post("/report/follow-up/", {"receipt": receipt}).content.decode()
    assert "What colour is the door?" in text and "Answer our question" in text

    photo = SimpleUploadedFile("door.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    sent_page = client.post(
        "/report/follow-up/reply/",
        {"receipt": receipt, "text": "Green, with a <b>brass</b> knocker", "files": [photo]},
    )
    assert sent_page.status_code == 200 and "Reply sent" in sent_page.content.decode()
    reply = ReportMessage.objects.get(direction="from_reporter")
    assert ReportAttachment.objects.filter(message=reply).count() == 1
    assert report_messages(report=report)[-1]["text"] == "Green, with a <b>brass</b> knocker"
    shown = client.post("/report/follow-up/", {"receipt": receipt}).content.decode()
    assert "Green, with a &lt;b&gt;brass&lt;/b&gt; knocker" in shown  # escaped, never markup

    Report.objects.filter(pk=report.pk).update(status="assigned")
    assert "Being looked at" in client.post("/report/follow-up/", {"receipt": receipt}).content.decode()
    Report.objects.filter(pk=report.pk).update(status="closed")
    closed = client.post("/report/follow-up/", {"receipt": receipt}).content.decode()
    assert "Closed" in closed and "Send reply" not in closed


def test_a_reply_needs_text_and_a_good_file(client, sent):
    report, receipt = sent
    empty = client.post("/report/follow-up/reply/", {"receipt": receipt, "text": ""})
    assert "Enter your reply" in empty.content.decode()
    exe = SimpleUploadedFile("x.jpg", b"MZ" + b"\0" * 300)
    bad = client.post("/report/follow-up/reply/", {"receipt": receipt, "text": "see file", "files": [exe]})
    assert bad.status_code == 200 and "must be a photo" in bad.content.decode()
    assert ReportMessage.objects.count() == 0


def test_a_reply_whose_file_was_cut_short_is_not_sent_and_its_text_is_kept(client, sent):
    report, receipt = sent
    photo = SimpleUploadedFile("door.jpg", image_bytes("JPEG", size=(300, 300), quality=95))
    body = encode_multipart(BOUNDARY, {"receipt": receipt, "text": "The door is green", "files": [photo]})
    cut = body[: body.index(b"\xff\xd8") + 2000]  # the connection dropped inside the photo
    page = client.generic("POST", "/report/follow-up/reply/", cut, content_type=MULTIPART_CONTENT)
    text = page.content.decode()
    assert page.status_code == 400
    assert "did not finish uploading" in text and "The door is green</textarea>" in text
    assert ReportMessage.objects.count() == 0 and ReportAttachment.objects.count() == 0


def test_a_wrong_code_is_explained(client, sent):
    page = client.post("/report/follow-up/", {"receipt": "ABCD-EFGH-JKMN-PQRS-TVWX"})
    assert "We could not find a report with that receipt code" in page.content.decode()
    assert "Enter your receipt code" in client.post("/report/follow-up/", {"receipt": ""}).content.decode()


def test_guessing_is_throttled_per_client(fresh_window, client, sent, settings):
    report, receipt = sent
    per_client, _total, _window = settings.BEACON_RATE_LIMITS["followup"]
    for attempt in range(per_client):
        page = client.post("/report/follow-up/", {"receipt": f"WRONG{attempt}"}, REMOTE_ADDR="192.0.2.10")
        assert page.status_code == 200
    blocked = client.post("/report/follow-up/", {"receipt": receipt}, REMOTE_ADDR="192.0.2.10")
    assert blocked.status_code == 429 and "Please wait" in blocked.content.decode()
    assert (
        '<a class="govuk-link" href="/report/follow-up/">Go back and try again</a>'
        in blocked.content.decode()
    )
    assert "answers you have already given" not in blocked.content.decode()  # a code, not answers
    assert int(blocked["Retry-After"]) > 0
    # A reply with the right code is refused too while the client is blocked.
    assert (
        client.post(
            "/report/follow-up/reply/", {"receipt": receipt, "text": "hi"}, REMOTE_ADDR="192.0.2.10"
        ).status_code
        == 429
    )
    # Another client is unaffected.
    other = client.post("/report/follow-up/", {"receipt": receipt}, REMOTE_ADDR="192.0.2.99")
    assert other.status_code == 200 and report.reference in other.content.decode()
    # The cache holds keyed hashes of addresses, never the addresses.
    with closing(sqlite3.connect(settings.CACHES["throttle"]["LOCATION"])) as throttle_file:
        keys = " ".join(key for (key,) in throttle_file.execute("SELECT key FROM cache"))
    assert "192.0.2.10" not in keys and "192.0.2.99" not in keys


def test_only_failed_guesses_count_even_when_guesses_arrive_at_once(fresh_window, client, sent, settings):
    """A look-up holds its place in the count from before the look-up: two guesses at once against a limit
    with one place left let one through, not two; a code that is found gives its place back."""
    from django.test import RequestFactory

    from beacon.core import throttle

    report, receipt = sent
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "followup": (2, 100, 900)}
    for _ in range(5):  # the reporter checks the status again and again: never refused
        page = client.post("/report/follow-up/", {"receipt": receipt}, REMOTE_ADDR="192.0.2.30")
        assert page.status_code == 200 and report.reference in page.content.decode()
    client.post("/report/follow-up/", {"receipt": "WRONG1"}, REMOTE_ADDR="192.0.2.30")
    # Two more guesses being looked up at the same moment (as two workers would), one place left.
    first, second = (RequestFactory().post("/report/follow-up/", REMOTE_ADDR="192.0.2.30") for _ in range(2))
    assert throttle.check(first, "followup").allowed
    assert not throttle.check(second, "followup").allowed
    throttle.hit(first, "followup")  # the first guess was wrong too
    throttle.release(first)
    assert (
        client.post("/report/follow-up/", {"receipt": receipt}, REMOTE_ADDR="192.0.2.30").status_code == 429
    )


def test_guessing_is_throttled_globally(fresh_window, client, sent, settings):
    report, receipt = sent
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "followup": (100, 3, 900)}
    for n in range(3):
        client.post("/report/follow-up/", {"receipt": "nope"}, REMOTE_ADDR=f"192.0.2.{n + 1}")
    blocked = client.post("/report/follow-up/", {"receipt": receipt}, REMOTE_ADDR="192.0.2.200")
    assert blocked.status_code == 429


def test_submissions_are_throttled_and_the_answers_kept(fresh_window, walker, settings):
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "submit": (1, 100, 600)}
    walker.minimal().submit()
    walker.minimal()
    blocked = walker.client.post("/report/check/", {"website": ""})
    assert blocked.status_code == 429
    page = blocked.content.decode()
    assert "Any answers you have already given have been kept" in page
    assert '<a class="govuk-link" href="/report/check/">Go back to your report</a>' in page
    assert Report.objects.count() == 1
    assert walker.client.get("/report/check/").status_code == 200  # still complete, still there
    assert "Check your answers" in walker.client.get("/report/check/").content.decode()


def test_replies_are_throttled_and_the_reply_text_kept(fresh_window, client, sent, settings):
    """A valid receipt code does not open an unlimited channel (each reply emails the triage team)."""
    from beacon.reporting.models import ReportMessage

    report, receipt = sent
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "reply": (2, 100, 900)}
    for n in range(2):
        sent_page = client.post("/report/follow-up/reply/", {"receipt": receipt, "text": f"Reply {n}"})
        assert sent_page.status_code == 200 and "Reply sent" in sent_page.content.decode()
    refused = client.post(
        "/report/follow-up/reply/", {"receipt": receipt, "text": "The van came back at 9pm"}
    )
    page = refused.content.decode()
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "There is a problem" in page and "minutes" in page
    assert "The van came back at 9pm" in page  # the reply is still in the box, nothing lost
    assert ReportMessage.objects.filter(report=report, direction="from_reporter").count() == 2


def test_a_purged_report_has_no_receipt(client, sent):
    report, receipt = sent
    report_delete(report=report)
    page = client.post("/report/follow-up/", {"receipt": receipt})
    assert "We could not find a report" in page.content.decode()


def test_identified_reports_cannot_be_opened_with_a_receipt(client, sent):
    report, receipt = sent
    Report.objects.filter(pk=report.pk).update(anonymous=False)
    assert (
        "We could not find a report"
        in client.post("/report/follow-up/", {"receipt": receipt}).content.decode()
    )


def test_a_report_is_accepted_when_the_rate_limit_cannot_count(
    walker, monkeypatch, caplog, unreachable_cache
):
    """A broken rate limiter must not lose a report: the limits let attempts through (and say so in the log,
    without anything about the client) rather than answer with a 500."""
    from beacon.core import cache

    monkeypatch.setattr(cache, "throttle_cache", unreachable_cache)
    walker.minimal().submit()
    assert Report.objects.count() == 1
    assert "rate limit could not count" in caplog.text
    assert "127.0.0.1" not in caplog.text


def test_a_reply_refused_by_the_guessing_limit_keeps_its_text(fresh_window, client, sent, settings):
    # Other people's wrong codes have used up the global limit: the reporter's reply cannot be checked now,
    # but what they typed is given back to send later, and nothing about the report is shown.
    report, receipt = sent
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "followup": (100, 3, 900)}
    for n in range(3):
        client.post("/report/follow-up/", {"receipt": "nope"}, REMOTE_ADDR=f"192.0.2.{n + 1}")
    refused = client.post(
        "/report/follow-up/reply/",
        {"receipt": receipt, "text": "The van came back at 9pm"},
        REMOTE_ADDR="192.0.2.200",
    )
    page = refused.content.decode()
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Please wait before sending your reply" in page and "minute" in page
    assert "The van came back at 9pm" in page and f'value="{receipt}"' in page
    assert report.reference not in page  # the code was not checked: the report is not shown
    assert not ReportMessage.objects.filter(report=report, direction="from_reporter").exists()
