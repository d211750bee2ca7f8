"""report_submit, messages, deletion and the dashboard counts, through the real services."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone

from beacon.core.models import AuditEvent
from beacon.reporting import crypto
from beacon.reporting.models import Report, ReportAttachment, ReportIdentifier, ReportMessage
from beacon.reporting.selectors import (
    followup_view,
    report_content,
    report_counts,
    report_for_receipt,
    report_messages,
)
from beacon.reporting.services import report_delete, report_message_add, report_submit
from beacon.reporting.signals import report_submitted

from .conftest import image_bytes
from .scan import database_hits

pytestmark = pytest.mark.django_db

NARRATIVE = "Zebra-lantern narrative: a blue door opens at midnight"


def document(**overrides):
    doc = {
        "immediate_danger": False,
        "categories": ["cuckooing", "dealing"],
        "where": {"address": "Flat 4, 9 Sample Road", "postcode": "nn1 1af", "description": ""},
        "when": {"kind": "ongoing", "since": "March"},
        "people": [{"name": "Marcus  Quill", "age": "40s", "description": "", "is_child": False}],
        "vehicles": [{"registration": "ab12 cde", "make": "", "model": "", "colour": "black"}],
        "phones": ["07700 900321"],
        "handles": [{"platform": "instagram", "handle": "@Quill.Supply"}],
        "child": None,
        "how_known": "saw",
        "details": NARRATIVE,
        "contact": None,
    }
    doc.update(overrides)
    return doc


def test_submit_stores_clear_fields_sealed_content_and_blind_indexes(
    neighbourhood, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = report_submit(answers=document(), files=[("a.png", image_bytes("PNG"))])
    report = result.report
    assert result.reference == report.reference and len(report.reference) == 9
    assert result.receipt_code and report.receipt_hash and result.receipt_code not in report.receipt_hash
    assert report.categories == ["dealing", "cuckooing"]
    assert report.neighbourhood == neighbourhood and report.postcode_district == "NN1"
    content = report_content(report=report)
    assert content["details"] == NARRATIVE
    assert content["phones"] == ["+447700900321"]
    assert content["vehicles"][0]["registration"] == "AB12CDE"
    expected = {
        ("phone", crypto.blind_index("phone", "+447700900321")),
        ("vehicle", crypto.blind_index("vehicle", "AB12CDE")),
        ("postcode", crypto.blind_index("postcode", "NN1 1AF")),
        ("handle", crypto.blind_index("handle", "instagram:quill.supply")),
        ("name", crypto.blind_index("name", "marcus quill")),
    }
    assert set(ReportIdentifier.objects.filter(report=report).values_list("kind", "digest")) == expected
    assert ReportAttachment.objects.filter(report=report).count() == 1
    assert len(mail.outbox) == 1 and "priority 0" in mail.outbox[0].subject


def test_a_database_dump_holds_no_plaintext_of_the_narrative():
    report_submit(answers=document(), files=[])
    assert (
        database_hits([NARRATIVE, "Zebra-lantern", "Marcus", "Sample Road", "900321", "Quill.Supply"]) == []
    )


def test_a_process_with_only_the_public_key_accepts_reports_and_cannot_read_them(
    walker, settings, monkeypatch
):
    """A public web server holds the public key, the receipt key and SECRET_KEY, never the private key or the
    blind-index key. An identified report sent through its pages is stored, and nothing it leaves in the
    database can be read without the private key: the report is sealed, no table or column holds an answer in
    clear, no blind index is written (the back office writes them), and the task queue's rows hold ids only
    (no copy of the reporter's address, however locked, that the server's own keys could open)."""
    from django_tasks_db.models import DBTaskResult

    from config.settings.base import TASKS as PRODUCTION_TASKS

    from .test_tasks import run_queue

    narrative = "Heron-quartz narrative: the side gate is propped open at dawn"
    person, number = "Orla Brankstone", "07700 900817"
    reporter, email, phone = "Tamsin Wrenfield", "tamsin.wrenfield@example.org", "07700 900654"
    needles = [
        narrative,
        "Heron-quartz",
        person,
        "Brankstone",
        number,
        "7700900817",  # as stored (+447700900817); longer than a hex digest could hold by chance
        reporter,
        "Wrenfield",
        email,
        phone,
        "7700900654",
    ]
    private_key, index_key = settings.BEACON_REPORT_PRIVATE_KEY, settings.BEACON_BLIND_INDEX_KEY
    settings.BEACON_REPORT_PRIVATE_KEY = settings.BEACON_BLIND_INDEX_KEY = ""
    settings.TASKS = PRODUCTION_TASKS  # the queue is rows in the database, as in production
    assert not crypto.can_decrypt()

    walker.minimal(upto="people")
    walker.answer("people", {"people": "yes"})
    walker.answer("person", {"name": person, "age": "40s", "is_child": "no"})
    walker.answer("people-list", {"add_another": "no"})
    walker.answer("vehicles", {"vehicles": "no"})
    walker.answer("numbers", {"numbers": "yes"})
    walker.answer("number", {"phone": number})
    walker.answer("numbers-list", {"add_another": "no"})
    walker.answer("child-involved", {"child": "no"})
    walker.answer("how", {"how": "saw"})
    walker.answer("details", {"details": narrative})
    walker.answer("files", {"action": "continue"})
    walker.answer("contact", {"contact": "identified"})
    walker.answer(
        "contact-details",
        {"name": reporter, "email": email, "phone": phone, "ways": ["email"]},
        expect="check",
    )
    assert database_hits(needles) == []  # the answers in progress (the session table) are sealed too
    done = walker.submit()

    report = Report.objects.get()
    assert done.status_code == 200 and report.reference in done.content.decode()
    assert not report.anonymous
    sealed = bytes(report.sealed)
    assert sealed and not sealed.startswith(b"{") and not any(n.encode() in sealed for n in needles)
    with pytest.raises(ImproperlyConfigured):
        report_content(report=report)
    with pytest.raises(ImproperlyConfigured):
        crypto.unseal(sealed)
    assert database_hits(needles) == []
    assert not ReportIdentifier.objects.exists() and report.indexed_at is None
    with pytest.raises(ImproperlyConfigured, match="blind indexes are made and looked up in the back office"):
        crypto.blind_index("phone", "+447700900817")
    # The indexing (then the staff notice) and the reporter's confirmation, queued for a back-office worker,
    # with the id alone.
    rows = dict(DBTaskResult.objects.values_list("task_path", "args_kwargs"))
    assert sorted(rows) == [
        "beacon.reporting.tasks.report_confirm_reporter",
        "beacon.reporting.tasks.report_index",
    ]
    for task_path, args_kwargs in rows.items():
        assert args_kwargs == {"args": [report.pk], "kwargs": {}}, task_path

    # What was sealed is the report as sent: the back office reads it all, and indexes it.
    settings.BEACON_REPORT_PRIVATE_KEY, settings.BEACON_BLIND_INDEX_KEY = private_key, index_key
    content = report_content(report=report)
    assert content["details"] == narrative and content["people"][0]["name"] == person
    assert content["contact"]["email"] == email and content["contact"]["name"] == reporter
    run_queue(monkeypatch)
    assert ("phone", crypto.blind_index("phone", "+447700900817")) in set(
        ReportIdentifier.objects.filter(report=report).values_list("kind", "digest")
    )


def test_a_failing_receiver_loses_neither_the_report_nor_the_triage_email(caplog):
    seen = []

    def receiver(sender, report, **kwargs):
        seen.append(report.pk)
        raise RuntimeError("linking failed")

    report_submitted.connect(receiver)
    try:
        result = report_submit(answers=document(), files=[("a.png", image_bytes("PNG"))])
    finally:
        report_submitted.disconnect(receiver)
    assert seen == [result.report.pk]
    assert Report.objects.count() == 1 and ReportAttachment.objects.count() == 1
    assert ReportIdentifier.objects.filter(report=result.report).exists()
    assert [m.subject for m in mail.outbox] == [
        f"A new report needs triage (priority {result.report.priority})"
    ]
    assert f"report id {result.report.pk}" in caplog.text and "linking failed" in caplog.text


@pytest.mark.parametrize(
    "overrides",
    [
        {"categories": []},
        {"categories": ["dealing", "arson"]},
        {"where": {"postcode": "NOT A POSTCODE"}},
        {"phones": ["12"]},
        {"vehicles": [{"registration": "AB12 <CDE>"}]},
        {"handles": [{"platform": "myspace", "handle": "x"}]},
        {"details": "x" * 100_000},
        {"when": {"kind": "yesterday"}},
        {"contact": {"name": "No way to reach me"}},
    ],
)
def test_a_malformed_report_is_refused_and_nothing_is_stored(overrides):
    with pytest.raises(ValidationError):
        report_submit(answers=document(**overrides), files=[])
    assert Report.objects.count() == 0


def test_a_bad_file_refuses_the_whole_report():
    with pytest.raises(ValidationError):
        report_submit(
            answers=document(), files=[("ok.png", image_bytes("PNG")), ("bad.jpg", b"MZ" + b"\0" * 99)]
        )
    assert Report.objects.count() == 0 and ReportAttachment.objects.count() == 0


def test_priority_flags():
    # Nothing to link these three by (triage raises the priority of linked reports).
    unlinked = {"where": {"postcode": "NN1"}, "people": [], "vehicles": [], "phones": [], "handles": []}
    danger = report_submit(answers=document(immediate_danger=True, **unlinked), files=[]).report
    child = report_submit(answers=document(categories=["child_exploitation"], **unlinked), files=[]).report
    both = report_submit(
        answers=document(child={"ages": "13", "in_danger": "yes", "where_known": ""}, **unlinked), files=[]
    ).report
    assert (danger.priority, child.priority, both.priority) == (1000, 500, 1500)
    assert both.immediate_danger and both.child_involved


@pytest.mark.parametrize(
    ("age", "is_child", "flagged"),
    [
        ("about 15", None, True),  # "I do not know" whether under 18, but the age says so
        ("14 or 15", False, True),  # an age under 18 outweighs a "no"
        ("16-17", None, True),
        ("in their 30s", None, False),
        ("about 40", None, False),
        ("", None, False),
        ("", True, True),
    ],
)
def test_a_person_whose_age_is_under_18_raises_the_safeguarding_flag(age, is_child, flagged):
    """A missed child is the costlier mistake: an approximate age under 18 flags the report even when the
    reporter was not sure whether the person is a child."""
    person = {"name": "", "age": age, "description": "Slim, grey hoodie", "is_child": is_child}
    report = report_submit(
        answers=document(people=[person], categories=["dealing"], child=None), files=[]
    ).report
    assert report.child_involved is flagged


@pytest.mark.parametrize(
    ("overrides", "flagged", "not_known"),
    [
        ({"child_involved_answer": "unknown"}, False, True),
        ({"child_involved_answer": "no"}, False, False),
        ({}, False, False),  # a report from before the question, or from an API without it
        # Anything else that says a child is involved outweighs "I do not know": flagged, not "not known".
        ({"child_involved_answer": "unknown", "categories": ["child_exploitation"]}, True, False),
        (
            {
                "child_involved_answer": "unknown",
                "people": [{"name": "", "age": "about 14", "description": "", "is_child": None}],
            },
            True,
            False,
        ),
        (
            {"child_involved_answer": "yes", "child": {"ages": "15", "in_danger": "no", "where_known": ""}},
            True,
            False,
        ),
    ],
)
def test_not_knowing_whether_a_child_is_involved_is_kept_in_clear_for_triage(overrides, flagged, not_known):
    """ "I do not know" raises no priority (that would bury the reports where a child is known to be involved),
    but it is a clear field, so triage can find these reports and ask the reporter."""
    report = report_submit(answers=document(**overrides), files=[]).report
    report.refresh_from_db()
    assert (report.child_involved, report.child_unknown) == (flagged, not_known)
    assert report.priority == (500 if flagged else 0)


def test_questions_and_replies_for_an_anonymous_reporter(make_staff, django_capture_on_commit_callbacks):
    result = report_submit(answers=document(), files=[])
    report = result.report
    officer = make_staff("Triage officer")
    with django_capture_on_commit_callbacks(execute=True):
        report_message_add(report=report, direction="to_reporter", text="Which door is it?", author=officer)
        report_message_add(
            report=report,
            direction="from_reporter",
            text="The blue one",
            files=[("p.jpg", image_bytes("JPEG"))],
        )
    timeline = report_messages(report=report)
    assert [m["text"] for m in timeline] == ["Which door is it?", "The blue one"]
    assert (
        timeline[0]["author"] == officer.username
        and timeline[1]["attachments"][0]["content_type"] == "image/jpeg"
    )
    assert AuditEvent.objects.filter(action="report.question", object_id=str(report.pk)).count() == 1
    # The reporter reads both with the receipt code alone.
    view = followup_view(report=report, code=result.receipt_code)
    assert [m["text"] for m in view["messages"]] == ["Which door is it?", "The blue one"]
    assert view["messages"][1]["files"] == 1
    # A reply tells triage without content.
    reply_mail = [m for m in mail.outbox if "replied" in m.subject]
    assert len(reply_mail) == 1 and "blue one" not in reply_mail[0].body


def test_a_question_to_an_identified_reporter_emails_a_notice_without_the_question(
    make_staff, django_capture_on_commit_callbacks
):
    contact = {"name": "Ali", "email": "ali@example.org", "phone": "", "ways": ["email"], "when": ""}
    report = report_submit(answers=document(contact=contact), files=[]).report
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report_message_add(
            report=report,
            direction="to_reporter",
            text="Secret question text",
            author=make_staff("Triage officer"),
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ali@example.org"]
    assert report.reference in mail.outbox[0].body and "Secret question" not in mail.outbox[0].body


def test_messages_are_checked():
    report = report_submit(answers=document(), files=[]).report
    for bad in ("", "   ", "\u202e\u200b", "x" * 100_000):
        with pytest.raises(ValidationError):
            report_message_add(report=report, direction="from_reporter", text=bad)
    with pytest.raises(ValidationError):
        report_message_add(report=report, direction="sideways", text="hello")
    assert ReportMessage.objects.count() == 0


def test_delete_removes_everything_and_the_receipt_dies():
    result = report_submit(answers=document(), files=[("a.png", image_bytes("PNG"))])
    report_message_add(
        report=result.report, direction="from_reporter", text="more", files=[("b.png", image_bytes("PNG"))]
    )
    assert report_for_receipt(code=result.receipt_code) == result.report
    report_delete(report=result.report)
    assert Report.objects.count() == 0
    assert (
        ReportIdentifier.objects.count()
        == ReportMessage.objects.count()
        == ReportAttachment.objects.count()
        == 0
    )
    assert report_for_receipt(code=result.receipt_code) is None


def test_report_counts_per_category_and_area(neighbourhood):
    report_submit(answers=document(), files=[])
    report_submit(answers=document(categories=["weapons"], where={"description": "the park"}), files=[])
    old = report_submit(answers=document(categories=["weapons"]), files=[]).report
    Report.objects.filter(pk=old.pk).update(received_at=timezone.now() - datetime.timedelta(days=40))
    today = timezone.localdate()
    rows = report_counts(start=today - datetime.timedelta(days=7), end=today)
    assert rows == [
        {"category": "cuckooing", "area": "Town Centre", "count": 1},
        {"category": "dealing", "area": "Town Centre", "count": 1},
        {"category": "weapons", "area": "Unknown", "count": 1},
    ]


def test_references_and_receipts_use_an_unambiguous_alphabet():
    from beacon.reporting import codes

    seen = set()
    for _ in range(200):
        receipt = codes.receipt_new()
        reference = codes.reference_new()
        assert not set(receipt.replace("-", "")) & set("01ILOU")
        assert not set(reference.replace("-", "")) & set("01ILOU")
        seen.add(receipt)
    assert len(seen) == 200
    assert len(codes.ALPHABET) ** codes.RECEIPT_LENGTH >= 2**80
    sample = codes.receipt_new()
    assert codes.receipt_normalise(sample.lower().replace("-", " ")) == sample.replace("-", "")
    assert codes.receipt_normalise("OOOO-1111-IIII-LLLL-UUUU") is None


def test_files_from_abandoned_journeys_are_purged_by_age():
    import io as _io

    from django.core.management import call_command

    from beacon.reporting.models import PendingUpload
    from beacon.reporting.services import pending_upload_add

    old = pending_upload_add(token="abandoned", file=("a.png", image_bytes("PNG")))
    fresh = pending_upload_add(token="in-progress", file=("b.png", image_bytes("PNG")))
    PendingUpload.objects.filter(pk=old.pk).update(touched_at=timezone.now() - datetime.timedelta(hours=3))
    out = _io.StringIO()
    call_command("reporting_purge_pending", stdout=out)
    assert "Deleted 1" in out.getvalue()
    assert list(PendingUpload.objects.values_list("pk", flat=True)) == [fresh.pk]


@pytest.mark.django_db(transaction=True)
def test_a_report_is_committed_with_a_full_sync_on_sqlite():
    """The reference is shown only after the report is on disk: SQLite's WAL is flushed at that commit."""
    from django.db import connection

    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        result = report_submit(answers=document())
    insert = next(i for i, sql in enumerate(statements) if sql.startswith('INSERT INTO "reporting_report"'))
    pragmas = [(i, sql) for i, sql in enumerate(statements) if sql.startswith("PRAGMA synchronous=")]
    if connection.vendor == "sqlite":
        assert [sql for _, sql in pragmas] == ["PRAGMA synchronous=FULL", "PRAGMA synchronous=1"]
        assert pragmas[0][0] < insert < pragmas[1][0]
    else:
        assert pragmas == []  # PostgreSQL flushes every commit already
    assert Report.objects.filter(reference=result.reference).exists()
