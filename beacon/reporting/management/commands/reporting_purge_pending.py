"""Delete files held for reporting journeys that were never sent (abandoned, expired, or ended by quick exit)."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from beacon.reporting.services import pending_uploads_purge


class Command(BaseCommand):
    help = (
        "Delete files chosen during report journeys that were never sent, once older than a session can live."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--minutes", type=int, default=None, help="Age in minutes (default: session age + 10)."
        )

    def handle(self, *args, minutes=None, **options):
        age = timedelta(minutes=minutes) if minutes is not None else None
        deleted = pending_uploads_purge(older_than=age)
        self.stdout.write(f"Deleted {deleted} file(s) from unfinished reports.")
