"""Queue the back office's indexing again for reports whose blind indexes are still not written."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from beacon.reporting.tasks import reports_index_again


class Command(BaseCommand):
    help = (
        "Queue report_index for every report whose identifiers are not indexed yet (its attempts failed, or "
        "its task was lost). The task workers index them; run_schedule runs this every 15 minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--minutes", type=int, default=15, help="Only reports stored longer ago than this (default 15)."
        )

    def handle(self, *args, minutes=15, **options):
        queued = reports_index_again(older_than=timedelta(minutes=minutes))
        self.stdout.write(f"Queued indexing for {queued} report(s).")
