"""Questions by email, without an IMAP server: raw messages fed to the parser, and the commands
`fetch_questions` issues, answered by a stub connection. (test_email_intake.py runs against dovecot.)"""

import logging
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from beacon.qanda import email_intake
from beacon.qanda.email_intake import FAILED_KEYWORD, KEYWORD, MAX_FETCH_BYTES, fetch_questions
from beacon.qanda.models import Question, ReceivedEmail

pytestmark = pytest.mark.django_db

FOLDER = "INBOX"
UIDVALIDITY = 41


def plain(
    body: str, *, to: str = "qanda+drugs-questions@beacon.invalid", subject: str = "A question"
) -> bytes:
    message = EmailMessage()
    message["From"] = "Pat Resident <pat@example.org>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="example.org")
    message.set_content(body)
    return bytes(message)


class StubIMAP:
    """Answers the commands `fetch_questions` issues as an IMAP server would, and records them."""

    def __init__(self, messages: dict[int, bytes], *, expunge_status: str = "OK"):
        self.messages = dict(messages)
        self.flags: dict[int, set[str]] = {uid: set() for uid in self.messages}
        self.commands: list[tuple] = []
        self.recorded_when_deleted: list[bool] = []
        self.expunge_status = expunge_status

    def select(self, folder):
        self.commands.append(("SELECT", folder))
        return "OK", [str(len(self.messages)).encode()]

    def response(self, code):
        return code, {
            "UIDVALIDITY": [str(UIDVALIDITY).encode()],
            "PERMANENTFLAGS": [rb"(\Deleted \Seen \*)"],
        }[code]

    def uid(self, command, *args):
        self.commands.append((command, *args))
        if command == "SEARCH":
            assert args == (None, "NOT", "KEYWORD", KEYWORD, "NOT", "KEYWORD", FAILED_KEYWORD)
            found = [
                str(uid).encode()
                for uid in sorted(self.messages)
                if not {KEYWORD, FAILED_KEYWORD} & set(self.flags[uid])
            ]
            return "OK", [b" ".join(found)]
        if command == "FETCH":
            raw = self.messages[int(args[0])]
            header = f"1 (UID {int(args[0])} RFC822.SIZE {len(raw)} BODY[]<0> {{{len(raw)}}}".encode()
            return "OK", [(header, raw), b")"]
        if command == "STORE":
            uid, _how, flags = args
            if "\\Deleted" in flags:
                self.recorded_when_deleted.append(ReceivedEmail.objects.filter(uid=int(uid)).exists())
            self.flags[int(uid)].update(flags.strip("()").split())
            return "OK", [b""]
        raise AssertionError(f"unexpected command {command}")

    def expunge(self):
        self.commands.append(("EXPUNGE",))
        if self.expunge_status != "OK":
            return self.expunge_status, [b"Expunge refused"]
        for uid in [uid for uid, flags in self.flags.items() if "\\Deleted" in flags]:
            del self.messages[uid], self.flags[uid]
        return "OK", [b""]

    def logout(self):
        self.commands.append(("LOGOUT",))
        return "BYE", [b""]


@pytest.fixture
def stub_mailbox(settings, monkeypatch):
    settings.BEACON_QANDA_IMAP_HOST = "127.0.0.1"
    settings.BEACON_QANDA_IMAP_USER = "qanda"
    settings.BEACON_QANDA_IMAP_FOLDER = FOLDER
    settings.BEACON_QANDA_EMAIL_ADDRESS = "qanda@beacon.invalid"

    def make(messages: dict[int, bytes], **kwargs) -> StubIMAP:
        stub = StubIMAP(messages, **kwargs)
        monkeypatch.setattr(email_intake, "_connect", lambda: stub)
        return stub

    return make


@pytest.fixture
def open_session(make_session):
    return make_session(slug="drugs-questions", title="Drugs in our town")


def _per_message(uid: bytes) -> list[tuple]:
    return [
        ("FETCH", uid, f"(RFC822.SIZE BODY.PEEK[]<0.{MAX_FETCH_BYTES}>)"),
        ("STORE", uid, "+FLAGS", "(\\Deleted)"),
        ("STORE", uid, "+FLAGS", f"({KEYWORD})"),
    ]


