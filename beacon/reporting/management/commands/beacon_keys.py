"""Make the keys that protect reports: a sealed-box key pair and a blind-index key."""

from pathlib import Path

from django.core.management.base import BaseCommand

from beacon.reporting.crypto import generate_keys


class Command(BaseCommand):
    help = (
        "Print a new report key pair and blind-index key as environment lines. Give the public site only "
        "BEACON_REPORT_PUBLIC_KEY and BEACON_BLIND_INDEX_KEY; keep BEACON_REPORT_PRIVATE_KEY for the back office."
    )

    def add_arguments(self, parser):
        parser.add_argument("--env-file", help="Write the keys to this file, unless it already exists.")

    def handle(self, *args, env_file=None, **options):
        keys = generate_keys()
        text = "".join(f"{name}={value}\n" for name, value in keys.items())
        if env_file is None:
            self.stdout.write(text, ending="")
            return
        path = Path(env_file)
        if path.exists():
            self.stdout.write(f"Keeping the existing keys in {path}.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(text)
        self.stdout.write(f"Wrote development report keys to {path}.")
