"""The daily retention purge, on Django's task framework (django-tasks-db runs it under db_worker)."""

import datetime as dt
import logging

from django.tasks import default_task_backend, task
from django.utils import timezone

from .services import reports_purge_expired

logger = logging.getLogger(__name__)

PURGE_HOUR = 3  # local time: a quiet hour


def next_purge_time(*, now: dt.datetime | None = None) -> dt.datetime:
    local = timezone.localtime(now or timezone.now())
    candidate = local.replace(hour=PURGE_HOUR, minute=0, second=0, microsecond=0)
    if candidate <= local:
        candidate += dt.timedelta(days=1)
    return candidate


@task
def purge_expired_reports() -> int:
    """Purge expired reports, then book the next run for tomorrow, even if this run failed: nothing else
    books it (only migrate and `purge_reports --schedule`), so one failure must not end the daily purge."""
    try:
        purged = reports_purge_expired()
    except Exception as error:
        # The kind of error only: its message could quote what the database held.
        logger.error("Retention purge failed: %s", type(error).__name__)
        raise
    finally:
        purge_schedule_ensure()
    logger.info("Retention purge removed %s reports", purged)
    return purged


def purge_schedule_ensure() -> bool:
    """Make sure one purge is booked on a backend that can run tasks later (the database backend).

    Called after migrate and by each run. Returns True if it booked one."""
    if not getattr(default_task_backend, "supports_defer", False):
        return False
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another deferring backend: book it and trust the backend
        purge_expired_reports.using(run_after=next_purge_time()).enqueue()
        return True
    from django.db import DatabaseError

    try:
        if DBTaskResult.objects.filter(task_path=purge_expired_reports.module_path, status="READY").exists():
            return False
    except DatabaseError:  # the task tables are not migrated yet
        return False
    purge_expired_reports.using(run_after=next_purge_time()).enqueue()
    return True
