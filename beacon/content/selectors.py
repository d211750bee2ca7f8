"""Reads for Beacon's content pages. Only live (published) pages are ever returned to the public."""

from __future__ import annotations

import importlib
import logging
from typing import Any

logger = logging.getLogger(__name__)


def _optional(module: str, name: str):
    """A selector another app provides once its issue lands; None until then."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def campaign_list(*, index):
    from .models import CampaignPage

    return CampaignPage.objects.live().public().child_of(index).order_by("-start_date")


def week_activities(*, week) -> dict[str, Any]:
    """The week's events and Q&A sessions from their apps, plus the activities editors list by hand."""
    events_for_week = _optional("beacon.events.selectors", "public_events_for_week")
    sessions_for_week = _optional("beacon.qanda.selectors", "sessions_for_week")
    return {
        "events": list(events_for_week(week=week)) if events_for_week else [],
        "qanda_sessions": list(sessions_for_week(week=week)) if sessions_for_week else [],
        "planned_activities": week.planned_activities,
    }
