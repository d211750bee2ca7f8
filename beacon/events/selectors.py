"""Reads for the public events pages, the feeds, the staff queue and the campaign dashboard."""

import datetime
import functools
import math

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from beacon.core.models import PolicingArea
from beacon.core.sql import aware_utc

from . import geo
from .models import (
    MAX_EVENT_LENGTH,
    PUBLIC_KINDS,
    Event,
    EventKind,
    EventStatus,
    WorkshopRequest,
    WorkshopRequestStatus,
)

PUBLIC_LIST_RELATED = ("area", "neighbourhood")
NEAR_ME_FIRST_MILES = 0.5


# The columns the listing and "near me" show: read as plain values, not model instances, so a page of
# twenty events costs one indexed query and no per-row object building.
ROW_FIELDS = (
    "id",
    "title",
    "kind",
    "starts_at",
    "ends_at",
    "place_name",
    "address",
    "postcode",
    "status",
    "cancellation_reason",
    "area__name",
)


def _upcoming_public(*, now=None) -> QuerySet[Event]:
    now = now or timezone.now()
    # An event lasts at most MAX_EVENT_LENGTH, so "has not ended" also bounds the start: that lets the
    # (is_public, starts_at) index both find and order the rows.
    return Event.objects.public().filter(starts_at__gte=now - MAX_EVENT_LENGTH, ends_at__gte=now)


def public_events(*, area_code: str = "", kind: str = "", query: str = "", now=None) -> QuerySet[Event]:
    """Upcoming public events, soonest first, filtered by policing area code and type. Never patrols."""
    events = _upcoming_public(now=now).select_related(*PUBLIC_LIST_RELATED)
    if area_code:
        events = events.filter(area__code=area_code)
    if kind:
        events = events.filter(kind=kind)
    if query:
        events = events.filter(Q(title__icontains=query) | Q(place_name__icontains=query))
    return events.order_by("starts_at", "id")


def public_event_rows(
    *, area_code: str = "", kind: str = "", query: str = "", offset: int = 0, limit: int = 20, now=None
) -> tuple[list[dict], bool]:
    """One page of the listing as plain rows, and whether there is a next page (no COUNT over every row)."""
    rows = list(
        public_events(area_code=area_code, kind=kind, query=query, now=now).values(*ROW_FIELDS)[
            offset : offset + limit + 1
        ]
    )
    return rows[:limit], len(rows) > limit


def public_event(*, pk: int) -> Event | None:
    return Event.objects.public().select_related(*PUBLIC_LIST_RELATED).filter(pk=pk).first()


def public_areas() -> list[PolicingArea]:
    return list(PolicingArea.objects.order_by("name"))


def public_events_for_week(*, week) -> QuerySet[Event]:
    """The public events linked to a campaign week, in date order (cancelled ones included, marked)."""
    return (
        Event.objects.public()
        .filter(campaign_week=week)
        .select_related(*PUBLIC_LIST_RELATED)
        .order_by("starts_at", "id")
    )


@functools.cache
def _near_sql(vendor: str) -> str:
    """One statement for a near-me box, written once from the models' tables and columns.

    The ORM would build and compile the same query for every box of every search, which costs more than
    running it; this keeps the same conditions as `_upcoming_public` (public, never a patrol, not ended, the
    start bounded by MAX_EVENT_LENGTH so the index applies) and the same columns as ROW_FIELDS."""
    quote = connection.ops.quote_name
    event, area = Event._meta, PolicingArea._meta

    def column(name: str) -> str:
        return f"e.{quote(event.get_field(name).column)}"

    kinds = ", ".join(["%s"] * len(PUBLIC_KINDS))
    names = [column(field) for field in ROW_FIELDS if field != "area__name"]
    return (
        f"SELECT {', '.join(names)}, a.{quote(area.get_field('name').column)}, "  # noqa: S608 - names from the models
        f"{column('latitude')}, {column('longitude')} "
        f"FROM {quote(event.db_table)} e LEFT JOIN {quote(area.db_table)} a "
        f"ON a.{quote(area.pk.column)} = {column('area')} "
        f"WHERE {column('is_public')} = %s AND {column('kind')} IN ({kinds}) "
        f"AND {column('starts_at')} >= %s AND {column('ends_at')} >= %s "
        f"AND {column('latitude')} BETWEEN %s AND %s AND {column('longitude')} BETWEEN %s AND %s "
        f"ORDER BY ({column('latitude')} - %s) * ({column('latitude')} - %s) "
        f"+ ({column('longitude')} - %s) * ({column('longitude')} - %s) * %s, "
        f"{column('starts_at')}, {column('id')} LIMIT %s"
    )


_NEAR_KEYS = [field for field in ROW_FIELDS if field != "area__name"] + [
    "area__name",
    "latitude",
    "longitude",
]


