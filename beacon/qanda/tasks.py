"""Background work: read the Q&A mailbox now and then.

`fetch_questions_every` reads the mailbox, then queues itself again BEACON_QANDA_FETCH_INTERVAL seconds
later, so `manage.py db_worker` reads new email on a schedule with no cron. `manage.py fetch_questions
--schedule` (and seed_demo, when a mailbox is set) starts the chain; a chain already waiting is not doubled.
"""

import datetime
import logging

from django.conf import settings
from django.tasks import default_task_backend, task
from django.utils import timezone

logger = logging.getLogger(__name__)


@task
def fetch_questions_every() -> str:
    from .email_intake import fetch_questions

    try:
        outcome = str(fetch_questions())
    except Exception as error:  # noqa: BLE001 - a mailbox that is down today must not end the schedule
        outcome = f"mailbox not read: {type(error).__name__}"
        logger.warning("Q&A mailbox not read: %s", type(error).__name__)
    schedule_fetch(force=True)
    return outcome


def _waiting() -> bool:
    """Whether a scheduled read is already queued (only the database backend can tell)."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:
        return False
    return DBTaskResult.objects.filter(
        task_path=fetch_questions_every.module_path, status="READY", run_after__gt=timezone.now()
    ).exists()


def schedule_fetch(*, force: bool = False) -> bool:
    """Queue the next mailbox read. Returns False when there is nothing to do: no mailbox configured,
    a backend that cannot run tasks later, or a read already waiting."""
    if not settings.BEACON_QANDA_IMAP_HOST or not default_task_backend.supports_defer:
        return False
    if not force and _waiting():
        return False
    run_after = timezone.now() + datetime.timedelta(seconds=max(settings.BEACON_QANDA_FETCH_INTERVAL, 30))
    fetch_questions_every.using(run_after=run_after).enqueue()
    return True
