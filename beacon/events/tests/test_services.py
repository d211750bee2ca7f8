import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from beacon.accounts import roles
from beacon.core.models import AuditEvent
from beacon.events import selectors, services
from beacon.events.models import Event, EventKind, EventOutcome, EventStatus

from .conftest import local

pytestmark = pytest.mark.django_db


def test_create_places_the_event_from_its_postcode(make_event, areas):
    event = make_event(postcode="nn1 2dl")
    assert event.postcode == "NN1 2DL"
    assert event.latitude == pytest.approx(52.2379, abs=0.001)
    assert event.longitude == pytest.approx(-0.8969, abs=0.001)
    assert event.neighbourhood == areas["town"]
    assert event.area == areas["northampton"]
    assert AuditEvent.objects.filter(action="event.create", object_id=str(event.pk)).exists()


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("NOT A POSTCODE", "Enter a real postcode"),
        ("", "Enter the event’s postcode"),
        ("NN1 9ZX", "We could not find that postcode"),
        ("ZZ9 9ZZ", "We could not find that postcode"),
    ],
)
def test_impossible_postcodes_are_refused_and_nothing_is_saved(make_event, postcode, message):
    with pytest.raises(ValidationError) as caught:
        make_event(postcode=postcode)
    assert message in " ".join(caught.value.message_dict["postcode"])
    assert Event.objects.count() == 0


def test_end_before_start_is_refused(make_event):
    with pytest.raises(ValidationError) as caught:
        make_event(starts_at=local(2027, 5, 1, 14), ends_at=local(2027, 5, 1, 10))
    assert caught.value.message_dict["ends_at"] == ["The end must be after the start"]
    assert Event.objects.count() == 0


def test_an_event_cannot_last_more_than_a_week(make_event):
    with pytest.raises(ValidationError) as caught:
        make_event(starts_at=local(2027, 5, 1, 10), ends_at=local(2027, 5, 9, 10))
    assert "up to 7 days" in caught.value.message_dict["ends_at"][0]


def test_overlong_text_is_refused(make_event):
    with pytest.raises(ValidationError) as caught:
        make_event(title="x" * 121, description="y" * 5000)
    assert set(caught.value.message_dict) >= {"title", "description"}
    assert Event.objects.count() == 0


def test_a_postcode_outside_every_neighbourhood_needs_an_area(make_event, areas):
    with pytest.raises(ValidationError) as caught:
        make_event(postcode="LE1 5WW")
    assert "policing area" in caught.value.message_dict["area"][0]
    event = make_event(postcode="LE1 5WW", area=areas["northampton"])
    assert event.neighbourhood is None and event.area == areas["northampton"]


def test_patrols_are_never_public(make_event):
    patrol = make_event(kind=EventKind.PATROL, title="Patrol", is_public=True)
    assert patrol.is_public is False
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=patrol.pk).update(is_public=True)
    assert list(Event.objects.public()) == []


def test_changes_bump_the_sequence_and_a_no_change_save_does_not(make_event):
    event = make_event()
    assert event.sequence == 0
    services.event_update(event=event, actor=None, title="Beat Bus drop-in: Market Square (moved)")
    assert event.sequence == 1
    services.event_update(event=event, actor=None, title=event.title)
    assert event.sequence == 1
    services.event_update(event=event, actor=None, starts_at=event.starts_at + datetime.timedelta(hours=1))
    assert Event.objects.get(pk=event.pk).sequence == 2


def test_a_new_postcode_moves_the_event_to_its_neighbourhood(make_event, areas):
    event = make_event()
    services.event_update(event=event, actor=None, postcode="NN8 1AS", place_name="Swansgate")
    assert event.neighbourhood == areas["welly"]
    assert event.area == areas["wellingborough"]


def test_a_bad_update_leaves_the_event_as_it_was(make_event):
    event = make_event()
    with pytest.raises(ValidationError):
        services.event_update(event=event, actor=None, title="Changed", ends_at=event.starts_at)
    stored = Event.objects.get(pk=event.pk)
    assert stored.title == "Beat Bus drop-in: Market Square" and stored.sequence == 0


def test_cancel_needs_a_reason_bumps_the_sequence_and_then_freezes_the_event(make_event):
    event = make_event()
    with pytest.raises(ValidationError):
        services.event_cancel(event=event, actor=None, reason="   ")
    services.event_cancel(event=event, actor=None, reason="The bus has broken down.")
    assert event.status == EventStatus.CANCELLED
    assert event.sequence == 1
    with pytest.raises(ValidationError, match="cancelled, so it cannot be changed"):
        services.event_update(event=event, actor=None, title="Back on")
    with pytest.raises(ValidationError, match="already been cancelled"):
        services.event_cancel(event=event, actor=None, reason="Again")
    stored = Event.objects.get(pk=event.pk)
    assert stored.title == "Beat Bus drop-in: Market Square" and stored.sequence == 1


