"""The task queue production runs (django-tasks-db): a report's tasks are rows written in the report's own
transaction, and they carry the report's id, never what it says or who sent it. The back-office worker that
runs them reads the reporter's address from the sealed report with the private key, as it sends."""

import io
import json

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django.tasks.signals import task_enqueued
from django_tasks_db.models import DBTaskResult

from beacon.core.tests.smtp import all_logs, refusing_smtp  # noqa: F401 (fixtures)
from beacon.reporting import tasks
from beacon.reporting.models import Report
from beacon.reporting.services import report_delete, report_message_add, report_submit
from config.settings.base import TASKS as PRODUCTION_TASKS

from .scan import database_hits
from .test_services import document

pytestmark = pytest.mark.django_db

USER_AGENT = "BeaconTaskProbe/1.0 (UniqueAgent-41c2e8)"
ADDRESS = "198.51.100.91"


CONTACT = {"name": "Ali", "email": "ali@example.org", "phone": "", "ways": ["email"], "when": ""}


def index_rows():
    return DBTaskResult.objects.filter(task_path=tasks.report_index.module_path)


def run_queue(monkeypatch):
    """Run every queued task once, as `manage.py db_worker` does in production."""
    import django_tasks_db.management.commands.db_worker as worker

    # The worker closes stale connections between tasks; here that would be the test's own connection.
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)
    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--interval",
        "0",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )


def test_a_submitted_report_queues_one_indexing_task_holding_only_its_id(walker, settings, monkeypatch):
    settings.TASKS = PRODUCTION_TASKS
    walker.client.defaults.update({"HTTP_USER_AGENT": USER_AGENT, "REMOTE_ADDR": ADDRESS})
    walker.minimal(upto="people")
    walker.answer("people", {"people": "yes"})
    walker.answer("person", {"name": "Marcus Quill", "age": "40s", "is_child": "no"})
    walker.answer("people-list", {"add_another": "no"})
    walker.answer("vehicles", {"vehicles": "no"})
    walker.answer("numbers", {"numbers": "yes"})
    walker.answer("number", {"phone": "07700 900321"})
    walker.answer("numbers-list", {"add_another": "yes"})
    walker.answer("number", {"platform": "instagram", "handle": "@Quill.Supply"})
    walker.answer("numbers-list", {"add_another": "no"})
    walker.answer("child-involved", {"child": "no"})
    walker.answer("how", {"how": "saw", "detail": "From my kitchen window"})
    walker.answer("details", {"details": "Zebra-lantern: a blue door opens at midnight"})
    walker.answer("files", {"action": "continue"})
    walker.answer("contact", {"contact": "identified"})
    walker.answer(
        "contact-details",
        {"name": "Sam Example", "email": "sam@example.org", "phone": "07700 900456", "ways": ["email"]},
        expect="check",
    )
    session_key = walker.client.session.session_key
    walker.submit()

    report = Report.objects.get()
    row = index_rows().get()  # exactly one, queued for the back-office worker, not run here
    assert row.status == TaskResultStatus.READY and mail.outbox == []
    assert row.args_kwargs == {"args": [report.pk], "kwargs": {}}
    confirm = DBTaskResult.objects.get(task_path=tasks.report_confirm_reporter.module_path)
    assert confirm.args_kwargs == {"args": [report.pk], "kwargs": {}}  # no copy of the address
    # Every queued row, whole.
    queued = json.dumps(list(DBTaskResult.objects.values()), default=str).lower()
    assert DBTaskResult.objects.count() == 2
    for needle in [
        "Zebra-lantern",
        "blue door",
        "kitchen window",
        "Marcus",
        "Quill",
        "900321",
        "Sam Example",
        "sam@example.org",
        "900456",
        "NN1 1AF",
        "NN11AF",
        USER_AGENT,
        ADDRESS,
        session_key,
    ]:
        assert needle.lower() not in queued, needle

    # The back-office worker indexes the report, queues the triage team's email, and reads the reporter's
    # address from the sealed report as it sends.
    run_queue(monkeypatch)
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    notify = DBTaskResult.objects.get(task_path=tasks.report_notify_triage.module_path)
    assert notify.args_kwargs == {"args": [report.pk], "kwargs": {"after_index": True}}
    queued = json.dumps(list(DBTaskResult.objects.values()), default=str).lower()
    assert "sam@example.org" not in queued and "900321" not in queued
    confirmation = [m for m in mail.outbox if m.to == ["sam@example.org"]]
    assert len(confirmation) == 1 and report.reference in confirmation[0].subject
    for needle in ["Zebra-lantern", "blue door", "kitchen window", "Marcus", "900321", "900456"]:
        assert needle not in confirmation[0].subject + confirmation[0].body, needle


@pytest.mark.django_db(transaction=True)
def test_the_indexing_task_row_is_written_in_the_reports_transaction(settings):
    """A failure after the task row is written, before the commit, leaves neither the report nor the task;
    without one, both are committed."""
    settings.TASKS = PRODUCTION_TASKS
    seen = {}

    def fail_before_the_commit(sender, task_result, **kwargs):
        if task_result.task.module_path == tasks.report_index.module_path:
            seen["in a transaction"] = connection.in_atomic_block
            seen["report"] = Report.objects.filter(pk=task_result.args[0]).exists()
            seen["task"] = DBTaskResult.objects.filter(pk=task_result.id).exists()
            raise RuntimeError("the process stops before the commit")

    task_enqueued.connect(fail_before_the_commit)
    try:
        with pytest.raises(RuntimeError, match="before the commit"):
            report_submit(answers=document(), files=[])
    finally:
        task_enqueued.disconnect(fail_before_the_commit)
    assert seen == {"in a transaction": True, "report": True, "task": True}
    assert not Report.objects.exists() and not DBTaskResult.objects.exists()

    result = report_submit(answers=document(), files=[])
    assert not connection.in_atomic_block
    assert index_rows().get().args_kwargs["args"] == [result.report.pk]


