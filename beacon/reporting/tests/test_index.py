"""The blind indexes of a report's identifiers are written in the back office, not by the public web servers.

A public web server holds the public key and the receipt key only: it stores a report and queues
`report_index` in the same transaction, and answers receipt follow-ups, without ever holding the blind-index
key that would let it test guesses ("was this phone number reported?") against every report. A back-office
worker (private key and blind-index key) writes the indexes, lets triage link the report, then emails the team.
"""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from beacon.core.models import AuditEvent
from beacon.core.tests.smtp import refusing_smtp  # noqa: F401 (fixture)
from beacon.reporting import codes, crypto, tasks
from beacon.reporting.models import Report, ReportIdentifier
from beacon.reporting.selectors import report_for_receipt
from beacon.reporting.services import report_identifiers_index, report_submit
from beacon.triage.models import ReportLink
from beacon.triage.services import PRIORITY_LINKED
from config.settings.base import TASKS as PRODUCTION_TASKS

from .test_services import document
from .test_tasks import run_queue

pytestmark = pytest.mark.django_db

PHONE = "07700 900512"


def shared_phone(**overrides):
    """A report whose only identifier is one phone number (so that two of them share exactly that)."""
    return document(
        where={"address": "", "postcode": "NN1", "description": "By the shops"},
        people=[],
        vehicles=[],
        handles=[],
        phones=[PHONE],
        **overrides,
    )


def phone_digest() -> str:
    return crypto.blind_index("phone", "+447700900512")


def rows(task, **filters):
    return DBTaskResult.objects.filter(task_path=task.module_path, **filters)


@pytest.fixture
def public_server(settings):
    """This process as a public web server: the public key and the receipt key, no private or blind-index key;
    the task queue is rows in the database, run later by a back-office worker. Returns a function that turns
    the process into that worker (every key)."""
    keys = {"BEACON_REPORT_PRIVATE_KEY": "", "BEACON_BLIND_INDEX_KEY": ""}
    back_office = {name: getattr(settings, name) for name in keys}
    settings.TASKS = PRODUCTION_TASKS
    for name, value in keys.items():
        setattr(settings, name, value)

    def become_back_office():
        for name, value in back_office.items():
            setattr(settings, name, value)

    return become_back_office


def test_a_public_server_takes_a_report_and_a_receipt_follow_up_and_never_makes_a_blind_index(
    walker, public_server, monkeypatch
):
    made = []
    real = crypto.blind_index
    monkeypatch.setattr(crypto, "blind_index", lambda *args: made.append(args) or real(*args))

    walker.minimal(upto="numbers")
    walker.answer("numbers", {"numbers": "yes"})
    walker.answer("number", {"phone": PHONE})
    walker.answer("numbers-list", {"add_another": "no"})
    walker.answer("child-involved", {"child": "no"})
    walker.answer("how", {"how": "saw"})
    walker.answer("details", {"details": "A car stops outside every night."})
    walker.answer("files", {"action": "continue"})
    walker.answer("contact", {"contact": "anonymous"})
    done = walker.submit().content.decode()
    receipt = done.split("data-receipt>")[1].split("<")[0]
    status = walker.client.post("/report/follow-up/", {"receipt": receipt})
    assert status.status_code == 200 and "Received" in status.content.decode()
    sent = walker.client.post("/report/follow-up/reply/", {"receipt": receipt, "text": "It was a blue car."})
    assert sent.status_code == 200

    report = Report.objects.get()
    assert made == []  # no blind index was even tried on the public side
    assert not ReportIdentifier.objects.exists() and report.indexed_at is None
    with pytest.raises(ImproperlyConfigured, match="no BEACON_BLIND_INDEX_KEY"):
        crypto.blind_index("phone", "+447700900512")
    assert rows(tasks.report_index).get().args_kwargs == {"args": [report.pk], "kwargs": {}}
    assert mail.outbox == []

    public_server()  # a back-office worker runs the queue
    run_queue(monkeypatch)
    report.refresh_from_db()
    assert report.indexed_at is not None
    assert set(ReportIdentifier.objects.values_list("kind", "digest")) == {
        ("phone", phone_digest()),
        ("postcode", crypto.blind_index("postcode", "NN1 1AF")),
    }
    assert sorted(m.subject for m in mail.outbox) == [
        f"A new report needs triage (priority {report.priority})",
        f"A reporter has replied (report {report.reference})",
    ]