def test_each_message_is_deleted_from_the_mailbox_once_recorded(stub_mailbox, open_session):
    stub = stub_mailbox(
        {
            1: plain("Will the Beat Bus come to Kingsthorpe?"),
            2: plain("https://spam.example/buy https://spam.example/now"),  # refused: deleted all the same
            3: b"\x00\x01 not an email at all \xff" * 20,
        }
    )
    result = fetch_questions()
    assert (result.read, result.deleted) == (3, 3) and result.outcomes[ReceivedEmail.REFUSED] == 1
    assert stub.commands == [
        ("SELECT", f'"{FOLDER}"'),
        ("SEARCH", None, "NOT", "KEYWORD", KEYWORD, "NOT", "KEYWORD", FAILED_KEYWORD),
        *_per_message(b"1"),
        *_per_message(b"2"),
        *_per_message(b"3"),
        ("EXPUNGE",),
        ("LOGOUT",),
    ]
    assert stub.recorded_when_deleted == [True, True, True]
    assert stub.messages == {}  # nothing of the senders' emails is left in the mailbox
    assert "Will the Beat Bus come to Kingsthorpe?" in Question.objects.values_list("text", flat=True)
    assert "3 deleted from the mailbox" in str(result)


def test_a_message_recorded_by_a_run_that_stopped_is_deleted_without_reading_it(stub_mailbox, open_session):
    stub = stub_mailbox({1: plain("Is the skate park safe after dark?")})
    ReceivedEmail.objects.create(
        mailbox=f"qanda@127.0.0.1/{FOLDER}", uidvalidity=UIDVALIDITY, uid=1, outcome=ReceivedEmail.QUESTION
    )
    result = fetch_questions()
    assert (result.read, result.already_read, result.deleted) == (0, 1, 1)
    assert not any(command[0] == "FETCH" for command in stub.commands)
    assert stub.messages == {} and not Question.objects.exists()


def test_a_refused_expunge_keeps_the_questions_and_is_logged(stub_mailbox, open_session, caplog):
    stub = stub_mailbox({1: plain("Who do I call about needles in the park?")}, expunge_status="NO")
    with caplog.at_level(logging.WARNING, logger="beacon.qanda.email_intake"):
        result = fetch_questions()
    assert result.questions == 1 and Question.objects.count() == 1
    assert "could not be deleted" in caplog.text
    assert stub.flags[1] >= {"\\Deleted", KEYWORD}  # the next run's EXPUNGE removes it


# --- Reading one message: nothing of the question is lost -----------------------------------------


def test_a_from_line_in_the_question_is_not_taken_for_a_quoted_reply():
    body = (
        "From: my window I can see kids being handed packages by the bus stop every night.\n"
        "Who should I tell, and will they know it was me?\n"
    )
    parsed = email_intake.parse_message(plain(body))
    assert parsed.text == body.strip()


def test_an_outlook_reply_header_block_still_ends_the_question():
    body = (
        "Thanks. What about vapes being sold to children at the corner shop?\n\n"
        "From: Nene Valley Police <qanda@beacon.invalid>\n"
        "Sent: 03 November 2026 18:02\n"
        "To: Pat Resident <pat@example.org>\n"
        "Subject: RE: A question\n\n"
        "Thank you for your question about the estate. Mrs A. Jones, 12 Example Road\n"
    )
    parsed = email_intake.parse_message(plain(body))
    assert parsed.text == "Thanks. What about vapes being sold to children at the corner shop?"


def _forwarded_as_attachment(note: str, question: str) -> bytes:
    inner = EmailMessage()
    inner["From"] = "Sam Pupil <sam.pupil@school.example>"
    inner["To"] = "pat@example.org"
    inner["Subject"] = "can u ask the police"
    inner["Message-ID"] = make_msgid(domain="school.example")
    inner.set_content(question)
    outer = EmailMessage()
    outer["From"] = "Pat Resident <pat@example.org>"
    outer["To"] = "qanda+drugs-questions@beacon.invalid"
    outer["Subject"] = "fwd"
    outer["Message-ID"] = make_msgid(domain="example.org")
    outer.set_content(note)
    outer.add_attachment(inner)
    return bytes(outer)


def test_an_email_forwarded_as_an_attachment_gives_its_words(open_session):
    question = (
        "If I tell a teacher about older boys asking me to carry bags, will the police come to my house?"
    )
    raw = _forwarded_as_attachment("", question)
    parsed = email_intake.parse_message(raw)
    assert parsed.text == question
    assert "sam.pupil" not in parsed.text and parsed.attachments == 0

    record = email_intake.email_record(
        mailbox="qanda@test/INBOX", uidvalidity=1, uid=1, raw=raw, size=len(raw)
    )
    assert record.outcome == ReceivedEmail.QUESTION
    assert record.question.text == question  # not "fwd", from the subject


def test_a_note_above_a_forwarded_email_is_kept_with_its_words():
    raw = _forwarded_as_attachment(
        "My son asked me to send this:", "Can you go to prison for holding a knife?"
    )
    assert email_intake.parse_message(raw).text == (
        "My son asked me to send this:\n\nCan you go to prison for holding a knife?"
    )


