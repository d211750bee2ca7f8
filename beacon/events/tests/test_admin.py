"""The staff screens in the Wagtail admin: permissions, and that every change goes through the services."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from beacon.accounts import roles
from beacon.core.models import AuditEvent
from beacon.events.models import (
    Event,
    EventKind,
    EventOutcome,
    EventStatus,
    WorkshopRequest,
    WorkshopRequestStatus,
)

from .conftest import school_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(make_staff, staff_client):
    return staff_client(make_staff(roles.NEIGHBOURHOOD_SUPERVISOR))


def event_form(event=None, **changes):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = {
        "title": "Beat Bus drop-in: Abington Street",
        "kind": EventKind.BEAT_BUS,
        "description": "Come and talk to us.",
        "starts_at": f"{tomorrow:%Y-%m-%d} 10:00",
        "ends_at": f"{tomorrow:%Y-%m-%d} 13:00",
        "place_name": "Abington Street",
        "address": "",
        "postcode": "NN1 2AW",
        "area": "",
        "neighbourhood": "",
        "accessibility": "",
        "campaign_week": "",
        "officer": "",
        "is_public": "on",
    }
    data.update(changes)
    return data


def test_supervisors_list_and_filter_events(supervisor, make_event):
    make_event()
    make_event(title="Swansgate drop-in", postcode="NN8 1AS", place_name="Swansgate")
    response = supervisor.get(reverse("events_admin:index"))
    assert response.status_code == 200
    assert "Market Square" in response.content.decode()
    filtered = supervisor.get(
        reverse("events_admin:index"), {"area": Event.objects.get(place_name="Swansgate").area_id}
    )
    content = filtered.content.decode()
    assert "Swansgate drop-in" in content and "Beat Bus drop-in: Market Square" not in content
    assert supervisor.get(reverse("events_admin:index"), {"kind": "patrol"}).status_code == 200
    assert supervisor.get(reverse("events_admin:index"), {"starts_at_from": "2026-01-01"}).status_code == 200


def test_adding_an_event_goes_through_the_service(supervisor, areas):
    response = supervisor.post(reverse("events_admin:add"), event_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get()
    assert event.area == areas["northampton"] and event.latitude is not None
    assert timezone.localtime(event.starts_at).hour == 10
    assert AuditEvent.objects.filter(action="event.create").exists()


def test_a_bad_postcode_or_times_show_errors_in_the_admin(supervisor, areas):
    response = supervisor.post(
        reverse("events_admin:add"),
        event_form(postcode="NN1 9ZX", ends_at=event_form()["starts_at"].replace("10:00", "09:00")),
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "The end must be after the start" in content
    assert not Event.objects.exists()
    response = supervisor.post(reverse("events_admin:add"), event_form(postcode="NN1 9ZX"))
    assert "We could not find that postcode" in response.content.decode()
    assert not Event.objects.exists()


def test_editing_bumps_the_sequence_and_a_cancelled_event_cannot_be_edited(supervisor, make_event):
    event = make_event()
    local_start = timezone.localtime(event.starts_at)
    data = event_form(
        title="Beat Bus drop-in: Market Square (moved)",
        place_name="Market Square",
        postcode="NN1 2DL",
        starts_at=f"{local_start:%Y-%m-%d} 10:00",
        ends_at=f"{local_start:%Y-%m-%d} 13:00",
    )
    assert supervisor.post(reverse("events_admin:edit", args=[event.pk]), data).status_code == 302
    event.refresh_from_db()
    assert event.sequence == 1 and event.title.endswith("(moved)")

    response = supervisor.post(reverse("events_admin:cancel", args=[event.pk]), {"reason": ""})
    assert "Enter why the event is cancelled" in response.content.decode()
    response = supervisor.post(
        reverse("events_admin:cancel", args=[event.pk]), {"reason": "Bus off the road."}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED and event.sequence == 2

    response = supervisor.post(reverse("events_admin:edit", args=[event.pk]), {**data, "title": "Back on"})
    assert response.status_code == 200
    assert "cancelled, so it cannot be changed" in response.content.decode()
    event.refresh_from_db()
    assert event.title.endswith("(moved)") and event.sequence == 2


def test_copy_to_a_new_date(supervisor, make_event):
    event = make_event()
    new_date = timezone.localdate() + datetime.timedelta(days=8)
    assert supervisor.get(reverse("events_admin:copy_to_date", args=[event.pk])).status_code == 200
    response = supervisor.post(
        reverse("events_admin:copy_to_date", args=[event.pk]), {"new_date": f"{new_date:%Y-%m-%d}"}
    )
    assert response.status_code == 302
    copy = Event.objects.exclude(pk=event.pk).get()
    assert timezone.localtime(copy.starts_at).date() == new_date
    assert timezone.localtime(copy.starts_at).time() == timezone.localtime(event.starts_at).time()
    response = supervisor.post(
        reverse("events_admin:copy_to_date", args=[event.pk]), {"new_date": "2001-01-01"}
    )
    assert "today or in the future" in response.content.decode()
    response = supervisor.post(
        reverse("events_admin:copy_to_date", args=[event.pk]), {"new_date": "31/02/banana"}
    )
    assert response.status_code == 200
    assert Event.objects.count() == 2


def test_recording_an_outcome(supervisor, make_event, make_reports):
    make_reports("K7QM-2XDP", "ABCD-EFGH")
    now = timezone.now()
    event = make_event(starts_at=now - datetime.timedelta(hours=4), ends_at=now - datetime.timedelta(hours=1))
    url = reverse("events_admin:outcome", args=[event.pk])
    assert supervisor.get(url).status_code == 200
    data = {
        "people_engaged": "45",
        "young_people_reached": "12",
        "concerns_raised": "1",
        "report_references": "K7QM-2XDP\nABCD-EFGH",
        "leaflets_given": "100",
        "notes": "",
    }
    response = supervisor.post(url, data)
    assert "more report references than concerns" in response.content.decode()
    assert not EventOutcome.objects.exists()
    response = supervisor.post(url, {**data, "concerns_raised": "2", "people_engaged": "-4"})
    assert response.status_code == 200 and not EventOutcome.objects.exists()
    response = supervisor.post(
        url, {**data, "concerns_raised": "2", "report_references": "K7QM-2XDP\nZZZZ-ZZZZ"}
    )
    assert "No report has the reference ZZZZ-ZZZZ" in response.content.decode()
    assert not EventOutcome.objects.exists()
    assert supervisor.post(url, {**data, "concerns_raised": "2"}).status_code == 302
    outcome = EventOutcome.objects.get()
    assert outcome.report_references == ["K7QM-2XDP", "ABCD-EFGH"]
    event.refresh_from_db()
    assert event.status == EventStatus.DONE


def test_deleting_is_audited(supervisor, make_event):
    event = make_event()
    assert supervisor.post(reverse("events_admin:delete", args=[event.pk])).status_code == 302
    assert not Event.objects.exists()
    assert AuditEvent.objects.filter(action="event.delete", object_id=str(event.pk)).exists()


def test_workshop_queue_confirm_and_decline(
    supervisor, workshop_request, workshop_answers, django_capture_on_commit_callbacks
):
    from beacon.content.models import Officer
    from beacon.events import services

    officer = Officer.objects.create(rank="PC", name="Hannah Lowe", role="Neighbourhood Officer")
    index = supervisor.get(reverse("workshop_requests_admin:index"))
    assert index.status_code == 200 and "Riverside Primary School" in index.content.decode()
    inspect = supervisor.get(reverse("workshop_requests_admin:inspect", args=[workshop_request.pk]))
    assert "Child criminal exploitation" in inspect.content.decode()
    assert (
        supervisor.get(reverse("workshop_requests_admin:edit", args=[workshop_request.pk])).status_code == 302
    )

    url = reverse("workshop_requests_admin:confirm", args=[workshop_request.pk])
    day = school_days(3)[2]
    assert supervisor.get(url).status_code == 200
    response = supervisor.post(
        url, {"date": f"{day:%Y-%m-%d}", "start_time": "11:00", "end_time": "10:00", "officer": officer.pk}
    )
    assert "The end time must be after the start time" in response.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = supervisor.post(
            url,
            {"date": f"{day:%Y-%m-%d}", "start_time": "09:15", "end_time": "10:15", "officer": officer.pk},
        )
    assert response.status_code == 302
    workshop_request.refresh_from_db()
    assert workshop_request.status == WorkshopRequestStatus.CONFIRMED
    assert workshop_request.event.kind == EventKind.SCHOOL_WORKSHOP and not workshop_request.event.is_public
    assert len(mail.outbox) == 1 and "PC Hannah Lowe" in mail.outbox[0].body
    # A confirmed request cannot be declined afterwards.
    assert (
        supervisor.get(reverse("workshop_requests_admin:decline", args=[workshop_request.pk])).status_code
        == 302
    )

    other = services.workshop_request_submit(
        token="second-token-abcdefgh", **{**workshop_answers, "pupils": 12}
    ).request
    url = reverse("workshop_requests_admin:decline", args=[other.pk])
    assert "Enter why the request is declined" in supervisor.post(url, {"reason": ""}).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert supervisor.post(url, {"reason": "We have no officers free that week."}).status_code == 302
    assert "no officers free" in mail.outbox[0].body


def test_confirm_refuses_a_time_skipped_by_the_clock_change(supervisor, workshop_request):
    from beacon.content.models import Officer

    officer = Officer.objects.create(rank="PC", name="Hannah Lowe", role="Neighbourhood Officer")
    next_march = datetime.date(timezone.localdate().year + 1, 3, 31)
    last_sunday = next_march - datetime.timedelta(days=(next_march.weekday() + 1) % 7)
    response = supervisor.post(
        reverse("workshop_requests_admin:confirm", args=[workshop_request.pk]),
        {
            "date": f"{last_sunday:%Y-%m-%d}",
            "start_time": "01:30",
            "end_time": "03:00",
            "officer": officer.pk,
        },
    )
    assert "skipped or repeated when the clocks change" in response.content.decode()
    workshop_request.refresh_from_db()
    assert workshop_request.status == WorkshopRequestStatus.PENDING


def test_campaign_editors_may_only_look(make_staff, staff_client, make_event, workshop_request):
    event = make_event()
    editor = staff_client(make_staff(roles.CAMPAIGN_EDITOR))
    assert editor.get(reverse("events_admin:index")).status_code == 200
    assert editor.get(reverse("workshop_requests_admin:index")).status_code == 200
    for url in (
        reverse("events_admin:add"),
        reverse("events_admin:edit", args=[event.pk]),
        reverse("events_admin:copy_to_date", args=[event.pk]),
        reverse("events_admin:cancel", args=[event.pk]),
        reverse("events_admin:outcome", args=[event.pk]),
        reverse("workshop_requests_admin:confirm", args=[workshop_request.pk]),
        reverse("workshop_requests_admin:decline", args=[workshop_request.pk]),
    ):
        response = editor.post(url, {"reason": "x", "new_date": "2030-01-01"})
        assert response.status_code in (302, 403), url
    event.refresh_from_db()
    assert event.status == EventStatus.SCHEDULED and Event.objects.count() == 1
    workshop_request.refresh_from_db()
    assert workshop_request.status == WorkshopRequestStatus.PENDING


def test_other_staff_and_the_public_cannot_reach_the_screens(make_staff, staff_client, client, make_event):
    event = make_event()
    assert client.get(reverse("events_admin:index")).status_code == 302  # to sign in
    assert client.post(reverse("events_admin:cancel", args=[event.pk]), {"reason": "x"}).status_code == 302
    triage = staff_client(make_staff(roles.TRIAGE_OFFICER))
    assert triage.get(reverse("events_admin:index")).status_code in (302, 403)
    assert triage.post(reverse("events_admin:cancel", args=[event.pk]), {"reason": "x"}).status_code in (
        302,
        403,
    )
    event.refresh_from_db()
    assert event.status == EventStatus.SCHEDULED


def test_only_staff_who_decide_requests_see_a_schools_contact_details(
    make_staff, staff_client, areas, workshop_answers
):
    """A campaign editor may see the queue, not the teacher's name, email or phone, nor notes about pupils."""
    from beacon.events import services

    request = services.workshop_request_submit(
        token="contact-details-token-01",
        **{**workshop_answers, "accessibility_needs": "Sam Jones in Year 6 is deaf."},
    ).request
    private = ("Priya Shah", "office@riverside-primary.example", "+441604496000", "Sam Jones")
    url = reverse("workshop_requests_admin:inspect", args=[request.pk])

    editor = staff_client(make_staff(roles.CAMPAIGN_EDITOR))
    response = editor.get(url)
    content = response.content.decode()
    assert response.status_code == 200 and "Riverside Primary School" in content
    for text in private:
        assert text not in content, text
    # Nor can a search by a teacher's name or email tell an editor who asked.
    for query in ("Priya", "riverside-primary.example"):
        listing = editor.get(reverse("workshop_requests_admin:index"), {"q": query}).content.decode()
        assert "Riverside Primary School" not in listing, query
    editor.logout()

    supervisor = staff_client(make_staff(roles.NEIGHBOURHOOD_SUPERVISOR))
    content = supervisor.get(url).content.decode()
    for text in private:
        assert text in content, text
    listing = supervisor.get(reverse("workshop_requests_admin:index"), {"q": "Priya"}).content.decode()
    assert "Riverside Primary School" in listing


