"""The moderation workflow (editor submits, approver publishes) and scheduled publishing, with time travel."""

import datetime
import io
import logging

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.tasks import default_task_backend
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import PageLogEntry, TaskState, Workflow, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from beacon.accounts import roles
from beacon.accounts.models import User
from beacon.content.models import CampaignPage, CampaignWeekPage, NewsArticlePage
from beacon.content.tasks import publication_check_schedule, publish_scheduled_pages
from beacon.core.tests.smtp import all_logs, refusing_smtp  # noqa: F401 (fixtures)

from .conftest import START, article, publish

pytestmark = pytest.mark.django_db


def sign_in(client, role):
    roles.roles_sync()
    user = User.objects.create_user(role.lower().replace(" ", "-"), password="a-long-test-password")
    user.groups.add(Group.objects.get(name=role))
    device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return user


def article_form(title):
    return nested_form_data(
        {
            "title": title,
            "slug": "workflow-story",
            "date": "2026-03-02",
            "summary": "Waiting for approval.",
            "hero_image": "",
            "hero_image_alt": "",
            "campaign_week": "",
            "tags": "",
            "body": streamfield([("paragraph", rich_text("<p>Text.</p>"))]),
        }
    )


def test_the_data_migration_installs_the_campaign_approval_workflow(tree):
    workflow = Workflow.objects.get(name="Campaign approval")
    assert workflow.active
    task = workflow.tasks.get().specific
    assert [group.name for group in task.groups.all()] == [roles.CAMPAIGN_APPROVER]
    assert tree["news"].get_workflow() == workflow


def test_editor_submits_and_approver_publishes(client, tree):
    sign_in(client, roles.CAMPAIGN_EDITOR)
    add = reverse("wagtailadmin_pages:add", args=["content", "newsarticlepage", tree["news"].pk])

    # An editor cannot publish: asking to gets a draft, not a live page.
    client.post(add, {**article_form("Tried to publish"), "action-publish": "action-publish"})
    page = NewsArticlePage.objects.get(slug="workflow-story")
    assert not page.live
    page.delete()

    response = client.post(add, {**article_form("Awaiting approval"), "action-submit": "action-submit"})
    assert response.status_code == 302
    page = NewsArticlePage.objects.get(slug="workflow-story")
    assert not page.live
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert client.get(page.url or "/news/workflow-story/", HTTP_HOST="localhost").status_code == 404

    # The editor cannot approve their own submission.
    action = reverse(
        "wagtailadmin_pages:workflow_action", args=[page.pk, "approve", state.current_task_state.pk]
    )
    client.post(action, {"comment": ""})
    page.refresh_from_db()
    assert not page.live

    client.logout()
    sign_in(client, roles.CAMPAIGN_APPROVER)
    response = client.post(action, {"comment": "Looks right"})
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    state.refresh_from_db()
    assert page.live and state.status == WorkflowState.STATUS_APPROVED
    client.logout()
    assert client.get("/news/workflow-story/", HTTP_HOST="localhost").status_code == 200


def test_scheduled_publishing_fires_at_the_time(client, tree):
    page = article(tree["news"], "Embargoed story", live=False)
    now = timezone.now()
    page.go_live_at = now + datetime.timedelta(hours=2)
    page.save_revision().publish()
    page.refresh_from_db()
    assert not page.live
    assert client.get("/news/embargoed-story/", HTTP_HOST="localhost").status_code == 404
    assert "Embargoed story" not in client.get("/news/", HTTP_HOST="localhost").content.decode()

    with time_machine.travel(now + datetime.timedelta(hours=1)):
        publish_scheduled_pages.enqueue()
        page.refresh_from_db()
        assert not page.live

    with time_machine.travel(now + datetime.timedelta(hours=2, minutes=1)):
        publish_scheduled_pages.enqueue()
        page.refresh_from_db()
        assert page.live
        # The page cache shows it at once: no stale listing.
        assert client.get("/news/embargoed-story/", HTTP_HOST="localhost").status_code == 200
        assert "Embargoed story" in client.get("/news/", HTTP_HOST="localhost").content.decode()


