import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from beacon.accounts import roles
from beacon.core.models import AuditEvent
from beacon.core.tests.smtp import all_logs, refusing_smtp  # noqa: F401 (fixtures)
from beacon.events import selectors, services
from beacon.events.models import Event, EventKind, WorkshopRequest, WorkshopRequestStatus

from .conftest import local, school_days

pytestmark = pytest.mark.django_db


def submit(answers, token="a-token-that-is-long-enough", **changes):  # noqa: S107
    return services.workshop_request_submit(token=token, **{**answers, **changes})


def test_a_request_is_stored_and_the_school_is_emailed(
    areas, workshop_answers, django_capture_on_commit_callbacks, settings
):
    settings.BEACON_EVENTS_TEAM_EMAIL = "events-team@beacon.invalid"
    with django_capture_on_commit_callbacks(execute=True):
        result = submit(workshop_answers)
    request = result.request
    assert result.created
    assert request.status == WorkshopRequestStatus.PENDING
    assert request.email_is_freemail is False
    assert request.preferred_dates == [date.isoformat() for date in workshop_answers["preferred_dates"]]
    assert [message.to for message in mail.outbox] == [
        ["office@riverside-primary.example"],
        ["events-team@beacon.invalid"],
    ]
    assert request.reference in mail.outbox[0].subject
    # The address typed in may not be the school's: quote the reference and the date, not the free text
    # typed into the form, so the form cannot be used to send someone a message.
    body = mail.outbox[0].body
    assert request.reference in body and "If you did not ask for this, you can ignore this email" in body
    assert "NN1 1SY" in body and "Child criminal exploitation" in body
    assert "Riverside Primary School" not in body and "Priya Shah" not in body
    assert "Riverside Primary School" in mail.outbox[1].body  # the team's notice names the school
    assert list(selectors.workshop_queue()) == [request]


def test_free_mail_addresses_are_accepted_but_flagged(areas, workshop_answers):
    request = submit(workshop_answers, email="Head.Teacher@GMail.com").request
    assert request.email_is_freemail is True
    assert request.email == "Head.Teacher@GMail.com"


def test_the_same_form_sent_twice_makes_one_request(
    areas, workshop_answers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(workshop_answers)
        again = submit(workshop_answers)  # refresh or double click: the same token
        fresh_form = submit(workshop_answers, token="another-token-from-a-new-form")  # the same answers again
    assert first.created and not again.created and not fresh_form.created
    assert again.request.pk == first.request.pk == fresh_form.request.pk
    assert WorkshopRequest.objects.count() == 1
    assert len(mail.outbox) == 1


def test_different_answers_from_the_same_school_are_a_new_request(areas, workshop_answers):
    submit(workshop_answers)
    second = submit(workshop_answers, token="another-token-from-a-new-form", pupils=30)
    assert second.created
    assert WorkshopRequest.objects.count() == 2


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (
            lambda today: [today - datetime.timedelta(days=3), today + datetime.timedelta(days=3)],
            "in the future",
        ),
        (lambda today: [today, today + datetime.timedelta(days=3)], "in the future"),
        (lambda today: [today + datetime.timedelta(days=3)], "at least 2"),
        (lambda today: [today + datetime.timedelta(days=3)] * 2, "at least 2 different"),
        (lambda today: [today + datetime.timedelta(days=n) for n in (2, 3, 4, 5)], "no more than 3"),
        (lambda today: [today + datetime.timedelta(days=n) for n in (2, 400)], "12 months"),
    ],
)
def test_bad_dates_are_refused(areas, workshop_answers, dates, message):
    with pytest.raises(ValidationError) as caught:
        submit(workshop_answers, preferred_dates=dates(timezone.localdate()))
    assert message in caught.value.message_dict["preferred_dates"][0]
    assert not WorkshopRequest.objects.exists()


def test_an_impossible_school_postcode_is_refused(areas, workshop_answers):
    with pytest.raises(ValidationError) as caught:
        submit(workshop_answers, school_postcode="NN1 9ZX")
    assert "school_postcode" in caught.value.message_dict
    assert not WorkshopRequest.objects.exists()


