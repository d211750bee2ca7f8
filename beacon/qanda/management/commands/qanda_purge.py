"""Delete the Q&A's personal data once its time is up: run hourly by `run_schedule` (BEACON_SCHEDULE)."""

from django.core.management.base import BaseCommand

from beacon.qanda.services import reply_addresses_forget


class Command(BaseCommand):
    help = "Delete Q&A reply addresses BEACON_QANDA_REPLY_ADDRESS_DAYS days after their session ended."

    def handle(self, *args, **options):
        forgotten = reply_addresses_forget()
        self.stdout.write(f"Deleted {forgotten} reply address(es) of finished Q&A sessions.")
