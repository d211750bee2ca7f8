"""Background emails about reports (Django tasks; `manage.py db_worker` runs them).

None of these emails carries report content: only that there is something to look at, its priority,
the reference and a link. A reporter's email address has to reach the worker through the task queue's
table, so it travels locked with a key derived from SECRET_KEY, never in clear.
"""

import base64
import hashlib
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from nacl.secret import SecretBox

logger = logging.getLogger(__name__)


def _box() -> SecretBox:
    return SecretBox(
        hashlib.blake2b(settings.SECRET_KEY.encode(), digest_size=32, person=b"beacon-taskargs").digest()
    )


def lock_address(address: str) -> str:
    return base64.b64encode(_box().encrypt(address.encode("utf-8"))).decode("ascii")


def unlock_address(locked: str) -> str:
    return _box().decrypt(base64.b64decode(locked)).decode("utf-8")


def _staff_link(report_id: int) -> str:
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}/admin/triage/reports/{report_id}/"


def _send(subject: str, body: str, to: str) -> None:
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]).send()


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
    )


@task()
def report_confirm_reporter(report_id: int, locked_address: str) -> None:
    from .models import Report

    report = Report.objects.filter(pk=report_id).only("pk", "reference").first()
    if report is None:
        return
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
        unlock_address(locked_address),
    )


@task()
def report_notify_reporter(report_id: int, locked_address: str) -> None:
    from .models import Report

    report = Report.objects.filter(pk=report_id).only("pk", "reference").first()
    if report is None:
        return
    _send(
        f"We have a question about your report ({report.reference})",
        f"{settings.BEACON_FORCE_NAME} has a question about your report {report.reference}.\n\n"
        "A member of our team will contact you in the ways and at the times you told us are safe. "
        "You can also call 101 and give your reference.\n\n"
        "We have not included the question in this email, to keep it private.\n",
        unlock_address(locked_address),
    )
