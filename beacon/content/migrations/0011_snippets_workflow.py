"""Themes, officers and support services go through the same approval as pages.

Assigns the "Campaign approval" workflow (0004: an editor submits, a campaign approver publishes) to the three
snippet models, unless an administrator has already given one of them a workflow. Existing rows stay live:
0010 added `live` with the default True, so everything the public saw before is still shown.
"""

from django.db import migrations

WORKFLOW = "Campaign approval"
MODELS = ["theme", "officer", "supportservice"]


def assign_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowContentType = apps.get_model("wagtailcore.WorkflowContentType")

    workflow = Workflow.objects.filter(name=WORKFLOW).order_by("pk").first()
    if workflow is None:
        return
    for model in MODELS:
        content_type, _ = ContentType.objects.get_or_create(app_label="content", model=model)
        WorkflowContentType.objects.get_or_create(content_type=content_type, defaults={"workflow": workflow})


def unassign_workflow(apps, schema_editor):
    WorkflowContentType = apps.get_model("wagtailcore.WorkflowContentType")
    WorkflowContentType.objects.filter(
        content_type__app_label="content", content_type__model__in=MODELS, workflow__name=WORKFLOW
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0010_snippets_draft_state"),
        ("content", "0004_moderation_workflow"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(assign_workflow, unassign_workflow)]
