"""iCalendar (RFC 5545) for events, built with the `icalendar` library.

Times are written in Europe/London with a VTIMEZONE covering the events, so calendars show the right local
time on both sides of a clock change. UIDs are stable and name the site (`event-<id>@<host>`, the host of
WAGTAILADMIN_BASE_URL); SEQUENCE is the event's own counter, bumped by the services on every change;
cancelled events stay in the feed with STATUS:CANCELLED so subscribed calendars remove them.
"""

import datetime
from collections.abc import Iterable

import icalendar
from django.utils import timezone

from .models import Event, EventStatus

PRODID = "-//Beacon//Events//EN"
LONDON = "Europe/London"


def _calendar(name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", LONDON)
    return calendar


def _vevent(event: Event, *, base_url: str, stamp: datetime.datetime) -> icalendar.Event:
    tz = timezone.get_default_timezone()
    item = icalendar.Event()
    item.add("uid", event.ical_uid())
    item.add("dtstamp", stamp)
    item.add("dtstart", event.starts_at.astimezone(tz))
    item.add("dtend", event.ends_at.astimezone(tz))
    item.add("last-modified", event.updated_at.astimezone(datetime.UTC))
    item.add("sequence", event.sequence)
    summary = event.title
    description = event.description
    if event.status == EventStatus.CANCELLED:
        item.add("status", "CANCELLED")
        summary = f"Cancelled: {event.title}"
        description = f"Cancelled: {event.cancellation_reason}\n\n{description}".strip()
    else:
        item.add("status", "CONFIRMED")
    item.add("summary", summary)
    location = ", ".join(part for part in (event.place_name, event.address, event.postcode) if part)
    item.add("location", location)
    if event.latitude is not None and event.longitude is not None:
        item.add("geo", (round(event.latitude, 6), round(event.longitude, 6)))
    url = f"{base_url}{event.get_absolute_url()}"
    item.add("url", url)
    if event.accessibility:
        description = f"{description}\n\nAccessibility: {event.accessibility}".strip()
    item.add("description", f"{description}\n\n{url}".strip())
    item.add("categories", [event.get_kind_display()])
    item.add("transp", "OPAQUE")
    return item


def events_to_ical(events: Iterable[Event], *, name: str, base_url: str = "") -> bytes:
    """One calendar holding the events, with the Europe/London VTIMEZONE they need. Links are made on
    `base_url`, by default the configured origin (as the sitemap and the news feed are), not on the host a
    feed was fetched by."""
    from beacon.content.origin import site_origin

    base_url = (base_url or site_origin()).rstrip("/")
    stamp = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    calendar = _calendar(name)
    first = last = None
    for event in events:
        calendar.add_component(_vevent(event, base_url=base_url, stamp=stamp))
        start = timezone.localtime(event.starts_at).date()
        end = timezone.localtime(event.ends_at).date()
        first = start if first is None or start < first else first
        last = end if last is None or end > last else last
    if first is None:
        # An empty feed still says which zone it is in, so a client adding events later agrees on it.
        first = timezone.localdate()
        last = first
    # Cover a year either side: enough transitions for every event, far smaller than 1970-2038.
    calendar.add_missing_timezones(
        first_date=first - datetime.timedelta(days=366), last_date=last + datetime.timedelta(days=366)
    )
    if not calendar.walk("VTIMEZONE"):
        calendar.add_component(
            icalendar.Timezone.from_tzid(
                LONDON,
                first_date=first - datetime.timedelta(days=366),
                last_date=last + datetime.timedelta(days=366),
            )
        )
    return calendar.to_ical()
