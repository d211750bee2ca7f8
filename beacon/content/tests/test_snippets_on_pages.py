"""A campaign week is published only with a theme and lead officer that are published too: public pages show a
snippet only while it is live, so a week pointing to a draft officer went out with no officer. Saving a draft
that points to one is fine; every way of publishing says what to publish first."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from beacon.accounts import roles
from beacon.content.models import CampaignWeekPage, Officer, Theme
from beacon.content.services import scheduled_publishing_run

from .test_snippet_approval import signed_in, text

pytestmark = pytest.mark.django_db

OFFICER_FIRST = "Publish the lead officer first: PC Sam Okafor is not published yet, so the page would show no lead officer"
THEME_FIRST = "Publish the theme first: Road safety is not published yet, so the page would show no theme"


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
