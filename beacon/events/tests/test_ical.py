import datetime

import icalendar
import pytest

from beacon.events import services
from beacon.events.ical import events_to_ical
from beacon.events.models import Event, EventKind

from .conftest import local

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # The clocks go forward at 1am GMT on Sunday 28 March 2027 ...
        (local(2027, 3, 27, 10), local(2027, 3, 28, 10)),
        # ... and back at 2am BST on Sunday 31 October 2027.
        (local(2027, 10, 30, 10), local(2027, 10, 31, 10)),
    ],
)
def test_times_round_trip_across_a_clock_change(make_event, before, after):
    first = make_event(starts_at=before, ends_at=before + datetime.timedelta(hours=3))
    second = make_event(starts_at=after, ends_at=after + datetime.timedelta(hours=3))
    calendar = icalendar.Calendar.from_ical(
        events_to_ical([first, second], name="Test", base_url="https://beacon.example")
    )

    # The VTIMEZONE covers the change, so any client can place the times.
    zone = calendar.walk("VTIMEZONE")[0]
    assert zone["TZID"] == "Europe/London"
    assert {component.name for component in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}

    parsed = {str(item["UID"]): item for item in calendar.walk("VEVENT")}
    for event in (first, second):
        item = parsed[event.ical_uid()]
        assert item["DTSTART"].params["TZID"] == "Europe/London"
        assert item.start.astimezone(UTC) == event.starts_at.astimezone(UTC)
        assert item.end.astimezone(UTC) == event.ends_at.astimezone(UTC)
        assert item.start.hour == 10  # the wall-clock time people expect, either side of the change
    utc_hours = sorted(event.starts_at.astimezone(UTC).hour for event in (first, second))
    assert utc_hours == [9, 10]  # one in BST (UTC+1), one in GMT


def test_the_feed_text_is_rfc_5545(make_event):
    event = make_event(description="Bring questions; we have answers, and leaflets.\nSecond line.")
    text = events_to_ical([event], name="Events", base_url="https://beacon.example").decode()
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "VERSION:2.0" in lines and "PRODID:-//Beacon//Events//EN" in lines
    assert all(len(line.encode()) <= 75 for line in lines)  # folded
    assert f"UID:{event.ical_uid()}" in lines
    assert any(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines)
    assert "Bring questions\\; we have answers\\, and leaflets.\\nSecond line." in text.replace("\r\n ", "")


def test_uid_is_stable_and_sequence_grows_with_each_change(make_event):
    event = make_event()

    def item():
        calendar = icalendar.Calendar.from_ical(events_to_ical([Event.objects.get(pk=event.pk)], name="x"))
        return calendar.walk("VEVENT")[0]

    assert int(item()["SEQUENCE"]) == 0
    services.event_update(event=event, actor=None, place_name="Market Square (north side)")
    services.event_update(event=event, actor=None, ends_at=event.ends_at + datetime.timedelta(minutes=30))
    assert int(item()["SEQUENCE"]) == 2
    services.event_cancel(event=event, actor=None, reason="Flooding")
    cancelled = item()
    assert str(cancelled["UID"]) == event.ical_uid()
    assert int(cancelled["SEQUENCE"]) == 3
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert "Flooding" in str(cancelled["DESCRIPTION"])


def test_an_empty_feed_is_still_a_valid_calendar(db):
    calendar = icalendar.Calendar.from_ical(events_to_ical([], name="Nothing yet"))
    assert calendar.walk("VEVENT") == []
    assert calendar.walk("VTIMEZONE")


def test_uids_name_the_site_so_two_forces_feeds_never_collide(make_event, settings):
    """Someone subscribed to two forces' feeds gets event 7 of each, not one overwriting the other."""
    event = make_event()
    settings.WAGTAILADMIN_BASE_URL = "https://beacon.northants.police.uk/"
    northants = event.ical_uid()
    assert northants == f"event-{event.pk}@beacon.northants.police.uk"
    text = events_to_ical([event], name="Events", base_url="https://beacon.example").decode()
    assert f"UID:{northants}" in text.split("\r\n")  # from the setting, not from the address asked
    services.event_update(event=event, actor=None, title="Moved drop-in")
    assert Event.objects.get(pk=event.pk).ical_uid() == northants  # stable
    settings.WAGTAILADMIN_BASE_URL = "https://beacon.leics.police.uk"
    assert event.ical_uid() == f"event-{event.pk}@beacon.leics.police.uk" != northants


def test_changing_an_events_type_updates_calendars(make_event):
    event = make_event()
    services.event_update(event=event, actor=None, kind=EventKind.COMMUNITY_MEETING)
    assert Event.objects.get(pk=event.pk).sequence == 1