def test_confirm_creates_a_private_school_workshop_and_emails_the_school(
    make_staff, workshop_request, django_capture_on_commit_callbacks
):
    from beacon.content.models import Officer

    officer = Officer.objects.create(rank="Sergeant", name="Tom Ellison", role="Safer Schools")
    supervisor = make_staff(roles.NEIGHBOURHOOD_SUPERVISOR)
    day = school_days(2)[1]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        event = services.workshop_request_confirm(
            request=workshop_request,
            actor=supervisor,
            starts_at=local(day.year, day.month, day.day, 9, 30),
            ends_at=local(day.year, day.month, day.day, 10, 30),
            officer=officer,
        )
    assert event.kind == EventKind.SCHOOL_WORKSHOP
    assert event.is_public is False
    assert event.officer == officer
    assert event.postcode == "NN1 1SY"
    assert event.area.code == "northampton"
    workshop_request.refresh_from_db()
    assert workshop_request.status == WorkshopRequestStatus.CONFIRMED
    assert workshop_request.event == event and workshop_request.decided_by == supervisor
    assert list(Event.objects.public()) == []
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Sergeant Tom Ellison" in body and "09:30" in body and f"{day.day}" in body
    assert AuditEvent.objects.filter(action="workshop.confirm").exists()
    with pytest.raises(ValidationError, match="already been confirmed"):
        services.workshop_request_decline(
            request=workshop_request, actor=supervisor, reason="Changed our minds"
        )


def test_confirm_with_a_bad_time_changes_nothing(make_staff, workshop_request):
    supervisor = make_staff(roles.NEIGHBOURHOOD_SUPERVISOR)
    day = school_days(2)[1]
    with pytest.raises(ValidationError):
        services.workshop_request_confirm(
            request=workshop_request,
            actor=supervisor,
            starts_at=local(day.year, day.month, day.day, 11),
            ends_at=local(day.year, day.month, day.day, 10),
        )
    with pytest.raises(ValidationError, match="future"):
        services.workshop_request_confirm(
            request=workshop_request,
            actor=supervisor,
            starts_at=timezone.now() - datetime.timedelta(days=1),
            ends_at=timezone.now() - datetime.timedelta(days=1) + datetime.timedelta(hours=1),
        )
    workshop_request.refresh_from_db()
    assert workshop_request.status == WorkshopRequestStatus.PENDING
    assert not Event.objects.exists()


def test_decline_needs_a_reason_and_emails_it(
    make_staff, workshop_request, django_capture_on_commit_callbacks
):
    supervisor = make_staff(roles.NEIGHBOURHOOD_SUPERVISOR)
    with pytest.raises(ValidationError):
        services.workshop_request_decline(request=workshop_request, actor=supervisor, reason="  ")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.workshop_request_decline(
            request=workshop_request, actor=supervisor, reason="Our team is fully booked that week."
        )
    assert workshop_request.status == WorkshopRequestStatus.DECLINED
    assert len(mail.outbox) == 1
    assert "fully booked" in mail.outbox[0].body
    assert list(selectors.workshop_queue()) == []


def test_a_public_workshop_never_shows_the_schools_accessibility_notes(
    client, make_staff, areas, workshop_answers
):
    """The school's notes can name pupils: they stay on the request for the officer, never on the event."""
    notes = "Sam Jones in Year 6 is deaf and needs the officer to face him."
    request = submit(workshop_answers, accessibility_needs=notes).request
    day = school_days(2)[1]
    event = services.workshop_request_confirm(
        request=request,
        actor=make_staff(roles.NEIGHBOURHOOD_SUPERVISOR),
        starts_at=local(day.year, day.month, day.day, 9, 30),
        ends_at=local(day.year, day.month, day.day, 10, 30),
        is_public=True,
    )
    assert event.accessibility == ""
    request.refresh_from_db()
    assert request.accessibility_needs == notes  # kept for the officer
    page = client.get(event.get_absolute_url())
    assert page.status_code == 200 and "School workshop" in page.content.decode()
    for response in (page, client.get("/events/feed.ics"), client.get(f"/events/{event.pk}/calendar.ics")):
        text = response.content.decode().replace("\r\n ", "")  # unfold the calendar's long lines
        assert response.status_code == 200 and event.title in text
        assert "Sam Jones" not in text and "deaf" not in text


