"""Hostile and broken input: a clear message, the answers so far kept, nothing half-stored, never a 500."""

import io
import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from PIL import Image

from beacon.reporting.models import PendingUpload, Report
from beacon.reporting.selectors import report_content

from .conftest import image_bytes
from .test_uploads import decompression_bomb

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
SQL = "'; DROP TABLE reporting_report; --"


def test_script_and_sql_are_kept_as_text_and_shown_escaped(walker):
    walker.minimal(upto="details")
    walker.answer("details", {"details": f"{SCRIPT} {SQL}"})
    walker.answer("files", {"action": "continue"})
    walker.answer("contact", {"contact": "anonymous"})
    check = walker.client.get("/report/check/").content.decode()
    assert SCRIPT not in check
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in check
    walker.submit()
    assert report_content(report=Report.objects.get())["details"] == f"{SCRIPT} {SQL}"


def test_control_and_bidi_characters_are_removed(walker):
    walker.minimal(upto="where")
    walker.answer(
        "where", {"description": "Behind the \u202eshop\u202c\u200b\x07 on Bridge St", "postcode": ""}
    )
    page = walker.get("where").content.decode()
    assert "\u202e" not in page and "\x07" not in page
    assert "Behind the shop on Bridge St" in page


def test_a_megabyte_of_text_is_refused_and_earlier_answers_kept(walker):
    walker.minimal(upto="details")
    page = walker.post("details", {"details": "A" * 1_000_000})
    assert page.status_code == 200
    assert "must be 5,000 characters or fewer" in page.content.decode()
    assert "dealing" in walker.get("about").content.decode()  # the earlier answer is still ticked
    assert 'value="dealing" checked' in walker.get("about").content.decode()


def test_an_oversized_body_gets_a_page_not_a_crash(walker):
    walker.minimal(upto="details")
    page = walker.post("details", {"details": "A" * 3_000_000})
    assert page.status_code == 413
    assert "too long" in page.content.decode()
    assert 'value="dealing" checked' in walker.get("about").content.decode()


def test_an_oversized_reply_links_back_to_a_page_that_opens(client, settings):
    """The reply URL takes only POSTs: "go back" leads to the receipt code page instead."""
    settings.BEACON_REPORT_MAX_FILE_BYTES = 100_000
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"\0" * 2_500_000)  # over 3 files' worth + 1 MB
    page = client.post("/report/follow-up/reply/", {"receipt": "ABCD", "text": "hi", "files": big})
    assert page.status_code == 413
    assert 'href="/report/follow-up/"' in page.content.decode()
    assert client.get("/report/follow-up/").status_code == 200


def test_an_oversized_upload_is_refused_before_it_is_read(walker, settings):
    settings.BEACON_REPORT_MAX_FILE_BYTES = 100_000
    walker.minimal(upto="files")
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"\0" * 1_300_000)
    page = walker.client.post("/report/files/", {"file": big, "action": "upload"})
    assert page.status_code == 413
    assert "file was too big" in page.content.decode()
    assert PendingUpload.objects.count() == 0


