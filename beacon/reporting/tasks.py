"""Background emails about reports (Django tasks; `manage.py db_worker` runs them).

None of these emails carries report content: only that there is something to look at, its priority,
the reference and a link. A task's row in the queue holds the report's id and nothing else. The reporter's
emails read the address from the sealed report as they send, so the workers that run them are back-office
processes holding the private key (docs/deploy.md), and the address exists nowhere but in the sealed report.
"""

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task

from beacon.core.mail import mail_send

if TYPE_CHECKING:
    from .models import Report

logger = logging.getLogger(__name__)


def _staff_link(report_id: int) -> str:
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}/admin/triage/reports/{report_id}/"


def _send(subject: str, body: str, to: str, *, report_id: int) -> None:
    """Send one email about a report. A refusal or a connection failure raises MailNotSent naming the report's
    id and the SMTP code only: the task fails on the queue as before, but neither its row nor the worker's
    log holds the address (smtplib's own exception quotes it)."""
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
    mail_send(message, about=f"report id {report_id}")


def _reporter(report_id: int) -> "tuple[Report, str] | None":
    """The report and the address its reporter ticked as safe to email, read from the sealed report now with
    the private key (ImproperlyConfigured without it: the task fails on the queue rather than passing for
    sent). None when the report has gone (purged), is anonymous, or gives no address to email."""
    from .models import Report
    from .selectors import report_reporter_email

    report = Report.objects.filter(pk=report_id).only("pk", "reference", "anonymous", "sealed").first()
    if report is None:
        return None
    email = report_reporter_email(report=report)
    return (report, email) if email else None


@task()
def report_notify_triage(report_id: int) -> None:
    """Enqueued in the transaction that stores a report. First `report_submitted` lets other apps act on it
    (the triage app links it to reports sharing an identifier, which can raise its priority), then the
    triage team is emailed with the priority that results. A failing receiver is logged (with the report's
    id only) and does not stop the email."""
    from .models import Report
    from .signals import report_submitted

    report = Report.objects.filter(pk=report_id).defer("sealed").first()
    if report is None:
        return
    try:
        with transaction.atomic():
            report_submitted.send(sender=Report, report=report)
    except Exception:
        logger.exception("A receiver of report_submitted failed for report id %s", report_id)
    report.refresh_from_db(fields=["priority"])  # as the receivers left it
    urgent = "URGENT: " if report.priority >= 1000 else ""
    _send(
        f"{urgent}A new report needs triage (priority {report.priority})",
        "A new report has arrived in Beacon and needs triage.\n\n"
        f"Reference: {report.reference}\n"
        f"Priority: {report.priority}\n\n"
        f"Open it in the back office (sign-in needed):\n{_staff_link(report.pk)}\n\n"
        "This email does not contain what the report says. Read it in Beacon only.\n",
        settings.BEACON_TRIAGE_EMAIL,
        report_id=report.pk,
    )


@task()
def report_notify_triage_reply(report_id: int) -> None:
    from .models import Report

    report = Report.objects.filter(pk=report_id).only("pk", "reference", "priority").first()
    if report is None:
        return
    _send(
        f"A reporter has replied (report {report.reference})",
        "A reporter has replied to a question about their report.\n\n"
        f"Reference: {report.reference}\nPriority: {report.priority}\n\n"
        f"Read the reply in the back office (sign-in needed):\n{_staff_link(report.pk)}\n",
        settings.BEACON_TRIAGE_EMAIL,
        report_id=report.pk,
    )


@task()
def report_confirm_reporter(report_id: int, _legacy_address: str | None = None) -> None:
    """Tells an identified reporter their report arrived. `_legacy_address` is ignored: rows queued by
    earlier releases carry a locked copy of the address there, and still run."""
    found = _reporter(report_id)
    if found is None:
        return
    report, email = found
    force = settings.BEACON_FORCE_NAME
    _send(
        f"We have received your report ({report.reference})",
        f"Thank you for contacting {force}.\n\n"
        f"We have received your report. Your reference is {report.reference}.\n\n"
        "A member of our team will read it. If we need to ask you anything, we will only contact you in "
        "the ways you told us are safe.\n\n"
        "If you or anyone else is in danger, call 999. To add information, call 101 and give your "
        "reference.\n\n"
        "We have not included what you told us in this email, to keep it private.\n",
        email,
        report_id=report.pk,
    )


@task()
def report_notify_reporter(report_id: int, _legacy_address: str | None = None) -> None:
    """Tells an identified reporter that staff have a question (not what it is). `_legacy_address` as above."""
    found = _reporter(report_id)
    if found is None:
        return
    report, email = found
    _send(
        f"We have a question about your report ({report.reference})",
        f"{settings.BEACON_FORCE_NAME} has a question about your report {report.reference}.\n\n"
        "A member of our team will contact you in the ways and at the times you told us are safe. "
        "You can also call 101 and give your reference.\n\n"
        "We have not included the question in this email, to keep it private.\n",
        email,
        report_id=report.pk,
    )
