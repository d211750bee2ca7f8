"""Make the keys that protect reports: a sealed-box key pair, a receipt key and a blind-index key."""

from pathlib import Path

from django.core.management.base import BaseCommand

from beacon.reporting.crypto import BACK_OFFICE_KEY_NAMES, PUBLIC_KEY_NAMES, generate_keys

PUBLIC_HEADING = "# Every process, the public web servers included:"
BACK_OFFICE_HEADING = (
    "# The back office only (its app servers and the task workers). Never give these to a public web server:"
)


def env_lines(keys: dict[str, str]) -> str:
    """The keys as environment lines, under a heading that says which processes get them."""
    public = "".join(f"{name}={keys[name]}\n" for name in PUBLIC_KEY_NAMES)
    back_office = "".join(f"{name}={keys[name]}\n" for name in BACK_OFFICE_KEY_NAMES)
    return f"{PUBLIC_HEADING}\n{public}{BACK_OFFICE_HEADING}\n{back_office}"


def _names(path: Path) -> set[str]:
    """The names an env file sets (lines "NAME=value"; comments and blank lines skipped)."""
    names = set()
    for line in path.read_text().splitlines():
        name, equals, _ = line.strip().removeprefix("export ").partition("=")
        if equals and name and not name.startswith("#"):
            names.add(name.strip())
    return names


class Command(BaseCommand):
    help = (
        "Print a new set of report keys as environment lines. Give the public web servers only "
        "BEACON_REPORT_PUBLIC_KEY and BEACON_RECEIPT_KEY; keep BEACON_REPORT_PRIVATE_KEY and "
        "BEACON_BLIND_INDEX_KEY for the back office (its app servers and the task workers)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--env-file",
            help="Write the keys to this file (development: make run). An existing file keeps its keys; any it "
            "lacks (a key added by a later release) are added.",
        )

    def handle(self, *args, env_file=None, **options):
        keys = generate_keys()
        if env_file is None:
            self.stdout.write(env_lines(keys), ending="")
            return
        path = Path(env_file)
        if path.exists():
            present = _names(path)
            missing = [name for name in keys if name not in present]
            if not missing:
                self.stdout.write(f"Keeping the existing keys in {path}.")
                return
            with path.open("a") as file:
                file.write("".join(f"{name}={keys[name]}\n" for name in missing))
            self.stdout.write(f"Keeping the existing keys in {path}; added {', '.join(missing)}.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(env_lines(keys))
        self.stdout.write(f"Wrote development report keys to {path}.")
