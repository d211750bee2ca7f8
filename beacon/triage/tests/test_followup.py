"""Follow-up questions: staff ask in the back office, the reporter answers through the public pages."""

from django.core import mail
from django.test import Client

from beacon.core.models import AuditEvent
from beacon.reporting.services import report_submit

from .conftest import answers

QUESTION = "Which door of the building do the visitors use?"
REPLY = "The side door by the bins, usually after midnight."


def test_anonymous_round_trip_through_the_real_pages(areas, officer, staff_client):
    result = report_submit(answers=answers(), files=[])
    report = result.report
    staff = staff_client(officer)

    response = staff.post(f"/admin/triage/reports/{report.pk}/question/", {"text": QUESTION})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action="report.question", actor=officer, object_id=str(report.pk)
    ).exists()

    reporter = Client()
    page = reporter.post("/report/follow-up/", {"receipt": result.receipt_code})
    assert page.status_code == 200
    assert QUESTION in page.content.decode()

    sent = reporter.post("/report/follow-up/reply/", {"receipt": result.receipt_code, "text": REPLY})
    assert sent.status_code == 200

    detail = staff.get(f"/admin/triage/reports/{report.pk}/")
    body = detail.content.decode()
    assert QUESTION in body
    assert REPLY.replace(",", ",") in body
    assert body.index(QUESTION) < body.index("Reply from the reporter")


def test_identified_reporter_gets_an_email_without_the_question(
    areas, officer, staff_client, django_capture_on_commit_callbacks
):
    contact = {"name": "Sam Example", "email": "sam@example.org", "phone": "", "ways": ["email"], "when": ""}
    report = report_submit(answers=answers(contact=contact), files=[]).report
    mail.outbox.clear()
    staff = staff_client(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/admin/triage/reports/{report.pk}/question/", {"text": QUESTION})
    assert response.status_code == 302
    notices = [m for m in mail.outbox if "sam@example.org" in m.to]
    assert len(notices) == 1
    assert QUESTION not in notices[0].body
    assert QUESTION not in notices[0].subject


def test_an_empty_or_huge_question_is_refused_with_a_message(areas, officer, staff_client):
    report = report_submit(answers=answers(), files=[]).report
    staff = staff_client(officer)
    empty = staff.post(f"/admin/triage/reports/{report.pk}/question/", {"text": "  \u202e "})
    assert empty.status_code == 400
    assert "Enter your question" in empty.content.decode()
    huge = staff.post(f"/admin/triage/reports/{report.pk}/question/", {"text": "x" * 5000})
    assert huge.status_code == 400
    assert "1500 characters or fewer" in huge.content.decode()
    assert not report.messages.exists()
