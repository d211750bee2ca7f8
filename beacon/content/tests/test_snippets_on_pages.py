"""A campaign week is published only with a theme and lead officer that are published too, and an advice page
only with the support services it lists published too: public pages show a snippet only while it is live, so a
week pointing to a draft officer went out with no officer, and an advice page left a draft service out without
a word. Saving a draft that points to one is fine; every way of publishing says what to publish first."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.models import PageLogEntry, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from beacon.accounts import roles
from beacon.content.models import (
    AdvicePage,
    CampaignWeekPage,
    Officer,
    SupportService,
    Theme,
    unpublished_snippet_errors,
    unpublished_snippet_field_errors,
)
from beacon.content.services import scheduled_publishing_run

from .test_snippet_approval import signed_in, text

pytestmark = pytest.mark.django_db

OFFICER_FIRST = "Publish the lead officer first: PC Sam Okafor is not published yet, so the page would show no lead officer"
THEME_FIRST = "Publish the theme first: Road safety is not published yet, so the page would show no theme"
SERVICE_FIRST = (
    "Publish the support service first: Hope Line is not published yet, so the page would not show it"
)


@pytest.fixture
def editor(make_staff):
    return signed_in(make_staff(roles.CAMPAIGN_EDITOR))


@pytest.fixture
def approver(make_staff):
    return signed_in(make_staff(roles.CAMPAIGN_APPROVER))


def draft(snippet):
    """A theme or officer an editor has added and not yet had published."""
    snippet.live = False
    snippet.save()
    snippet.save_revision()
    return snippet


@pytest.fixture
def new_officer(db):
    return draft(Officer(rank="PC", name="Sam Okafor", role="Schools Officer"))


@pytest.fixture
def new_theme(db):
    return draft(Theme(name="Road safety", slug="road-safety"))


@pytest.fixture
def new_service(db):
    return draft(SupportService(name="Hope Line", description="For families.", phone="0800 000 0101"))


def advice_form(page, *services) -> dict:
    """The advice page's edit form with one list of support services, in this order."""
    chosen = {
        str(index): {"value": str(service.pk), "deleted": "", "order": str(index), "id": ""}
        for index, service in enumerate(services)
    }
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "summary": page.summary,
            "body": streamfield(
                [
                    ("paragraph", rich_text("<p>Signs to look for.</p>")),
                    (
                        "support_services",
                        {"heading": "Where to get help", "services": chosen | {"count": str(len(services))}},
                    ),
                ]
            ),
        }
    )


def week_form(week, **changes) -> dict:
    return nested_form_data(
        {
            "title": week.title,
            "slug": week.slug,
            "week_number": str(week.week_number),
            "start_date": week.start_date.isoformat(),
            "end_date": week.end_date.isoformat(),
            "theme": str(week.theme_id or ""),
            "lead_officer": str(week.lead_officer_id or ""),
            "focus": week.focus,
            "summary": week.summary,
            "body": rich_text(""),
            "planned_activities": streamfield([]),
        }
        | changes
    )


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def test_publishing_a_week_with_a_draft_officer_or_theme_says_to_publish_them_first(
    tree, approver, new_officer, new_theme
):
    week = tree["week2"]
    form = week_form(week, lead_officer=str(new_officer.pk), theme=str(new_theme.pk))
    response = approver.post(edit_url(week), form | {"action-publish": "action-publish"})
    assert response.status_code == 200
    content = response.content.decode()
    assert OFFICER_FIRST in content and THEME_FIRST in content
    week.refresh_from_db()
    assert (week.lead_officer, week.theme) == (tree["officer"], tree["theme"])  # the live page is unchanged
    assert "Ada Brook" in text("/campaigns/spring-of-action/week-2/")

    # Saving a draft that points to them is fine.
    assert approver.post(edit_url(week), form).status_code == 302
    week.refresh_from_db()
    latest = week.get_latest_revision_as_object()
    assert (latest.lead_officer, latest.theme) == (new_officer, new_theme) and week.has_unpublished_changes

    # Once they are published, so is the week, with its new officer and theme.
    for snippet in (new_officer, new_theme):
        snippet.get_latest_revision().publish()
    assert approver.post(edit_url(week), form | {"action-publish": "action-publish"}).status_code == 302
    week.refresh_from_db()
    assert (week.lead_officer, week.theme) == (new_officer, new_theme)
    body = text("/campaigns/spring-of-action/week-2/")
    assert "PC Sam Okafor" in body and "Road safety" in body


