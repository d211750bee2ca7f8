"""Seal stored report content again to the current key pair, or write the blind indexes again under the current
blind-index key, after a key has changed (docs/deploy.md, "Changing the keys")."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from beacon.reporting import crypto, selectors, services


class Command(BaseCommand):
    help = (
        "After a key change, on a back-office host: seal every stored report, message, file and staff note again "
        "to the current key pair (the first key of BEACON_REPORT_PRIVATE_KEY), opening what was sealed to an "
        "older one with the keys named after it. With --check, only count what the current pair does not open "
        "(exit status 1 while there is any). With --blind-indexes, write every report's blind indexes again "
        "under the current BEACON_BLIND_INDEX_KEY instead (stop the task workers first). Safe to run again."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--check", action="store_true", help="Count only; change nothing.")
        group.add_argument(
            "--blind-indexes",
            action="store_true",
            help="Write the blind indexes again under the current key.",
        )

    def handle(self, *args, check=False, blind_indexes=False, **options):
        if not crypto.can_decrypt():
            raise CommandError("This process has no BEACON_REPORT_PRIVATE_KEY: run this in the back office.")
        problem = crypto.key_pair_problem(
            settings.BEACON_REPORT_PUBLIC_KEY, settings.BEACON_REPORT_PRIVATE_KEY
        )
        if problem:
            raise CommandError(problem)
        if blind_indexes:
            rewritten, linked = services.report_identifiers_rekey()
            self.stdout.write(
                f"Wrote the blind indexes of {rewritten} report(s) again under the current key; "
                f"linked {linked} report(s) indexed meanwhile again."
            )
            return
        if check:
            older = selectors.sealed_values_on_older_keys()
            for label, count in older.items():
                self.stdout.write(f"{label}: {count} value(s) not sealed to the current key pair")
            if any(older.values()):
                raise CommandError(
                    f"{sum(older.values())} sealed value(s) need the older keys: run reports_rekey, and keep "
                    "those keys until this check passes."
                )
            self.stdout.write(
                "Everything stored is sealed to the current key pair: older keys may be removed."
            )
            return
        resealed = services.sealed_content_reseal()
        for label, count in resealed.counts.items():
            self.stdout.write(f"{label}: sealed {count} value(s) again")
        self.stdout.write(f"Sealed {sum(resealed.counts.values())} value(s) again to the current key pair.")
        if resealed.unreadable:
            for label, pk, field in resealed.unreadable:
                self.stdout.write(f"Not opened: {label} id {pk}, {field}")
            keys = len(crypto.private_keys(settings.BEACON_REPORT_PRIVATE_KEY))
            raise CommandError(
                f"{len(resealed.unreadable)} sealed value(s), listed above, are sealed to none of the {keys} key(s) "
                "in BEACON_REPORT_PRIVATE_KEY and were left as they are: add the older private key after the "
                "current one and run this again."
            )
