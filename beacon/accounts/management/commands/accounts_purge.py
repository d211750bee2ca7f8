"""Delete django-axes' old records of staff sign-ins: run hourly by `run_schedule` (BEACON_SCHEDULE)."""

from django.core.management.base import BaseCommand

from beacon.accounts.services import sign_in_records_delete


class Command(BaseCommand):
    help = (
        "Delete the records of staff sign-ins and wrong passwords (user name, address, browser) made more than "
        "BEACON_SIGN_IN_RECORDS_DAYS days ago, and counts of wrong passwords that no longer count towards a lock."
    )

    def handle(self, *args, **options):
        deleted = sign_in_records_delete()
        self.stdout.write(
            f"Deleted {deleted['sign_ins']} sign-in record(s), {deleted['failure_logs']} wrong-password record(s) "
            f"and {deleted['attempt_records']} expired count(s) of wrong passwords."
        )