def test_the_back_office_links_a_report_once_it_has_indexed_it_and_then_emails_the_team(
    public_server, monkeypatch
):
    public_server()
    first = report_submit(answers=shared_phone()).report
    run_queue(monkeypatch)
    mail.outbox.clear()

    second = report_submit(answers=shared_phone()).report
    assert rows(tasks.report_index, status=TaskResultStatus.READY).count() == 1
    assert not ReportIdentifier.objects.filter(report=second).exists() and not ReportLink.objects.exists()

    run_queue(monkeypatch)
    link = ReportLink.objects.get()
    assert (link.low_id, link.high_id) == (first.pk, second.pk)
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.priority == first.priority == PRIORITY_LINKED
    # The email went after the linking, with the priority linking left.
    assert [m.subject for m in mail.outbox] == [f"A new report needs triage (priority {PRIORITY_LINKED})"]

    # Run again (a worker that crashed after its work, or a task queued twice): nothing more changes.
    links_audited = AuditEvent.objects.filter(action="report.link").count()
    assert report_identifiers_index(report_id=second.pk) is None
    tasks.report_index.call(second.pk, notify=False)
    assert list(ReportIdentifier.objects.filter(report=second).values_list("digest", flat=True)) == [
        phone_digest()
    ]
    assert (
        ReportLink.objects.count() == 1
        and AuditEvent.objects.filter(action="report.link").count() == links_audited
    )
    second.refresh_from_db()
    assert second.priority == PRIORITY_LINKED and len(mail.outbox) == 1


def test_a_worker_without_the_blind_index_key_fails_books_another_attempt_and_still_emails_the_team(
    public_server, monkeypatch, settings
):
    public_server()
    first = report_submit(answers=shared_phone()).report
    run_queue(monkeypatch)
    mail.outbox.clear()
    index_key = settings.BEACON_BLIND_INDEX_KEY
    settings.BEACON_BLIND_INDEX_KEY = ""  # a worker given the public servers' settings by mistake
    second = report_submit(answers=shared_phone()).report
    before = timezone.now()

    run_queue(monkeypatch)
    failed = rows(tasks.report_index, status=TaskResultStatus.FAILED).get()
    assert failed.exception_class_path == "django.core.exceptions.ImproperlyConfigured"
    assert "no BEACON_BLIND_INDEX_KEY" in failed.traceback
    retry = rows(tasks.report_index, status=TaskResultStatus.READY).get()
    assert retry.args_kwargs == {"args": [second.pk], "kwargs": {"attempt": 2, "notify": False}}
    assert retry.run_after >= before + datetime.timedelta(minutes=tasks.INDEX_RETRY_MINUTES[0])
    # The team hears of the report all the same, with the priority it has without links.
    assert [m.subject for m in mail.outbox] == ["A new report needs triage (priority 0)"]
    assert not ReportIdentifier.objects.filter(report=second).exists()

    settings.BEACON_BLIND_INDEX_KEY = index_key  # the worker is fixed; the next attempt comes due
    rows(tasks.report_index, status=TaskResultStatus.READY).update(run_after=timezone.now())
    run_queue(monkeypatch)
    assert (
        rows(tasks.report_index, status=TaskResultStatus.SUCCESSFUL).count() == 2
    )  # first's, second's retry
    assert ReportIdentifier.objects.filter(report=second, kind="phone", digest=phone_digest()).exists()
    assert ReportLink.objects.filter(low_id=first.pk, high_id=second.pk).exists()
    assert len(mail.outbox) == 1  # not emailed twice

    # The last attempt books no other: `manage.py reports_index` takes over from there.
    settings.BEACON_BLIND_INDEX_KEY = ""
    third = report_submit(answers=shared_phone()).report
    rows(tasks.report_index).filter(status=TaskResultStatus.READY).delete()
    last = len(tasks.INDEX_RETRY_MINUTES) + 1
    with pytest.raises(ImproperlyConfigured):
        tasks.report_index.call(third.pk, attempt=last, notify=False)
    assert not rows(tasks.report_index, status=TaskResultStatus.READY).exists()


