"""Copy Beacon's SQLite database to a file while the service runs (docs/deploy.md, "Backups").

Copying the database file itself is not a backup: with write-ahead logging, recent transactions live in the
-wal file until a checkpoint, and a copy taken during a write can be torn. This uses SQLite's online backup API
in one step: it copies the snapshot of one read transaction, which in WAL mode writers do not wait for, so
reports keep arriving meanwhile. (Copied a few pages at a time, a backup starts again from the first page after
every write by another connection, and on a busy service would never finish.) Then it checks the copy.

Backups hold what Beacon has since deleted (purged reports, contact details past their time): given a folder and
--prune, it deletes its own backups there older than BEACON_BACKUP_DAYS, as the privacy notice promises.
"""

import datetime
import os
import re
import sqlite3
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

STAMP = "%Y%m%dT%H%M%SZ"
NAMED = re.compile(r"^beacon-(\d{8}T\d{6}Z)\.sqlite3$")  # the files this command names in a folder


def _copy(target: Path) -> int:
    """Write a checked copy of the database to target (a new file, owner-only); returns its number of reports."""
    partial = target.with_name(f".{target.name}.partial")
    try:
        # Made empty and private first: the copy holds staff sign-in secrets and sealed reports.
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise CommandError(
            f"{partial} exists: another backup to {target} is running, or one was cut off."
        ) from None
    try:
        connection.ensure_connection()
        copy = sqlite3.connect(partial)
        try:
            connection.connection.backup(copy)  # one step: one consistent snapshot
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
            reports = copy.execute("SELECT count(*) FROM reporting_report").fetchone()[0]
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            copy.close()
        if verdict != "ok":
            raise CommandError(f"The copy failed its integrity check ({verdict}); it was not kept.")
        partial.rename(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return reports


def _prune(folder: Path, *, keep: Path, now: datetime.datetime) -> list[Path]:
    """Delete this command's backups in folder taken more than BEACON_BACKUP_DAYS ago (by the time in their
    names), never `keep`. Other files are left alone."""
    cutoff = now - datetime.timedelta(days=settings.BEACON_BACKUP_DAYS)
    gone = []
    for path in sorted(folder.iterdir()):
        named = NAMED.match(path.name)
        if not named or path == keep or not path.is_file():
            continue
        taken = datetime.datetime.strptime(named[1], STAMP).replace(tzinfo=datetime.UTC)
        if taken < cutoff:
            path.unlink()
            gone.append(path)
    return gone


class Command(BaseCommand):
    help = (
        "Copy the SQLite database, while Beacon runs, to a new file or into a folder (as "
        "beacon-<UTC time>.sqlite3), readable by its owner only, and check the copy. With a folder, --prune "
        "deletes this command's backups there older than BEACON_BACKUP_DAYS. On PostgreSQL, use pg_dump or "
        "continuous archiving instead (docs/deploy.md, Backups)."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", help="A file to write (it must not exist yet), or a folder.")
        parser.add_argument(
            "--prune",
            action="store_true",
            help="With a folder: then delete this command's backups in it older than BEACON_BACKUP_DAYS.",
        )

    def handle(self, *args, destination, prune=False, **options):
        if connection.vendor != "sqlite":
            raise CommandError(
                "This database is PostgreSQL: back it up with pg_dump or continuous archiving (docs/deploy.md)."
            )
        now = timezone.now()
        destination = Path(destination)
        folder = destination.is_dir()
        target = destination / f"beacon-{now.strftime(STAMP)}.sqlite3" if folder else destination
        if prune and not folder:
            raise CommandError("--prune needs a folder, so that it knows which backups are its own.")
        if target.exists():
            raise CommandError(f"{target} exists already: give a new file name.")
        if not target.parent.is_dir():
            raise CommandError(f"There is no folder {target.parent}.")
        reports = _copy(target)
        size = target.stat().st_size / 1024 / 1024
        self.stdout.write(f"Wrote {target} ({size:.1f} MB, {reports} report(s)); it passed its check.")
        if prune:
            gone = _prune(destination, keep=target, now=now)
            days = settings.BEACON_BACKUP_DAYS
            self.stdout.write(f"Deleted {len(gone)} backup(s) taken more than {days} day(s) ago.")
