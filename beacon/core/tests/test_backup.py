"""`manage.py backup_database`: a consistent copy of the SQLite database, taken while Beacon runs, that works as
the database once restored (docs/deploy.md, "Backups"). PostgreSQL is backed up with its own tools."""

import datetime
import io
import os
import sqlite3
import stat
import threading
import time
from contextlib import closing

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection

from beacon.core.tests.test_settings_guard import run_manage
from beacon.reporting.models import Report
from beacon.reporting.services import report_submit
from beacon.reporting.tests.test_services import document

pytestmark = pytest.mark.django_db(transaction=True)  # the copy sees committed data only, as in production


def backup(path) -> str:
    out = io.StringIO()
    call_command("backup_database", str(path), stdout=out)
    return out.getvalue()


def test_the_copy_is_private_checked_complete_and_works_as_the_database_once_restored(tmp_path):
    target = tmp_path / "beacon-backup.sqlite3"
    if connection.vendor != "sqlite":
        with pytest.raises(CommandError, match="back it up with pg_dump"):
            backup(target)
        assert not target.exists()
        return
    stored = report_submit(answers=document(details="A blue door, every night.")).report
    written = backup(target)
    assert f"Wrote {target}" in written and "1 report(s)" in written and "passed its check" in written
    size = target.stat().st_size
    with pytest.raises(CommandError, match="exists already"):  # never over an older backup
        backup(target)
    assert target.stat().st_size == size
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # it holds staff sign-in secrets
    assert sorted(p.name for p in tmp_path.iterdir()) == ["beacon-backup.sqlite3"]  # no -wal, no partial file
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    [(sealed,)] = copy.execute("SELECT sealed FROM reporting_report WHERE id = ?", [stored.pk]).fetchall()
    copy.close()
    assert bytes(sealed) == bytes(Report.objects.get(pk=stored.pk).sealed)

    # Restored (Beacon pointed at the copy): the report is there and its migrations are all applied.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{target}"}
    count = "from beacon.reporting.models import Report; print(Report.objects.count())"
    shell = run_manage("shell", "--no-imports", "-c", count, env=env)
    assert shell.returncode == 0 and shell.stdout.strip() == "1", shell.stderr
    migrations = run_manage("migrate", "--check", env=env)
    assert migrations.returncode == 0, migrations.stdout + migrations.stderr


def test_it_refuses_a_folder_that_is_not_there_and_on_postgresql_points_to_its_own_tools(tmp_path):
    if connection.vendor == "sqlite":
        with pytest.raises(CommandError, match="There is no folder"):
            backup(tmp_path / "missing" / "backup.sqlite3")
    else:
        with pytest.raises(CommandError, match="back it up with pg_dump"):
            backup(tmp_path / "backup.sqlite3")
    assert list(tmp_path.iterdir()) == []


def test_into_a_folder_it_names_each_backup_by_its_time_and_prunes_only_its_own_old_ones(tmp_path, settings):
    if connection.vendor != "sqlite":  # its backups, and how long they are kept, are its own tools'
        with pytest.raises(CommandError, match="back it up with pg_dump"):
            call_command("backup_database", str(tmp_path), "--prune")
        return
    settings.BEACON_BACKUP_DAYS = 30
    old = tmp_path / "beacon-20261001T020000Z.sqlite3"  # 62 days before the run below
    recent = tmp_path / "beacon-20261115T020000Z.sqlite3"
    other = tmp_path / "notes.txt"  # not this command's: never touched
    for path in (old, recent, other):
        path.write_text("x")
    with time_machine.travel(datetime.datetime(2026, 12, 2, 3, 4, 5, tzinfo=datetime.UTC), tick=False):
        out = io.StringIO()
        call_command("backup_database", str(tmp_path), "--prune", stdout=out)
    written = tmp_path / "beacon-20261202T030405Z.sqlite3"
    assert f"Wrote {written}" in out.getvalue()
    assert "Deleted 1 backup(s) taken more than 30 day(s) ago." in out.getvalue()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([written.name, recent.name, other.name])
    assert stat.S_IMODE(written.stat().st_mode) == 0o600

    with pytest.raises(CommandError, match="--prune needs a folder"):
        call_command("backup_database", str(tmp_path / "one.sqlite3"), "--prune")


def test_the_privacy_notice_says_how_long_backups_are_kept(client, settings):
    settings.BEACON_BACKUP_DAYS = 35
    text = " ".join(client.get("/privacy/").content.decode().split())
    assert "until they are deleted too, 35 days after they were made" in text


def test_a_backup_finishes_while_another_connection_keeps_writing(tmp_path):
    """Copied a few pages at a time, a backup starts again after every write, and on a busy service never ends:
    it must take one snapshot, which in WAL mode writers do not wait for."""
    if connection.vendor != "sqlite":  # PostgreSQL's own tools (the tests above)
        with pytest.raises(CommandError, match="back it up with pg_dump"):
            backup(tmp_path / "busy.sqlite3")
        return
    path = connection.settings_dict["NAME"]
    with closing(sqlite3.connect(path)) as setup, setup:  # 24 MB: many steps of a few pages each
        setup.execute("CREATE TABLE zz_ballast (data BLOB)")
        setup.executemany("INSERT INTO zz_ballast VALUES (?)", [(os.urandom(1 << 20),) for _ in range(24)])
    stop, writes = threading.Event(), []

    def writer():  # a report, a session, an answer every few milliseconds, for 20 seconds at most
        with closing(sqlite3.connect(path, timeout=10)) as other:
            deadline = time.monotonic() + 20
            while not stop.is_set() and time.monotonic() < deadline:
                with other:
                    other.execute("INSERT INTO zz_ballast VALUES (x'00')")
                writes.append(time.monotonic())
                time.sleep(0.005)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while not writes:
            time.sleep(0.01)
        started = time.monotonic()
        written = backup(tmp_path / "busy.sqlite3")
        finished, still_writing = time.monotonic(), thread.is_alive()
    finally:
        stop.set()
        thread.join()
        with closing(sqlite3.connect(path, timeout=10)) as cleanup, cleanup:
            cleanup.execute("DROP TABLE zz_ballast")
    assert "passed its check" in written
    assert (
        any(started < at < finished for at in writes) or finished - started < 0.05
    )  # it ran beside the writes
    assert still_writing, "the backup only finished once the writes had stopped"
