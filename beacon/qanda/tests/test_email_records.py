"""What Beacon keeps about an email once it has read it: a keyed digest of its Message-ID, only as long as a copy
of the message could still arrive, so that the sender's copy of the email cannot be tied to the question."""

import datetime
import hashlib
import importlib
import io
from email.message import EmailMessage

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from beacon.core.models import AuditEvent
from beacon.qanda import email_intake
from beacon.qanda.email_intake import email_record
from beacon.qanda.models import Question, ReceivedEmail

pytestmark = pytest.mark.django_db

MAILBOX = "qanda@127.0.0.1/INBOX"
MESSAGE_ID = "<CAK7pat.resident.1234@mail.example.org>"


def raw(body: str, *, message_id: str = MESSAGE_ID) -> bytes:
    message = EmailMessage()
    message["From"] = "Pat Resident <pat@example.org>"
    message["To"] = "qanda+drugs-questions@beacon.invalid"
    message["Subject"] = "A question"
    message["Message-ID"] = message_id
    message.set_content(body)
    return bytes(message)


def read(uid: int, body: str, **kwargs) -> ReceivedEmail:
    data = raw(body, **kwargs)
    return email_record(mailbox=MAILBOX, uidvalidity=1, uid=uid, raw=data, size=len(data))


@pytest.fixture
def open_session(make_session):
    return make_session(slug="drugs-questions", title="Drugs in our town")


def test_the_message_id_is_kept_only_as_a_digest_keyed_with_the_secret_key(open_session, settings):
    first = read(1, "My son is getting calls from an unknown number, what should I do?")
    assert first.outcome == ReceivedEmail.QUESTION
    assert first.message_id_digest
    assert first.message_id_digest != hashlib.sha256(MESSAGE_ID.encode()).hexdigest()
    settings.SECRET_KEY = "another-secret-key-entirely"
    assert email_intake._digest(MESSAGE_ID) != first.message_id_digest


def test_a_copy_of_a_message_read_within_the_window_still_counts_once(open_session):
    read(1, "My son is getting calls from an unknown number, what should I do?")
    again = read(2, "My son is getting calls from an unknown number, what should I do?")
    assert again.outcome == ReceivedEmail.DUPLICATE
    assert Question.objects.filter(session=open_session).count() == 1


def _age(record: ReceivedEmail, days: float) -> None:
    ReceivedEmail.objects.filter(pk=record.pk).update(read_at=timezone.now() - datetime.timedelta(days=days))


def test_qanda_purge_deletes_the_records_once_no_copy_can_arrive_but_keeps_failures(open_session):
    keep = ReceivedEmail.KEEP_DAYS
    old_question = read(1, "My son is getting calls from an unknown number, what should I do?")
    old_refused = read(2, "http://example.org", message_id="<links-only@example.org>")
    old_duplicate = read(3, "My son is getting calls from an unknown number, what should I do?")
    recent = read(4, "Is the skate park safe after dark?", message_id="<recent@example.org>")
    failed = email_intake._record_failure(MAILBOX, 1, 5, RuntimeError("database refused"))
    assert (old_refused.outcome, old_duplicate.outcome) == (ReceivedEmail.REFUSED, ReceivedEmail.DUPLICATE)
    for record in (old_question, old_refused, old_duplicate, failed):
        _age(record, keep + 1)
    _age(recent, keep - 1)

    call_command("qanda_purge", stdout=io.StringIO())

    assert set(ReceivedEmail.objects.values_list("pk", flat=True)) == {recent.pk, failed.pk}
    question = old_question.question
    question.refresh_from_db()  # the question itself stays, as the Q&A's own purge decides
    assert question.text.startswith("My son")
    assert not ReceivedEmail.objects.filter(question=question).exists()
    event = AuditEvent.objects.get(action="qanda.received_emails_deleted")
    assert event.detail == {"deleted": 3, "days": keep}
    # The record kept for a person is still there to read, as the mailbox still holds the message.
    failed.refresh_from_db()
    assert (
        failed.outcome == ReceivedEmail.FAILED and failed.message_id_digest == "" and failed.question is None
    )


def test_the_migration_clears_the_digests_stored_unkeyed():
    migration = importlib.import_module("beacon.qanda.migrations.0005_received_email_keyed_digest")
    old = ReceivedEmail.objects.create(
        mailbox=MAILBOX,
        uidvalidity=1,
        uid=9,
        outcome=ReceivedEmail.NO_SESSION,
        message_id_digest=hashlib.sha256(MESSAGE_ID.encode()).hexdigest(),
    )
    migration.clear_unkeyed_digests(apps, None)
    old.refresh_from_db()
    assert old.message_id_digest == ""