def test_expiry_unpublishes_at_the_time(client, tree):
    page = article(tree["news"], "Short lived", live=False)
    now = timezone.now()
    page.expire_at = now + datetime.timedelta(days=1)
    page.save_revision().publish()
    assert client.get("/news/short-lived/", HTTP_HOST="localhost").status_code == 200
    with time_machine.travel(now + datetime.timedelta(days=1, minutes=1)):
        publish_scheduled_pages.enqueue()
        assert client.get("/news/short-lived/", HTTP_HOST="localhost").status_code == 404


def test_scheduling_queues_a_deferred_task_for_the_worker(tree, django_capture_on_commit_callbacks):
    """Publishing with a future go-live time queues the task to run then (on a backend that can defer)."""
    page = article(tree["news"], "Later story", live=False)
    go_live = timezone.now() + datetime.timedelta(days=2)
    page.go_live_at = go_live
    with override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}):
        default_task_backend.clear()
        with django_capture_on_commit_callbacks(execute=True):
            page.save_revision().publish()
        queued = [
            result for result in default_task_backend.results if result.task.name == "publish_scheduled_pages"
        ]
    assert len(queued) == 1 and queued[0].task.run_after >= go_live


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_worker_queue_keeps_the_run_time(tree, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    at = timezone.now() + datetime.timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert publication_check_schedule(at=at) is True
    queued = DBTaskResult.objects.get(task_path="beacon.content.tasks.publish_scheduled_pages")
    assert queued.run_after >= at


def test_immediate_backend_has_nothing_to_defer(tree):
    assert publication_check_schedule(at=timezone.now()) is False


# --- Changes that no longer pass the campaign rules when they come to be published ------------------------
# An editor's change waits for approval (or for its go-live time) while someone else changes the campaign
# around it, so the change that passed when it was made can fail when it is published. Publishing it then
# tells the person publishing why, leaves the change waiting, and never stops anything else being published.


def campaign_form(campaign, *, end_date):
    return nested_form_data(
        {
            "title": campaign.title,
            "slug": campaign.slug,
            "hashtag": campaign.hashtag,
            "start_date": campaign.start_date.isoformat(),
            "end_date": end_date.isoformat(),
            "summary": campaign.summary,
            "hero_image": "",
            "hero_image_alt": "",
            "body": rich_text(""),
        }
    )


def three_week_campaign(tree):
    campaign = CampaignPage.objects.get(pk=tree["campaign"].pk)
    campaign.end_date = START + datetime.timedelta(days=20)
    campaign.save_revision().publish()
    return campaign


def add_week_3(campaign):
    """What a second editor does meanwhile: a week 3 inside the campaign's live dates (allowed)."""
    return publish(
        CampaignPage.objects.get(pk=campaign.pk),
        CampaignWeekPage(
            title="Week 3: staying safe",
            slug="week-3",
            week_number=3,
            start_date=START + datetime.timedelta(days=14),
            end_date=START + datetime.timedelta(days=20),
            summary="Staying safe week.",
        ),
    )


def submit_two_week_campaign(client, campaign):
    """An editor submits the campaign cut back to two weeks (allowed: it has no week 3 yet)."""
    sign_in(client, roles.CAMPAIGN_EDITOR)
    edit = reverse("wagtailadmin_pages:edit", args=[campaign.pk])
    form = campaign_form(campaign, end_date=START + datetime.timedelta(days=13))
    response = client.post(edit, {**form, "action-submit": "action-submit"})
    assert response.status_code == 302
    client.logout()
    return WorkflowState.objects.get(base_content_type__model="page", object_id=str(campaign.pk))


def test_approving_a_change_that_no_longer_passes_the_rules_says_why_and_leaves_it_waiting(client, tree):
    campaign = three_week_campaign(tree)
    state = submit_two_week_campaign(client, campaign)
    add_week_3(campaign)

    sign_in(client, roles.CAMPAIGN_APPROVER)
    action = reverse(
        "wagtailadmin_pages:workflow_action", args=[campaign.pk, "approve", state.current_task_state.pk]
    )
    response = client.post(action, {"comment": ""})
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_pages:edit", args=[campaign.pk])
    body = client.get(response.url).content.decode()
    assert "Spring of action was not published" in body
    assert "Week 3 ends on 22 March 2026" in body
    # Nothing changed: the campaign keeps its live dates and the change is still waiting for approval.
    campaign.refresh_from_db()
    state.refresh_from_db()
    assert campaign.end_date == START + datetime.timedelta(days=20)
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.status == TaskState.STATUS_IN_PROGRESS

    # The same from the approval dialog (which posts with JavaScript): it closes and shows the edit page.
    response = client.post(action, {"comment": "Fine"}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 200
    assert response.json()["step"] == "success"
    assert "was not published" in client.get(response.json()["redirect"]).content.decode()
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS


def test_bulk_publishing_a_change_that_no_longer_passes_the_rules_says_why(client, tree):
    campaign = three_week_campaign(tree)
    submit_two_week_campaign(client, campaign)
    add_week_3(campaign)
    story = article(tree["news"], "Draft story", live=False)

    sign_in(client, roles.CAMPAIGN_APPROVER)
    listing = reverse("wagtailadmin_explore", args=[tree["home"].pk])
    bulk = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    response = client.post(f"{bulk}?id={campaign.pk}&id={story.pk}&next={listing}", {})
    assert response.status_code == 302 and response.url == listing
    body = client.get(listing).content.decode()
    assert "Nothing was published" in body
    assert "Spring of action: Week 3 ends on 22 March 2026" in body
    campaign.refresh_from_db()
    story.refresh_from_db()
    assert campaign.end_date == START + datetime.timedelta(days=20) and not story.live


def test_a_scheduled_change_that_no_longer_passes_is_set_aside_and_the_others_still_publish(tree, caplog):
    now = timezone.now()
    campaign = three_week_campaign(tree)
    editor = User.objects.create_user("editor", "editor@beacon.invalid", "a-long-test-password")
    approver = User.objects.create_user("approver", "approver@beacon.invalid", "a-long-test-password")
    # The campaign is to be cut back to two weeks in an hour's time.
    campaign.end_date = START + datetime.timedelta(days=13)
    campaign.go_live_at = now + datetime.timedelta(hours=1)
    revision = campaign.save_revision(user=editor)
    revision.publish(user=approver, skip_permission_checks=True)
    add_week_3(campaign)
    # An unrelated embargoed article is due a little later.
    story = article(tree["news"], "Embargoed story", live=False)
    story.go_live_at = now + datetime.timedelta(hours=2)
    story.save_revision().publish()
    mail.outbox.clear()

    with time_machine.travel(now + datetime.timedelta(hours=3)), caplog.at_level(logging.INFO):
        publish_scheduled_pages.enqueue()
        story.refresh_from_db()
        assert story.live
        campaign.refresh_from_db()
        assert campaign.end_date == START + datetime.timedelta(days=20)
        # Its schedule is cleared, so the next run does not meet it again...
        revision.refresh_from_db()
        assert revision.approved_go_live_at is None
        publish_scheduled_pages.enqueue()

    # ...and the people concerned are told: a log line with the page's id and title (nothing of its content),
    # an entry in the page's history, and an email to whoever made the change and whoever scheduled it.
    refused = [record for record in caplog.records if "not published" in record.getMessage()]
    assert len(refused) == 1 and refused[0].levelno == logging.WARNING
    assert f"pk={campaign.pk}" in refused[0].getMessage() and "Spring of action" in refused[0].getMessage()
    assert "Two weeks of action" not in caplog.text
    history = PageLogEntry.objects.get(page=campaign, action="beacon.publish.scheduled.refused")
    assert history.revision_id == revision.pk and "Week 3 ends on 22 March 2026" in history.message
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "approver@beacon.invalid",
        "editor@beacon.invalid",
    ]
    email = mail.outbox[0]
    assert "Spring of action" in email.subject
    assert "Week 3 ends on 22 March 2026" in email.body
    assert f"/admin/pages/{campaign.pk}/edit/" in email.body


def test_a_refused_editor_address_is_logged_by_the_pages_id_not_the_address(
    tree,
    refusing_smtp,  # noqa: F811
    all_logs,  # noqa: F811
):
    """The relay refuses the editors' addresses: the change is still set aside, and the log says the email was
    not sent with the page's id and the SMTP code, not the addresses smtplib's error quotes."""
    now = timezone.now()
    campaign = three_week_campaign(tree)
    editor = User.objects.create_user("editor", "editor.refused-3b7d@beacon.invalid", "a-long-test-password")
    campaign.end_date = START + datetime.timedelta(days=13)
    campaign.go_live_at = now + datetime.timedelta(hours=1)
    campaign.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)
    add_week_3(campaign)
    with time_machine.travel(now + datetime.timedelta(hours=3)):
        publish_scheduled_pages.enqueue()
    assert PageLogEntry.objects.filter(page=campaign, action="beacon.publish.scheduled.refused").exists()
    [failure] = [line for line in all_logs.lines if "Could not email" in line]
    assert f"Email about scheduled change to pk={campaign.pk} not sent (SMTP 550)" in failure
    assert "3b7d" not in all_logs.text and "SMTPRecipientsRefused" not in all_logs.text


