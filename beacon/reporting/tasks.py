"""Background work on reports (Django tasks; `manage.py db_worker` runs them): the blind indexes of a new
report's identifiers, and the emails about reports.

None of these emails carries report content: only that there is something to look at, its priority,
the reference and a link. A task's row in the queue holds the report's id and nothing else. The workers that
run them are back-office processes holding the private key and the blind-index key (docs/deploy.md): they
read the report's identifiers from the sealed report to index them, and the reporter's address as they send,
so that the address exists nowhere but in the sealed report.
"""

import datetime
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.utils import timezone

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


# After a failed attempt, report_index tries again this many minutes later; then `manage.py reports_index`
# (run by run_schedule) queues it again for as long as the report stays unindexed.
INDEX_RETRY_MINUTES = (1, 5, 30, 120, 360)


class ReportNotIndexed(Exception):
    """Indexing failed. Names the report's id, the attempt and the kind of error only."""


def _index_again(report_id: int, attempt: int) -> bool:
    """Book the next attempt, on a backend that can run a task later (not the immediate one of the tests)."""
    if attempt > len(INDEX_RETRY_MINUTES) or not report_index.get_backend().supports_defer:
        return False
    run_after = timezone.now() + datetime.timedelta(minutes=INDEX_RETRY_MINUTES[attempt - 1])
    report_index.using(run_after=run_after).enqueue(report_id, attempt=attempt + 1, notify=False)
    return True


@task()
def report_index(report_id: int, attempt: int = 1, notify: bool = True) -> None:
    """Enqueued in the transaction that stores a report (services.report_submit); runs in the back office.

    1. Writes the blind indexes of the report's identifiers, read from the sealed report: the public web
       servers that store reports hold neither the private key nor the blind-index key.
    2. Sends `report_submitted`, so that other apps act on the report (the triage app links it to reports
       sharing an identifier, which can raise its priority). A failing receiver is logged, with the report's
       id only, and stops nothing.
    3. Queues the triage team's email (report_notify_triage): a task of its own, so that an email that cannot
       be sent stops no indexing, and sent after linking, so that it gives the priority linking left.

    Idempotent: a report already indexed is left alone. When step 1 fails (a worker without its keys, the
    database away), the email is queued all the same and indexing is tried again (INDEX_RETRY_MINUTES).
    `notify` is False for those later attempts, so that the team is emailed once.
    """
    from .models import Report
    from .services import report_identifiers_index, report_index_done
    from .signals import report_submitted

    try:
        report = report_identifiers_index(report_id=report_id)
    except Exception as error:
        _index_again(report_id, attempt)
        if notify:  # the team hears of the report now, with the priority it has without links
            report_notify_triage.enqueue(report_id, after_index=True)
        if isinstance(error, ImproperlyConfigured):
            raise  # Beacon's own message, naming the key this worker lacks
        # The kind of error only, and no cause or context: nothing of the report in the row or the log.
        raise ReportNotIndexed(
            f"Report id {report_id} not indexed, attempt {attempt} ({type(error).__name__})"
        ) from None
    if report is not None:
        try:
            with transaction.atomic():
                report_submitted.send(sender=Report, report=report)
        except Exception:
            logger.exception("A receiver of report_submitted failed for report id %s", report_id)
        report_index_done(report=report)
    if notify:
        report_notify_triage.enqueue(report_id, after_index=True)


@task()
def report_notify_triage(report_id: int, after_index: bool = False) -> None:
    """Emails the triage team that a report has arrived, with its priority; queued by report_index.

    A row queued by the release before report_index existed (`after_index` False) found the report indexed
    at submit, and links it first, as that release did."""
    from .models import Report
    from .signals import report_submitted

    report = Report.objects.filter(pk=report_id).defer("sealed").first()
    if report is None:
        return
    if not after_index:
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


def reports_index_again(*, older_than: datetime.timedelta = datetime.timedelta(minutes=15)) -> int:
    """Queue report_index once more for each report still unindexed after `older_than` (its attempts all
    failed, or its task was lost), unless one is already waiting or running. `manage.py reports_index` runs it,
    every 15 minutes under run_schedule. Returns how many it queued. The team is not emailed again."""
    from .selectors import reports_unindexed

    unindexed = reports_unindexed(older_than=older_than)
    if not unindexed:
        return 0
    waiting: set[int] = set()
    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - another backend: nothing to look in
        pass
    else:
        if isinstance(report_index.get_backend(), DatabaseBackend):
            rows = DBTaskResult.objects.filter(
                task_path=report_index.module_path, status__in=["READY", "RUNNING"]
            ).values_list("args_kwargs", flat=True)
            waiting = {(args_kwargs.get("args") or [None])[0] for args_kwargs in rows}
    queued = 0
    for report_id in unindexed:
        if report_id not in waiting:
            report_index.enqueue(report_id, notify=False)
            queued += 1
    return queued
