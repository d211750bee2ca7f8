"""The triage pages through the test client: what they show, what they audit, how they refuse."""

import pytest

from beacon.core.models import AuditEvent
from beacon.reporting.models import Report
from beacon.triage.models import Assessment, Grading

THRIVE_POST = {
    "threat": "Visitors at night",
    "harm": "high",
    "risk": "high",
    "investigation": "Check records",
    "vulnerability": "Tenant",
    "engagement": "Visit",
}


def _at(postcode: str) -> dict:
    return {"address": "", "postcode": postcode, "description": ""}


@pytest.fixture
def signed_in(officer, staff_client):
    return staff_client(officer)


def test_queue_shows_clear_fields_only_most_urgent_first(submit, signed_in):
    plain = submit(phones=["07700 900501"], vehicles=[], people=[], details="the quiet one")
    danger = submit(phones=["07700 900502"], vehicles=[], people=[], immediate_danger=True)
    response = signed_in.get("/admin/triage/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index(danger.reference) < body.index(plain.reference)
    assert "the quiet one" not in body and "Example Street" not in body and "Big Dave" not in body
    assert "Immediate danger" in body
    assert not AuditEvent.objects.filter(action="report.view").exists()  # the list decrypts nothing


def test_queue_filters_and_pagination(submit, signed_in, settings):
    settings.BEACON_TRIAGE_QUEUE_PAGE_SIZE = 2
    reports = [submit(phones=[f"07700 9006{i:02d}"], vehicles=[], people=[]) for i in range(3)]
    weapons = submit(phones=["07700 900699"], vehicles=[], people=[], categories=["weapons"])
    page1 = signed_in.get("/admin/triage/").content.decode()
    assert "Page 1 of 2" in page1
    page2 = signed_in.get("/admin/triage/?page=2").content.decode()
    assert reports[2].reference in page2 and reports[0].reference not in page2
    only_weapons = signed_in.get("/admin/triage/?category=weapons").content.decode()
    assert weapons.reference in only_weapons and reports[0].reference not in only_weapons
    danger_only = signed_in.get("/admin/triage/?flags=danger").content.decode()
    assert "There are no reports to show" in danger_only
    # nonsense filters and pages are ignored, never a 500
    for query in [
        "?page=-4",
        "?page=abc",
        "?page=99999",
        "?area=abc&status=zzz&assignee=%00",
        "?flags=<script>",
    ]:
        assert signed_in.get("/admin/triage/" + query).status_code == 200


def test_viewing_a_report_writes_an_audit_row_with_who_and_what(submit, signed_in, officer):
    report = submit()
    response = signed_in.get(f"/admin/triage/reports/{report.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Big Dave" in body and "Flat 2, 10 Example Street" in body and "07700 900123" in body
    event = AuditEvent.objects.get(action="report.view")
    assert event.actor == officer
    assert event.object_id == str(report.pk)
    assert "content" in event.detail["shown"]
    signed_in.get(f"/admin/triage/reports/{report.pk}/")
    assert AuditEvent.objects.filter(action="report.view").count() == 2  # every view, not the first


def test_detail_lists_linked_reports_and_what_they_share(submit, signed_in):
    first = submit()
    second = submit(details="again")
    body = signed_in.get(f"/admin/triage/reports/{second.pk}/").content.decode()
    assert first.reference in body
    assert "Phone number" in body and "Vehicle registration" in body


def test_unknown_ids_are_404(areas, analyst, officer, staff_client):
    client = staff_client(officer)
    for url in [
        "/admin/triage/reports/999999/",
        "/admin/triage/reports/999999/assess/",
        "/admin/triage/reports/999999/files/1/",
    ]:
        assert client.get(url).status_code == 404, url
    client = staff_client(analyst)
    for url in ["/admin/triage/linked/phone/nothex/", "/admin/triage/linked/colour/" + "a" * 64 + "/"]:
        assert client.get(url).status_code == 404, url


def test_wrong_methods_are_refused(submit, signed_in):
    report = submit()
    assert signed_in.post("/admin/triage/", {}).status_code == 405
    assert signed_in.post(f"/admin/triage/reports/{report.pk}/", {}).status_code == 405
    assert signed_in.put(f"/admin/triage/reports/{report.pk}/assess/").status_code == 405


def test_assessment_form_validates_with_clear_messages(submit, signed_in):
    report = submit()
    response = signed_in.post(f"/admin/triage/reports/{report.pk}/assess/", {"version": report.version})
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert "Enter threat" in body and "Select how serious the harm would be" in body
    hostile = signed_in.post(
        f"/admin/triage/reports/{report.pk}/assess/",
        {
            **THRIVE_POST,
            "harm": "<script>alert(1)</script>",
            "version": report.version,
            "threat": "\x00" * 3000,
        },
    )
    assert hostile.status_code == 400
    assert "<script>alert(1)</script>" not in hostile.content.decode()
    assert not Assessment.objects.exists()


def test_a_stale_form_is_refused_and_nothing_is_overwritten(submit, signed_in, make_staff, staff_client):
    report = submit()
    signed_in.post(f"/admin/triage/reports/{report.pk}/assess/", {**THRIVE_POST, "version": report.version})
    report.refresh_from_db()
    assert report.version == 2
    # a second form opened before the first was saved still carries version 1
    again = signed_in.post(
        f"/admin/triage/reports/{report.pk}/assess/", {**THRIVE_POST, "risk": "low", "version": 1}
    )
    assert again.status_code == 400
    assert "Someone else changed this report" in again.content.decode()
    assert Assessment.objects.count() == 1
    report.refresh_from_db()
    assert report.priority == 200
    missing = signed_in.post(f"/admin/triage/reports/{report.pk}/assess/", {**THRIVE_POST, "version": "x"})
    assert "This form is out of date" in missing.content.decode()


def test_illegal_transition_shows_the_reason(submit, signed_in):
    report = submit()
    response = signed_in.post(f"/admin/triage/reports/{report.pk}/actioned/", {"version": report.version})
    assert response.status_code == 400
    assert "Only an assigned report can be marked as actioned" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "new"


def test_close_as_duplicate_by_reference(submit, signed_in):
    from beacon.reporting.services import report_message_add

    # No shared identifiers: the repeat is not a linked report, so it can reach the original's page only
    # through the merged timeline.
    original = submit(phones=["07700 900701"], vehicles=[], people=[], where=_at("NN1 1AF"))
    repeat = submit(phones=["07700 900702"], vehicles=[], people=[], where=_at("NN1 1AG"), details="again")
    assert not repeat.identifiers.filter(digest__in=original.identifiers.values("digest")).exists()
    report_message_add(report=repeat, direction="from_reporter", text="The van was back on Tuesday")
    bad = signed_in.post(
        f"/admin/triage/reports/{repeat.pk}/close/",
        {"kind": "duplicate", "duplicate_of": "ZZZZ-ZZZZ", "version": repeat.version},
    )
    assert "There is no report with that reference" in bad.content.decode()
    ok = signed_in.post(
        f"/admin/triage/reports/{repeat.pk}/close/",
        {"kind": "duplicate", "duplicate_of": original.reference.lower(), "version": repeat.version},
    )
    assert ok.status_code == 302
    assert Report.objects.get(pk=repeat.pk).status == "closed"
    merged = signed_in.get(f"/admin/triage/reports/{original.pk}/").content.decode()
    # The duplicate's timeline is merged into the original's, each entry marked with where it came from.
    assert "The van was back on Tuesday" in merged
    assert f"from duplicate {repeat.reference}" in merged


def test_grading_page_for_an_analyst(submit, analyst, staff_client):
    report = submit()
    client = staff_client(analyst)
    response = client.post(
        f"/admin/triage/reports/{report.pk}/grade/",
        {"source": "2", "intelligence": "B", "handling": "C", "conditions": "", "version": report.version},
    )
    assert "Enter the conditions for sharing" in response.content.decode()
    client.post(
        f"/admin/triage/reports/{report.pk}/grade/",
        {"source": "2", "intelligence": "B", "handling": "P", "version": report.version},
    )
    assert Grading.objects.get().code == "2BP"


def test_network_view_for_an_analyst(submit, analyst, staff_client):
    first = submit()
    second = submit(details="again", vehicles=[{"registration": "XY51 ABC"}])
    client = staff_client(analyst)
    lookup = client.post("/admin/triage/linked/", {"kind": "phone", "value": "07700900123"})
    assert lookup.status_code == 302
    network = client.get(lookup["Location"])
    body = network.content.decode()
    assert first.reference in body and second.reference in body
    assert "Shared" in body
    event = AuditEvent.objects.get(action="identifier.view", actor=analyst)
    # The kind and the reports shown, never the digest (nor a part of it): the log outlives the reports.
    assert event.detail == {"kind": "phone", "reports": sorted([first.pk, second.pk], reverse=True)}
    digest = first.identifiers.get(kind="phone").digest
    assert event.object_id == "phone"
    assert digest[:8] not in f"{event.object_id} {event.detail}"
    bad = client.post("/admin/triage/linked/", {"kind": "vehicle", "value": "AB1?"})
    assert bad.status_code == 400
    assert "full registration" in bad.content.decode()


# What must not be in a URL, in the forms it might take there. (Nothing short made only of hex digits: the
# digest in the URL could hold it by chance.)
LOOKED_UP = [
    ("name", "", "Jaylen Mercer", ["Jaylen", "Mercer"]),
    ("phone", "", "07700 900777", ["07700 900777", "07700900777", "7700900777"]),
    ("vehicle", "", "XY51 ABC", ["XY51", "XY51ABC"]),
    ("postcode", "", "NN1 1AF", ["NN1 1AF", "NN11AF", "NN1"]),
    ("handle", "snapchat", "dave.deals", ["dave.deals", "dave"]),
]


@pytest.mark.parametrize(("kind", "platform", "value", "pieces"), LOOKED_UP)
def test_what_staff_look_up_is_never_in_a_url(submit, analyst, staff_client, kind, platform, value, pieces):
    """The look-up is posted (with its CSRF token) and answered with a redirect to the keyed digest: the
    name or number looked up is in no URL, so not in the browser's history nor in an access log."""
    from urllib.parse import unquote_plus

    from django.test import Client

    report = submit(
        people=[{"name": "Jaylen Mercer", "age": "14", "description": "", "is_child": True}],
        phones=["07700 900777"],
        vehicles=[{"registration": "XY51 ABC"}],
        handles=[{"platform": "snapchat", "handle": "dave.deals"}],
    )
    client = Client(enforce_csrf_checks=True)  # as a browser: a post without its CSRF token is refused
    client.cookies = staff_client(analyst).cookies  # the signed-in session
    form = client.get("/admin/triage/linked/")
    body = form.content.decode()
    assert form.status_code == 200 and '<form method="post"' in body
    token = form.context["csrf_token"]
    refused = client.post("/admin/triage/linked/", {"kind": kind, "platform": platform, "value": value})
    assert refused.status_code == 403  # no CSRF token
    response = client.post(
        "/admin/triage/linked/",
        {"kind": kind, "platform": platform, "value": value, "csrfmiddlewaretoken": str(token)},
        follow=True,
    )
    assert response.status_code == 200
    urls = [url for url, _ in response.redirect_chain] + [response.request["PATH_INFO"]]
    assert urls[0].startswith(f"/admin/triage/linked/{kind}/")
    assert response.request.get("QUERY_STRING", "") == ""
    for url in urls:
        for piece in pieces:
            assert piece.lower() not in unquote_plus(url).lower(), url
    assert report.reference in response.content.decode()


def test_a_looked_up_value_that_cannot_be_used_is_kept_in_the_box_with_the_error(
    analyst, staff_client, areas
):
    client = staff_client(analyst)
    response = client.post("/admin/triage/linked/", {"kind": "vehicle", "platform": "", "value": "AB1?"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and "Enter the full registration" in body
    assert 'value="AB1?"' in body
    assert not response.has_header("Location")


def test_a_look_up_in_a_query_string_is_not_made(submit, analyst, staff_client):
    """An old bookmark or a typed address with the value in it finds nothing: only a posted look-up does."""
    submit()
    response = staff_client(analyst).get("/admin/triage/linked/", {"kind": "phone", "value": "07700900123"})
    assert response.status_code == 200
    assert not response.has_header("Location")
    assert "07700900123" not in response.content.decode()


def test_attachment_download_is_audited(areas, officer, staff_client):
    from beacon.reporting.services import report_submit

    from .conftest import answers
    from .test_access import png

    report = report_submit(answers=answers(), files=[("my photo.png", png())]).report
    attachment = report.attachments.get()
    response = staff_client(officer).get(f"/admin/triage/reports/{report.pk}/files/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    assert 'filename="my_photo' in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="report.attachment_view", object_id=str(report.pk)).exists()


def test_a_server_without_the_private_key_says_so(submit, signed_in, settings):
    report = submit()
    settings.BEACON_REPORT_PRIVATE_KEY = ""
    response = signed_in.get(f"/admin/triage/reports/{report.pk}/")
    assert response.status_code == 503
    assert "cannot read reports" in response.content.decode()
    assert not AuditEvent.objects.filter(action="report.view").exists()


def test_closing_as_a_referral_without_one_shows_why_on_the_outcome(submit, signed_in, officer):
    from .test_workflow import _to_actioned

    report = submit()
    _to_actioned(officer, report)
    report.refresh_from_db()
    response = signed_in.post(
        f"/admin/triage/reports/{report.pk}/close/",
        {"kind": "safeguarding_referral", "version": report.version},
    )
    assert response.status_code == 400
    body = response.content.decode()
    # The error summary leads to the outcome question.
    assert '<a href="#id_kind_0">Select another outcome: a safeguarding lead has not recorded' in body
    assert Report.objects.get(pk=report.pk).status == "actioned"


def test_the_queue_shows_a_new_report_over_its_target(submit, officer):
    """Time since received against the target for the report's priority (settings.BEACON_TRIAGE_TARGETS):
    15 minutes for immediate danger, 3 days for a plain report, until a first assessment."""
    import datetime as dt

    import time_machine

    from .conftest import assess
    from .test_access import client_for

    start = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        danger = submit(
            phones=["07700 900901"], vehicles=[], people=[], where=_at("NN1 1AF"), immediate_danger=True
        )
        plain = submit(phones=["07700 900902"], vehicles=[], people=[], where=_at("NN1 1AG"))

    def row(minutes, report):
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            body = client_for(officer).get("/admin/triage/").content.decode()  # signed in afresh then
        rows = [part.split("</tr>")[0] for part in body.split("<tr>")]
        return next(part for part in rows if f">{report.reference}</a>" in part)

    assert "target 15 minutes" in row(14, danger) and "Over target" not in row(14, danger)
    assert "14 minutes" in row(14, danger)
    assert "Over target" in row(16, danger)
    assert "target 3 days" in row(16, plain) and "Over target" not in row(16, plain)
    assert "Over target" in row(3 * 24 * 60 + 1, plain)
    with time_machine.travel(start + dt.timedelta(minutes=20), tick=False):
        assess(officer, danger)  # the target is for the first assessment: met, late
    assert "Over target" not in row(21, danger)


def test_reports_where_the_reporter_did_not_know_about_a_child_can_be_found_and_marked(submit, signed_in):
    not_known = submit(phones=["07700 900801"], vehicles=[], people=[], child_involved_answer="unknown")
    child = submit(phones=["07700 900802"], vehicles=[], people=[], categories=["child_exploitation"])
    neither = submit(phones=["07700 900803"], vehicles=[], people=[], child_involved_answer="no")

    queue = signed_in.get("/admin/triage/?flags=child_unknown").content.decode()
    assert not_known.reference in queue and "Child not known" in queue
    assert child.reference not in queue and neither.reference not in queue
    filters = signed_in.get("/admin/triage/").content.decode()
    assert "Not known if a child is involved" in filters  # a flag to filter on

    detail = signed_in.get(f"/admin/triage/reports/{not_known.pk}/").content.decode()
    assert "Not known if a child is involved" in detail
    assert f"/admin/triage/reports/{not_known.pk}/child/" in detail
    flagged = signed_in.get(f"/admin/triage/reports/{child.pk}/").content.decode()
    assert f"/admin/triage/reports/{child.pk}/child/" not in flagged  # already flagged: nothing to record

    form = signed_in.get(f"/admin/triage/reports/{not_known.pk}/child/")
    assert form.status_code == 200 and "It cannot be undone" in form.content.decode()
    done = signed_in.post(f"/admin/triage/reports/{not_known.pk}/child/", {"version": not_known.version})
    assert done.status_code == 302
    not_known.refresh_from_db()
    assert not_known.child_involved and not not_known.child_unknown
    after = signed_in.get(f"/admin/triage/reports/{not_known.pk}/").content.decode()
    assert "A safeguarding lead must record a safeguarding decision" in after
    assert f"/admin/triage/reports/{not_known.pk}/child/" not in after

    again = signed_in.post(f"/admin/triage/reports/{not_known.pk}/child/", {"version": not_known.version})
    assert again.status_code == 400 and "already marked as involving a child" in again.content.decode()


def test_staff_form_fields_are_described_by_their_hint_and_error_on_the_page(submit, signed_in):
    """Every id a box or group says it is described by is on the page: a screen reader reads the error."""
    from beacon.core.tests.html import Elements

    report = submit()
    response = signed_in.post(f"/admin/triage/reports/{report.pk}/assess/", {"version": report.version})
    page = Elements(response.content.decode())
    assert "id_threat_error" in page.described_by("id_threat")
    assert page.missing_description_ids() == []


def test_a_report_where_no_child_is_involved_after_all_leaves_the_not_known_list(submit, signed_in):
    report = submit(phones=["07700 900811"], vehicles=[], people=[], child_involved_answer="unknown")
    detail = signed_in.get(f"/admin/triage/reports/{report.pk}/").content.decode()
    assert f"/admin/triage/reports/{report.pk}/no-child/" in detail
    form = signed_in.get(f"/admin/triage/reports/{report.pk}/no-child/")
    assert form.status_code == 200 and "Record this only once you know" in form.content.decode()
    done = signed_in.post(f"/admin/triage/reports/{report.pk}/no-child/", {"version": report.version})
    assert done.status_code == 302
    assert report.reference not in signed_in.get("/admin/triage/?flags=child_unknown").content.decode()
    after = signed_in.get(f"/admin/triage/reports/{report.pk}/").content.decode()
    assert f"/admin/triage/reports/{report.pk}/no-child/" not in after
    assert "Recorded that no child is involved" in after  # on the timeline
