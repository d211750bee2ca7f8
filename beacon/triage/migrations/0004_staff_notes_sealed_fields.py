"""What staff write about a report is sealed from now on (docs/report-content.md). This step adds the sealed
columns beside the clear ones and lifts the rules that named the clear ones; 0005 seals what is already
written and 0006 drops the clear columns and puts the rules back on the sealed ones. Three steps, so that
PostgreSQL never alters a table in the transaction that updated its rows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0003_view_all_areas_permission"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="grading", name="grading_conditions_for_handling_c"),
        migrations.RemoveConstraint(model_name="outcome", name="outcome_nfa_needs_reason"),
        migrations.RemoveConstraint(model_name="safeguardingdecision", name="safeguarding_referral_or_reason"),
        # A default for the clear THRIVE columns, so that 0006 can be reversed on a table with rows.
        *(
            migrations.AlterField(
                model_name="assessment", name=name, field=models.TextField(default="", max_length=2000)
            )
            for name in ("threat", "investigation", "vulnerability", "engagement")
        ),
        migrations.AddField(
            model_name="assessment",
            name="sealed_threat",
            field=models.BinaryField(default=b""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="assessment",
            name="sealed_investigation",
            field=models.BinaryField(default=b""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="assessment",
            name="sealed_vulnerability",
            field=models.BinaryField(default=b""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="assessment",
            name="sealed_engagement",
            field=models.BinaryField(default=b""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="grading",
            name="sealed_conditions",
            field=models.BinaryField(blank=True, default=b""),
        ),
        migrations.AddField(
            model_name="outcome",
            name="sealed_reason",
            field=models.BinaryField(blank=True, default=b""),
        ),
        migrations.AddField(
            model_name="safeguardingdecision",
            name="sealed_no_referral_reason",
            field=models.BinaryField(blank=True, default=b""),
        ),
    ]
