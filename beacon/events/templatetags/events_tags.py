"""Template helpers for event pages; the wording lives in beacon.events.present."""

from django import template
from django.utils.html import escape, format_html_join
from django.utils.safestring import mark_safe

from .. import present

register = template.Library()


@register.filter
def govuk_date(value) -> str:
    return present.date_text(value) if value else ""


@register.filter
def govuk_date_time(value) -> str:
    """ "Saturday 14 March 2026, 6:30pm", as GOV.UK writes dates and times."""
    return f"{present.date_text(value)}, {present.time_text(value)}" if value else ""


@register.simple_tag
def event_when(event) -> str:
    """ "Saturday 14 March 2026, 10am to 2pm" (or across days when it runs over midnight)."""
    return present.when_text(event.starts_at, event.ends_at)


@register.simple_tag
def directions_url(event) -> str:
    return present.directions_url(place_name=event.place_name, address=event.address, postcode=event.postcode)


@register.filter
def govuk_paragraphs(text: str):
    """Plain text as GOV.UK body paragraphs: a blank line starts a new paragraph, a newline breaks a line."""
    paragraphs = [
        part.strip() for part in str(text or "").replace("\r\n", "\n").split("\n\n") if part.strip()
    ]
    return format_html_join(
        "\n",
        '<p class="govuk-body">{}</p>',
        ((mark_safe(escape(part).replace("\n", "<br>")),) for part in paragraphs),  # noqa: S308
    )
