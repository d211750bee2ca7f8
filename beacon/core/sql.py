"""Helpers for the few reads Beacon sends as plain SQL (on hot paths where building the ORM query costs
more than running it: sessions, near me)."""

import datetime

from django.utils import timezone


def aware_utc(value: datetime.datetime) -> datetime.datetime:
    """A datetime column as the ORM would return it: SQLite gives naive UTC values, PostgreSQL aware ones."""
    return timezone.make_aware(value, datetime.UTC) if timezone.is_naive(value) else value