def events_near(*, latitude: float, longitude: float, limit: int = 20, now=None) -> list[dict]:
    """Upcoming public events nearest a point, within BEACON_EVENTS_NEAR_ME_MILES, as rows with "miles".

    A bounding box on the indexed latitude and longitude columns narrows the rows and the database orders
    them by a flat-earth distance (exact enough to order places a few miles apart); the haversine distance is
    computed in Python for the few shown. The box starts small and grows only if it holds too few events,
    so a dense town reads a few hundred rows, not every event in the county."""
    radius = settings.BEACON_EVENTS_NEAR_ME_MILES
    scale = math.cos(math.radians(latitude)) ** 2
    now = now or timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    fixed = [True, *PUBLIC_KINDS, adapt(now - MAX_EVENT_LENGTH), adapt(now)]
    sql = _near_sql(connection.vendor)
    miles = min(NEAR_ME_FIRST_MILES, radius)
    while True:
        min_lat, max_lat, min_lon, max_lon = geo.bounding_box(latitude, longitude, miles)
        box = [min_lat, max_lat, min_lon, max_lon, latitude, latitude, longitude, longitude, scale, limit * 2]
        with connection.cursor() as cursor:
            cursor.execute(sql, fixed + box)
            rows = cursor.fetchall()
        found = []
        for values in rows:
            row = dict(zip(_NEAR_KEYS, values, strict=True))
            row["miles"] = geo.distance_miles(latitude, longitude, row["latitude"], row["longitude"])
            if row["miles"] <= miles:
                row["starts_at"], row["ends_at"] = aware_utc(row["starts_at"]), aware_utc(row["ends_at"])
                found.append(row)
        # Everything within `miles` has been seen, so the nearest `limit` are final once there are enough.
        if len(found) >= limit or miles >= radius:
            break
        miles = min(miles * 4, radius)
    found.sort(key=lambda row: (round(row["miles"], 3), row["starts_at"]))
    return found[:limit]


def feed_events(*, area_code: str = "", campaign=None, now=None) -> list[Event]:
    """Public events for a calendar feed, in date order: every upcoming one up to BEACON_EVENTS_FEED_LIMIT
    (soonest first), then, while there is room, those that ended in the last 30 days (latest first).
    Cancelled ones are included so that subscribed calendars remove them."""
    now = now or timezone.now()
    limit = settings.BEACON_EVENTS_FEED_LIMIT
    events = Event.objects.public().select_related(*PUBLIC_LIST_RELATED)
    if area_code:
        events = events.filter(area__code=area_code)
    if campaign is not None:
        from beacon.content.models import CampaignWeekPage

        weeks = CampaignWeekPage.objects.child_of(campaign).values("pk")
        events = events.filter(campaign_week__in=weeks)
    upcoming = list(events.filter(ends_at__gte=now).order_by("starts_at", "id")[:limit])
    room = limit - len(upcoming)
    if room <= 0:
        return upcoming
    since = now - datetime.timedelta(days=30)
    past = events.filter(ends_at__gte=since, ends_at__lt=now).order_by("-starts_at", "-id")[:room]
    return sorted([*past, *upcoming], key=lambda event: (event.starts_at, event.pk))


def event_attendance(*, start: datetime.date, end: datetime.date) -> dict:
    """Totals for the campaign dashboard: events held (not cancelled) that started between two dates
    (inclusive, Europe/London days), and the outcomes recorded for them."""
    tz = timezone.get_default_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    events = Event.objects.filter(starts_at__gte=since, starts_at__lt=until).exclude(
        status=EventStatus.CANCELLED
    )
    totals = events.aggregate(
        events=Count("id"),
        people_engaged=Coalesce(Sum("outcome__people_engaged"), 0),
        young_people_reached=Coalesce(Sum("outcome__young_people_reached"), 0),
        concerns_raised=Coalesce(Sum("outcome__concerns_raised"), 0),
        leaflets_given=Coalesce(Sum("outcome__leaflets_given"), 0),
    )
    return {key: int(value or 0) for key, value in totals.items()}


def workshop_queue() -> QuerySet[WorkshopRequest]:
    """Requests waiting for a decision, oldest first."""
    return WorkshopRequest.objects.filter(status=WorkshopRequestStatus.PENDING).order_by("created_at", "id")


def events_needing_outcome(*, now=None) -> QuerySet[Event]:
    """Events that have finished, were not cancelled and have no outcome recorded yet."""
    return (
        Event.objects.filter(ends_at__lt=now or timezone.now(), outcome__isnull=True)
        .exclude(status=EventStatus.CANCELLED)
        .order_by("-starts_at")
    )


def kind_choices_public() -> list[tuple[str, str]]:
    return [(value, label) for value, label in EventKind.choices if value != EventKind.PATROL]
