"""Questions by email, read from a real IMAP server (dovecot on 127.0.0.1) with real messages."""

import base64
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from beacon.qanda import email_intake
from beacon.qanda.email_intake import fetch_questions
from beacon.qanda.models import QandASession, Question, ReceivedEmail

pytestmark = pytest.mark.django_db


def plain(
    to: str,
    body: str,
    *,
    subject: str = "A question for the Q&A",
    sender="Resident <resident@example.org>",
    message_id=None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="example.org")
    message.set_content(body)
    return bytes(message)


def html_only(to: str, html: str) -> bytes:
    message = EmailMessage()
    message["From"] = "resident@example.org"
    message["To"] = to
    message["Subject"] = "Question"
    message["Message-ID"] = make_msgid(domain="example.org")
    message.set_content(html, subtype="html")
    return bytes(message)


def multipart(to: str, text: str, html: str) -> bytes:
    message = EmailMessage()
    message["From"] = "resident@example.org"
    message["To"] = to
    message["Subject"] = "Question"
    message["Message-ID"] = make_msgid(domain="example.org")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return bytes(message)


def with_attachment(to: str, text: str) -> bytes:
    message = EmailMessage()
    message["From"] = "resident@example.org"
    message["To"] = to
    message["Subject"] = "Photo of the car"
    message["Message-ID"] = make_msgid(domain="example.org")
    message.set_content(text)
    message.add_attachment(
        b"\xff\xd8\xff\xe0" + b"\x00" * 2048, maintype="image", subtype="jpeg", filename="car.jpg"
    )
    message.add_attachment(b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="notes.pdf")
    return bytes(message)