def test_copy_to_a_new_date_keeps_the_local_times_across_the_clock_change(make_event):
    # 10am to 1pm on Saturday 20 March 2027 (GMT) copied to Saturday 3 April 2027 (BST).
    event = make_event(starts_at=local(2027, 3, 20, 10), ends_at=local(2027, 3, 20, 13))
    copy = services.event_copy(
        event=event, actor=None, new_date=datetime.date(2027, 4, 3), today=datetime.date(2027, 3, 1)
    )
    assert copy.pk != event.pk
    assert timezone.localtime(copy.starts_at).hour == 10 and timezone.localtime(copy.ends_at).hour == 13
    assert copy.starts_at.astimezone(datetime.UTC).hour == 9  # BST is UTC+1
    assert event.starts_at.astimezone(datetime.UTC).hour == 10
    assert (copy.place_name, copy.postcode, copy.kind, copy.status, copy.sequence) == (
        event.place_name,
        event.postcode,
        event.kind,
        EventStatus.SCHEDULED,
        0,
    )
    assert AuditEvent.objects.filter(action="event.copy", object_id=str(copy.pk)).exists()


def test_copy_to_a_past_date_is_refused(make_event):
    event = make_event()
    with pytest.raises(ValidationError) as caught:
        services.event_copy(
            event=event, actor=None, new_date=timezone.localdate() - datetime.timedelta(days=1)
        )
    assert "today or in the future" in caught.value.message_dict["new_date"][0]
    assert Event.objects.count() == 1


def test_outcome_rules(make_event, make_reports):
    make_reports("K7QM-2XDP")
    now = timezone.now()
    future = make_event()
    with pytest.raises(ValidationError, match="once the event has started"):
        services.event_outcome_record(
            event=future,
            actor=None,
            people_engaged=1,
            young_people_reached=0,
            concerns_raised=0,
            leaflets_given=0,
        )
    past = make_event(starts_at=now - datetime.timedelta(hours=5), ends_at=now - datetime.timedelta(hours=2))
    with pytest.raises(ValidationError) as caught:
        services.event_outcome_record(
            event=past,
            actor=None,
            people_engaged=10,
            young_people_reached=2,
            concerns_raised=0,
            leaflets_given=5,
            report_references=["K7QM-2XDP"],
        )
    assert "more report references than concerns" in caught.value.message_dict["report_references"][0]
    with pytest.raises(ValidationError, match="not a report reference"):
        services.event_outcome_record(
            event=past,
            actor=None,
            people_engaged=10,
            young_people_reached=2,
            concerns_raised=1,
            leaflets_given=5,
            report_references=["<script>"],
        )
    assert not EventOutcome.objects.exists()
    outcome = services.event_outcome_record(
        event=past,
        actor=None,
        people_engaged=10,
        young_people_reached=2,
        concerns_raised=2,
        leaflets_given=5,
        report_references=["k7qm2xdp", "K7QM-2XDP"],
    )
    assert outcome.report_references == ["K7QM-2XDP"]
    assert past.status == EventStatus.DONE
    # Correcting it later updates the same outcome.
    services.event_outcome_record(
        event=past, actor=None, people_engaged=12, young_people_reached=2, concerns_raised=2, leaflets_given=5
    )
    assert EventOutcome.objects.get().people_engaged == 12


def test_no_outcome_for_a_cancelled_event(make_event):
    now = timezone.now()
    event = make_event(
        starts_at=now + datetime.timedelta(minutes=5), ends_at=now + datetime.timedelta(hours=2)
    )
    services.event_cancel(event=event, actor=None, reason="Weather")
    with pytest.raises(ValidationError, match="cancelled"):
        services.event_outcome_record(
            event=event,
            actor=None,
            people_engaged=1,
            young_people_reached=0,
            concerns_raised=0,
            leaflets_given=0,
            now=now + datetime.timedelta(hours=3),
        )