def test_the_migration_clears_school_notes_already_copied_into_events(make_staff, areas, workshop_answers):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("beacon.events.migrations.0004_workshop_events_drop_school_notes")
    request = submit(workshop_answers, accessibility_needs="Sam Jones in Year 6 is deaf.").request
    day = school_days(2)[1]
    event = services.workshop_request_confirm(
        request=request,
        actor=make_staff(roles.NEIGHBOURHOOD_SUPERVISOR),
        starts_at=local(day.year, day.month, day.day, 9, 30),
        ends_at=local(day.year, day.month, day.day, 10, 30),
        is_public=True,
    )
    Event.objects.filter(pk=event.pk).update(accessibility=request.accessibility_needs)  # as confirm used to
    other = services.event_create(
        actor=None,
        title="Beat Bus drop-in",
        kind=EventKind.BEAT_BUS,
        place_name="Market Square",
        postcode="NN1 2DL",
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        accessibility="Step-free access from Market Street.",
    )
    migration.drop_school_notes(apps, None)
    event.refresh_from_db()
    assert (event.accessibility, event.sequence) == ("", 1)  # calendars replace their copy
    other.refresh_from_db()
    assert (other.accessibility, other.sequence) == ("Step-free access from Market Street.", 0)
    request.refresh_from_db()
    assert request.accessibility_needs == "Sam Jones in Year 6 is deaf."


def test_the_migration_takes_year_groups_and_pupils_out_of_workshop_events(
    make_staff, areas, workshop_answers
):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "beacon.events.migrations.0005_workshop_events_drop_year_groups_and_pupils"
    )
    supervisor = make_staff(roles.NEIGHBOURHOOD_SUPERVISOR)
    day = school_days(2)[1]
    events = []
    for token in ("token-migrated-000000001", "token-migrated-000000002"):
        request = submit(workshop_answers, token=token, pupils=58 + len(events)).request
        events.append(
            services.workshop_request_confirm(
                request=request,
                actor=supervisor,
                starts_at=local(day.year, day.month, day.day, 9, 30),
                ends_at=local(day.year, day.month, day.day, 10, 30),
                is_public=True,
            )
        )
    generated, rewritten = events
    # As confirm used to write it; and one that staff rewrote in their own words.
    Event.objects.filter(pk=generated.pk).update(
        description="A workshop on child criminal exploitation, staying safe online for Year 5, Year 6 (58 pupils)."
    )
    Event.objects.filter(pk=rewritten.pk).update(description="Assembly for the whole school.")
    migration.drop_year_groups_and_pupils(apps, None)
    generated.refresh_from_db()
    assert generated.description == "A workshop on child criminal exploitation, staying safe online."
    assert generated.sequence == 1  # calendars replace their copy
    rewritten.refresh_from_db()
    assert (rewritten.description, rewritten.sequence) == ("Assembly for the whole school.", 0)
    request = generated.workshop_request
    assert (request.year_groups, request.pupils) == (["5", "6"], 58)  # kept on the request


def test_a_school_with_a_long_name_can_be_confirmed(make_staff, areas, workshop_answers):
    """School names may have up to 150 characters; an event's place and title up to 120."""
    name = "The Most Reverend Archbishop of Northamptonshire Church of England Voluntary Aided Primary " + (
        "and Nursery School"
    )
    name = f"{name} {'X' * (126 - len(name) - 1)}"
    assert len(name) == 126
    request = submit(workshop_answers, school_name=name).request
    day = school_days(2)[1]
    event = services.workshop_request_confirm(
        request=request,
        actor=make_staff(roles.NEIGHBOURHOOD_SUPERVISOR),
        starts_at=local(day.year, day.month, day.day, 9, 30),
        ends_at=local(day.year, day.month, day.day, 10, 30),
    )
    assert len(event.place_name) == len(event.title) == 120
    assert event.place_name.startswith("The Most Reverend Archbishop") and event.place_name.endswith("…")
    assert event.title.startswith("School workshop: The Most Reverend") and event.title.endswith("…")
    request.refresh_from_db()
    assert request.school_name == name and request.status == WorkshopRequestStatus.CONFIRMED


