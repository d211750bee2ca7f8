"""A Q&A session page names its host only while the officer's profile is published (content snippets go through
the campaign approval workflow: an unpublished or not yet approved officer is not shown to the public). So staff
choose a host among the published officers: the session form offers no other, and the service refuses any other
("Publish the host first"), as publishing a campaign week does."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from beacon.content.models import Officer
from beacon.qanda import services
from beacon.qanda.models import QandASession

pytestmark = pytest.mark.django_db

HOST_FIRST = "Publish the host first: PC Sam Okafor is not published yet, so the page would show no host"


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
    return Officer.objects.create(rank="Inspector", name="Ada Brook", role="Neighbourhood Inspector")


def session_form(**changes) -> dict:
    return {
        "title": "Ask the Exploitation Team",
        "slug": "ask-exploitation-team",
        "summary": "",
        "host": "",
        "platform": "website",
        "link": "",
        "location": "",
        "starts_at": "2030-05-01 18:00",
        "ends_at": "2030-05-01 19:00",
        "campaign_week": "",
    } | changes


def test_a_session_names_its_host_only_while_the_officer_is_published(client, make_session):
    host = Officer.objects.create(rank="Inspector", name="Ada Brook", role="Neighbourhood Inspector")
    session = make_session(host=host)
    assert "Inspector Ada Brook" in client.get(session.get_absolute_url()).content.decode()
    host.unpublish()
    body = client.get(session.get_absolute_url()).content.decode()
    assert "Ada Brook" not in body and "Answering your questions" not in body


def test_the_session_form_offers_only_published_officers_as_hosts(
    staff_client, editor, published_officer, new_officer
):
    staff = staff_client(editor)
    page = staff.get(reverse("qanda_sessions:add")).content.decode()
    assert "Inspector Ada Brook" in page and "Sam Okafor" not in page
    assert "Officers are listed once their profile is published." in page
    response = staff.post(reverse("qanda_sessions:add"), session_form(host=str(new_officer.pk)))
    assert response.status_code == 200
    assert "Choose an officer from the list. Officers are listed once their profile is published" in (
        response.content.decode()
    )
    assert not QandASession.objects.exists()

    new_officer.get_latest_revision().publish()
    assert (
        staff.post(reverse("qanda_sessions:add"), session_form(host=str(new_officer.pk))).status_code == 302
    )
    session = QandASession.objects.get()
    assert session.host == new_officer
    assert "PC Sam Okafor" in staff.get(session.get_absolute_url()).content.decode()


def test_a_session_whose_host_was_unpublished_says_so_when_saved(
    staff_client, editor, make_session, published_officer
):
    session = make_session(host=published_officer, by=editor)
    published_officer.unpublish()
    staff = staff_client(editor)
    edit = reverse("qanda_sessions:edit", args=[session.pk])
    assert "Inspector Ada Brook (not published)" in staff.get(edit).content.decode()
    form = session_form(
        title="Ask the Exploitation Team again", slug=session.slug, host=str(published_officer.pk)
    )
    response = staff.post(edit, form)
    assert response.status_code == 200
    assert (
        "Publish the host first: Inspector Ada Brook is not published yet, so the page would show no host"
        in response.content.decode()
    )
    session.refresh_from_db()
    assert session.title != "Ask the Exploitation Team again"
    assert staff.post(edit, form | {"host": ""}).status_code == 302
    session.refresh_from_db()
    assert session.title == "Ask the Exploitation Team again" and session.host is None


def test_the_service_refuses_a_draft_host(make_session, editor, new_officer):
    with pytest.raises(ValidationError) as refused:
        make_session(host=new_officer, by=editor)
    assert refused.value.message_dict == {"host": [HOST_FIRST]}
    session = make_session(by=editor)
    with pytest.raises(ValidationError) as refused:
        services.session_save(user=editor, session=session, data={"host": new_officer})
    assert refused.value.message_dict == {"host": [HOST_FIRST]}
    assert not QandASession.objects.filter(host=new_officer).exists()