def test_event_attendance_for_the_dashboard(make_event):
    held = make_event(starts_at=local(2026, 3, 9, 10), ends_at=local(2026, 3, 9, 13))
    also = make_event(starts_at=local(2026, 3, 15, 23, 30), ends_at=local(2026, 3, 16, 1))
    make_event(starts_at=local(2026, 3, 16, 10), ends_at=local(2026, 3, 16, 12))  # after the range
    cancelled = make_event(starts_at=local(2026, 3, 10, 10), ends_at=local(2026, 3, 10, 12))
    Event.objects.filter(pk=cancelled.pk).update(status=EventStatus.CANCELLED, cancellation_reason="Rain")
    for event, people in ((held, 40), (also, 7)):
        services.event_outcome_record(
            event=event,
            actor=None,
            people_engaged=people,
            young_people_reached=3,
            concerns_raised=1,
            leaflets_given=20,
        )
    figures = selectors.event_attendance(start=datetime.date(2026, 3, 9), end=datetime.date(2026, 3, 15))
    assert figures == {
        "events": 2,
        "people_engaged": 47,
        "young_people_reached": 6,
        "concerns_raised": 2,
        "leaflets_given": 40,
    }
    empty = selectors.event_attendance(start=datetime.date(2020, 1, 1), end=datetime.date(2020, 1, 7))
    assert empty == dict.fromkeys(figures, 0)


def test_public_events_for_a_campaign_week_never_include_patrols(make_event):
    from wagtail.models import Page

    from beacon.content.models import CampaignPage, CampaignWeekPage

    root = Page.get_first_root_node()
    campaign = root.add_child(
        instance=CampaignPage(
            title="Safer streets",
            slug="safer-streets",
            summary="A month of action",
            start_date=datetime.date(2027, 5, 3),
            end_date=datetime.date(2027, 5, 30),
        )
    )
    week = campaign.add_child(
        instance=CampaignWeekPage(
            title="Week 1",
            slug="week-1",
            week_number=1,
            start_date=datetime.date(2027, 5, 3),
            end_date=datetime.date(2027, 5, 9),
            summary="Week one",
        )
    )
    bus = make_event(campaign_week=week, starts_at=local(2027, 5, 4, 10), ends_at=local(2027, 5, 4, 12))
    make_event(
        campaign_week=week,
        kind=EventKind.PATROL,
        title="Patrol",
        starts_at=local(2027, 5, 4, 20),
        ends_at=local(2027, 5, 4, 23),
    )
    make_event(campaign_week=week, kind=EventKind.SCHOOL_WORKSHOP, title="Workshop", is_public=False)
    make_event(title="Not in the campaign")
    assert list(selectors.public_events_for_week(week=week)) == [bus]
    feed = selectors.feed_events(campaign=campaign)
    assert list(feed) == [bus]


def test_the_campaign_feed_holds_its_public_events(client, make_event):
    import icalendar
    from wagtail.models import Page

    from beacon.content.models import CampaignPage, CampaignWeekPage

    campaign = Page.get_first_root_node().add_child(
        instance=CampaignPage(
            title="Safer streets",
            slug="safer-streets",
            summary="A month of action",
            start_date=datetime.date(2027, 5, 3),
            end_date=datetime.date(2027, 5, 30),
        )
    )
    week = campaign.add_child(
        instance=CampaignWeekPage(
            title="Week 1",
            slug="week-1",
            week_number=1,
            start_date=datetime.date(2027, 5, 3),
            end_date=datetime.date(2027, 5, 9),
            summary="Week one",
        )
    )
    bus = make_event(campaign_week=week)
    make_event(campaign_week=week, kind=EventKind.PATROL, title="Patrol")
    response = client.get("/events/campaigns/safer-streets/feed.ics")
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    assert [str(item["UID"]) for item in calendar.walk("VEVENT")] == [bus.ical_uid()]
    assert client.head("/events/campaigns/safer-streets/feed.ics").status_code == 200


def test_only_supervisors_decide_workshop_requests(make_staff, workshop_request):
    from beacon.events.models import WorkshopRequestStatus

    starts_at = timezone.now() + datetime.timedelta(days=3)
    for actor in (make_staff(roles.CAMPAIGN_EDITOR), make_staff(roles.TRIAGE_OFFICER), None):
        with pytest.raises(PermissionDenied):
            services.workshop_request_decline(request=workshop_request, actor=actor, reason="No")
        with pytest.raises(PermissionDenied):
            services.workshop_request_confirm(
                request=workshop_request,
                actor=actor,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=1),
            )
    workshop_request.refresh_from_db()
    assert workshop_request.status == WorkshopRequestStatus.PENDING and not Event.objects.exists()
    supervisor = make_staff(roles.NEIGHBOURHOOD_SUPERVISOR)  # and the permission is what lets one decide
    services.workshop_request_decline(request=workshop_request, actor=supervisor, reason="Fully booked")
    assert workshop_request.status == WorkshopRequestStatus.DECLINED