def test_a_request_whose_contact_details_were_deleted_still_shows_and_cannot_be_decided(
    supervisor, workshop_request, settings
):
    import time_machine
    from django.core.management import call_command

    settings.BEACON_EVENTS_WORKSHOP_UNDECIDED_DAYS = 180
    with time_machine.travel(workshop_request.created_at + datetime.timedelta(days=181), tick=False):
        call_command("events_purge")
    workshop_request.refresh_from_db()
    assert workshop_request.contact_deleted and workshop_request.status == WorkshopRequestStatus.PENDING

    inspect = supervisor.get(reverse("workshop_requests_admin:inspect", args=[workshop_request.pk]))
    content = inspect.content.decode()
    assert inspect.status_code == 200 and "Riverside Primary School" in content
    assert "Deleted: we keep contact details only for a set time" in content
    assert "Priya Shah" not in content
    confirm_url = reverse("workshop_requests_admin:confirm", args=[workshop_request.pk])
    decline_url = reverse("workshop_requests_admin:decline", args=[workshop_request.pk])
    assert confirm_url not in content and decline_url not in content  # no buttons to decide it
    index = supervisor.get(reverse("workshop_requests_admin:index")).content.decode()
    assert "Riverside Primary School" in index and confirm_url not in index
    response = supervisor.get(confirm_url, follow=True)
    assert "the school’s contact details have been deleted" in response.content.decode()
    response = supervisor.post(decline_url, {"reason": "Too late"})
    assert "the school’s contact details have been deleted" in response.content.decode()
    workshop_request.refresh_from_db()
    assert workshop_request.status == WorkshopRequestStatus.PENDING


def test_the_new_request_url_leads_to_the_list(supervisor, workshop_request):
    """Schools send requests through the public form; the viewset's "new" URL had shared the edit view,
    which has no request to show there, and gave a 500."""
    count = WorkshopRequest.objects.count()
    for response in (
        supervisor.get(reverse("workshop_requests_admin:add")),
        supervisor.post(reverse("workshop_requests_admin:add"), {"school_name": "Made up"}),
    ):
        assert response.status_code == 302
        assert response["Location"] == reverse("workshop_requests_admin:index")
    assert WorkshopRequest.objects.count() == count
