"""Load Beacon's demo site. Idempotent: running it again changes nothing that is already there."""

import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Order matters: content pages before the events and Q&A that point at campaign weeks.
DEMO_MODULES = [
    "beacon.core.demo",
    "beacon.accounts.demo",
    "beacon.content.demo",
    "beacon.events.demo",
    "beacon.qanda.demo",
    "beacon.reporting.demo",
    "beacon.triage.demo",
    "beacon.insights.demo",
    "beacon.feedback.demo",
]


class Command(BaseCommand):
    help = "Load the demo force, staff, campaign, events, Q&A and reports (idempotent)."

    def handle(self, *args, **options):
        if not settings.BEACON_DEMO_DATA:
            # The demo staff accounts have a password printed in the README: on a real site the first person
            # to sign in with it would set up their own second factor.
            raise CommandError(
                "Demo data is not loaded on this site (BEACON_DEMO_DATA is off, as in production settings). "
                "Set BEACON_DEMO_DATA=true only on a throwaway copy."
            )
        for name in DEMO_MODULES:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as error:
                if error.name != name:
                    raise
                continue
            self.stdout.write(f"Seeding {name.split('.')[1]}…")
            with transaction.atomic():
                module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
