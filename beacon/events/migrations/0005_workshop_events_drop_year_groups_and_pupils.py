"""Events confirmed from a school's workshop request used to say which year groups and how many pupils were
coming ("A workshop on gangs for Year 9, Year 10 (58 pupils)."), on a possibly public event page and in
calendar feeds. Take that out of their descriptions (the request keeps it) and bump SEQUENCE so that
subscribed calendars replace their copy. A description staff rewrote without those words is left alone."""

from django.db import migrations
from django.db.models import F
from django.utils import timezone


def school_details(year_groups, pupils) -> str:
    """The words confirm added after the topics, as it wrote them."""
    return f" for {', '.join(f'Year {group}' for group in year_groups or [])} ({pupils} pupils)"


def drop_year_groups_and_pupils(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    WorkshopRequest = apps.get_model("events", "WorkshopRequest")
    requests = WorkshopRequest.objects.filter(event__isnull=False).values_list(
        "event_id", "year_groups", "pupils"
    )
    for event_id, year_groups, pupils in requests.iterator():
        details = school_details(year_groups, pupils)
        description = Event.objects.filter(pk=event_id).values_list("description", flat=True).first()
        if description and details in description:
            Event.objects.filter(pk=event_id).update(
                description=description.replace(details, ""),
                sequence=F("sequence") + 1,
                updated_at=timezone.now(),
            )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0004_workshop_events_drop_school_notes"),
    ]

    operations = [
        migrations.RunPython(drop_year_groups_and_pupils, migrations.RunPython.noop),
    ]
