"""Events confirmed from a school's workshop request used to carry the school's accessibility notes, which can
name pupils, onto a possibly public event page and calendar feeds. Clear them (the request keeps them) and bump
SEQUENCE so that subscribed calendars replace their copy."""

from django.db import migrations
from django.db.models import F


def drop_school_notes(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    copied = Event.objects.exclude(accessibility="").filter(
        workshop_request__isnull=False, accessibility=F("workshop_request__accessibility_needs")
    )
    Event.objects.filter(pk__in=list(copied.values_list("pk", flat=True))).update(
        accessibility="", sequence=F("sequence") + 1
    )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_listing_and_position_indexes"),
    ]

    operations = [
        migrations.RunPython(drop_school_notes, migrations.RunPython.noop),
    ]
