"""Point the page cache's files at the current generation and date (run every minute by run_schedule)."""

from django.core.management.base import BaseCommand

from beacon.content import pagefiles


class Command(BaseCommand):
    help = "Switch the page cache's files to today's version of the current generation; delete older ones."

    def handle(self, *args, **options):
        version = pagefiles.switch()
        if version is None:
            self.stdout.write("The page cache's files are off (BEACON_PAGE_CACHE_DIR is not set).")
        else:
            self.stdout.write(f"Current page cache version: {version}")