def test_an_unpublished_officer_keeps_a_week_from_being_published_again(tree, approver):
    officer = tree["officer"]
    officer.unpublish()
    week = tree["week2"]
    response = approver.post(edit_url(week), week_form(week) | {"action-publish": "action-publish"})
    assert response.status_code == 200
    assert (
        "Publish the lead officer first: Inspector Ada Brook is not published yet"
        in response.content.decode()
    )


def test_approving_a_week_before_its_officer_says_to_publish_the_officer_first(
    tree, editor, approver, new_officer
):
    week = tree["week2"]
    # The editor may submit the week while the officer waits for approval too.
    form = week_form(week, lead_officer=str(new_officer.pk))
    assert editor.post(edit_url(week), form | {"action-submit": "action-submit"}).status_code == 302
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(week.pk))

    # Approved from the dashboard's dialog: not published, still waiting, and the approver is told why.
    action = reverse(
        "wagtailadmin_pages:workflow_action", args=[week.pk, "approve", state.current_task_state.pk]
    )
    response = approver.post(action, {"comment": ""}, follow=True)
    assert response.status_code == 200
    assert f"Week 2: knives was not published: {OFFICER_FIRST}" in response.content.decode()
    state.refresh_from_db()
    week.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS and week.lead_officer == tree["officer"]

    # Approved in the edit form: the form says it beside the field.
    response = approver.post(
        edit_url(week),
        form | {"action-workflow-action": "true", "workflow-action-name": "approve"},
    )
    assert response.status_code == 200 and OFFICER_FIRST in response.content.decode()
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS

    new_officer.get_latest_revision().publish()
    assert approver.post(action, {"comment": ""}).status_code == 302
    week.refresh_from_db()
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED and week.lead_officer == new_officer
    assert "PC Sam Okafor" in text("/campaigns/spring-of-action/week-2/")


def test_bulk_publishing_a_week_with_a_draft_officer_publishes_nothing(tree, approver, new_officer):
    week = CampaignWeekPage.objects.get(pk=tree["week2"].pk)
    week.lead_officer = new_officer
    week.save_revision()
    listing = reverse("wagtailadmin_explore", args=[tree["campaign"].pk])
    bulk = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    response = approver.post(f"{bulk}?id={week.pk}&next={listing}", {})
    assert response.status_code == 302
    body = approver.get(listing).content.decode()
    assert "Nothing was published" in body and f"Week 2: knives: {OFFICER_FIRST}" in body
    week.refresh_from_db()
    assert week.lead_officer == tree["officer"]


def test_a_week_scheduled_with_a_draft_officer_is_held_back_when_its_time_comes(tree, new_officer):
    """Scheduling is allowed (the officer may be published by then); at the go-live time it is checked."""
    now = timezone.now()
    week = CampaignWeekPage.objects.get(pk=tree["week2"].pk)
    week.lead_officer = new_officer
    week.go_live_at = now + datetime.timedelta(hours=1)
    revision = week.save_revision()
    revision.publish()
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None

    with time_machine.travel(now + datetime.timedelta(hours=2)):
        run = scheduled_publishing_run()
    assert [line for line in run.refused if "Week 2: knives" in line]
    week.refresh_from_db()
    revision.refresh_from_db()
    assert week.lead_officer == tree["officer"] and revision.approved_go_live_at is None
    history = PageLogEntry.objects.get(page=week, action="beacon.publish.scheduled.refused")
    assert OFFICER_FIRST in history.message