def test_an_email_the_mail_server_refuses_stops_no_indexing_or_linking(
    public_server,
    monkeypatch,
    refusing_smtp,  # noqa: F811
):
    public_server()
    first = report_submit(answers=shared_phone()).report
    second = report_submit(answers=shared_phone()).report
    run_queue(monkeypatch)
    assert set(rows(tasks.report_notify_triage).values_list("status", flat=True)) == {TaskResultStatus.FAILED}
    assert set(rows(tasks.report_index).values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    assert ReportIdentifier.objects.filter(kind="phone", digest=phone_digest()).count() == 2
    assert ReportLink.objects.filter(low_id=first.pk, high_id=second.pk).exists()
    assert not Report.objects.filter(indexed_at=None).exists()


def test_reports_left_unindexed_are_queued_again_by_the_schedule(public_server, monkeypatch, settings):
    assert ("reports_index", 15 * 60) in settings.BEACON_SCHEDULE  # run_schedule runs it every 15 minutes
    old = report_submit(answers=shared_phone()).report
    recent = report_submit(answers=shared_phone()).report
    rows(tasks.report_index).update(
        status=TaskResultStatus.FAILED
    )  # every attempt failed, or the row was lost
    Report.objects.filter(pk=old.pk).update(received_at=timezone.now() - datetime.timedelta(minutes=20))

    call_command("reports_index")
    queued = rows(tasks.report_index, status=TaskResultStatus.READY).get()
    assert queued.args_kwargs == {"args": [old.pk], "kwargs": {"notify": False}}  # not the recent one yet
    call_command("reports_index")  # one is waiting: no second
    assert rows(tasks.report_index, status=TaskResultStatus.READY).count() == 1

    public_server()
    run_queue(monkeypatch)
    old.refresh_from_db()
    assert old.indexed_at is not None and ReportIdentifier.objects.filter(report=old).exists()
    assert not ReportIdentifier.objects.filter(report=recent).exists()  # its own task has not come round
    assert not rows(tasks.report_notify_triage).exists()  # the team is not emailed again


def test_a_triage_email_queued_by_the_last_release_still_links_the_report_first(public_server, monkeypatch):
    """Rows the previous release queued (report_notify_triage with the id alone, the report indexed at submit)
    link the report, as that release's task did, then email."""
    public_server()
    first = report_submit(answers=shared_phone()).report
    run_queue(monkeypatch)
    mail.outbox.clear()
    second = report_submit(answers=shared_phone()).report
    rows(tasks.report_index).filter(status=TaskResultStatus.READY).delete()
    report_identifiers_index(report_id=second.pk)  # as the last release's submit wrote them
    DBTaskResult.objects.create(
        task_path=tasks.report_notify_triage.module_path,
        args_kwargs={"args": [second.pk], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
    )
    run_queue(monkeypatch)
    assert ReportLink.objects.filter(low_id=first.pk, high_id=second.pk).exists()
    assert [m.subject for m in mail.outbox] == [f"A new report needs triage (priority {PRIORITY_LINKED})"]


# --- Receipts ----------------------------------------------------------------------------------------------


def test_receipts_have_a_key_of_their_own(settings):
    normalised = codes.receipt_normalise(codes.receipt_new())
    assert codes.receipt_hash(normalised) != crypto.blind_index("receipt", normalised)
    settings.BEACON_BLIND_INDEX_KEY = ""  # a public server: receipts still hash
    assert len(codes.receipt_hash(normalised)) == 64
    settings.BEACON_RECEIPT_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="BEACON_RECEIPT_KEY is not set"):
        codes.receipt_hash(normalised)


def as_made_before_the_receipt_key(report: Report, receipt: str) -> None:
    """The report as the previous release left it: its receipt hashed with the blind-index key, and marked
    legacy by the migration."""
    normalised = codes.receipt_normalise(receipt)
    Report.objects.filter(pk=report.pk).update(
        receipt_hash=crypto.blind_index("receipt", normalised), receipt_legacy=True
    )


def test_a_receipt_made_before_the_receipt_key_still_opens_its_report_on_a_public_server(client, settings):
    result = report_submit(answers=document())
    other = report_submit(answers=document())
    as_made_before_the_receipt_key(result.report, result.receipt_code)
    as_made_before_the_receipt_key(other.report, other.receipt_code)
    settings.BEACON_REPORT_PRIVATE_KEY = settings.BEACON_BLIND_INDEX_KEY = ""  # a public web server

    assert report_for_receipt(code=result.receipt_code) == result.report
    assert report_for_receipt(code=other.receipt_code.lower()) == other.report
    assert report_for_receipt(code=codes.receipt_new()) is None
    page = client.post("/report/follow-up/", {"receipt": result.receipt_code})
    assert page.status_code == 200 and "Received" in page.content.decode()
    # A new report's receipt is found by its hash, as before.
    new = report_submit(answers=document())
    assert not Report.objects.get(pk=new.report.pk).receipt_legacy
    assert report_for_receipt(code=new.receipt_code) == new.report


def test_the_migration_marks_reports_made_before_it_indexed_and_their_receipts_legacy(settings):
    anonymous = report_submit(answers=document()).report
    identified = report_submit(
        answers=document(
            contact={"name": "Ali", "email": "", "phone": "07700 900111", "ways": ["phone"], "when": ""}
        )
    ).report
    # As the previous release's rows look once the columns are added: the database default, no index time.
    Report.objects.update(receipt_legacy=True, indexed_at=None)
    migration = importlib.import_module("beacon.reporting.migrations.0005_report_index_and_receipt_key")
    migration.existing_reports(apps, None)
    anonymous.refresh_from_db()
    identified.refresh_from_db()
    assert anonymous.receipt_legacy and not identified.receipt_legacy
    assert anonymous.indexed_at == anonymous.received_at and identified.indexed_at == identified.received_at


def test_a_report_written_by_the_previous_release_during_the_roll_out_counts_as_legacy():
    """The previous release knows nothing of the new column: the row it writes takes the database's default."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO reporting_report (reference, received_at, categories, immediate_danger, child_involved, "
            "postcode_district, anonymous, status, priority, version, sealed, receipt_hash, reader_public_key, "
            "reader_locked_key) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                "OLD1-REL1",
                timezone.now(),
                "[]",
                False,
                False,
                "NN1",
                True,
                "new",
                0,
                1,
                b"x",
                "ab" * 32,
                b"",
                b"",
            ],
        )
    old = Report.objects.get(reference="OLD1-REL1")
    assert old.receipt_legacy and old.indexed_at is None
