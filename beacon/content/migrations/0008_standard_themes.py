"""The standard campaign themes, so that a new install has them without the demo data (seed_demo).

Themes that are already there, by slug or by name, are left as they are: editors may have renamed or
reworded them. Unapplying leaves the themes in place, since campaign weeks may use them.
"""

from django.db import migrations

# Frozen here: a later change to the list belongs in a later migration.
STANDARD_THEMES = [
    (
        "Drug harm and county lines",
        "drug-harm",
        "How drug supply networks reach our towns and the harm they do.",
    ),
    (
        "Knife crime",
        "knife-crime",
        "Why people carry knives, what it costs, and how to help someone put one down.",
    ),
    (
        "Violence against women and girls",
        "vawg",
        "Harassment, stalking, abuse and controlling behaviour, in public, at home and online.",
    ),
    (
        "Anti-social behaviour",
        "anti-social-behaviour",
        "Behaviour that makes a street or an estate feel unsafe.",
    ),
    ("Child criminal exploitation", "child-exploitation", "Children groomed or forced into crime by adults."),
]


def create_standard_themes(apps, schema_editor):
    Theme = apps.get_model("content", "Theme")
    db = schema_editor.connection.alias if schema_editor is not None else "default"
    themes = Theme.objects.using(db)
    for name, slug, description in STANDARD_THEMES:
        if not themes.filter(slug=slug).exists() and not themes.filter(name__iexact=name).exists():
            themes.create(name=name, slug=slug, description=description)


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0007_theme_slug_optional"),
    ]

    operations = [
        migrations.RunPython(create_standard_themes, migrations.RunPython.noop, elidable=False),
    ]
