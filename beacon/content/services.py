"""Writes to Beacon's content pages that Wagtail's own actions do not make."""

from __future__ import annotations

import contextvars
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

logger = logging.getLogger(__name__)

# Set while a cascade runs, so that the descendants it unpublishes do not each start one of their own.
_cascading: contextvars.ContextVar[bool] = contextvars.ContextVar("beacon_unpublish_cascade", default=False)


def page_descendants_unpublish(*, page, user=None) -> int:
    """Unpublish every live page under `page`, at every level; returns how many there were.

    A page is never public while a page above it is not (a campaign week without its campaign would answer,
    be listed, searched and promoted on the home page with nothing around it), so unpublishing a page in any
    way (the admin, whether or not "include descendants" was ticked; code; an expiry) takes the pages below
    it down too. Each is unpublished as Wagtail does it, logged and with the page cache renewed."""
    from wagtail.models import Page

    token = _cascading.set(True)
    try:
        with transaction.atomic():
            descendants = list(
                Page.objects.descendant_of(page).live().defer_streamfields().specific().order_by("path")
            )
            for descendant in descendants:
                descendant.unpublish(user=user)
    finally:
        _cascading.reset(token)
    if descendants:
        logger.info("Unpublished %s page(s) under %r (pk=%s)", len(descendants), str(page), page.pk)
    return len(descendants)


def _on_page_unpublished(sender, instance, **kwargs) -> None:
    if not _cascading.get():
        page_descendants_unpublish(page=instance)


def connect_signals() -> None:
    from wagtail.signals import page_unpublished

    page_unpublished.connect(_on_page_unpublished, dispatch_uid="beacon_unpublish_descendants")


# --- Publishing changes that may no longer pass the rules -----------------------------------------------


def page_publish_problems(*, page) -> list[tuple[str, str]]:
    """(title, reason) for each rule that publishing the page's latest revision would refuse (the checks
    Page.save runs when a revision is published, and a theme, officer or support service that is not published
    yet); empty when it would be published."""
    from .models import snippet_errors_on_publishing

    revision = page.get_latest_revision()
    obj = revision.as_object() if revision is not None else page.specific
    reasons = []
    try:
        obj.full_clean()
    except ValidationError as error:
        reasons += error.messages
    reasons += [reason for messages in snippet_errors_on_publishing(obj).values() for reason in messages]
    return [(str(obj), reason) for reason in dict.fromkeys(reasons)]


# --- Scheduled publishing ------------------------------------------------------------------------------


@dataclass
class ScheduledRun:
    """What one run of scheduled publishing did, one line per object, for the task's result and the command."""

    unpublished: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"Unpublished (expired): {item}" for item in self.unpublished]
        lines += [f"Published (scheduled): {item}" for item in self.published]
        lines += [f"Scheduled change not published: {item}" for item in self.refused]
        lines += [f"Failed, to be tried again: {item}" for item in self.failed]
        return "\n".join(lines) or "Nothing was due."


def scheduled_publishing_run() -> ScheduledRun:
    """Unpublish what has expired and publish the changes whose go-live time has come, as Wagtail's
    `publish_scheduled` does, but one at a time, each in its own savepoint.

    Wagtail's command runs them as one unit: one change that fails stops every change after it, on every run.
    Here a change that no longer passes its page's rules (a campaign week renumbered to a number another week
    has taken since) is set aside: its schedule is cleared, as the admin's "Cancel scheduled publish" does,
    and the people concerned are told (`scheduled_revision_refuse`); the rest are still published. Anything
    else going wrong is logged and that change tried again on the next run, without holding up the others."""
    from django.apps import apps
    from django.utils import timezone
    from wagtail.models import DraftStateMixin, Page, Revision

    run = ScheduledRun()
    now = timezone.now()
    models = [Page] + [
        model
        for model in apps.get_models()
        if issubclass(model, DraftStateMixin) and not issubclass(model, Page)
    ]
    for model in models:
        expired = model.objects.filter(live=True, expire_at__lt=now).order_by("expire_at")
        for pk in list(expired.values_list("pk", flat=True)):
            # Read again: unpublishing a page takes the pages under it down too (page_descendants_unpublish).
            obj = model.objects.filter(pk=pk, live=True).first()
            if obj is None:
                continue
            try:
                with transaction.atomic():
                    obj.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
            except Exception:  # noqa: BLE001 (logged; the others must still be unpublished)
                logger.exception("Scheduled unpublishing failed: %s pk=%s", model._meta.label, pk)
                run.failed.append(_described(obj))
            else:
                run.unpublished.append(_described(obj))

    due = Revision.objects.filter(approved_go_live_at__lt=now).order_by("approved_go_live_at", "pk")
    for revision_id in list(due.values_list("pk", flat=True)):
        # Read again: publishing a change clears the schedule of the object's other revisions.
        revision = Revision.objects.filter(pk=revision_id, approved_go_live_at__lt=now).first()
        if revision is None:
            continue
        try:
            with transaction.atomic():
                revision.publish(log_action="wagtail.publish.scheduled")
        except ValidationError as error:
            scheduled_revision_refuse(revision=revision, error=error)
            run.refused.append(_described(revision.content_object))
        except Exception:  # noqa: BLE001 (logged; the others must still be published)
            logger.exception(
                "Scheduled publishing failed, to be tried again: %s pk=%s revision_id=%s",
                revision.content_type.model_class()._meta.label,
                revision.object_id,
                revision.pk,
            )
            run.failed.append(f"revision {revision.pk} of object {revision.object_id}")
        else:
            run.published.append(_described(revision.content_object))
    return run


