"""One test for every branch of the journey, walking the real pages with the test client."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from beacon.reporting import crypto
from beacon.reporting.models import PendingUpload, Report, ReportAttachment, ReportIdentifier
from beacon.reporting.selectors import report_attachment_file, report_content

from .conftest import gps_exif, image_bytes

pytestmark = pytest.mark.django_db


def only_report() -> Report:
    assert Report.objects.count() == 1
    return Report.objects.get()


def test_start_page_explains_and_links_to_the_first_question(client):
    page = client.get("/report/")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'href="tel:999"' in text and "anonymous" in text and "Leave this site" in text
    assert "usually within 24 hours" in text  # the configurable wording
    assert 'href="/report/danger/"' in text


def test_the_shortest_route_sends_an_anonymous_report(walker, neighbourhood):
    walker.minimal()
    check = walker.client.get("/report/check/")
    assert check.status_code == 200
    assert "NN1 1AF" in check.content.decode()
    done = walker.submit()
    text = done.content.decode()
    report = only_report()
    assert report.reference in text
    assert report.anonymous and report.receipt_hash
    assert report.status == "new" and report.priority == 0
    assert report.categories == ["dealing"]
    assert report.postcode_district == "NN1" and report.neighbourhood == neighbourhood
    content = report_content(report=report)
    assert content["where"]["postcode"] == "NN1 1AF"
    assert content["contact"] is None and content["how_known"] == "saw"
    # The receipt is shown once: 20 symbols in 5 groups.
    receipt = text.split("data-receipt>")[1].split("<")[0]
    assert len(receipt) == 24 and receipt.count("-") == 4
    again = walker.client.get("/report/done/")
    assert report.reference not in again.content.decode() and receipt not in again.content.decode()
    # The answers are gone: the journey cannot be resubmitted.
    assert walker.client.get("/report/check/").status_code == 200
    assert "deleted" in walker.client.get("/report/check/").content.decode()
    # The triage team was told, without content.
    assert len(mail.outbox) == 1
    assert "needs triage" in mail.outbox[0].subject
    assert f"/admin/triage/reports/{report.pk}/" in mail.outbox[0].body
    assert "NN1" not in mail.outbox[0].body and "Cars stop" not in mail.outbox[0].body


def test_danger_yes_shows_the_999_page_then_carries_on(walker):
    walker.start()
    walker.answer("danger", {"danger": "yes"}, expect="call-999")
    page = walker.get("call-999")
    assert 'href="tel:999"' in page.content.decode()
    assert 'href="/report/about/"' in page.content.decode()
    walker.answer("call-999", expect="about")
    walker.client.post("/report/danger/", {"danger": "yes"})
    for slug, data in [
        ("about", {"categories": ["weapons", "gang"]}),
        ("where", {"description": "The underpass by the station"}),
        ("when", {"when": "now"}),
        ("people", {"people": "unknown"}),
        ("vehicles", {"vehicles": "no"}),
        ("numbers", {"numbers": "no"}),
        ("child-involved", {"child": "unknown"}),
        ("how", {"how": "heard", "detail": "Shouting"}),
        ("details", {"details": ""}),
        ("files", {"action": "continue"}),
        ("contact", {"contact": "anonymous"}),
    ]:
        walker.answer(slug, data)
    walker.submit()
    report = only_report()
    assert report.immediate_danger and report.priority == 1000
    assert report.child_unknown and not report.child_involved  # "I do not know", and nothing else says so
    assert report.categories == ["gang", "weapons"]
    assert report.neighbourhood is None and report.postcode_district == ""


def test_when_it_happened_once_asks_for_the_date(walker):
    walker.minimal(upto="when")
    walker.answer("when", {"when": "once"}, expect="when-once")
    bad = walker.post("when-once", {"date_0": "31", "date_1": "2", "date_2": "2025"})
    assert bad.status_code == 200 and "must be a real date" in bad.content.decode()
    future = timezone.localdate() + datetime.timedelta(days=3)
    bad = walker.post("when-once", {"date_0": future.day, "date_1": future.month, "date_2": future.year})
    assert "today or in the past" in bad.content.decode()
    bad = walker.post("when-once", {"date_0": "x", "date_1": "", "date_2": "2025"})
    assert "must include a month" in bad.content.decode()
    walker.answer(
        "when-once", {"date_0": "3", "date_1": "2", "date_2": "2025", "time": "about 9pm"}, expect="people"
    )
    walker.client.post("/report/people/", {"people": "no"})
    for slug, data in [
        ("vehicles", {"vehicles": "no"}),
        ("numbers", {"numbers": "no"}),
        ("child-involved", {"child": "no"}),
        ("how", {"how": "saw"}),
        ("details", {"details": ""}),
        ("files", {"action": "continue"}),
        ("contact", {"contact": "anonymous"}),
    ]:
        walker.answer(slug, data)
    assert "3 February 2025" in walker.client.get("/report/check/").content.decode()
    walker.submit()
    assert report_content(report=only_report())["when"] == {
        "kind": "once",
        "date": "2025-02-03",
        "time": "about 9pm",
    }


def test_when_it_is_ongoing_asks_since_when(walker):
    walker.minimal(upto="when")
    # A date given on the "once" branch first is left behind when the answer changes to "ongoing".
    walker.answer("when", {"when": "once"}, expect="when-once")
    walker.answer("when-once", {"date_0": "3", "date_1": "2", "date_2": "2025"}, expect="people")
    walker.answer("when", {"when": "ongoing"}, expect="when-ongoing")
    assert "Enter when it started" in walker.post("when-ongoing", {}).content.decode()
    walker.answer(
        "when-ongoing", {"since": "Since the summer", "times": ["evening", "night"]}, expect="people"
    )
    walker.answer("people", {"people": "no"}, expect="vehicles")
    _rest_after_people(walker)
    check = walker.client.get("/report/check/").content.decode()
    assert "Since: Since the summer" in check and "Evenings, Late at night" in check
    assert "February 2025" not in check
    walker.submit()
    content = report_content(report=only_report())  # decrypted with this run's private key
    assert content["when"] == {"kind": "ongoing", "since": "Since the summer", "times": ["evening", "night"]}
    assert content["how_known"] == "told" and content["where"]["postcode"] == "NN1 1AF"


def _rest_after_people(walker):
    for slug, data in [
        ("vehicles", {"vehicles": "no"}),
        ("numbers", {"numbers": "no"}),
        ("child-involved", {"child": "no"}),
        ("how", {"how": "told"}),
        ("details", {"details": ""}),
        ("files", {"action": "continue"}),
        ("contact", {"contact": "anonymous"}),
    ]:
        walker.answer(slug, data)


def test_people_can_be_added_changed_and_removed(walker):
    walker.minimal(upto="people")
    walker.answer("people", {"people": "yes"}, expect="person")
    empty = walker.post("person", {"is_child": "no"})
    assert "Enter a name, an approximate age or what the person looks like" in empty.content.decode()
    walker.answer("person", {"name": "Big  Dave", "age": "about 30", "is_child": "no"}, expect="people-list")
    listing = walker.get("people-list").content.decode()
    assert "Big  Dave" in listing or "Big Dave" in listing
    assert "Select yes if you want to add another person" in walker.post("people-list", {}).content.decode()
    walker.answer("people-list", {"add_another": "yes"}, expect="person")
    walker.answer("person", {"name": "Skinny", "description": "Grey hoodie", "is_child": "unknown"})
    walker.answer("person", {"name": "Kieran", "is_child": "no"})
    # change the second person
    assert "Skinny" in walker.get("person", item=1).content.decode()
    walker.client.post("/report/person/?item=1", {"name": "Skinny Jay", "is_child": "no"})
    # remove the first
    walker.client.post("/report/people-list/", {"remove": "0"})
    walker.answer("people-list", {"add_another": "no"}, expect="vehicles")
    _rest_after_people(walker)
    walker.submit()
    report = only_report()
    people = report_content(report=report)["people"]
    assert [p["name"] for p in people] == ["Skinny Jay", "Kieran"]
    kinds = set(ReportIdentifier.objects.filter(report=report).values_list("kind", flat=True))
    assert "name" in kinds
    assert ReportIdentifier.objects.filter(
        kind="name", digest=crypto.blind_index("name", "skinny jay")
    ).exists()


def test_removing_the_last_person_goes_back_to_the_question(walker):
    walker.minimal(upto="people")
    walker.answer("people", {"people": "yes"})
    walker.answer("person", {"name": "Dee", "is_child": "no"})
    walker.client.post("/report/people-list/", {"remove": "0"})
    response = walker.get("people-list")
    assert response.status_code == 302 and response.url == "/report/people/"


def test_vehicles_with_a_partial_registration(walker):
    walker.minimal(upto="vehicles")
    walker.client.post("/report/vehicles/", {"vehicles": "no"})  # harmless: answered again below
    walker.answer("vehicles", {"vehicles": "yes"}, expect="vehicle")
    bad = walker.post("vehicle", {"registration": "AB12 CD!"})
    assert "can only include letters and numbers" in bad.content.decode()
    walker.answer(
        "vehicle", {"registration": "ab12 c??", "colour": "Silver", "make": "Ford"}, expect="vehicles-list"
    )
    assert "part of the registration" in walker.get("vehicles-list").content.decode()
    walker.answer("vehicles-list", {"add_another": "yes"}, expect="vehicle")
    walker.answer("vehicle", {"registration": "AB12 CDE"})
    walker.answer("vehicles-list", {"add_another": "no"}, expect="numbers")
    for slug, data in [
        ("numbers", {"numbers": "no"}),
        ("child-involved", {"child": "no"}),
        ("how", {"how": "saw"}),
        ("details", {"details": ""}),
        ("files", {"action": "continue"}),
        ("contact", {"contact": "anonymous"}),
    ]:
        walker.answer(slug, data)
    walker.submit()
    report = only_report()
    vehicles = report_content(report=report)["vehicles"]
    assert vehicles[0]["registration"] == "AB12C??" and vehicles[0]["partial"] is True
    assert vehicles[1]["registration"] == "AB12CDE" and vehicles[1]["partial"] is False
    digests = list(
        ReportIdentifier.objects.filter(report=report, kind="vehicle").values_list("digest", flat=True)
    )
    assert digests == [crypto.blind_index("vehicle", "AB12CDE")]  # only the full registration links


def test_phone_numbers_and_accounts(walker):
    walker.minimal(upto="numbers")
    walker.answer("numbers", {"numbers": "yes"}, expect="number")
    assert "Enter a phone number, like" in walker.post("number", {"phone": "12345"}).content.decode()
    assert "Select the app or website" in walker.post("number", {"handle": "someone"}).content.decode()
    walker.answer("number", {"phone": "07700 900 123"}, expect="numbers-list")
    walker.answer("numbers-list", {"add_another": "yes"})
    walker.answer("number", {"platform": "snapchat", "handle": "@Deal.Line"})
    assert "07700 900123" in walker.get("numbers-list").content.decode()
    walker.answer("numbers-list", {"add_another": "no"}, expect="child-involved")
    for slug, data in [
        ("child-involved", {"child": "no"}),
        ("how", {"how": "saw"}),
        ("details", {"details": ""}),
        ("files", {"action": "continue"}),
        ("contact", {"contact": "anonymous"}),
    ]:
        walker.answer(slug, data)
    walker.submit()
    report = only_report()
    content = report_content(report=report)
    assert content["phones"] == ["+447700900123"]
    assert content["handles"] == [{"platform": "snapchat", "handle": "deal.line"}]
    assert ReportIdentifier.objects.filter(
        kind="phone", digest=crypto.blind_index("phone", "+447700900123")
    ).exists()
    assert ReportIdentifier.objects.filter(
        kind="handle", digest=crypto.blind_index("handle", "snapchat:deal.line")
    ).exists()
    assert ReportIdentifier.objects.filter(
        kind="postcode", digest=crypto.blind_index("postcode", "NN1 1AF")
    ).exists()


def test_child_exploitation_goes_straight_to_the_child_page_and_999(walker):
    walker.start()
    walker.answer("danger", {"danger": "no"})
    walker.answer("about", {"categories": ["child_exploitation", "deal_line"]})
    walker.answer("where", {"address": "Outside the school gates, Elm Road"})
    walker.answer("when", {"when": "now"})
    walker.answer("people", {"people": "no"})
    walker.answer("vehicles", {"vehicles": "no"})
    walker.answer("numbers", {"numbers": "no"}, expect="child")
    walker.answer(
        "child",
        {"ages": "about 14", "in_danger": "yes", "where_known": "Goes to the academy"},
        expect="child-999",
    )
    assert 'href="tel:999"' in walker.get("child-999").content.decode()
    walker.answer("child-999", expect="how")
    for slug, data in [
        ("how", {"how": "saw"}),
        ("details", {"details": ""}),
        ("files", {"action": "continue"}),
        ("contact", {"contact": "anonymous"}),
    ]:
        walker.answer(slug, data)
    walker.submit()
    report = only_report()
    assert report.child_involved and report.immediate_danger
    assert report.priority == 1500
    assert report_content(report=report)["child"]["ages"] == "about 14"


def test_a_person_marked_as_a_child_also_skips_the_child_question(walker):
    walker.minimal(upto="people")
    walker.answer("people", {"people": "yes"})
    walker.answer("person", {"name": "Little J", "is_child": "yes"})
    walker.answer("people-list", {"add_another": "no"})
    walker.answer("vehicles", {"vehicles": "no"})
    walker.answer("numbers", {"numbers": "no"}, expect="child")


def test_child_involved_yes_asks_about_the_child(walker):
    walker.minimal(upto="child-involved")
    walker.answer("child-involved", {"child": "yes"}, expect="child")
    assert "Enter how old they are" in walker.post("child", {}).content.decode()
    walker.answer("child", {"ages": "15", "in_danger": "no"}, expect="how")
    for slug, data in [
        ("how", {"how": "saw"}),
        ("details", {"details": ""}),
        ("files", {"action": "continue"}),
        ("contact", {"contact": "anonymous"}),
    ]:
        walker.answer(slug, data)
    walker.submit()
    report = only_report()
    assert report.child_involved and not report.immediate_danger and report.priority == 500


def test_an_identified_reporter_gives_contact_details_and_gets_a_content_free_email(walker):
    walker.minimal(upto="contact")
    walker.answer("contact", {"contact": "identified"}, expect="contact-details")
    page = walker.post("contact-details", {"name": "Sam"})
    assert "Enter an email address or a phone number" in page.content.decode()
    page = walker.post("contact-details", {"name": "Sam", "email": "not-an-email", "ways": ["email"]})
    assert "correct format" in page.content.decode()
    page = walker.post("contact-details", {"name": "Sam", "email": "sam@example.org", "ways": ["text"]})
    assert "Enter a phone number, or do not choose" in page.content.decode()
    walker.answer(
        "contact-details",
        {
            "name": "Sam Example",
            "email": "sam@example.org",
            "phone": "07700 900 456",
            "ways": ["email", "text"],
        },
        expect="check",
    )
    done = walker.submit().content.decode()
    report = only_report()
    assert "data-receipt" not in done and report.reference in done
    assert "We are sending a confirmation to your email address" in done
    assert not report.anonymous and report.receipt_hash == ""
    assert report_content(report=report)["contact"]["phone"] == "+447700900456"
    # The reporter's own number is never a linking identifier.
    assert not ReportIdentifier.objects.filter(
        kind="phone", digest=crypto.blind_index("phone", "+447700900456")
    ).exists()
    to_reporter = [m for m in mail.outbox if m.to == ["sam@example.org"]]
    assert len(to_reporter) == 1
    assert report.reference in to_reporter[0].body
    assert "Cars stop" not in to_reporter[0].body and "NN1" not in to_reporter[0].body


def test_a_reporter_who_may_not_be_emailed_is_told_no_email_is_coming(walker):
    walker.minimal(upto="contact")
    walker.answer("contact", {"contact": "identified"}, expect="contact-details")
    walker.answer(
        "contact-details",
        {"name": "Sam Example", "email": "sam@example.org", "phone": "07700 900 456", "ways": ["call"]},
        expect="check",
    )
    done = walker.submit().content.decode()
    assert only_report().reference in done
    assert "We will not send you an email" in done and "We are sending a confirmation" not in done
    assert not [m for m in mail.outbox if m.to == ["sam@example.org"]]


def test_files_are_cleaned_held_server_side_and_attached(walker):
    walker.minimal(upto="files")
    photo = SimpleUploadedFile(
        "IMG_2041.jpg", image_bytes("JPEG", exif=gps_exif()), content_type="image/jpeg"
    )
    response = walker.client.post("/report/files/", {"file": photo, "action": "upload"})
    assert response.status_code == 302 and response.url == "/report/files/"
    assert PendingUpload.objects.count() == 1
    page = walker.get("files").content.decode()
    assert "IMG_2041.jpg" in page
    exe = SimpleUploadedFile("cute-cat.jpg", b"MZ\x90\x00" + b"\x00" * 500, content_type="image/jpeg")
    refused = walker.client.post("/report/files/", {"file": exe, "action": "upload"})
    assert refused.status_code == 200
    assert "must be a photo (JPG, PNG, WebP or HEIC) or a PDF" in refused.content.decode()
    second = SimpleUploadedFile("two.png", image_bytes("PNG"), content_type="image/png")
    walker.client.post("/report/files/", {"file": second, "action": "upload"})
    removed_id = PendingUpload.objects.order_by("id").last().pk
    walker.client.post("/report/files/", {"remove": str(removed_id)})
    assert PendingUpload.objects.count() == 1
    assert (
        "Select a file to upload"
        in walker.client.post("/report/files/", {"action": "upload"}).content.decode()
    )
    walker.answer("files", {"action": "continue"}, expect="contact")
    walker.answer("contact", {"contact": "anonymous"})
    assert "IMG_2041.jpg" in walker.client.get("/report/check/").content.decode()
    walker.submit()
    report = only_report()
    assert PendingUpload.objects.count() == 0  # consumed with the report
    attachment = ReportAttachment.objects.get(report=report)
    assert b"BeaconTestCam" not in bytes(attachment.sealed_data)
    name, content_type, data = report_attachment_file(attachment=attachment)
    assert (name, content_type) == ("IMG_2041.jpg", "image/jpeg")
    import io

    with Image.open(io.BytesIO(data)) as image:
        assert len(image.getexif()) == 0
    assert b"BeaconTestCam" not in data and b"Exif" not in data


def test_the_eleventh_file_is_refused_clearly_and_the_first_ten_are_kept(walker, settings):
    settings.BEACON_REPORT_MAX_FILES = 10  # the default, pinned so an environment variable cannot change it
    walker.minimal(upto="files")

    def upload(n):
        photo = SimpleUploadedFile(
            f"photo-{n}.png", image_bytes("PNG", size=(4, 4)), content_type="image/png"
        )
        return walker.client.post("/report/files/", {"file": photo, "action": "upload"})

    for n in range(1, 11):
        response = upload(n)
        assert response.status_code == 302 and response.url == "/report/files/", n
    full = walker.get("files").content.decode()
    assert "You have added 10 files, which is the most you can send" in full and 'type="file"' not in full
    refused = upload(11)  # e.g. from a second tab still showing the file box
    text = refused.content.decode()
    assert refused.status_code == 200
    assert "There is a problem" in text and "You can send up to 10 files" in text
    assert 'href="#id_file"' in text and 'id="id_file"' in text  # the summary's link leads to the reason
    assert PendingUpload.objects.count() == 10
    walker.answer("files", {"action": "continue"}, expect="contact")
    walker.answer("contact", {"contact": "anonymous"})
    check = walker.client.get("/report/check/").content.decode()
    assert "photo-10.png" in check and "photo-11.png" not in check
    walker.submit()
    attachments = ReportAttachment.objects.filter(report=only_report()).order_by("id")
    names = [report_attachment_file(attachment=attachment)[0] for attachment in attachments]
    assert names == [f"photo-{n}.png" for n in range(1, 11)]


def test_change_links_return_to_check_your_answers(walker):
    walker.minimal()
    check = walker.client.get("/report/check/").content.decode()
    for slug in (
        "danger",
        "about",
        "where",
        "when",
        "people",
        "vehicles",
        "numbers",
        "child-involved",
        "how",
        "details",
        "files",
        "contact",
    ):
        assert f'href="/report/{slug}/?change=1"' in check, slug
    # A simple change goes straight back.
    walker.answer("where", {"postcode": "NN2 7AB"}, change=True, expect="check")
    assert "NN2 7AB" in walker.client.get("/report/check/").content.decode()
    # A change that opens a new branch asks the new question first, then goes back.
    walker.answer("when", {"when": "once"}, change=True, expect="when-once")
    walker.answer("when-once", {"date_0": "1", "date_1": "3", "date_2": "2025"}, change=True, expect="check")
    # Changing an answer that has a follow-up question shows that question again (its answer filled in), even
    # when the answer stays the same: otherwise the date could never be corrected.
    walker.answer("when", {"when": "once"}, change=True, expect="when-once")
    assert 'value="2025"' in walker.client.get("/report/when-once/?change=1").content.decode()
    walker.answer("when-once", {"date_0": "2", "date_1": "3", "date_2": "2025"}, change=True, expect="check")
    assert "2 March 2025" in walker.client.get("/report/check/").content.decode()
    walker.answer("when", {"when": "ongoing"}, change=True, expect="when-ongoing")
    walker.answer("when-ongoing", {"since": "May"}, change=True, expect="check")
    walker.answer("when", {"when": "ongoing"}, change=True, expect="when-ongoing")
    # Danger "yes" always shows the 999 page, even when changing.
    walker.answer("danger", {"danger": "yes"}, change=True, expect="call-999")
    continue_link = walker.client.get("/report/call-999/?change=1").content.decode()
    assert 'href="/report/check/"' in continue_link
    # The back link while changing goes to check your answers.
    assert 'class="govuk-back-link"' in walker.client.get("/report/how/?change=1").content.decode()
    assert (
        'href="/report/check/" class="govuk-back-link"'
        in walker.client.get("/report/how/?change=1").content.decode()
    )


def test_back_links_follow_the_route(walker):
    walker.minimal(upto="where")
    page = walker.get("where").content.decode()
    assert 'href="/report/about/" class="govuk-back-link"' in page
    assert 'href="/report/" class="govuk-back-link"' in walker.get("danger").content.decode()


def test_pages_cannot_be_skipped(walker):
    walker.start()
    response = walker.get("contact")
    assert response.status_code == 302 and response.url == "/report/danger/"
    walker.answer("danger", {"danger": "no"})
    response = walker.get("check")
    assert response.status_code == 302 and response.url == "/report/about/"


def test_an_expired_session_says_so_kindly_and_stores_nothing(client, db):
    page = client.get("/report/where/")
    assert page.status_code == 200
    assert "Your answers have been deleted" in page.content.decode()
    posted = client.post("/report/check/", {"website": ""})
    assert "Your answers have been deleted" in posted.content.decode()
    assert Report.objects.count() == 0


def test_quick_exit_forgets_the_answers(walker):
    walker.minimal(upto="how")
    walker.client.get("/leave")
    assert "Your answers have been deleted" in walker.get("how").content.decode()


def test_quick_exit_deletes_the_files_chosen(walker):
    walker.minimal(upto="contact")
    photo = SimpleUploadedFile("p.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    walker.client.post("/report/files/", {"file": photo, "action": "upload"})
    assert PendingUpload.objects.count() == 1
    walker.client.get("/leave")
    assert PendingUpload.objects.count() == 0


def test_files_are_kept_while_the_reporter_is_still_answering(walker, settings):
    """Files are deleted when the journey is abandoned, counted from the reporter's last visit to a page, not
    from the upload: a reporter who takes more than an hour to finish keeps their photos."""
    from django.core.management import call_command

    walker.minimal(upto="contact")
    photo = SimpleUploadedFile("p.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    walker.client.post("/report/files/", {"file": photo, "action": "upload"})
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 15 * 60)
    PendingUpload.objects.update(created_at=long_ago, touched_at=long_ago)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=10)):
        walker.answer("contact", {"contact": "anonymous"}, expect="check")  # still answering
    call_command("reporting_purge_pending", stdout=io.StringIO())
    assert PendingUpload.objects.count() == 1
    assert "p.jpg" in walker.client.get("/report/check/").content.decode()


def test_stop_and_delete_my_answers(walker):
    walker.minimal(upto="contact")
    photo = SimpleUploadedFile("p.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    walker.client.post("/report/files/", {"file": photo, "action": "upload"})
    assert PendingUpload.objects.count() == 1
    page = walker.client.post("/report/delete-answers/")
    assert "Your answers have been deleted" in page.content.decode()
    assert PendingUpload.objects.count() == 0
    assert "Your answers have been deleted" in walker.get("about").content.decode()


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("danger", "Select yes if anyone is in immediate danger"),
        ("about", "Select what your concern is about"),
        ("where", "Enter an address, a postcode or a description of the place"),
        ("when", "Select when it is happening"),
        ("people", "Select yes if you can tell us about anyone involved"),
        ("vehicles", "Select yes if there is a vehicle involved"),
        ("numbers", "Select yes if you know any phone numbers or online accounts"),
        ("child-involved", "Select yes if a child or young person is involved"),
        ("how", "Select how you know about this"),
        ("contact", "Select yes if you want to stay anonymous"),
    ],
)
def test_every_question_explains_a_missing_answer(walker, slug, message):
    walker.minimal()
    page = walker.post(slug, {})
    text = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in text and message in text
    assert "<title>Error: " in text


def test_select_all_that_apply_questions_are_checkboxes(walker):
    walker.minimal(upto="about")
    page = walker.get("about").content.decode()
    assert page.count('type="checkbox"') == 7 and 'type="radio"' not in page


def test_blank_question_pages_carry_each_visitors_own_csrf_token(db):
    from django.test import Client

    from beacon.reporting import views

    views._BLANK_PAGES.clear()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    pages = [c.get("/report/danger/").content.decode() for c in (first, second)]
    assert len(views._BLANK_PAGES) == 1  # rendered once, served twice
    tokens = [p.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0] for p in pages]
    assert tokens[0] != tokens[1] and views._TOKEN_PLACEHOLDER not in pages[0]
    assert 'aria-current="page"' in pages[0] and "Beta" in pages[0]
    # Each token works for its own visitor, and not for the other one.
    assert (
        second.post("/report/danger/", {"danger": "no", "csrfmiddlewaretoken": tokens[0]}).status_code == 403
    )
    response = first.post("/report/danger/", {"danger": "no", "csrfmiddlewaretoken": tokens[0]})
    assert response.status_code == 302 and response.url == "/report/about/"
    # An answered question is rendered for its visitor, with the answer filled in.
    again = first.get("/report/danger/").content.decode()
    assert 'value="no" checked' in again


def test_a_second_send_before_the_confirmation_is_seen_shows_the_confirmation(walker):
    # With JavaScript off a double click sends twice; the browser shows the second answer. It must not say
    # that nothing was sent: it leads to the reference and receipt code of the report that was.
    walker.minimal()
    with walker.capture_on_commit(execute=True):
        first = walker.client.post("/report/check/", {"website": ""})
        second = walker.client.post("/report/check/", {"website": ""})
    assert first.status_code == 302 and first.url == "/report/done/"
    assert second.status_code == 302 and second.url == "/report/done/"
    done = walker.client.get("/report/done/").content.decode()
    assert Report.objects.get().reference in done and "data-receipt>" in done


def test_back_to_check_your_answers_after_the_confirmation_does_not_say_nothing_was_sent(walker):
    walker.minimal()
    walker.submit()
    page = walker.client.post("/report/check/", {"website": ""}).content.decode()
    assert "Nothing you had started was sent" not in page
    assert "If you saw a page with your report&rsquo;s reference, we have your report" in page
    assert Report.objects.count() == 1


def test_a_change_that_opens_a_new_question_goes_straight_to_it(walker):
    walker.minimal()
    walker.answer("about", {"categories": ["dealing", "child_exploitation"]}, change=True, expect="child")
    back = walker.answer("child", {"ages": "about 14", "in_danger": "no"}, change=True, expect="check")
    assert back == "/report/check/"  # check your answers itself, not "changing" it
    walker.answer("people", {"people": "yes"}, change=True, expect="person")
    walker.answer("person", {"name": "Kay", "is_child": "no"}, change=True, expect="people-list")
    walker.answer("people-list", {"add_another": "no"}, change=True, expect="check")


def test_the_same_journey_sent_twice_at_once_stores_one_report(walker):
    # Two sends racing: the second read the session before the first had saved it, so it still holds the
    # whole journey. One report is stored; the second send leads to the confirmation of the first.
    from django.contrib.sessions.models import Session

    from beacon.reporting.models import SentJourney

    walker.minimal()
    before = list(Session.objects.values_list("pk", "session_data", "expire_date"))
    with walker.capture_on_commit(execute=True):
        first = walker.client.post("/report/check/", {"website": ""})
    assert first.status_code == 302 and first.url == "/report/done/"
    after = list(Session.objects.values_list("pk", "session_data", "expire_date"))
    for pk, data, expires in before:
        Session.objects.filter(pk=pk).update(session_data=data, expire_date=expires)
    with walker.capture_on_commit(execute=True):
        second = walker.client.post("/report/check/", {"website": ""})
    assert second.status_code == 302 and second.url == "/report/done/"
    assert Report.objects.count() == 1 and SentJourney.objects.count() == 1
    # The first send's answer (its session saved with the confirmation) is what the browser then shows.
    for pk, data, expires in after:
        Session.objects.filter(pk=pk).update(session_data=data, expire_date=expires)
    done = walker.client.get("/report/done/").content.decode()
    assert Report.objects.get().reference in done


def test_sent_journeys_are_forgotten_once_their_session_cannot_exist(walker, settings):
    from beacon.reporting.models import SentJourney
    from beacon.reporting.services import pending_uploads_purge

    walker.minimal().submit()
    assert SentJourney.objects.count() == 1
    pending_uploads_purge()
    assert SentJourney.objects.count() == 1  # its session could still be open
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 601)):
        pending_uploads_purge()
    assert not SentJourney.objects.exists()


def test_a_journey_is_stored_once_however_it_is_sent(db):
    # The second send waits for the first's transaction, then finds the journey sent: nothing is stored twice.
    from beacon.reporting.services import AlreadySent, report_submit

    answers = {"categories": ["dealing"], "where": {"description": "the park"}, "details": "Seen daily"}
    report_submit(answers=answers, journey="token-of-one-journey")
    with pytest.raises(AlreadySent):
        report_submit(answers=answers, journey="token-of-one-journey")
    report_submit(answers=answers, journey="token-of-another-journey")
    report_submit(answers=answers)  # not from a journey (the import, tests): no once-only key
    assert Report.objects.count() == 3
