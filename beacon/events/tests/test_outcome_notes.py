"""The notes staff write about an event after it (its outcome) are free text: they can name a pupil or hold what
someone told the team about harm. They are deleted BEACON_EVENTS_OUTCOME_NOTES_DAYS after they were written
(events_purge, hourly); the figures stay, as the campaign dashboard counts them."""

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from beacon.accounts import roles
from beacon.core.models import AuditEvent
from beacon.events import selectors, services
from beacon.events.models import EventOutcome

pytestmark = pytest.mark.django_db

NOTES = "Jade (Year 9) told PC Lowe an older man gives her lifts after school; passed to the MASH."
DAYS = datetime.timedelta(days=90)
MINUTE = datetime.timedelta(minutes=1)


def record(event, *, at, notes, actor=None, people=40) -> EventOutcome:
    with time_machine.travel(at, tick=False):
        return services.event_outcome_record(
            event=event,
            actor=actor,
            people_engaged=people,
            young_people_reached=12,
            concerns_raised=1,
            leaflets_given=80,
            notes=notes,
        )


def purge_at(moment: datetime.datetime) -> dict[int, str]:
    with time_machine.travel(moment, tick=False):
        call_command("events_purge")
    return dict(EventOutcome.objects.values_list("event_id", "notes"))


def test_outcome_notes_are_deleted_a_set_time_after_they_were_written(
    make_event, make_staff, staff_client, settings
):
    settings.BEACON_EVENTS_OUTCOME_NOTES_DAYS = 90
    supervisor = make_staff(roles.NEIGHBOURHOOD_SUPERVISOR)
    first, second, plain = (make_event(title=f"Beat Bus drop-in {n}") for n in (1, 2, 3))
    after = (first.ends_at + datetime.timedelta(hours=1)).astimezone(datetime.UTC)  # days of 24 hours
    record(first, at=after, notes=NOTES, actor=supervisor)
    record(second, at=after, notes="Busy; the bus heater failed.", actor=supervisor)
    record(plain, at=after, notes="")
    # Corrected a month later: the new notes are kept from then on. A change to the figures alone does not
    # keep the notes longer.
    record(second, at=after + datetime.timedelta(days=30), notes="Busy; the heater failed again.")
    record(first, at=after + datetime.timedelta(days=60), notes=NOTES, people=41)

    assert purge_at(after + DAYS - MINUTE) == {
        first.pk: NOTES,
        second.pk: "Busy; the heater failed again.",
        plain.pk: "",
    }
    assert purge_at(after + DAYS + MINUTE) == {
        first.pk: "",
        second.pk: "Busy; the heater failed again.",
        plain.pk: "",
    }
    assert purge_at(after + datetime.timedelta(days=30) + DAYS + MINUTE)[second.pk] == ""
    outcome = EventOutcome.objects.get(event=first)
    assert (outcome.people_engaged, outcome.young_people_reached, outcome.concerns_raised) == (41, 12, 1)
    day = timezone.localdate(first.starts_at)
    assert selectors.event_attendance(start=day, end=day)["people_engaged"] == 41 + 40 + 40

    audit = AuditEvent.objects.filter(action="event.outcome_notes_delete")
    assert sorted(audit.values_list("object_id", flat=True)) == sorted([str(first.pk), str(second.pk)])
    assert not any("Jade" in str(row.detail) or "heater" in str(row.detail) for row in audit)

    # The outcome's screen says the notes were deleted on schedule; the school's pupil is not on it.
    page = staff_client(supervisor).get(reverse("events_admin:outcome", args=[first.pk])).content.decode()
    assert "Deleted on schedule: we keep notes for 90 days after they are written." in page
    assert "Jade" not in page
    fresh = staff_client(supervisor).get(reverse("events_admin:outcome", args=[plain.pk])).content.decode()
    assert "We delete notes 90 days after they are written." in fresh and "Deleted on schedule" not in fresh


def test_the_privacy_notice_says_how_long_event_notes_are_kept(client, settings):
    settings.BEACON_EVENTS_OUTCOME_NOTES_DAYS = 60
    html = client.get("/privacy/").content.decode()
    assert "If you talk to us at an event" in html
    assert "We delete these notes 60 days after they are written." in html


def test_notes_written_before_they_were_timed_are_timed_from_the_outcome(make_event):
    """Outcomes recorded before notes had their own clock: the migration times their notes from the outcome."""
    event = make_event()
    record(event, at=event.ends_at + MINUTE, notes=NOTES)
    EventOutcome.objects.update(notes_written_at=None)
    migration = importlib.import_module(
        "beacon.events.migrations.0007_event_outcome_notes_deleted_on_schedule"
    )
    migration.time_existing_notes(django_apps, None)
    outcome = EventOutcome.objects.get()
    assert outcome.notes_written_at == outcome.recorded_at
