"""Writes to Beacon's content pages that Wagtail's own actions do not make."""

from __future__ import annotations

import contextvars
import logging

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