def test_a_question_to_an_identified_reporter_queues_only_the_reports_id(settings, make_staff, monkeypatch):
    settings.TASKS = PRODUCTION_TASKS
    report = report_submit(answers=document(contact=CONTACT), files=[]).report
    report_message_add(
        report=report, direction="to_reporter", text="Which door is it?", author=make_staff("Triage officer")
    )
    row = DBTaskResult.objects.get(task_path=tasks.report_notify_reporter.module_path)
    assert row.args_kwargs == {"args": [report.pk], "kwargs": {}}
    assert "ali" not in json.dumps(list(DBTaskResult.objects.values()), default=str).lower()
    run_queue(monkeypatch)
    question = [m for m in mail.outbox if "question" in m.subject]
    assert len(question) == 1 and question[0].to == ["ali@example.org"]
    assert report.reference in question[0].body and "Which door" not in question[0].body


@pytest.mark.parametrize("task_name", ["report_confirm_reporter", "report_notify_reporter"])
def test_rows_queued_with_a_locked_address_by_the_last_release_still_send(settings, monkeypatch, task_name):
    """Before this release the rows carried the address, locked, as a second argument. Rows queued then
    and run after the deploy send to the address in the sealed report and ignore the argument."""
    settings.TASKS = PRODUCTION_TASKS
    report = report_submit(answers=document(contact=CONTACT), files=[]).report
    DBTaskResult.objects.all().delete()
    DBTaskResult.objects.create(
        task_path=getattr(tasks, task_name).module_path,
        args_kwargs={"args": [report.pk, "c29tZXRoaW5nIGxvY2tlZA=="], "kwargs": {}},
        backend_name="default",
        run_after=report.received_at,
    )
    run_queue(monkeypatch)
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ali@example.org"]


@pytest.mark.parametrize("task_name", ["report_confirm_reporter", "report_notify_reporter"])
def test_no_email_goes_when_the_report_has_gone_or_gives_no_address_to_email(task_name):
    task = getattr(tasks, task_name)
    purged = report_submit(answers=document(contact=CONTACT), files=[]).report
    report_delete(report=purged)
    no_email = {**CONTACT, "email": "", "phone": "07700 900111", "ways": ["phone"]}
    by_phone_only = {**CONTACT, "phone": "07700 900111", "ways": ["phone"]}  # an address, but not a safe way
    others = [
        report_submit(answers=document(contact=contact), files=[]).report
        for contact in (no_email, by_phone_only)
    ]
    anonymous = report_submit(answers=document(), files=[]).report
    mail.outbox.clear()
    for report_id in [purged.pk, *(r.pk for r in others), anonymous.pk]:
        task.call(report_id)
    assert mail.outbox == []


@pytest.mark.parametrize("task_name", ["report_confirm_reporter", "report_notify_reporter"])
def test_a_worker_without_the_private_key_fails_the_task_instead_of_sending(settings, task_name):
    """A worker given only the public site's keys cannot find the address: the task fails, loudly, on the
    queue, rather than being marked done with nothing sent."""
    report = report_submit(answers=document(contact=CONTACT), files=[]).report
    mail.outbox.clear()
    settings.BEACON_REPORT_PRIVATE_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        getattr(tasks, task_name).call(report.pk)
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_refused_address_is_not_kept_in_the_task_row_or_the_workers_log(
    settings,
    monkeypatch,
    refusing_smtp,  # noqa: F811
    all_logs,  # noqa: F811
):
    """A relay that refuses the reporter's (and the triage team's) address at RCPT TO: the tasks fail on the
    queue, as they did, with an error naming the report's id and the SMTP code; the address is in no table
    and no log line, and the traceback holds nothing of smtplib's exception (no cause, no context)."""
    settings.TASKS = PRODUCTION_TASKS
    reporter = "sam.refused-7c1e@example.org"
    settings.BEACON_TRIAGE_EMAIL = "triage.refused-7c1e@beacon.invalid"
    report = report_submit(answers=document(contact={**CONTACT, "email": reporter}), files=[]).report
    report_message_add(
        report=report, direction="to_reporter", text="Which door is it?", author=None
    )  # queues report_notify_reporter
    assert database_hits([reporter]) == []

    run_queue(monkeypatch)

    paths = {
        tasks.report_notify_triage.module_path,
        tasks.report_confirm_reporter.module_path,
        tasks.report_notify_reporter.module_path,
    }
    rows = list(DBTaskResult.objects.filter(task_path__in=paths))
    assert {row.task_path for row in rows} == paths
    for row in rows:
        assert row.status == TaskResultStatus.FAILED  # no retry before, none now: the row fails and stays
        assert row.exception_class_path == "beacon.core.mail.MailNotSent"
        assert f"MailNotSent: Email about report id {report.pk} not sent (SMTP 550)" in row.traceback
        assert "SMTPRecipientsRefused" not in row.traceback and "During handling" not in row.traceback
    assert database_hits([reporter, settings.BEACON_TRIAGE_EMAIL, "7c1e"]) == []
    failures = [line for line in all_logs.lines if line.startswith("ERROR django.tasks")]
    assert len(failures) == 3 and all("MailNotSent" in line for line in failures)
    assert "7c1e" not in all_logs.text and "SMTPRecipientsRefused" not in all_logs.text