def _described(obj) -> str:
    return f"{obj} (pk={obj.pk})"


def scheduled_revision_refuse(*, revision, error: ValidationError) -> None:
    """Set aside a scheduled change that no longer passes its object's rules: clear its schedule (Wagtail logs
    that as "Unschedule publication"), say why in the object's history, log it (with the id and title only),
    and email whoever made the change and whoever scheduled it (or approved it with a go-live time)."""
    from wagtail.log_actions import log

    obj = revision.content_object
    go_live_at = revision.approved_go_live_at
    reasons = list(dict.fromkeys(error.messages))
    with transaction.atomic():
        revision.approved_go_live_at = None
        revision.save(update_fields=["approved_go_live_at"])
        log(
            instance=obj,
            action=SCHEDULED_CHANGE_REFUSED,
            revision=revision,
            data={"reasons": reasons, "go_live_at": go_live_at.isoformat() if go_live_at else None},
        )
    fields = sorted(getattr(error, "error_dict", {}) or ["__all__"])
    logger.warning(
        'Scheduled change not published, its schedule cleared: "%s" pk=%s revision_id=%s (rules failed on: %s)',
        str(obj),
        obj.pk,
        revision.pk,
        ", ".join(fields),
    )
    _tell_about_refused_change(obj=obj, revision=revision, go_live_at=go_live_at, reasons=reasons)


SCHEDULED_CHANGE_REFUSED = "beacon.publish.scheduled.refused"


def _tell_about_refused_change(*, obj, revision, go_live_at, reasons: list[str]) -> None:
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.utils import timezone
    from wagtail.admin.admin_url_finder import AdminURLFinder
    from wagtail.log_actions import registry

    from beacon.core.mail import mail_send

    people = [revision.user] + [
        entry.user
        for entry in registry.get_logs_for_instance(obj)
        .filter(revision=revision, action="wagtail.publish.schedule")
        .select_related("user")
    ]
    addresses = list(
        dict.fromkeys(
            person.email for person in people if person is not None and person.is_active and person.email
        )
    )
    if not addresses:
        return
    when = f" on {timezone.localtime(go_live_at):%-d %B %Y at %H:%M}" if go_live_at else ""
    edit_url = AdminURLFinder().get_edit_url(obj) or ""
    body = "\n".join(
        [
            f"The change to “{obj}” that was scheduled to go live{when} has not been published, because it no "
            "longer fits the rules:",
            "",
            *(f"- {reason}" for reason in reasons),
            "",
            "Its schedule has been cleared, and what the public sees has not changed. Open it, change it so "
            "that it fits, and publish or schedule it again:",
            settings.WAGTAILADMIN_BASE_URL.rstrip("/") + edit_url,
        ]
    )
    try:
        mail_send(  # a refusal is logged with the object's id and the SMTP code, never the editors' addresses
            EmailMessage(
                subject=f"Scheduled change not published: {obj}",
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=addresses,
            ),
            about=f"scheduled change to pk={obj.pk}",
        )
    except Exception:  # noqa: BLE001 (the history and the log still say it; the run goes on)
        logger.exception("Could not email about the scheduled change not published: pk=%s", obj.pk)
