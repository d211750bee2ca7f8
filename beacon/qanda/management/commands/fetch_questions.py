"""Read new questions from the Q&A mailbox (IMAP). Safe to run again: nothing is read twice."""

import imaplib

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from beacon.qanda.email_intake import fetch_questions
from beacon.qanda.tasks import schedule_fetch


class Command(BaseCommand):
    help = "Read new questions from the Q&A mailbox and add them to the moderation queue."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200, help="Most messages to read in this run.")
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Instead of reading now, queue a repeating read for the task worker (db_worker).",
        )

    def handle(self, *args, limit, schedule, **options):
        if schedule:
            if schedule_fetch():
                self.stdout.write("Mailbox reads scheduled for the task worker.")
            else:
                self.stdout.write(
                    "Nothing scheduled: no mailbox set, no deferred tasks, or already scheduled."
                )
            return
        try:
            result = fetch_questions(limit=max(1, limit))
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        except (imaplib.IMAP4.error, OSError) as error:
            raise CommandError(f"Could not read the Q&A mailbox: {type(error).__name__}: {error}") from error
        self.stdout.write(str(result))
