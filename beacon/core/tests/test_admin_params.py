"""Staff never get a 500 from a hand-made query string or form on Wagtail's admin screens: an unreadable `id`,
`parent_page_id` or page number is dropped (beacon.core.admin_params), a listing's search is cut to 200 characters,
and Wagtail's deliberate error page and the workflow editor are mended
(beacon.core.admin_urls)."""

import pytest
from wagtail.models import Workflow

from beacon.accounts import roles
from beacon.core.admin_params import SEARCH_MAX, AdminParamsMiddleware

BAD_NUMBERS = ["abc", "0", "-5", "1.5", "NaN", "99999999999999999999", "\u00b2"]


@pytest.fixture
def admin_client(make_staff, staff_client):
    return staff_client(make_staff(roles.ADMINISTRATOR, superuser=True))


@pytest.fixture
def listed(db):
    """One row in each of Beacon's searched listings: SQLite checks a LIKE pattern only against a row."""
    from datetime import timedelta

    from django.utils import timezone

    from beacon.content.models import Officer, SupportService
    from beacon.events.models import Event, WorkshopRequest
    from beacon.qanda.models import QandASession

    now = timezone.now()
    Event.objects.create(
        title="Drop-in",
        kind=Event._meta.get_field("kind").choices[0][0],
        starts_at=now,
        ends_at=now + timedelta(hours=1),
        place_name="Market Square",
        postcode="NN1 2DL",
    )
    WorkshopRequest.objects.create(
        school_name="A school",
        contact_name="A teacher",
        email="t@school.invalid",
        phone="+441604123456",
        school_postcode="NN1 2DL",
        pupils=30,
    )
    QandASession.objects.create(
        title="Ask us", slug="ask-us", starts_at=now, ends_at=now + timedelta(hours=1)
    )
    Officer.objects.create(rank="PC", name="A Officer", role="Neighbourhood officer")
    SupportService.objects.create(name="A helpline", description="Help.", phone="0800 000 000")


@pytest.fixture
def editor_client(make_staff, staff_client):
    return staff_client(make_staff(roles.CAMPAIGN_EDITOR))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/api/main/pages/find/",
        "/admin/api/main/images/find/",
        "/admin/api/main/documents/find/",
    ],
)
def test_the_admin_api_finds_nothing_for_an_id_that_is_not_a_number(url, editor_client):
    assert editor_client.get(url, {"id": "abc"}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/choose-page/chosen-multiple/",
        "/admin/images/chooser/chosen-multiple/",
        "/admin/documents/chooser/chosen-multiple/",
    ],
)
def test_choosers_choose_nothing_for_an_id_that_is_not_a_number(url, editor_client):
    response = editor_client.get(url, {"id": ["abc", "1.5"]})
    assert response.status_code == 200
    assert response.json()["result"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["external", "email", "phone", "anchor"])
def test_link_choosers_open_for_a_parent_page_id_that_is_not_a_number(kind, editor_client):
    response = editor_client.get(f"/admin/choose-{kind}-link/", {"parent_page_id": "abc"})
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("p", [*BAD_NUMBERS, "2", "999"])
def test_the_workflow_editor_shows_a_page_of_its_pages_for_any_page_number(p, admin_client):
    workflow = Workflow.objects.order_by("pk").first()
    assert admin_client.get(f"/admin/workflows/edit/{workflow.pk}/", {"p": p}).status_code == 200


@pytest.mark.django_db
def test_wagtails_error_test_page_is_not_found(editor_client):
    assert editor_client.get("/admin/failwhale/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/users/",
        "/admin/groups/",
        "/admin/workflows/list/",
        "/admin/workflows/tasks/index/",
        "/admin/workflows/task_chooser/",
        "/admin/events_admin/",
        "/admin/workshop_requests_admin/",
        "/admin/qanda_sessions/",
        "/admin/snippets/content/theme/",
        "/admin/snippets/content/officer/",
        "/admin/snippets/content/supportservice/",
    ],
)
def test_a_50000_character_search_on_an_admin_listing_is_answered(url, admin_client, listed):
    assert admin_client.get(url, {"q": "a" * 50_000}).status_code == 200


def test_only_unreadable_values_are_dropped_and_a_long_search_is_cut():
    from django.http import QueryDict

    query = QueryDict("id=3&id=abc&p=0&parent_page_id=7&q=" + "b" * 500, mutable=False)
    cleaned = AdminParamsMiddleware.clean("/admin/choose-page/chosen-multiple/", query)
    assert cleaned.getlist("id") == ["3"] and "p" not in cleaned
    assert cleaned["parent_page_id"] == "7" and cleaned["q"] == "b" * SEARCH_MAX
    sound = QueryDict("id=abc&p=2&q=short")
    assert AdminParamsMiddleware.clean("/admin/snippets/x/chosen-multiple/", sound) is sound
