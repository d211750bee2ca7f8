"""Delete expired entries from the caches kept in the database (the throttle cache's rate-limit counts).

Django's database cache deletes expired rows only when a write finds more than MAX_ENTRIES rows, so without
this the keyed hashes of clients' addresses would stay in the table long after their window. `run_schedule`
runs it every 5 minutes (BEACON_SCHEDULE).
"""

from django.conf import settings
from django.core.cache import caches
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Delete expired entries from the caches kept in the database."

    def handle(self, *args, **options):
        for alias in settings.CACHES:
            purge = getattr(caches[alias], "purge_expired", None)
            if purge is not None:
                deleted = purge()
                if options["verbosity"] > 1:
                    self.stdout.write(f"{alias}: {deleted} expired entries deleted")
