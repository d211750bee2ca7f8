"""The moderation workflow (editor submits, approver publishes) and scheduled publishing, with time travel."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.tasks import default_task_backend
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Workflow, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from beacon.accounts import roles
from beacon.accounts.models import User
from beacon.content.models import NewsArticlePage
from beacon.content.tasks import publication_check_schedule, publish_scheduled_pages

from .conftest import article

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
