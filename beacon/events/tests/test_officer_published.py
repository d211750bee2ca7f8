"""An event page names its officer only while the officer's profile is published (content snippets go through
the campaign approval workflow: an unpublished or not yet approved officer is not shown to the public). So staff
choose a lead officer among the published ones: the forms offer no other, and the services refuse any other
("Publish the lead officer first"), as publishing a campaign week does."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from beacon.accounts import roles
from beacon.content.models import Officer
from beacon.events import services
from beacon.events.models import Event, WorkshopRequestStatus

from .conftest import local, school_days
from .test_admin import event_form

pytestmark = pytest.mark.django_db

NOT_LISTED = "Choose an officer from the list. Officers are listed once their profile is published"
OFFICER_FIRST = "Publish the lead officer first: PC Sam Okafor is not published yet, so the page would show no lead officer"


@pytest.fixture
def supervisor(make_staff):
    return make_staff(roles.NEIGHBOURHOOD_SUPERVISOR)


@pytest.fixture
def new_officer(db):
    """An officer an editor has added and a campaign approver has not yet published."""
    officer = Officer(rank="PC", name="Sam Okafor", role="Schools Officer")
    officer.live = False
    officer.save()
    officer.save_revision()
    return officer


@pytest.fixture
def published_officer(db):
    return Officer.objects.create(rank="PC", name="Hannah Lowe", role="Neighbourhood Officer")


def test_an_event_names_its_officer_only_while_the_officer_is_published(client, make_event):
    officer = Officer.objects.create(rank="PC", name="Hannah Lowe", role="Neighbourhood Officer")
    event = make_event(officer=officer)
    assert "PC Hannah Lowe" in client.get(event.get_absolute_url()).content.decode()
    officer.unpublish()
    body = client.get(event.get_absolute_url()).content.decode()
    assert "Hannah Lowe" not in body and ">Officer<" not in body


def test_confirming_a_workshop_offers_only_published_officers(
    supervisor,
    staff_client,
    workshop_request,
    published_officer,
    new_officer,
    django_capture_on_commit_callbacks,
):
    """A workshop confirmed with a draft officer showed no officer on its page while the school's email named
    them: the form lists published officers only, and one not listed is refused without an email."""
    staff = staff_client(supervisor)
    url = reverse("workshop_requests_admin:confirm", args=[workshop_request.pk])
    page = staff.get(url).content.decode()
    assert "PC Hannah Lowe" in page and "Sam Okafor" not in page
    assert "Officers are listed once their profile is published." in page

    day = school_days(3)[2]
    answers = {"date": f"{day:%Y-%m-%d}", "start_time": "09:15", "end_time": "10:15", "is_public": "on"}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, answers | {"officer": new_officer.pk})
    assert response.status_code == 200 and NOT_LISTED in response.content.decode()
    workshop_request.refresh_from_db()
    assert workshop_request.status == WorkshopRequestStatus.PENDING and not mail.outbox

    # Once a campaign approver publishes the officer, the workshop is confirmed with them, on its page too.
    new_officer.get_latest_revision().publish()
    assert "PC Sam Okafor" in staff.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(url, answers | {"officer": new_officer.pk}).status_code == 302
    workshop_request.refresh_from_db()
    assert workshop_request.event.officer == new_officer and "PC Sam Okafor" in mail.outbox[0].body
    assert "PC Sam Okafor" in staff.get(workshop_request.event.get_absolute_url()).content.decode()


def test_the_confirm_service_refuses_a_draft_officer_and_sends_nothing(
    supervisor, workshop_request, new_officer, django_capture_on_commit_callbacks
):
    day = school_days(3)[2]
    starts_at = local(day.year, day.month, day.day, 9, 15)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as refused:
        services.workshop_request_confirm(
            request=workshop_request,
            actor=supervisor,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=1),
            officer=new_officer,
        )
    assert refused.value.message_dict == {"officer": [OFFICER_FIRST]}
    workshop_request.refresh_from_db()
    assert workshop_request.status == WorkshopRequestStatus.PENDING and not Event.objects.exists()
    assert not mail.outbox


def test_the_event_form_offers_only_published_officers(
    supervisor, staff_client, areas, published_officer, new_officer
):
    staff = staff_client(supervisor)
    page = staff.get(reverse("events_admin:add")).content.decode()
    assert "PC Hannah Lowe" in page and "Sam Okafor" not in page
    response = staff.post(reverse("events_admin:add"), event_form(officer=str(new_officer.pk)))
    assert response.status_code == 200 and NOT_LISTED in response.content.decode()
    assert not Event.objects.exists()
    assert (
        staff.post(reverse("events_admin:add"), event_form(officer=str(published_officer.pk))).status_code
        == 302
    )
    assert Event.objects.get().officer == published_officer


def test_an_event_whose_officer_was_unpublished_says_so_when_saved(
    supervisor, staff_client, make_event, published_officer, new_officer
):
    """The officer already chosen stays in the list, marked, rather than being dropped without a word; saving
    says to publish them first, or to choose another."""
    event = make_event(officer=published_officer)
    published_officer.unpublish()
    staff = staff_client(supervisor)
    edit = reverse("events_admin:edit", args=[event.pk])
    page = staff.get(edit).content.decode()
    assert "PC Hannah Lowe (not published)" in page and "Sam Okafor" not in page
    start, end = (timezone.localtime(value) for value in (event.starts_at, event.ends_at))
    form = event_form(
        title="Beat Bus drop-in: Market Square (moved)",
        postcode="NN1 2DL",
        starts_at=f"{start:%Y-%m-%d %H:%M}",
        ends_at=f"{end:%Y-%m-%d %H:%M}",
        officer=str(published_officer.pk),
    )
    response = staff.post(edit, form)
    assert response.status_code == 200
    assert (
        "Publish the lead officer first: PC Hannah Lowe is not published yet, so the page would show no lead "
        "officer" in response.content.decode()
    )
    event.refresh_from_db()
    assert not event.title.endswith("(moved)")
    assert staff.post(edit, form | {"officer": ""}).status_code == 302
    event.refresh_from_db()
    assert event.title.endswith("(moved)") and event.officer is None


def test_the_event_services_refuse_a_draft_officer(make_event, published_officer, new_officer):
    with pytest.raises(ValidationError) as refused:
        make_event(officer=new_officer)
    assert refused.value.message_dict == {"officer": [OFFICER_FIRST]}
    event = make_event(officer=published_officer)
    with pytest.raises(ValidationError) as refused:
        services.event_update(event=event, actor=None, officer=new_officer)
    assert refused.value.message_dict == {"officer": [OFFICER_FIRST]}
    event.refresh_from_db()
    assert event.officer == published_officer
