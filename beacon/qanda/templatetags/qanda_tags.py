"""Dates and times the GOV.UK way: "Tuesday 14 October 2025, 6:30pm"."""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

register = template.Library()


def _time(value) -> str:
    if value.minute:
        return date_format(value, "g:i") + date_format(value, "A").lower()
    return date_format(value, "g") + date_format(value, "A").lower()


@register.filter
def govuk_datetime(value) -> str:
    if not value:
        return ""
    value = timezone.localtime(value)
    return f"{date_format(value, 'l j F Y')}, {_time(value)}"


@register.filter
def govuk_time(value) -> str:
    if not value:
        return ""
    return _time(timezone.localtime(value))


@register.filter
def govuk_span(session) -> str:
    """When a session runs: "Tuesday 14 October 2025, 6:30pm to 7:30pm"."""
    start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    if start.date() == end.date():
        return f"{govuk_datetime(start)} to {_time(end)}"
    return f"{govuk_datetime(start)} to {govuk_datetime(end)}"
