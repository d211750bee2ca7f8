"""The task queue production runs (django-tasks-db): a report's tasks are rows written in the report's own
transaction, and they carry the report's id, never what it says or who sent it."""

import json

import pytest
from django.core import mail
from django.db import connection
from django.tasks import TaskResultStatus
from django.tasks.signals import task_enqueued
from django_tasks_db.models import DBTaskResult

from beacon.reporting import tasks
from beacon.reporting.models import Report
from beacon.reporting.services import report_submit
from config.settings.base import TASKS as PRODUCTION_TASKS

from .test_services import document

USER_AGENT = "BeaconTaskProbe/1.0 (UniqueAgent-41c2e8)"
ADDRESS = "198.51.100.91"


def triage_rows():
    return DBTaskResult.objects.filter(task_path=tasks.report_notify_triage.module_path)


def test_a_submitted_report_queues_one_triage_task_holding_only_its_id(walker, settings):
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
    row = triage_rows().get()  # exactly one, queued for the worker, not run here
    assert row.status == TaskResultStatus.READY and mail.outbox == []
    assert row.args_kwargs == {"args": [report.pk], "kwargs": {}}
    # Every queued row, whole (the reporter's confirmation carries the address only locked).
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


@pytest.mark.django_db(transaction=True)
def test_the_triage_task_row_is_written_in_the_reports_transaction(settings):
    """A failure after the task row is written, before the commit, leaves neither the report nor the task;
    without one, both are committed."""
    settings.TASKS = PRODUCTION_TASKS
    seen = {}

    def fail_before_the_commit(sender, task_result, **kwargs):
        if task_result.task.module_path == tasks.report_notify_triage.module_path:
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
    assert triage_rows().get().args_kwargs["args"] == [result.report.pk]