def _utf7(body: bytes) -> bytes:
    return (
        "From: resident@example.org\r\nTo: qanda+drugs-questions@beacon.invalid\r\nSubject: Question\r\n"
        f"Message-ID: {make_msgid(domain='example.org')}\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-7\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
    ).encode("ascii") + body


def test_markup_in_an_email_is_refused_however_it_is_encoded(open_session):
    # "<details open ontoggle=alert(1)>What is cuckooing?</details>", with "<", "=" and ">" in UTF-7.
    raw = _utf7(b"+ADw-details open ontoggle+AD0-alert(1)+AD4-What is cuckooing?+ADw-/details+AD4-\r\n")
    record = email_intake.email_record(
        mailbox="qanda@test/INBOX", uidvalidity=1, uid=1, raw=raw, size=len(raw)
    )
    assert record.outcome == ReceivedEmail.REFUSED and "must not include code" in record.note
    assert not Question.objects.exists()


def test_links_and_addresses_in_angle_brackets_are_not_markup(open_session):
    raw = plain(
        "Is the youth club at <https://example.org/youth-club> safe for my son? "
        "You can write to me at <pat@example.org>."
    )
    record = email_intake.email_record(
        mailbox="qanda@test/INBOX", uidvalidity=1, uid=1, raw=raw, size=len(raw)
    )
    assert record.outcome == ReceivedEmail.QUESTION


QUESTION = "Is it true the police will take my son away if he admits he was made to sell drugs?"
INLINE_FORWARDS = {
    "gmail": (
        "Fwd: question",
        "My sister asked me to send this on.\n\n---------- Forwarded message ---------\n"
        "From: Jo Sister <jo.sister@example.net>\nDate: Mon, 30 Nov 2026 at 19:02\nSubject: question\n"
        f"To: Pat <pat@example.org>\n\n\n{QUESTION}\n\n--\nJo\n",
    ),
    "apple": (
        "Fwd: question",
        "My sister asked me to send this on.\n\nBegin forwarded message:\n\n"
        "From: Jo Sister <jo.sister@example.net>\nSubject: question\nDate: 30 November 2026 at 19:02:11 GMT\n"
        f"To: Pat <pat@example.org>\n\n{QUESTION}\n\nSent from my iPhone\n",
    ),
    "thunderbird": (
        "Fwd: question",
        "My sister asked me to send this on.\n\n-------- Forwarded Message --------\nSubject: \tquestion\n"
        "Date: \tMon, 30 Nov 2026 19:02:11 +0000\nFrom: \tJo Sister <jo.sister@example.net>\n"
        f"To: \tPat <pat@example.org>\n\n\n\n{QUESTION}\n",
    ),
    "outlook": (
        "FW: question",
        "My sister asked me to send this on.\n\n________________________________\n"
        "From: Jo Sister <jo.sister@example.net>\nSent: 30 November 2026 19:02\nTo: Pat <pat@example.org>\n"
        f"Subject: question\n\n{QUESTION}\n\n> an older message she quoted\n",
    ),
}


@pytest.mark.parametrize("client", INLINE_FORWARDS)
def test_an_email_forwarded_inline_gives_its_words_without_its_headers(client):
    subject, body = INLINE_FORWARDS[client]
    parsed = email_intake.parse_message(plain(body, subject=subject))
    assert parsed.text == f"My sister asked me to send this on.\n\n{QUESTION}"
    assert "jo.sister" not in parsed.text and "pat@" not in parsed.text


def test_a_reply_still_loses_the_message_it_quotes():
    body = (
        "Thank you. And what about the flat on Sample Road?\n\n________________________________\n"
        "From: Beacon Q&A <qanda@beacon.invalid>\nSent: 30 November 2026 19:02\nTo: Pat <pat@example.org>\n"
        "Subject: Your question\n\nThank you for your question about the park.\n"
    )
    parsed = email_intake.parse_message(plain(body, subject="RE: Your question"))
    assert parsed.text == "Thank you. And what about the flat on Sample Road?"


def test_a_forwarded_message_that_starts_like_a_header_keeps_its_first_line():
    body = (
        "---------- Forwarded message ---------\nFrom: Jo <jo@example.net>\nSubject: q\n\n"
        "To: whoever reads this, is the Beat Bus coming to Rushden?\n"
    )
    parsed = email_intake.parse_message(plain(body, subject="Fwd: q"))
    assert parsed.text == "To: whoever reads this, is the Beat Bus coming to Rushden?"
