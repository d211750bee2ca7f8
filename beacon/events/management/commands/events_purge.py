"""Delete the events app's personal data once its time is up: run hourly by `run_schedule` (BEACON_SCHEDULE)."""

from django.core.management.base import BaseCommand

from beacon.events.services import event_outcome_notes_delete, workshop_contacts_delete


class Command(BaseCommand):
    help = (
        "Delete school workshop requests' contact details, accessibility notes and decline reasons "
        "BEACON_EVENTS_WORKSHOP_CONTACT_DAYS after the decision and the workshop "
        "(BEACON_EVENTS_WORKSHOP_UNDECIDED_DAYS after a request never decided), and the notes staff wrote "
        "about events BEACON_EVENTS_OUTCOME_NOTES_DAYS after they were written."
    )

    def handle(self, *args, **options):
        cleared = workshop_contacts_delete()
        self.stdout.write(f"Deleted the personal data of {cleared} school workshop request(s).")
        notes = event_outcome_notes_delete()
        self.stdout.write(f"Deleted the notes of {notes} event outcome(s).")
