"""Events as people read them: dates and times the GOV.UK way ("Saturday 14 March 2026", "10am to 2:30pm"),
and the listing rows the public pages show. Plain functions, so a page of twenty events is quick to build."""

import datetime
import functools
import itertools
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from .models import EventKind, EventStatus

KIND_LABELS = dict(EventKind.choices)
_LOCAL_ZONE = timezone.get_default_timezone()


def _local(value: datetime.datetime) -> datetime.datetime:
    """In Europe/London (the site's time zone); a value already there is not converted again."""
    return value if value.tzinfo is _LOCAL_ZONE else timezone.localtime(value, _LOCAL_ZONE)


def time_text(value: datetime.datetime) -> str:
    local = _local(value)
    if local.hour == 12 and local.minute == 0:
        return "midday"
    if local.hour == 0 and local.minute == 0:
        return "midnight"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def date_text(value: datetime.datetime | datetime.date) -> str:
    if isinstance(value, datetime.datetime):
        value = _local(value).date()
    return f"{value:%A} {value.day} {value:%B %Y}"


def when_text(starts_at: datetime.datetime, ends_at: datetime.datetime, *, with_date: bool = True) -> str:
    start, end = _local(starts_at), _local(ends_at)
    same_day = start.date() == end.date()
    times = (
        f"{time_text(start)} to {time_text(end)}"
        if same_day
        else f"{time_text(start)} to {date_text(end)}, {time_text(end)}"
    )
    return f"{date_text(start)}, {times}" if with_date else times


def miles_text(value: float) -> str:
    if value < 0.1:
        return "less than 0.1 miles"
    rounded = round(value, 1)
    return "1 mile" if rounded == 1 else f"{rounded:g} miles"


def directions_url(*, place_name: str, address: str, postcode: str) -> str:
    """Opens directions in the visitor's maps app: a link they choose to follow, not a request the page makes."""
    destination = ", ".join(part for part in (place_name, address, postcode) if part)
    return "https://www.google.com/maps/dir/?" + urlencode({"api": "1", "destination": destination})


@functools.lru_cache(maxsize=4096)
def _slug(title: str) -> str:
    return slugify(title)[:60] or "event"


@functools.lru_cache(maxsize=1)
def _events_root() -> str:
    return reverse("events:list")


def event_row(row: dict, *, with_date: bool) -> dict:
    """A selector row (see selectors.ROW_FIELDS) with what the listing shows."""
    row["url"] = f"{_events_root()}{row['id']}/{_slug(row['title'])}/"
    row["cancelled"] = row["status"] == EventStatus.CANCELLED
    row["when"] = when_text(row["starts_at"], row["ends_at"], with_date=with_date)
    row["where"] = ", ".join(part for part in (row["place_name"], row["address"], row["postcode"]) if part)
    row["about"] = KIND_LABELS.get(row["kind"], "") + (
        f", {row['area__name']}" if row.get("area__name") else ""
    )
    if "miles" in row:
        row["distance"] = miles_text(row["miles"])
    return row


def rows_by_day(rows: list[dict]) -> list[dict]:
    """[{"label": "Saturday 14 March 2026", "events": [...]}] in Europe/London days."""
    return [
        {"label": date_text(day), "events": [event_row(row, with_date=False) for row in items]}
        for day, items in itertools.groupby(rows, key=lambda row: timezone.localtime(row["starts_at"]).date())
    ]