def test_publishing_an_advice_page_with_a_draft_service_says_to_publish_it_first(tree, approver, new_service):
    topic = tree["topic"]
    form = advice_form(topic, tree["service"], new_service)
    response = approver.post(edit_url(topic), form | {"action-publish": "action-publish"})
    assert response.status_code == 200
    # Beside the chosen service: the second in the list of the body's second block.
    error = response.context["form"].errors["body"].as_data()[0]
    beside = error.block_errors[1].block_errors["services"].block_errors[1]
    assert beside.messages == [SERVICE_FIRST] and SERVICE_FIRST in response.content.decode()
    topic.refresh_from_db()
    assert [service.name for service in topic.body[0].value["services"]] == ["Childline"]

    # Saving a draft that lists it is fine.
    assert approver.post(edit_url(topic), form).status_code == 302
    topic.refresh_from_db()
    latest = topic.get_latest_revision_as_object()
    assert list(latest.body[1].value["services"]) == [tree["service"], new_service]
    assert topic.has_unpublished_changes and "Hope Line" not in text("/advice/county-lines/")

    # Once the service is published, so is the page, listing it.
    new_service.get_latest_revision().publish()
    assert approver.post(edit_url(topic), form | {"action-publish": "action-publish"}).status_code == 302
    body = text("/advice/county-lines/")
    assert "Hope Line" in body and "0800 000 0101" in body and "Childline" in body


def test_approving_or_bulk_publishing_an_advice_page_before_its_service_says_why_not(
    tree, editor, approver, new_service
):
    topic = tree["topic"]
    form = advice_form(topic, new_service)
    assert editor.post(edit_url(topic), form | {"action-submit": "action-submit"}).status_code == 302
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(topic.pk))
    action = reverse(
        "wagtailadmin_pages:workflow_action", args=[topic.pk, "approve", state.current_task_state.pk]
    )
    response = approver.post(action, {"comment": ""}, follow=True)
    assert f"County lines explained was not published: {SERVICE_FIRST}" in response.content.decode()
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS

    listing = reverse("wagtailadmin_explore", args=[tree["advice"].pk])
    bulk = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    assert approver.post(f"{bulk}?id={topic.pk}&next={listing}", {}).status_code == 302
    body = approver.get(listing).content.decode()
    assert "Nothing was published" in body and f"County lines explained: {SERVICE_FIRST}" in body
    page = AdvicePage.objects.get(pk=topic.pk)
    assert [service.name for service in page.body[0].value["services"]] == ["Childline"]


def test_each_draft_service_is_found_where_it_stands_in_the_body(tree, new_service):
    """Every draft snippet in a StreamField, nested as the blocks are (a stream of structs holding lists), keyed
    by its place in each; blocks with no draft, published snippets and empty choices (none, or one deleted)
    give no error."""
    topic = tree["topic"]
    live = tree["service"]

    def body():
        return topic.body.stream_block.to_python(
            [
                {"type": "paragraph", "value": "<p>Signs to look for.</p>"},
                {"type": "support_services", "value": {"heading": "Help", "services": [live.pk]}},
                {
                    "type": "support_services",
                    "value": {
                        "heading": "More help",
                        "services": [new_service.pk, None, live.pk, 999999, new_service.pk],
                    },
                },
            ]
        )

    error = unpublished_snippet_field_errors(topic, {"body": body()})["body"]

    assert isinstance(error, StreamBlockValidationError) and list(error.block_errors) == [2]
    struct = error.block_errors[2]
    assert isinstance(struct, StructBlockValidationError) and list(struct.block_errors) == ["services"]
    services = struct.block_errors["services"]
    assert isinstance(services, ListBlockValidationError) and list(services.block_errors) == [0, 4]
    assert [beside.messages for beside in services.block_errors.values()] == [
        [SERVICE_FIRST],
        [SERVICE_FIRST],
    ]
    assert unpublished_snippet_errors(topic, {"body": body()}) == {"body": [SERVICE_FIRST]}

    new_service.get_latest_revision().publish()
    assert unpublished_snippet_field_errors(topic, {"body": body()}) == {}
    # A stream of structs with no snippet blocks in them.
    activities = [
        {"type": "activity", "value": {"title": "Assembly", "date": None, "place": "", "description": ""}}
    ]
    week = tree["week2"]
    chosen = {"planned_activities": week.planned_activities.stream_block.to_python(activities)}
    assert unpublished_snippet_field_errors(week, chosen) == {}