def test_a_full_feed_keeps_the_nearest_upcoming_events(make_event, settings):
    """The feed's limit drops the oldest past events first, never an upcoming one."""
    settings.BEACON_EVENTS_FEED_LIMIT = 3
    now = timezone.now()
    long_past = make_event(
        title="Three weeks ago",
        starts_at=now - datetime.timedelta(days=21),
        ends_at=now - datetime.timedelta(days=21, hours=-2),
    )
    past = make_event(
        title="Last week",
        starts_at=now - datetime.timedelta(days=7),
        ends_at=now - datetime.timedelta(days=7, hours=-2),
    )
    upcoming = [
        make_event(
            title=f"In {days} days",
            starts_at=now + datetime.timedelta(days=days),
            ends_at=now + datetime.timedelta(days=days, hours=2),
        )
        for days in (3, 1, 2)
    ]
    soonest_first = sorted(upcoming, key=lambda event: event.starts_at)
    assert list(selectors.feed_events()) == soonest_first
    services.event_delete(event=upcoming[0], actor=None)  # room for one past event: the latest
    assert list(selectors.feed_events()) == [past, *soonest_first[:2]]
    settings.BEACON_EVENTS_FEED_LIMIT = 500
    assert list(selectors.feed_events()) == [long_past, past, *soonest_first[:2]]
    later = make_event(
        title="In 4 days",
        starts_at=now + datetime.timedelta(days=4),
        ends_at=now + datetime.timedelta(days=4, hours=2),
    )
    settings.BEACON_EVENTS_FEED_LIMIT = 2
    assert list(selectors.feed_events()) == soonest_first[:2]
    assert later not in selectors.feed_events()


@pytest.mark.parametrize(
    "new_date",
    [
        datetime.date(2027, 3, 28),  # the clocks go forward at 1am: 01:30 does not exist
        datetime.date(2027, 10, 31),  # and back at 2am: 01:30 happens twice
    ],
)
def test_copy_into_a_time_the_clocks_skip_or_repeat_is_refused(make_event, new_date):
    event = make_event(starts_at=local(2027, 3, 20, 1, 30), ends_at=local(2027, 3, 20, 4))
    with pytest.raises(ValidationError) as caught:
        services.event_copy(event=event, actor=None, new_date=new_date, today=datetime.date(2027, 3, 1))
    message = caught.value.message_dict["new_date"][0]
    assert "01:30" in message and "clocks" in message and "Choose another date" in message
    assert Event.objects.count() == 1


def test_copy_refuses_an_end_time_the_clocks_skip(make_event):
    event = make_event(starts_at=local(2027, 3, 20, 0, 30), ends_at=local(2027, 3, 20, 1, 45))
    with pytest.raises(ValidationError) as caught:
        services.event_copy(
            event=event, actor=None, new_date=datetime.date(2027, 3, 28), today=datetime.date(2027, 3, 1)
        )
    assert "01:45" in caught.value.message_dict["new_date"][0]
    assert Event.objects.count() == 1


def test_an_outcome_links_only_to_reports_that_exist(make_event, make_reports):
    now = timezone.now()
    past = make_event(starts_at=now - datetime.timedelta(hours=5), ends_at=now - datetime.timedelta(hours=2))
    [report] = make_reports("K7QM-2XDP")
    figures = {"people_engaged": 10, "young_people_reached": 2, "concerns_raised": 2, "leaflets_given": 5}
    with pytest.raises(ValidationError) as caught:
        services.event_outcome_record(
            event=past, actor=None, report_references=["K7QM-2XDP", "zzzz-zzzz"], **figures
        )
    assert caught.value.message_dict["report_references"] == [
        "No report has the reference ZZZZ-ZZZZ. Check it against the report"
    ]
    with pytest.raises(ValidationError) as caught:
        services.event_outcome_record(
            event=past, actor=None, report_references=["ZZZZ-ZZZZ", "ABCD-EFGH"], **figures
        )
    assert "ZZZZ-ZZZZ, ABCD-EFGH" in caught.value.message_dict["report_references"][0]
    assert not EventOutcome.objects.exists()
    outcome = services.event_outcome_record(event=past, actor=None, report_references=["k7qm2xdp"], **figures)
    assert outcome.report_references == ["K7QM-2XDP"]
    # A report deleted later (retention) does not stop the outcome being corrected.
    report.delete()
    services.event_outcome_record(
        event=past, actor=None, report_references=["K7QM-2XDP"], **{**figures, "people_engaged": 12}
    )
    assert EventOutcome.objects.get().people_engaged == 12