def test_the_publish_scheduled_command_sets_a_failing_change_aside_too(tree):
    """Cron may run Wagtail's command name as well: it is Beacon's, one change at a time."""
    now = timezone.now()
    campaign = three_week_campaign(tree)
    campaign.end_date = START + datetime.timedelta(days=13)
    campaign.go_live_at = now + datetime.timedelta(hours=1)
    campaign.save_revision().publish()
    add_week_3(campaign)
    story = article(tree["news"], "Embargoed story", live=False)
    story.go_live_at = now + datetime.timedelta(hours=2)
    story.save_revision().publish()
    with time_machine.travel(now + datetime.timedelta(hours=3)):
        out = io.StringIO()
        call_command("publish_scheduled", stdout=out)
    story.refresh_from_db()
    assert story.live
    assert "Spring of action" in out.getvalue() and "not published" in out.getvalue()


def test_a_week_number_waiting_in_another_weeks_changes_is_taken(client, tree):
    """The clash is caught when the second editor saves, not when the first editor's change is published."""
    week2 = tree["week2"]
    sign_in(client, roles.CAMPAIGN_EDITOR)
    form = nested_form_data(
        {
            "title": week2.title,
            "slug": week2.slug,
            "week_number": "3",
            "start_date": week2.start_date.isoformat(),
            "end_date": week2.end_date.isoformat(),
            "theme": "",
            "lead_officer": "",
            "focus": "education",
            "summary": week2.summary,
            "body": rich_text(""),
            "planned_activities": streamfield([]),
        }
    )
    edit = reverse("wagtailadmin_pages:edit", args=[week2.pk])
    assert client.post(edit, {**form, "action-submit": "action-submit"}).status_code == 302
    week2.refresh_from_db()
    assert week2.week_number == 2  # the live page keeps its number until the change is approved

    add = reverse("wagtailadmin_pages:add", args=["content", "campaignweekpage", tree["campaign"].pk])
    response = client.post(
        add, {**form, "title": "Week 3", "slug": "week-3", "action-submit": "action-submit"}
    )
    assert response.status_code == 200
    assert (
        "Week 2: knives is to become week 3 (a change not yet published): choose another number"
        in response.content.decode()
    )
    with pytest.raises(ValidationError):
        add_week_3(tree["campaign"])
