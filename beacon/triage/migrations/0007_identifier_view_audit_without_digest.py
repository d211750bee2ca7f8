"""Take the identifier's digest out of the network view's audit rows written before it stopped keeping it.

Until commit 4ab6bc8, `identifier_view_record` wrote the digest of the identifier looked up (a phone number, a
vehicle registration, ...) into the `identifier.view` row: all of it in `detail["digest"]` and its first 16
characters in `object_id` ("phone:0123456789abcdef"). The audit log is kept for ever, so the digest would outlive
the reports' purge and could still be matched against a number or registration. This leaves each such row as the
current code writes it: who (`actor`, `actor_name`), when (`at`), the kind (`object_id`, `detail["kind"]`) and the
reports shown (`detail["reports"]`), without the digest. Rows without one are not touched. Reversing it changes
nothing: a digest removed is gone.

On PostgreSQL the audit log refuses UPDATE (core 0002): its trigger is disabled for this update, inside the
migration's transaction, and enabled again at once. PostgreSQL keeps the old row versions on disk until they
are vacuumed (docs/deploy.md).
"""

from django.db import migrations

ACTION = "identifier.view"
TRIGGER = "core_auditevent_append_only"  # core 0002
BATCH = 500


def without_digest(object_id: str, detail) -> tuple[str, dict]:
    """The row's object_id and detail as identifier_view_record writes them now."""
    detail = (
        {key: value for key, value in detail.items() if key != "digest"} if isinstance(detail, dict) else {}
    )
    kind = detail.get("kind") or object_id.split(":", 1)[0]
    return str(kind), detail


def strip_digests(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    db = schema_editor.connection.alias
    changed = []
    for event in AuditEvent.objects.using(db).filter(action=ACTION).only("object_id", "detail").iterator():
        object_id, detail = without_digest(event.object_id, event.detail)
        if (object_id, detail) != (event.object_id, event.detail):
            event.object_id, event.detail = object_id, detail
            changed.append(event)
    if not changed:
        return
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute(f"ALTER TABLE core_auditevent DISABLE TRIGGER {TRIGGER}")
    AuditEvent.objects.using(db).bulk_update(changed, ["object_id", "detail"], batch_size=BATCH)
    if postgresql:
        schema_editor.execute(f"ALTER TABLE core_auditevent ENABLE TRIGGER {TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_append_only"),
        ("triage", "0006_drop_clear_staff_notes"),
    ]

    operations = [migrations.RunPython(strip_digests, migrations.RunPython.noop)]
