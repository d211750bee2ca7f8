"""Seal the notes staff have already written (THRIVE, grading conditions, safeguarding and outcome reasons)
into the columns 0004 added. Sealing needs BEACON_REPORT_PUBLIC_KEY; reversing it (unsealing back into the
clear columns) needs BEACON_REPORT_PRIVATE_KEY. With no notes written, neither key is needed.

The clear columns are dropped by 0006. On PostgreSQL the old row versions keep the clear text on disk until
the table is vacuumed: run `VACUUM FULL` on the triage tables after this release (docs/deploy.md). Backups
taken before it still hold the notes in clear."""

from django.db import migrations

from beacon.reporting import crypto

NOTES = {
    "Assessment": ("threat", "investigation", "vulnerability", "engagement"),
    "Grading": ("conditions",),
    "SafeguardingDecision": ("no_referral_reason",),
    "Outcome": ("reason",),
}
BATCH = 500


def seal_text(text: str) -> bytes:
    # The same as beacon.triage.models.seal_note at the time of writing.
    return crypto.seal(text.encode("utf-8")) if text else b""


def open_text(sealed) -> str:
    # The same as beacon.triage.models.open_note at the time of writing.
    return crypto.unseal(sealed).decode("utf-8") if sealed else ""


def _rewrite(apps, schema_editor, *, to_sealed: bool) -> None:
    db = schema_editor.connection.alias
    for model_name, names in NOTES.items():
        model = apps.get_model("triage", model_name)
        sealed_names = [f"sealed_{name}" for name in names]
        pks = list(model.objects.using(db).order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), BATCH):
            rows = list(model.objects.using(db).filter(pk__in=pks[start : start + BATCH]))
            for row in rows:
                for name, sealed_name in zip(names, sealed_names, strict=True):
                    if to_sealed:
                        setattr(row, sealed_name, seal_text(getattr(row, name)))
                    else:
                        setattr(row, name, open_text(getattr(row, sealed_name)))
            model.objects.using(db).bulk_update(rows, sealed_names if to_sealed else list(names))


def seal_notes(apps, schema_editor):
    _rewrite(apps, schema_editor, to_sealed=True)


def open_notes(apps, schema_editor):
    _rewrite(apps, schema_editor, to_sealed=False)


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0004_staff_notes_sealed_fields"),
    ]

    operations = [migrations.RunPython(seal_notes, open_notes)]
