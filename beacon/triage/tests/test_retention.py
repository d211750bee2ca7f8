"""Retention: closed reports are purged after their outcome's period, leaving statistics only."""

import datetime as dt
import io
import logging

import time_machine
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from beacon.core.models import AuditEvent
from beacon.reporting.models import Report, ReportIdentifier, ReportMessage
from beacon.reporting.services import report_message_add
from beacon.triage import services
from beacon.triage import tasks as triage_tasks
from beacon.triage.models import Outcome, PurgedReportStatistic, ReportLink
from beacon.triage.selectors import purged_report_counts
from beacon.triage.tasks import next_purge_time, purge_expired_reports, purge_schedule_ensure

from .test_workflow import _to_actioned, close

START = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)


def _closed(submit, officer, **kwargs):
    report = submit(categories=["dealing", "weapons"])
    _to_actioned(officer, report)
    close(officer, report, **kwargs)
    return report


def test_purge_after_the_retention_period_keeps_only_statistics(submit, officer, settings):
    settings.BEACON_RETENTION_DAYS = {**settings.BEACON_RETENTION_DAYS, "no_further_action": 30}
    with time_machine.travel(START, tick=False):
        report = _closed(submit, officer, kind="no_further_action", reason="Not enough to act on")
        open_report = submit(details="still open")
        report_message_add(report=report, direction="from_reporter", text="One more thing")
    pk = report.pk

    with time_machine.travel(START + dt.timedelta(days=29), tick=False):
        assert services.reports_purge_expired() == 0
    assert Report.objects.filter(pk=pk).exists()

    with time_machine.travel(START + dt.timedelta(days=31), tick=False):
        assert services.reports_purge_expired() == 1

    assert not Report.objects.filter(pk=pk).exists()
    assert not ReportIdentifier.objects.filter(report_id=pk).exists()
    assert not ReportMessage.objects.filter(report_id=pk).exists()
    assert not Outcome.objects.filter(report_id=pk).exists()
    assert (
        not ReportLink.objects.filter(low_id=pk).exists()
        and not ReportLink.objects.filter(high_id=pk).exists()
    )
    assert Report.objects.filter(pk=open_report.pk).exists()  # open reports are never purged

    stats = list(PurgedReportStatistic.objects.values_list("month", "category", "area", "outcome", "count"))
    assert sorted(stats) == [
        (dt.date(2026, 1, 1), "dealing", "Town Centre", "no_further_action", 1),
        (dt.date(2026, 1, 1), "weapons", "Town Centre", "no_further_action", 1),
    ]
    purge = AuditEvent.objects.get(action="report.purge")
    assert purge.object_id == str(pk) and purge.actor is None
    assert purge.detail["outcome"] == "no_further_action"
    counts = purged_report_counts(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    assert {(row["category"], row["count"]) for row in counts} == {("dealing", 1), ("weapons", 1)}


def test_each_outcome_has_its_own_period(submit, officer, settings):
    settings.BEACON_RETENTION_DAYS = {
        "intelligence_recorded": 100,
        "safeguarding_referral": 200,
        "crime_recorded": 100,
        "no_further_action": 10,
        "duplicate": 5,
    }
    with time_machine.travel(START, tick=False):
        intelligence = _closed(submit, officer, kind="intelligence_recorded")
        nfa = _closed(submit, officer, kind="no_further_action", reason="No detail")
        duplicate = submit(details="dup")
        close(officer, duplicate, kind="duplicate", duplicate_of=intelligence)
    with time_machine.travel(START + dt.timedelta(days=20), tick=False):
        assert services.reports_purge_expired() == 2
    remaining = set(Report.objects.values_list("pk", flat=True))
    assert intelligence.pk in remaining and nfa.pk not in remaining and duplicate.pk not in remaining
    with time_machine.travel(START + dt.timedelta(days=101), tick=False):
        assert services.reports_purge_expired() == 1
    assert not Report.objects.exists()
    assert sum(PurgedReportStatistic.objects.values_list("count", flat=True)) == 2 + 2 + 1  # per category


def test_purge_statistics_accumulate(submit, officer, settings):
    settings.BEACON_RETENTION_DAYS = {**settings.BEACON_RETENTION_DAYS, "intelligence_recorded": 1}
    with time_machine.travel(START, tick=False):
        for _ in range(3):
            _closed(submit, officer, kind="intelligence_recorded")
    with time_machine.travel(START + dt.timedelta(days=2), tick=False):
        call_command("purge_reports", stdout=(out := io.StringIO()))
    assert "Purged 3 expired reports." in out.getvalue()
    row = PurgedReportStatistic.objects.get(category="dealing")
    assert row.count == 3


def test_the_daily_task_purges(submit, officer, settings):
    settings.BEACON_RETENTION_DAYS = {**settings.BEACON_RETENTION_DAYS, "intelligence_recorded": 1}
    with time_machine.travel(START, tick=False):
        report = _closed(submit, officer, kind="intelligence_recorded")
    with time_machine.travel(START + dt.timedelta(days=3), tick=False):
        result = purge_expired_reports.enqueue()
    assert result.return_value == 1
    assert not Report.objects.filter(pk=report.pk).exists()


def test_next_purge_is_the_next_three_in_the_morning():
    with time_machine.travel(dt.datetime(2026, 3, 5, 1, 30, tzinfo=dt.UTC), tick=False):
        first = timezone.localtime(next_purge_time())
    assert (first.day, first.hour) == (5, 3)
    with time_machine.travel(dt.datetime(2026, 3, 5, 4, 0, tzinfo=dt.UTC), tick=False):
        later = timezone.localtime(next_purge_time())
    assert (later.day, later.hour) == (6, 3)


def test_the_daily_purge_is_booked_once_on_the_database_queue(db, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with time_machine.travel(dt.datetime(2026, 3, 5, 12, 0, tzinfo=dt.UTC), tick=False):
        assert purge_schedule_ensure() is True
        assert purge_schedule_ensure() is False
        call_command("purge_reports", "--schedule", stdout=(out := io.StringIO()))
    assert "already booked" in out.getvalue()
    booked = DBTaskResult.objects.get(task_path=purge_expired_reports.module_path)
    assert timezone.localtime(booked.run_after).hour == 3
    assert timezone.localtime(booked.run_after).date() == dt.date(2026, 3, 6)


def _run_due_tasks(monkeypatch):
    """Run what is due on the database queue once, as `manage.py db_worker` does in production."""
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


def test_a_failed_purge_run_still_books_the_next_one(db, settings, monkeypatch, caplog):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    path = purge_expired_reports.module_path
    with time_machine.travel(dt.datetime(2026, 3, 5, 12, 0, tzinfo=dt.UTC), tick=False):
        assert purge_schedule_ensure() is True

    def locked(**kwargs):
        raise OperationalError("database is locked by Flat 2, 10 Example Street")

    monkeypatch.setattr(triage_tasks, "reports_purge_expired", locked)
    with (
        time_machine.travel(dt.datetime(2026, 3, 6, 3, 1, tzinfo=dt.UTC), tick=False),
        caplog.at_level(logging.ERROR, logger="beacon.triage.tasks"),
    ):
        _run_due_tasks(monkeypatch)
    assert DBTaskResult.objects.filter(task_path=path, status="FAILED").count() == 1
    booked = DBTaskResult.objects.get(task_path=path, status="READY")
    assert timezone.localtime(booked.run_after).date() == dt.date(2026, 3, 7)
    assert timezone.localtime(booked.run_after).hour == 3
    logged = [r.getMessage() for r in caplog.records if r.name == "beacon.triage.tasks"]
    assert logged == ["Retention purge failed: OperationalError"]  # the kind only, not the message


def test_a_purge_deletes_the_reports_task_rows_and_old_finished_ones(submit, officer, settings):
    """The queue rows of a purged report's emails hold its id (and, for rows queued by earlier releases,
    the reporter's locked address); they go with the report. Other reports' rows stay."""
    from django_tasks_db.models import DBTaskResult

    from .test_exports import CONTACT

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.BEACON_RETENTION_DAYS = {**settings.BEACON_RETENTION_DAYS, "intelligence_recorded": 1}
    with time_machine.travel(START, tick=False):
        report = submit(contact={**CONTACT, "email": "pat.reporter@example.org"})
        services.followup_question_send(user=officer, report=report, text="One question")
        _to_actioned(officer, report)
        close(officer, report, kind="intelligence_recorded")
        kept = submit(contact={**CONTACT, "email": "still.open@example.org"})

    def rows_for(pk):
        return [row for row in DBTaskResult.objects.all() if row.args_kwargs["args"][:1] == [pk]]

    held = {row.task_path.rsplit(".", 1)[1]: row for row in rows_for(report.pk)}
    assert {"report_index", "report_confirm_reporter", "report_notify_reporter"} <= set(held)
    assert held["report_notify_reporter"].args_kwargs == {"args": [report.pk], "kwargs": {}}
    kept_paths = sorted(row.task_path for row in rows_for(kept.pk))
    assert len(kept_paths) == 2

    def finished_row(at):
        return DBTaskResult.objects.create(
            task_path="beacon.example.tasks.other",
            args_kwargs={"args": [], "kwargs": {}},
            backend_name="default",
            run_after=START,
            status="SUCCESSFUL",
            finished_at=at,
        )

    # Any finished row goes once it is older than the shortest retention period (1 day here).
    old, recent = finished_row(START), finished_row(START + dt.timedelta(days=2, hours=12))
    with time_machine.travel(START + dt.timedelta(days=3), tick=False):
        assert services.reports_purge_expired() == 1

    assert not Report.objects.filter(pk=report.pk).exists()
    assert rows_for(report.pk) == []
    assert sorted(row.task_path for row in rows_for(kept.pk)) == kept_paths
    assert not DBTaskResult.objects.filter(pk=old.pk).exists()
    assert DBTaskResult.objects.filter(pk=recent.pk).exists()


def test_an_original_purged_before_its_duplicate(submit, officer, settings):
    settings.BEACON_RETENTION_DAYS = {
        **settings.BEACON_RETENTION_DAYS,
        "no_further_action": 10,
        "duplicate": 90,
    }
    with time_machine.travel(START, tick=False):
        original = _closed(submit, officer, kind="no_further_action", reason="Nothing to act on")
        repeat = submit(details="again")
        close(officer, repeat, kind="duplicate", duplicate_of=original)
    with time_machine.travel(START + dt.timedelta(days=20), tick=False):
        assert services.reports_purge_expired() == 1
    outcome = Outcome.objects.get(report=repeat)
    assert outcome.duplicate_of is None
    with time_machine.travel(START + dt.timedelta(days=91), tick=False):
        assert services.reports_purge_expired() == 1
    assert not Report.objects.exists()