def test_a_file_just_over_the_limit_gets_the_field_error(walker, settings):
    settings.BEACON_REPORT_MAX_FILE_BYTES = 2_000
    walker.minimal(upto="files")
    noise = Image.frombytes("RGB", (100, 100), os.urandom(30_000))
    out = io.BytesIO()
    noise.save(out, format="JPEG", quality=100)
    photo = SimpleUploadedFile("p.jpg", out.getvalue())
    page = walker.client.post("/report/files/", {"file": photo, "action": "upload"})
    assert page.status_code == 200 and "must be smaller than" in page.content.decode()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bomb.png", decompression_bomb(), "too large"),
        ("cut.jpg", image_bytes("JPEG", size=(300, 300), quality=95)[:900], "could not be read"),
        ("setup.jpg", b"MZ\x90\x00" + b"\x00" * 400, "must be a photo"),
        ("empty.jpg", b"", "empty"),
    ],
)
def test_bad_files_through_the_page(walker, name, data, message):
    walker.minimal(upto="files")
    page = walker.client.post("/report/files/", {"file": SimpleUploadedFile(name, data), "action": "upload"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "There is a problem" in text and message in text
    assert PendingUpload.objects.count() == 0


def _cut_upload_body(fields: dict, cut_at: int) -> tuple[bytes, str]:
    """A multipart body as a browser sends it, cut short inside the file: the connection dropped."""
    body = encode_multipart(BOUNDARY, fields)
    data_at = body.index(b"\xff\xd8")  # the JPEG's first bytes
    return body[: data_at + cut_at], MULTIPART_CONTENT


def test_a_truncated_upload_is_refused_and_nothing_is_kept(walker):
    walker.minimal(upto="files")
    photo = SimpleUploadedFile("street.jpg", image_bytes("JPEG", size=(300, 300), quality=95))
    body, content_type = _cut_upload_body({"file": photo, "action": "upload"}, cut_at=2000)
    page = walker.client.generic("POST", "/report/files/", body, content_type=content_type)
    assert page.status_code == 400
    text = page.content.decode()
    assert "There is a problem" in text and "did not finish uploading" in text
    assert PendingUpload.objects.count() == 0
    assert "NN1 1AF" in walker.client.get("/report/where/").content.decode()  # the answers so far are kept
    walker.answer("files", {"action": "continue"}, expect="contact")  # and the journey goes on


def test_impossible_postcodes_and_numbers(walker):
    walker.minimal(upto="where")
    assert "Enter a real postcode" in walker.post("where", {"postcode": "ZZ99 9ZZZ"}).content.decode()
    assert "Enter a real postcode" in walker.post("where", {"postcode": SQL}).content.decode()


def test_null_bytes_and_malformed_unicode_do_not_break_anything(walker):
    walker.minimal(upto="details")
    assert walker.post("details", {"details": "nul\x00byte"}).status_code == 200
    raw = b"details=%FF%FE%C3%28bad&csrfmiddlewaretoken=x"
    response = walker.client.post("/report/details/", raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("method", ["put", "delete", "patch", "options"])
def test_wrong_methods_are_refused(walker, method):
    walker.start()
    assert getattr(walker.client, method)("/report/danger/").status_code == 405
    assert getattr(walker.client, method)("/report/follow-up/").status_code == 405


@pytest.mark.parametrize("value", ["\u00b2", "\u0663", "9" * 5000, "1" * 30])
def test_list_positions_that_are_not_plain_numbers_are_ignored(walker, value):
    """'²' and '٣' pass str.isdigit() but int() refuses the first, and a 5,000-digit number is over int()'s
    limit: none of them is a position in a list, so the page acts as if none was given."""
    walker.minimal(upto="vehicles")
    walker.answer("vehicles", {"vehicles": "yes"})
    walker.answer("vehicle", {"colour": "red"})
    assert walker.get("vehicle", item=value).status_code == 200
    assert walker.client.post("/report/vehicles-list/", {"remove": value}).status_code == 302
    assert walker.client.post("/report/files/", {"remove": value}).status_code in (302, 200)
    assert "red" in walker.get("vehicles-list").content.decode()  # nothing was removed


def test_get_where_only_post_makes_sense(client):
    assert client.get("/report/delete-answers/").status_code == 405
    assert client.get("/report/follow-up/reply/").status_code == 405


def test_unknown_pages_and_ids(walker):
    walker.minimal(upto="vehicles")
    assert walker.client.get("/report/nothing-here/").status_code == 404
    walker.answer("vehicles", {"vehicles": "yes"})
    assert walker.get("vehicle", item="999").status_code == 200
    assert walker.get("vehicle", item="-1").status_code == 200
    walker.answer("vehicle", {"colour": "red"})
    assert walker.client.post("/report/vehicles-list/", {"remove": "banana"}).status_code == 302
    assert walker.client.post("/report/vehicles-list/", {"remove": "77"}).status_code == 302
    assert walker.client.post("/report/files/", {"remove": "abc"}).status_code in (302, 200)
    assert (
        walker.client.post("/report/person/", {"name": "x", "is_child": "no"}).status_code == 302
    )  # off-route
    assert walker.client.post("/report/about/", {"categories": ["arson"]}).status_code == 200


def test_the_honeypot_stores_nothing(walker):
    walker.minimal()
    response = walker.client.post("/report/check/", {"website": "http://spam.example"})
    assert response.status_code == 400
    assert Report.objects.count() == 0
    assert walker.client.get("/report/check/").status_code == 200  # a person who tripped it can still send


def test_posts_without_a_csrf_token_are_refused(db):
    client = Client(enforce_csrf_checks=True)
    client.get("/report/danger/")
    assert client.post("/report/danger/", {"danger": "no"}).status_code == 403
    assert client.post("/report/follow-up/", {"receipt": "x"}).status_code == 403


def test_a_dangerous_date_is_handled(walker):
    walker.minimal(upto="when")
    walker.answer("when", {"when": "once"})
    for day, month, year in [
        ("99", "99", "99999"),
        ("0", "0", "0000"),
        ("1", "1", "1200"),
        ("1e9", "2", "2024"),
        ("9" * 20, "2", "2024"),  # too large for the C long a date is built from
        ("1", "9" * 20, "2024"),
    ]:
        page = walker.post("when-once", {"date_0": day, "date_1": month, "date_2": year})
        assert page.status_code == 200 and "There is a problem" in page.content.decode()


def error_summary(page) -> list[str]:
    html = page.content.decode()
    summary = html.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="#[^"]+">([^<]+)</a>', summary)


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        (" ", " ", " ", "Enter the date it happened"),
        ("\n", "\r\n", "\t", "Enter the date it happened"),
        (" ", "", "", "Enter the date it happened"),
        ("", "", " ", "Enter the date it happened"),
        (" ", "2", "2025", "The date it happened must include a day"),
        ("3", "\n", "2025", "The date it happened must include a month"),
        ("3", " ", " ", "The date it happened must include a month and year"),
        ("\u200b", "\u2060", "\u200b", "Enter the date it happened"),
    ],
)
def test_date_boxes_of_only_spaces_are_empty_boxes(walker, day, month, year, message):
    walker.minimal(upto="when")
    walker.answer("when", {"when": "once"}, expect="when-once")
    typed = walker.post("when-once", {"date_0": day, "date_1": month, "date_2": year, "time": ""})
    assert typed.status_code == 200
    assert error_summary(typed) == [message]
    blank = " \n\r\t\u200b\u2060"
    empty = walker.post(
        "when-once",
        {"date_0": day.strip(blank), "date_1": month.strip(blank), "date_2": year.strip(blank), "time": ""},
    )
    assert error_summary(empty) == error_summary(typed)
    assert 'value="dealing" checked' in walker.get("about").content.decode()  # earlier answers kept
    walker.answer("when-once", {"date_0": "3", "date_1": "2", "date_2": "2025"}, expect="people")


@pytest.mark.parametrize(
    ("before", "page", "data", "message"),
    [
        (
            ("when", {"when": "ongoing"}),
            "when-ongoing",
            {"since": "\u202e\u200b"},
            "Enter when it started, or your best guess",
        ),
        (
            ("child-involved", {"child": "yes"}),
            "child",
            {"ages": "\u200b", "in_danger": "no"},
            "Enter how old they are, or your best guess",
        ),
        (
            ("contact", {"contact": "identified"}),
            "contact-details",
            {"name": "\u200b \u2060", "email": "sam@example.org", "ways": ["email"]},
            "Enter your name",
        ),
    ],
)
def test_a_required_answer_of_only_invisible_characters_is_missing(walker, before, page, data, message):
    walker.minimal(upto=before[0])
    walker.answer(*before, expect=page)
    response = walker.post(page, data)
    assert response.status_code == 200
    assert error_summary(response) == [message]
    assert 'value="dealing" checked' in walker.get("about").content.decode()  # earlier answers kept
