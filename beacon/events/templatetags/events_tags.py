"""Dates, times and directions written the GOV.UK way ("10am to 2:30pm", "Saturday 14 March 2026")."""

import datetime
from urllib.parse import urlencode

from django import template
from django.utils import timezone

register = template.Library()


def _time(value: datetime.datetime) -> str:
    local = timezone.localtime(value)
    if local.hour == 12 and local.minute == 0:
        return "midday"
    if local.hour == 0 and local.minute == 0:
        return "midnight"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def _date(value: datetime.datetime | datetime.date) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return f"{value:%A} {value.day} {value:%B %Y}"


@register.filter
def govuk_time(value) -> str:
    return _time(value) if value else ""


@register.filter
def govuk_date(value) -> str:
    return _date(value) if value else ""


@register.simple_tag
def event_when(event) -> str:
    """ "Saturday 14 March 2026, 10am to 2pm" (or across days when it runs over midnight)."""
    start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    if start.date() == end.date():
        return f"{_date(start)}, {_time(start)} to {_time(end)}"
    return f"{_date(start)}, {_time(start)} to {_date(end)}, {_time(end)}"


@register.simple_tag
def event_times(event) -> str:
    start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    if start.date() == end.date():
        return f"{_time(start)} to {_time(end)}"
    return f"{_time(start)} to {_date(end)}, {_time(end)}"


@register.simple_tag
def directions_url(event) -> str:
    """A link that opens directions to the event in the visitor's maps app (a link, not a request)."""
    destination = ", ".join(part for part in (event.place_name, event.address, event.postcode) if part)
    return "https://www.google.com/maps/dir/?" + urlencode({"api": "1", "destination": destination})


@register.filter
def miles(value: float) -> str:
    if value < 0.1:
        return "less than 0.1 miles"
    rounded = round(value, 1)
    return "1 mile" if rounded == 1 else f"{rounded:g} miles"


@register.filter
def govuk_paragraphs(text: str):
    """Plain text as GOV.UK body paragraphs: a blank line starts a new paragraph, a newline breaks a line."""
    from django.utils.html import escape, format_html_join
    from django.utils.safestring import mark_safe

    paragraphs = [
        part.strip() for part in str(text or "").replace("\r\n", "\n").split("\n\n") if part.strip()
    ]
    return format_html_join(
        "\n",
        '<p class="govuk-body">{}</p>',
        ((mark_safe(escape(part).replace("\n", "<br>")),) for part in paragraphs),  # noqa: S308
    )
