"""Delete the Q&A's personal data once its time is up: run hourly by `run_schedule` (BEACON_SCHEDULE)."""

from django.core.management.base import BaseCommand

from beacon.qanda.models import ReceivedEmail
from beacon.qanda.services import question_originals_remove, received_emails_delete, reply_addresses_forget


class Command(BaseCommand):
    help = (
        "Delete Q&A reply addresses BEACON_QANDA_REPLY_ADDRESS_DAYS days after their session ended, and the "
        "questions' words and names as sent once the answers are published or BEACON_QANDA_ORIGINAL_DAYS "
        "days after the session ended, and the records of emails read from the Q&A mailbox "
        f"{ReceivedEmail.KEEP_DAYS} days after they were read (not those of messages left for a person)."
    )

    def handle(self, *args, **options):
        forgotten = reply_addresses_forget()
        self.stdout.write(f"Deleted {forgotten} reply address(es) of finished Q&A sessions.")
        removed = question_originals_remove()
        self.stdout.write(f"Removed the words and names as sent of {removed} question(s).")
        deleted = received_emails_delete()
        self.stdout.write(f"Deleted {deleted} record(s) of emails read from the Q&A mailbox.")
