"""Wagtail's `publish_scheduled`, one change at a time (services.scheduled_publishing_run).

Beacon's app comes before Wagtail's in INSTALLED_APPS, so this is the command that `manage.py publish_scheduled`
(from cron, say) runs. With --dryrun it is Wagtail's, which changes nothing."""

from wagtail.management.commands.publish_scheduled import Command as WagtailPublishScheduled

from beacon.content.services import scheduled_publishing_run


class Command(WagtailPublishScheduled):
    help = "Unpublish expired pages and publish scheduled changes that are due, one at a time."

    def handle(self, *args, **options):
        if options["dryrun"]:
            return super().handle(*args, **options)
        self.stdout.write(scheduled_publishing_run().summary())
        return None
