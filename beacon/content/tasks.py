"""Scheduled publishing that fires with nobody watching.

When an editor schedules a page (a revision approved with a future go-live time) or publishes a page with an
expiry time, a `publish_scheduled_pages` task is queued to run at that moment; the task worker that `make run`
starts (`manage.py db_worker`) runs it then, and it publishes and expires whatever is due, as Wagtail's
`manage.py publish_scheduled` does but one change at a time: a change that no longer passes its page's rules is
set aside, and its people told, instead of stopping every change after it (services.scheduled_publishing_run).
`manage.py publish_scheduled` is Beacon's too; running it from cron every minute is a safe extra (it does
nothing when nothing is due): see docs/content.md.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.tasks import default_task_backend, task
from django.utils import timezone

from .services import scheduled_publishing_run

logger = logging.getLogger(__name__)


@task
def publish_scheduled_pages() -> str:
    return scheduled_publishing_run().summary()


def publication_check_schedule(*, at: datetime.datetime) -> bool:
    """Queue a run of `publish_scheduled_pages` for `at` once the current transaction commits.
    Returns False when the task backend cannot defer tasks (the immediate backend in tests)."""
    if not default_task_backend.supports_defer or at is None:
        return False
    run_after = max(at, timezone.now()) + datetime.timedelta(seconds=1)
    transaction.on_commit(lambda: publish_scheduled_pages.using(run_after=run_after).enqueue())
    return True


def _on_revision_saved(sender, instance, update_fields=None, **kwargs):
    go_live = getattr(instance, "approved_go_live_at", None)
    if go_live is not None and go_live > timezone.now():
        publication_check_schedule(at=go_live)


def _on_page_published(sender, instance, **kwargs):
    expire_at = getattr(instance, "expire_at", None)
    if expire_at is not None and expire_at > timezone.now():
        publication_check_schedule(at=expire_at)


def connect_signals() -> None:
    from wagtail.models import Revision
    from wagtail.signals import page_published, published

    post_save.connect(_on_revision_saved, sender=Revision, dispatch_uid="beacon_schedule_go_live")
    page_published.connect(_on_page_published, dispatch_uid="beacon_schedule_expiry")
    # Snippets with an approval workflow (themes, officers, support services, Q&A answers) can expire too.
    published.connect(_on_page_published, dispatch_uid="beacon_schedule_snippet_expiry")