def test_a_schools_contact_details_are_deleted_a_set_time_after_the_decision_and_the_workshop(
    make_staff, areas, workshop_answers, settings, django_capture_on_commit_callbacks
):
    import time_machine
    from django.core.management import call_command

    from beacon.events.tasks import send_workshop_email

    assert ("events_purge", 60 * 60) in settings.BEACON_SCHEDULE  # run_schedule runs it hourly
    settings.BEACON_EVENTS_WORKSHOP_CONTACT_DAYS = 90
    settings.BEACON_EVENTS_WORKSHOP_UNDECIDED_DAYS = 180
    supervisor = make_staff(roles.NEIGHBOURHOOD_SUPERVISOR)
    today = timezone.localdate()
    notes = "Sam Jones in Year 6 is deaf."
    confirmed = submit(workshop_answers, token="token-confirmed-000001", accessibility_needs=notes).request
    declined = submit(workshop_answers, token="token-declined-0000001", pupils=12).request
    waiting = submit(workshop_answers, token="token-waiting-00000001", pupils=13).request
    far_dates = [today + datetime.timedelta(days=300), today + datetime.timedelta(days=301)]
    waiting_far = submit(
        workshop_answers, token="token-waiting-far-00001", pupils=14, preferred_dates=far_dates
    ).request
    day = school_days(2)[1]
    event = services.workshop_request_confirm(
        request=confirmed,
        actor=supervisor,
        starts_at=local(day.year, day.month, day.day, 9, 30),
        ends_at=local(day.year, day.month, day.day, 10, 30),
    )
    services.event_outcome_record(
        event=event,
        actor=supervisor,
        people_engaged=60,
        young_people_reached=58,
        concerns_raised=1,
        leaflets_given=60,
        now=event.ends_at,
    )
    services.workshop_request_decline(request=declined, actor=supervisor, reason="No officers free that week")
    declined.refresh_from_db()
    requests = {"confirmed": confirmed, "declined": declined, "waiting": waiting, "waiting_far": waiting_far}

    def held() -> set[str]:
        return {
            name for name, request in requests.items() if WorkshopRequest.objects.get(pk=request.pk).email
        }

    def purge_at(moment: datetime.datetime) -> set[str]:
        with time_machine.travel(moment, tick=False):
            call_command("events_purge")
        return held()

    days = datetime.timedelta(days=90)
    minute = datetime.timedelta(minutes=1)
    assert purge_at(declined.decided_at + days - minute) == set(requests)
    # The declined request's time is up; the confirmed one waits for its workshop, the others for a decision.
    assert purge_at(declined.decided_at + days + minute) == {"confirmed", "waiting", "waiting_far"}
    assert purge_at(event.ends_at + days - minute) == {"confirmed", "waiting", "waiting_far"}
    assert purge_at(event.ends_at + days + minute) == {"waiting", "waiting_far"}
    # Never decided: 180 days after it was sent, or after the dates it asked for if that is later.
    undecided = datetime.timedelta(days=180)
    assert purge_at(waiting.created_at + undecided - minute) == {"waiting", "waiting_far"}
    assert purge_at(waiting.created_at + undecided + minute) == {"waiting_far"}
    after_far_dates = datetime.datetime.combine(
        far_dates[-1] + datetime.timedelta(days=1), datetime.time(1), tzinfo=timezone.get_default_timezone()
    )
    assert purge_at(after_far_dates - datetime.timedelta(hours=2)) == {"waiting_far"}
    assert purge_at(after_far_dates) == set()

    # The personal fields are blank; the rest of the request, its event and its outcome stay.
    confirmed.refresh_from_db()
    assert (confirmed.contact_name, confirmed.email, confirmed.phone, confirmed.accessibility_needs) == (
        "",
        "",
        "",
        "",
    )
    assert confirmed.contact_deleted and confirmed.content_hash == ""
    assert confirmed.school_name == "Riverside Primary School" and confirmed.pupils == 58
    assert confirmed.status == WorkshopRequestStatus.CONFIRMED and confirmed.event == event
    assert confirmed.preferred_dates == [date.isoformat() for date in workshop_answers["preferred_dates"]]
    assert WorkshopRequest.objects.get(pk=declined.pk).decline_reason == ""  # deleted with the contact
    totals = selectors.event_attendance(start=day, end=day)
    assert totals["events"] == 1 and totals["people_engaged"] == 60 and totals["young_people_reached"] == 58

    # One audit row per request, by the system, naming nobody; a second run changes nothing.
    audit = AuditEvent.objects.filter(action="workshop.contact_delete")
    assert sorted(audit.values_list("object_id", flat=True)) == sorted(str(r.pk) for r in requests.values())
    assert set(audit.values_list("actor_name", flat=True)) == {"system"}
    assert not any("Priya" in str(row.detail) or "Sam Jones" in str(row.detail) for row in audit)
    assert purge_at(after_far_dates) == set() and audit.count() == 4

    # A late email for a request whose details are gone is not sent, and one never decided cannot be decided.
    settings.BEACON_EVENTS_TEAM_EMAIL = "events-team@beacon.invalid"
    mail.outbox.clear()
    for kind in ("received", "confirmed"):
        send_workshop_email.call(request_id=confirmed.pk, kind=kind)
    assert mail.outbox == []
    for decide in (
        lambda: services.workshop_request_decline(request=waiting, actor=supervisor, reason="Too late"),
        lambda: services.workshop_request_confirm(
            request=waiting,
            actor=supervisor,
            starts_at=timezone.now() + datetime.timedelta(days=3),
            ends_at=timezone.now() + datetime.timedelta(days=3, hours=1),
        ),
    ):
        with pytest.raises(ValidationError, match="contact details have been deleted"):
            decide()
    assert WorkshopRequest.objects.get(pk=waiting.pk).status == WorkshopRequestStatus.PENDING


