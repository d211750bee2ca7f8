"""Themes, officers and support services go through the same approval as pages: an editor's change (a helpline
number, an officer's name) reaches the public only once a campaign approver publishes it, and then at once.

Public pages show a snippet only while it is live; the row itself always holds the published version."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.tasks import default_task_backend
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Workflow, WorkflowContentType, WorkflowState

from beacon.accounts import roles
from beacon.content.cache import HIT_HEADER
from beacon.content.demo import OFFICERS, SUPPORT_SERVICES, THEMES, seed_snippets
from beacon.content.models import Officer, SupportService, Theme

from .conftest import article

pytestmark = pytest.mark.django_db

NEW_NUMBER = "0900 555 0199"
SNIPPETS = (Theme, Officer, SupportService)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return client


def public(path: str):
    return Client().get(path, HTTP_HOST="localhost")


def text(path: str) -> str:
    response = public(path)
    assert response.status_code == 200, path
    return response.content.decode()


def service_form(service, **changes) -> dict:
    fields = ("name", "description", "phone", "phone_hours", "text_number", "website", "email", "sort_order")
    return {name: getattr(service, name) for name in fields} | changes


def url(model, view: str, *args) -> str:
    return reverse(f"wagtailsnippets_content_{model._meta.model_name}:{view}", args=args)


def workflow_action(obj, action: str) -> str:
    state = WorkflowState.objects.get(
        base_content_type__model=obj._meta.model_name,
        object_id=str(obj.pk),
        status=WorkflowState.STATUS_IN_PROGRESS,
    )
    return url(type(obj), "workflow_action", obj.pk, action, state.current_task_state.pk)


@pytest.fixture
def editor(make_staff):
    return signed_in(make_staff(roles.CAMPAIGN_EDITOR))


@pytest.fixture
def approver(make_staff):
    return signed_in(make_staff(roles.CAMPAIGN_APPROVER))


def test_the_snippets_have_the_campaign_approval_workflow(tree):
    workflow = Workflow.objects.get(name="Campaign approval")
    for model in SNIPPETS:
        assert model.get_default_workflow() == workflow


def test_the_data_migration_assigns_the_workflow_once_and_leaves_an_administrators_choice_alone(tree):
    migration = importlib.import_module("beacon.content.migrations.0011_snippets_workflow")
    WorkflowContentType.objects.filter(content_type__app_label="content").delete()
    other = Workflow.objects.create(name="Two approvers", active=True)
    WorkflowContentType.objects.create(
        content_type=apps.get_model("contenttypes.ContentType").objects.get_for_model(Officer), workflow=other
    )
    migration.assign_workflow(apps, SimpleNamespace(connection=connection))
    migration.assign_workflow(apps, SimpleNamespace(connection=connection))
    assert (
        Theme.get_default_workflow().name == SupportService.get_default_workflow().name == "Campaign approval"
    )
    assert Officer.get_default_workflow() == other
    assert WorkflowContentType.objects.filter(content_type__app_label="content").count() == 3


def test_rows_made_before_the_migration_stay_live():
    # The standard themes come from migration 0008, before 0010 added `live`: the test database holds them as
    # every existing database held its themes, officers and services.
    standard = {slug for _name, slug, _description in THEMES} & set(
        Theme.objects.values_list("slug", flat=True)
    )
    assert standard, "the standard themes from migration 0008"
    assert all(Theme.objects.filter(slug__in=standard).values_list("live", flat=True))


def test_an_editors_helpline_change_is_not_public_until_an_approver_publishes_it(tree, editor, approver):
    service = tree["service"]
    old = service.phone
    assert old in text("/advice/") and old in text("/advice/county-lines/")
    assert public("/advice/").headers[HIT_HEADER] == "hit"

    edit = url(SupportService, "edit", service.pk)
    # Saved as a draft: the public still sees the published number, on every page that lists the service.
    assert editor.post(edit, service_form(service, phone=NEW_NUMBER)).status_code == 302
    service.refresh_from_db()
    assert service.phone == old and service.has_unpublished_changes
    # An editor cannot publish: asking to does not make the change public.
    editor.post(edit, service_form(service, phone=NEW_NUMBER) | {"action-publish": "action-publish"})
    service.refresh_from_db()
    assert service.phone == old
    # Submitted for approval: still not public.
    response = editor.post(edit, service_form(service, phone=NEW_NUMBER) | {"action-submit": "action-submit"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.phone == old
    assert service.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    # The editor cannot approve their own change.
    editor.post(workflow_action(service, "approve"), {"comment": ""})
    service.refresh_from_db()
    assert service.phone == old
    for path in ("/advice/", "/advice/county-lines/"):
        body = text(path)
        assert old in body and NEW_NUMBER not in body
    assert public("/advice/").headers[HIT_HEADER] == "hit"  # served from the page cache

    # The approver approves: the new number is public at once, cached pages included.
    response = approver.post(workflow_action(service, "approve"), {"comment": "Checked with the charity"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.phone == NEW_NUMBER and service.live and not service.has_unpublished_changes
    for path in ("/advice/", "/advice/county-lines/"):
        body = text(path)
        assert NEW_NUMBER in body and old not in body


def test_an_approver_can_reject_a_change_and_the_public_never_sees_it(tree, editor, approver):
    service = tree["service"]
    editor.post(
        url(SupportService, "edit", service.pk),
        service_form(service, phone=NEW_NUMBER) | {"action-submit": "action-submit"},
    )
    state = service.current_workflow_state
    assert approver.post(workflow_action(service, "reject"), {"comment": "Wrong number"}).status_code == 302
    state.refresh_from_db()
    service.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert service.phone == "0800 1111"
    assert NEW_NUMBER not in text("/advice/")


def test_a_new_service_is_listed_only_once_published(tree, editor, approver):
    add = url(SupportService, "add")
    form = {
        "name": "Fake helpline",
        "description": "Not checked.",
        "phone": NEW_NUMBER,
        "phone_hours": "",
        "text_number": "",
        "website": "",
        "email": "",
        "sort_order": "1",
    }
    assert editor.post(add, form | {"action-submit": "action-submit"}).status_code == 302
    new = SupportService.objects.get(name="Fake helpline")
    assert not new.live
    # On a live advice page (as pages published before publishing checked their services held them), it is still
    # not shown. Publishing a page that lists it is refused (test_snippets_on_pages).
    topic = tree["topic"]
    topic.body = [
        ("support_services", {"heading": "Where to get help", "services": [tree["service"], new]}),
        ("support_services", {"heading": "Only the new one", "services": [new]}),
    ]
    topic.save()
    for path in ("/advice/", "/advice/county-lines/"):
        body = text(path)
        assert "Fake helpline" not in body and NEW_NUMBER not in body
        assert "Childline" in body
    assert "Only the new one" not in text("/advice/county-lines/")  # no heading over an empty list

    approver.post(workflow_action(new, "approve"), {"comment": ""})
    for path in ("/advice/", "/advice/county-lines/"):
        assert NEW_NUMBER in text(path)
    assert "Only the new one" in text("/advice/county-lines/")


def test_an_approver_publishes_directly_and_an_unpublished_service_disappears(tree, approver):
    service = tree["service"]
    edit = url(SupportService, "edit", service.pk)
    response = approver.post(
        edit, service_form(service, phone=NEW_NUMBER) | {"action-publish": "action-publish"}
    )
    assert response.status_code == 302
    assert NEW_NUMBER in text("/advice/")
    assert approver.post(url(SupportService, "unpublish", service.pk)).status_code == 302
    for path in ("/advice/", "/advice/county-lines/"):
        assert "Childline" not in text(path)


def test_an_unpublished_officer_or_theme_is_not_shown(tree, approver):
    Theme.objects.filter(pk=tree["theme"].pk).update(name="Bladed articles")  # a name no other text has
    article(tree["news"], "Arches at the station", week=tree["week2"])
    week = "/campaigns/spring-of-action/week-2/"
    pages = (week, "/campaigns/spring-of-action/", "/news/", "/news/arches-at-the-station/")
    for path in pages:
        body = text(path)
        assert "Bladed articles" in body, path
    assert "Ada Brook" in text(week) and "Ada Brook" in text("/campaigns/spring-of-action/")
    assert "Arches at the station" in text("/news/?theme=knife-crime")

    assert approver.post(url(Officer, "unpublish", tree["officer"].pk)).status_code == 302
    assert approver.post(url(Theme, "unpublish", tree["theme"].pk)).status_code == 302
    for path in pages:
        body = text(path)
        assert "Ada Brook" not in body and "Bladed articles" not in body, path
    assert "Arches at the station" not in text("/news/?theme=knife-crime")


def test_a_change_whose_name_was_taken_while_it_waited_is_not_published_and_the_approver_is_told(
    tree, editor, approver
):
    theme = tree["theme"]
    editor.post(
        url(Theme, "edit", theme.pk),
        {"name": "Road safety", "slug": "knife-crime", "description": "", "action-submit": "action-submit"},
    )
    Theme.objects.create(name="Road safety", slug="road-safety")  # meanwhile
    response = approver.post(workflow_action(theme, "approve"), {"comment": ""}, follow=True)
    assert response.status_code == 200
    assert "was not published" in response.content.decode()
    theme.refresh_from_db()
    assert theme.name == "Knife crime"
    assert theme.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS


def test_an_expiry_date_queues_the_unpublishing(tree, django_capture_on_commit_callbacks):
    service = tree["service"]
    expire = timezone.now() + datetime.timedelta(days=3)
    service.expire_at = expire
    with override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}):
        default_task_backend.clear()
        with django_capture_on_commit_callbacks(execute=True):
            service.save_revision().publish()
        queued = [r for r in default_task_backend.results if r.task.name == "publish_scheduled_pages"]
    assert len(queued) == 1 and queued[0].task.run_after >= expire


def test_the_demo_snippets_are_published(db):
    themes, officers, services = seed_snippets()
    snippets = [*themes.values(), *officers.values(), *services.values()]
    assert len(snippets) == len({slug for _n, slug, _d in THEMES}) + len(OFFICERS) + len(SUPPORT_SERVICES)
    for snippet in snippets:
        snippet.refresh_from_db()
        assert snippet.live and snippet.live_revision_id and not snippet.has_unpublished_changes


@pytest.mark.parametrize("model", SNIPPETS)
def test_comparing_the_revisions_of_an_id_that_cannot_be_one_is_not_found(tree, approver, model):
    base = f"/admin/snippets/content/{model._meta.model_name}/history"
    for bad in ("abc", "%C2%B2", "%00"):
        assert approver.get(f"{base}/{bad}/revisions/compare/earliest...latest/").status_code == 404