def windows_1252(to: str) -> bytes:
    body = "Can the caf\xe9 owner report dealing outside \x96 without giving a name? It\x92s every night.\r\n"
    return (
        f"From: resident@example.org\r\nTo: {to}\r\nSubject: Question\r\nMessage-ID: {make_msgid(domain='example.org')}\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode("ascii") + body.encode("latin-1")


def latin_1_quoted_printable(to: str) -> bytes:
    return (
        f"From: resident@example.org\r\nTo: {to}\r\nSubject: =?iso-8859-1?q?Fr=E9d=E9ric_asks?=\r\n"
        f"Message-ID: {make_msgid(domain='example.org')}\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        "Est-ce que la police de Northampton r=E9pond aux questions en fran=E7ais ?\r\n"
    ).encode("ascii")


def huge(to: str) -> bytes:
    message = EmailMessage()
    message["From"] = "resident@example.org"
    message["To"] = to
    message["Subject"] = "Big one"
    message["Message-ID"] = make_msgid(domain="example.org")
    message.set_content(
        "Why is the underpass by the station never lit at night?\n\n" + ("padding line " * 40 + "\n") * 6000
    )
    message.add_attachment(b"\x00" * (2 * 1024 * 1024), maintype="video", subtype="mp4", filename="clip.mp4")
    return bytes(message)


MALFORMED = [
    # Not an email at all.
    b"\x00\x01\x02 this is not a message \xff\xfe" * 50,
    # Multipart without a boundary, a header with no colon, and broken base64.
    b"From: someone@example.org\r\nTo: qanda@beacon.invalid\r\nThis line is not a header\r\n"
    b"Content-Type: multipart/mixed\r\nMessage-ID: <broken-1@example.org>\r\n\r\n--nothing\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\n!!!!not-base64!!!!\r\n",
    # A charset nobody knows, and an undecodable encoded-word in the subject.
    b"From: someone@example.org\r\nTo: qanda@beacon.invalid\r\nSubject: =?x-unknown?b?////?=\r\n"
    b"Message-ID: <broken-2@example.org>\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n"
    b"Content-Transfer-Encoding: 8bit\r\n\r\nIs anyone reading these? \xe9\xe8\r\n",
]


@pytest.fixture
def open_session(make_session):
    return make_session(slug="drugs-questions", title="Drugs in our town")


def address(session) -> str:
    return f"qanda+{session.slug}@beacon.invalid"


def test_every_kind_of_message_is_read_and_none_stops_the_run(mailbox, open_session):
    to = address(open_session)
    mailbox.deliver(
        mailbox.folder,
        plain(to, "How many county lines arrests were there in Wellingborough this year?"),
        html_only(
            to,
            "<html><head><style>p{color:red}</style><script>alert('x')</script></head><body>"
            "<p>Is it <b>true</b> that gangs pay children &pound;100 a day?</p>"
            "<p><img src='https://tracker.example/pixel.gif'><a href='https://example.org'>read more</a></p></body></html>",
        ),
        multipart(to, "Do you work with schools in Rushden?", "<p>HTML version that must not be used</p>"),
        windows_1252(to),
        latin_1_quoted_printable(to),
        huge(to),
        with_attachment(
            to,
            "There is a car that waits outside the school gates every afternoon. Is that something you look into?",
        ),
        *MALFORMED,
    )

    result = fetch_questions()

    assert result.read == 10
    questions = {q.text: q for q in Question.objects.filter(session=open_session)}
    texts = list(questions)
    assert "How many county lines arrests were there in Wellingborough this year?" in texts
    html_question = next(t for t in texts if "gangs pay children" in t)
    assert "£100" in html_question and "<" not in html_question
    assert "alert" not in html_question and "color" not in html_question and "tracker" not in html_question
    assert "Do you work with schools in Rushden?" in texts
    assert not any("HTML version" in t for t in texts)
    cafe = next(t for t in texts if "owner report dealing" in t)
    assert "café" in cafe and "–" in cafe and "It’s" in cafe
    assert any("répond aux questions en français" in t for t in texts)
    big = next(t for t in texts if "underpass" in t)
    assert len(big) <= 2000 and big.endswith("…")
    car = questions[next(t for t in texts if "school gates" in t)]
    assert car.attachments_dropped == 2
    assert all(q.source == Question.EMAIL and q.status == Question.PENDING for q in questions.values())
    # Sender addresses are not kept: this session does not allow replies.
    assert all(q.reply_to == "" for q in questions.values())
    # The broken ones are recorded, not lost, and did not stop the others.
    records = ReceivedEmail.objects.all()
    assert records.count() == 10
    huge_record = next(r for r in records if r.size > 2_000_000)
    assert "only the first" in huge_record.note
    outcomes = [r.outcome for r in records]
    assert outcomes.count(ReceivedEmail.QUESTION) >= 7
    assert set(outcomes) <= {
        ReceivedEmail.QUESTION,
        ReceivedEmail.EMPTY,
        ReceivedEmail.UNREADABLE,
        ReceivedEmail.REFUSED,
    }
    # Every message read, broken ones too, is deleted from the mailbox with its sender's address.
    assert result.deleted == 10
    assert mailbox.messages(mailbox.folder) == 0


def test_a_rerun_never_duplicates(mailbox, open_session):
    to = address(open_session)
    mailbox.deliver(
        mailbox.folder, plain(to, "Will the Beat Bus come to Kingsthorpe?"), plain(to, "What is cuckooing?")
    )
    first = fetch_questions()
    assert first.questions == 2 and first.deleted == 2
    assert mailbox.messages(mailbox.folder) == 0
    second = fetch_questions()
    assert second.read == 0 and second.questions == 0
    assert Question.objects.filter(session=open_session).count() == 2


def test_a_message_recorded_by_a_run_that_stopped_is_deleted_unread(mailbox, open_session, settings):
    # A run recorded the message, then stopped before deleting it (the connection dropped).
    mailbox.deliver(mailbox.folder, plain(address(open_session), "Is the skate park safe after dark?"))
    ReceivedEmail.objects.create(
        mailbox=f"{settings.BEACON_QANDA_IMAP_USER}@{settings.BEACON_QANDA_IMAP_HOST}/{mailbox.folder}",
        uidvalidity=mailbox.uidvalidity(mailbox.folder),
        uid=1,
        outcome=ReceivedEmail.QUESTION,
    )
    result = fetch_questions()
    assert (result.read, result.already_read, result.deleted) == (0, 1, 1)
    assert mailbox.messages(mailbox.folder) == 0 and not Question.objects.exists()


def test_the_same_message_delivered_twice_counts_once(mailbox, open_session):
    message = plain(
        address(open_session),
        "Why are there needles in the alley behind the shops?",
        message_id="<same-one@example.org>",
    )
    mailbox.deliver(mailbox.folder, message, message)
    result = fetch_questions()
    assert result.questions == 1
    assert result.outcomes[ReceivedEmail.DUPLICATE] == 1
    assert Question.objects.filter(session=open_session).count() == 1


def test_replies_and_signatures_are_trimmed(mailbox, open_session):
    body = (
        "Thanks for the last answer. Can you say more about how to spot cuckooing in a block of flats?\n\n"
        "Sent from my phone\n\n"
        "On Tue, 3 Nov 2026 at 18:02, Nene Valley Police <qanda@beacon.invalid> wrote:\n"
        "> Thank you for your question about the estate.\n"
        "> Mrs A. Jones, 12 Example Road\n"
    )
    signature = "Is the Beat Bus wheelchair accessible?\n\n-- \nA. Resident\n07700 900123\n"
    mailbox.deliver(
        mailbox.folder, plain(address(open_session), body), plain(address(open_session), signature)
    )
    fetch_questions()
    texts = sorted(Question.objects.filter(session=open_session).values_list("text", flat=True))
    assert texts == [
        "Is the Beat Bus wheelchair accessible?",
        "Thanks for the last answer. Can you say more about how to spot cuckooing in a block of flats?",
    ]


def test_routing_by_address_subject_or_next_open_session(mailbox, make_session):
    later = make_session(slug="later-session", title="Knife crime questions", starts_in_days=10)
    sooner = make_session(slug="sooner-session", title="Drug harm questions", starts_in_days=2)
    closed = make_session(
        slug="old-session", title="Last month", state=QandASession.CLOSED, starts_in_days=-30
    )
    mailbox.deliver(
        mailbox.folder,
        plain("qanda+later-session@beacon.invalid", "Do knife arches work?"),
        plain(
            "qanda@beacon.invalid",
            "Are knife amnesty bins emptied by the police?",
            subject="[later-session] knives",
        ),
        plain("qanda@beacon.invalid", "What is a deal line?", subject="Question"),
        plain("qanda+old-session@beacon.invalid", "Is this still open?"),
    )
    result = fetch_questions()
    assert result.questions == 3
    assert set(Question.objects.filter(session=later).values_list("text", flat=True)) == {
        "Do knife arches work?",
        "Are knife amnesty bins emptied by the police?",
    }
    assert list(Question.objects.filter(session=sooner).values_list("text", flat=True)) == [
        "What is a deal line?"
    ]
    assert not Question.objects.filter(session=closed).exists()
    assert result.outcomes[ReceivedEmail.SESSION_CLOSED] == 1


def test_no_open_session_is_recorded_not_lost(mailbox, make_session):
    make_session(state=QandASession.CLOSED)
    mailbox.deliver(mailbox.folder, plain("qanda@beacon.invalid", "Anyone there?"))
    result = fetch_questions()
    assert result.outcomes == {ReceivedEmail.NO_SESSION: 1}
    assert Question.objects.count() == 0


def test_links_only_and_script_are_refused(mailbox, open_session):
    to = address(open_session)
    mailbox.deliver(
        mailbox.folder,
        plain(to, "https://spam.example/buy https://spam.example/now"),
        plain(to, "<script>document.location='https://evil.example'</script> hello there friends"),
        plain(to, "", subject="Re: [drugs-questions] What age do gangs start targeting children?"),
    )
    result = fetch_questions()
    assert result.outcomes[ReceivedEmail.REFUSED] == 2
    # An empty body with a real subject: the subject is the question.
    assert list(Question.objects.values_list("text", flat=True)) == [
        "What age do gangs start targeting children?"
    ]


def test_sender_address_kept_only_when_the_session_allows_replies(mailbox, make_session):
    replies = make_session(slug="with-replies", allow_replies=True)
    no_replies = make_session(slug="no-replies")
    mailbox.deliver(
        mailbox.folder,
        plain(
            "qanda+with-replies@beacon.invalid",
            "Can you reply to me about the youth club?",
            sender="Pat <pat@example.org>",
        ),
        plain(
            "qanda+no-replies@beacon.invalid",
            "Please do not keep my address.",
            sender="Lee <lee@example.org>",
        ),
    )
    fetch_questions()
    assert Question.objects.get(session=replies).reply_to == "pat@example.org"
    assert Question.objects.get(session=no_replies).reply_to == ""


def test_the_command_reports_what_it_read(mailbox, open_session, capsys):
    mailbox.deliver(mailbox.folder, plain(address(open_session), "Where can parents get advice about vapes?"))
    call_command("fetch_questions")
    out = capsys.readouterr().out
    assert "1 new messages read, 1 questions added" in out


def test_plain_imap_is_refused_for_a_remote_host(settings):
    settings.BEACON_QANDA_IMAP_HOST = "imap.example.org"
    settings.BEACON_QANDA_IMAP_USER = "qanda"
    settings.BEACON_QANDA_IMAP_TLS = False
    with pytest.raises(ImproperlyConfigured):
        fetch_questions()


def test_wrong_password_is_a_clear_error(mailbox, settings):
    settings.BEACON_QANDA_IMAP_PASSWORD = "wrong"
    with pytest.raises(CommandError, match="Could not read the Q&A mailbox"):
        call_command("fetch_questions")


def test_parse_message_survives_anything():
    for raw in [*MALFORMED, b"", b"\r\n\r\n", base64.b64encode(b"x" * 100)]:
        parsed = email_intake.parse_message(raw)
        assert isinstance(parsed.text, str)


def test_the_task_worker_reads_the_mailbox_on_a_schedule(mailbox, open_session, settings):
    from django_tasks_db.models import DBTaskResult

    from beacon.qanda.tasks import fetch_questions_every, schedule_fetch

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.BEACON_QANDA_FETCH_INTERVAL = 120
    assert schedule_fetch() is True
    assert schedule_fetch() is False  # one read waiting is enough
    waiting = DBTaskResult.objects.get()
    assert waiting.task_path == "beacon.qanda.tasks.fetch_questions_every"
    assert 100 < (waiting.run_after - waiting.enqueued_at).total_seconds() <= 121

    mailbox.deliver(
        mailbox.folder, plain(address(open_session), "Is the youth club on Friday still running?")
    )
    outcome = fetch_questions_every.call()  # what the worker runs when the time comes
    assert "1 questions added" in outcome
    assert Question.objects.filter(session=open_session).count() == 1
    assert DBTaskResult.objects.filter(status="READY").count() == 2  # it queued the next read itself

    settings.BEACON_QANDA_IMAP_PASSWORD = "wrong"
    assert "mailbox not read" in fetch_questions_every.call()  # a bad day does not end the schedule
    assert DBTaskResult.objects.filter(status="READY").count() == 3


def test_no_schedule_without_a_mailbox_or_a_deferring_backend(settings):
    from beacon.qanda.tasks import schedule_fetch

    settings.BEACON_QANDA_IMAP_HOST = ""
    assert schedule_fetch() is False
    settings.BEACON_QANDA_IMAP_HOST = "127.0.0.1"
    assert schedule_fetch() is False  # the test settings run tasks at once: nothing to defer


def _keyword_search(mailbox, keyword: str) -> int:
    connection = mailbox.connect()
    try:
        connection.select(mailbox.folder)
        _status, data = connection.uid("SEARCH", None, "KEYWORD", keyword)
        return len((data[0] or b"").split())
    finally:
        connection.logout()


def test_a_message_that_fails_to_be_processed_is_kept_and_tried_again(mailbox, open_session, monkeypatch):
    # Something unexpected (here the database refusing the question) must not lose the resident's question:
    # the message stays in the mailbox, and the next run makes the question from it.
    mailbox.deliver(mailbox.folder, plain(address(open_session), "Who do I tell about a cuckooed flat?"))

    def refuse(**kwargs):
        raise RuntimeError("database went away")

    with monkeypatch.context() as patch:
        patch.setattr(email_intake.services, "question_submit", refuse)
        first = fetch_questions()
    assert (first.read, first.questions, first.deleted, first.failed) == (1, 0, 0, 1)
    assert mailbox.messages(mailbox.folder) == 1
    record = ReceivedEmail.objects.get()
    assert (record.outcome, record.attempts, record.note) == (ReceivedEmail.FAILED, 1, "RuntimeError")

    second = fetch_questions()
    assert (second.read, second.questions, second.deleted, second.failed) == (1, 1, 1, 0)
    assert Question.objects.get().text == "Who do I tell about a cuckooed flat?"
    record = ReceivedEmail.objects.get()
    assert record.outcome == ReceivedEmail.QUESTION and record.question is not None
    assert mailbox.messages(mailbox.folder) == 0


def test_a_message_that_keeps_failing_is_left_for_a_person_to_read(mailbox, open_session, monkeypatch):
    mailbox.deliver(mailbox.folder, plain(address(open_session), "Is the park patrolled at night?"))

    def refuse(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(email_intake.services, "question_submit", refuse)
    for attempt in range(1, email_intake.MAX_ATTEMPTS + 1):
        result = fetch_questions()
        assert (result.read, result.failed, result.deleted) == (1, 1, 0)
        assert ReceivedEmail.objects.get().attempts == attempt
    # Tried enough: kept in the mailbox, marked for a person, and no longer offered to Beacon.
    assert mailbox.messages(mailbox.folder) == 1
    assert _keyword_search(mailbox, email_intake.FAILED_KEYWORD) == 1
    assert "kept in the mailbox" in str(result)
    later = fetch_questions()
    assert (later.read, later.already_read, later.failed, later.deleted) == (0, 0, 0, 0)
    assert mailbox.messages(mailbox.folder) == 1
    assert not Question.objects.exists()