def test_a_decline_reason_is_deleted_with_the_contact_details_a_set_time_after_the_decision(
    make_staff, staff_client, areas, workshop_answers, settings
):
    """What staff wrote to the school when declining can name the teacher or say why the school was turned
    down: it goes, with the contact details, BEACON_EVENTS_WORKSHOP_CONTACT_DAYS after the decision."""
    import time_machine
    from django.core.management import call_command
    from django.urls import reverse

    settings.BEACON_EVENTS_WORKSHOP_CONTACT_DAYS = 90
    supervisor = make_staff(roles.NEIGHBOURHOOD_SUPERVISOR)
    reason = "Mrs Shah told us the school has had a serious incident; we will visit next term."
    declined = submit(workshop_answers, token="token-declined-reason-01").request
    services.workshop_request_decline(request=declined, actor=supervisor, reason=reason)
    declined.refresh_from_db()
    # Cleared before decline reasons were deleted too: the contact is gone, the reason still held.
    earlier = submit(workshop_answers, token="token-declined-earlier-01", pupils=12).request
    services.workshop_request_decline(request=earlier, actor=supervisor, reason="Mr Patel is leaving.")
    WorkshopRequest.objects.filter(pk=earlier.pk).update(
        decided_at=declined.decided_at - datetime.timedelta(days=200),
        **dict.fromkeys(("contact_name", "email", "phone", "accessibility_needs"), ""),
    )

    def reasons_at(moment: datetime.datetime) -> dict[int, str]:
        with time_machine.travel(moment, tick=False):
            call_command("events_purge")
        return dict(WorkshopRequest.objects.values_list("pk", "decline_reason"))

    days = datetime.timedelta(days=90)
    minute = datetime.timedelta(minutes=1)
    assert reasons_at(declined.decided_at + days - minute) == {declined.pk: reason, earlier.pk: ""}
    assert reasons_at(declined.decided_at + days + minute) == {declined.pk: "", earlier.pk: ""}
    cleared = WorkshopRequest.objects.get(pk=declined.pk)
    assert cleared.status == WorkshopRequestStatus.DECLINED and cleared.contact_deleted
    assert cleared.school_name == "Riverside Primary School" and cleared.pupils == 58
    audit = AuditEvent.objects.filter(action="workshop.contact_delete")
    assert sorted(audit.values_list("object_id", flat=True)) == sorted([str(declined.pk), str(earlier.pk)])
    assert not any("Shah" in str(row.detail) or "Patel" in str(row.detail) for row in audit)

    page = staff_client(supervisor).get(reverse("workshop_requests_admin:inspect", args=[declined.pk]))
    content = page.content.decode()
    assert page.status_code == 200 and "Deleted: we keep the reason only for a set time" in content
    assert "serious incident" not in content


def test_a_refused_school_address_fails_the_email_task_without_keeping_the_address(
    areas,
    workshop_answers,
    settings,
    refusing_smtp,  # noqa: F811
    all_logs,  # noqa: F811
):
    """A relay that refuses the school's address at RCPT TO: the task fails, as it did, naming the request's id
    and the SMTP code, and neither its stored traceback nor the worker's log holds the address."""
    from django.tasks import TaskResultStatus

    from beacon.events.tasks import send_workshop_email

    request = submit(workshop_answers, email="head.refused-90ad@riverside-primary.example").request
    result = send_workshop_email.enqueue(request_id=request.pk, kind="received")
    assert result.status == TaskResultStatus.FAILED
    [error] = result.errors
    assert error.exception_class_path == "beacon.core.mail.MailNotSent"
    assert f"Email about workshop request id {request.pk} not sent (SMTP 550)" in error.traceback
    assert "90ad" not in error.traceback and "SMTPRecipientsRefused" not in error.traceback
    assert any(line.startswith("ERROR django.tasks") for line in all_logs.lines)
    assert "90ad" not in all_logs.text and "SMTPRecipientsRefused" not in all_logs.text
