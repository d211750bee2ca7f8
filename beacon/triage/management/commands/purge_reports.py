from django.core.management.base import BaseCommand

from beacon.triage.services import reports_purge_expired
from beacon.triage.tasks import purge_schedule_ensure


class Command(BaseCommand):
    help = (
        "Purge closed reports older than their outcome's retention period (BEACON_RETENTION_DAYS), "
        "keeping only statistics. The db_worker also runs this daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Only make sure the daily purge is booked on the task queue; purge nothing now.",
        )

    def handle(self, *args, schedule=False, **options):
        if schedule:
            booked = purge_schedule_ensure()
            self.stdout.write("Booked the daily purge." if booked else "The daily purge is already booked.")
            return
        purged = reports_purge_expired()
        self.stdout.write(f"Purged {purged} expired report{'s' if purged != 1 else ''}.")
