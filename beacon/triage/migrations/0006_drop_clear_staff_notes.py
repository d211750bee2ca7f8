"""Drop the clear columns of staff notes (sealed by 0005) and put the database's rules back, on the sealed
columns: an empty note is stored as empty bytes, so "handling code C needs conditions", "no referral needs
a reason" and "no further action needs a reason" still hold."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0005_seal_staff_notes"),
    ]

    operations = [
        migrations.RemoveField(model_name="assessment", name="threat"),
        migrations.RemoveField(model_name="assessment", name="investigation"),
        migrations.RemoveField(model_name="assessment", name="vulnerability"),
        migrations.RemoveField(model_name="assessment", name="engagement"),
        migrations.RemoveField(model_name="grading", name="conditions"),
        migrations.RemoveField(model_name="outcome", name="reason"),
        migrations.RemoveField(model_name="safeguardingdecision", name="no_referral_reason"),
        migrations.AddConstraint(
            model_name="grading",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("handling", "C"), _negated=True),
                    models.Q(("sealed_conditions", b""), _negated=True),
                    _connector="OR",
                ),
                name="grading_conditions_for_handling_c",
            ),
        ),
        migrations.AddConstraint(
            model_name="outcome",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "no_further_action"), _negated=True),
                    models.Q(("sealed_reason", b""), _negated=True),
                    _connector="OR",
                ),
                name="outcome_nfa_needs_reason",
            ),
        ),
        migrations.AddConstraint(
            model_name="safeguardingdecision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("referral_date__isnull", False),
                        ("referred", True),
                        models.Q(("referral_reference", ""), _negated=True),
                    ),
                    models.Q(("referred", False), models.Q(("sealed_no_referral_reason", b""), _negated=True)),
                    _connector="OR",
                ),
                name="safeguarding_referral_or_reason",
            ),
        ),
    ]
