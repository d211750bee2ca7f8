"""Questions by email: read the Q&A mailbox over IMAP and turn each new message into a question.

`fetch_questions()` connects (IMAP4_SSL; plain IMAP only to this machine, for tests), finds messages
without the `$BeaconProcessed` keyword, and for each one: keeps the plain text only (HTML converted,
quoted replies and signatures trimmed, attachments dropped and counted), finds the session from the
address (qanda+<slug>@…) or the subject, or else the next open session, records a `ReceivedEmail` row
(unique per mailbox UID and per Message-ID) with the question in one transaction, then sets the keyword
and deletes the message from the mailbox (\\Deleted, then EXPUNGE at the end of the run): the email, with the
sender's address, is not kept once its words are recorded. A re-run never duplicates: the database row is
checked before anything is made (a message recorded by a run that stopped before deleting it is deleted
unread), and the keyword keeps the server from offering the message again. No message, however broken,
stops the run.

A message that fails for an unexpected reason (a fault in Beacon or the database, not a broken email) is not
lost: it is recorded as "failed", left in the mailbox untouched, and tried again by the next runs. After
MAX_ATTEMPTS tries it is flagged with the `$BeaconFailed` keyword (or \\Flagged and \\Seen where the server
keeps no keywords), no longer offered to Beacon, and left in the mailbox for a person to read.
"""

from __future__ import annotations

import email
import email.utils
import imaplib
import logging
import re
import ssl
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

import html2text
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac

from beacon.core.forms import clean_text

from . import selectors, services
from .models import EMAIL_QUESTION_MAX, QandASession, Question, ReceivedEmail
from .text import question_problem

logger = logging.getLogger(__name__)

KEYWORD = "$BeaconProcessed"
FAILED_KEYWORD = "$BeaconFailed"
MAX_ATTEMPTS = 3
MAX_FETCH_BYTES = 256 * 1024  # of a huge message, only the start is read: the question is at the top
MAX_PER_RUN = 200
DIGEST_SALT = "beacon.qanda.email_intake.message_id"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
ADDRESS_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")

_SUBJECT_TAG = re.compile(r"\[([a-z0-9][a-z0-9-]{0,59})\]", re.IGNORECASE)
_SUBJECT_PREFIX = re.compile(r"^\s*((re|fwd?|aw|sv)\s*:\s*)+", re.IGNORECASE)
_ON_WROTE = re.compile(r"^\s*On\b[^\n]{0,300}(?:\n[^\n]{0,300})?\bwrote:\s*$", re.IGNORECASE | re.MULTILINE)
_CUT_LINES = re.compile(
    r"^\s*(?:-{2,}\s*(?:original message|forwarded message)\s*-{2,}|_{8,}|-- ?|"
    r"sent from my [^\n]{1,40}|get outlook for [^\n]{1,40}|"
    r"(?:this|the information in this) (?:e-?mail|message)[^\n]{0,40}(?:confidential|intended))\s*$",
    re.IGNORECASE,
)
# A quoted message's headers (Outlook's "From: … / Sent: … / To: … / Subject: …"): a "From:" line counts as
# one only when header lines follow it, so "From: my window I can see…" stays part of the question.
_FROM_LINE = re.compile(r"^\s*from\s*:\s*\S", re.IGNORECASE)
_HEADER_LINE = re.compile(r"^\s*(?:sent|to|cc|subject|date|reply-to)\s*:", re.IGNORECASE)
# A message forwarded inline, below the sender's own words (Gmail, Thunderbird, Apple Mail; Outlook marks it
# only by a "From: … Sent: …" block, as in a reply, and "FW:" in the subject): its words are the question.
_FORWARD_MARK = re.compile(
    r"^\s*(?:-{2,}\s*forwarded message\s*-{2,}|begin forwarded message:)\s*$", re.IGNORECASE
)
_FORWARD_SUBJECT = re.compile(r"^\s*(?:(?:re|aw|sv)\s*:\s*)*(?:fwd?|wg|tr)\s*:", re.IGNORECASE)
_ANY_HEADER_LINE = re.compile(r"^\s*(?:from|sent|to|cc|subject|date|reply-to)\s*:", re.IGNORECASE)
_RULE_LINE = re.compile(r"^\s*_{8,}\s*$")
MAX_FORWARD_DEPTH = 5
MAX_FORWARDED = 5  # messages attached whole (message/rfc822) whose words are read


@dataclass
class ParsedEmail:
    text: str = ""
    subject: str = ""
    message_id: str = ""
    addresses: list[str] = field(default_factory=list)
    sender: str = ""
    attachments: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class FetchResult:
    read: int = 0
    questions: int = 0
    already_read: int = 0
    deleted: int = 0
    failed: int = 0
    kept: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    def __str__(self) -> str:
        parts = ", ".join(f"{n} {outcome.replace('_', ' ')}" for outcome, n in sorted(self.outcomes.items()))
        return (
            f"{self.read} new messages read, {self.questions} questions added"
            f"{' (' + parts + ')' if parts else ''}; {self.already_read} already read before; "
            f"{self.deleted} deleted from the mailbox"
            + (f"; {self.failed} could not be processed (tried again next run)" if self.failed else "")
            + (f"; {self.kept} kept in the mailbox for a person to read" if self.kept else "")
        )


# --- Reading one message ------------------------------------------------------------------------


def html_to_text(html: str) -> str:
    """HTML to plain text: no links, images or markup survive (scripts and styles are dropped)."""
    converter = html2text.HTML2Text()
    converter.ignore_links = True
    converter.ignore_images = True
    converter.ignore_emphasis = True
    converter.ignore_tables = False
    converter.body_width = 0
    return converter.handle(html)


def trim_reply(text: str, *, forwarded: bool = False, depth: int = 0) -> str:
    """The new words only: drop quoted lines, and everything from an "On … wrote:" line, an
    original-message header, or a signature delimiter onwards. A message forwarded inline is the exception:
    its words are kept after the sender's own, without its header lines (addresses, dates). `forwarded`
    (the subject says "Fwd:" or "FW:") makes a "From: … Sent: …" block a forwarded message, not a quote."""
    match = _ON_WROTE.search(text)
    if match:
        text = text[: match.start()]
    kept = []
    inner = ""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        header_block = _FROM_LINE.match(line) and _starts_header_block(lines, index)
        ruled_block = (
            _RULE_LINE.match(line)
            and index + 1 < len(lines)
            and _FROM_LINE.match(lines[index + 1])
            and _starts_header_block(lines, index + 1)
        )
        if _FORWARD_MARK.match(line) or (forwarded and (header_block or ruled_block)):
            if depth < MAX_FORWARD_DEPTH:
                inner = trim_reply("\n".join(_after_headers(lines, index + 1)), depth=depth + 1)
            break
        if _CUT_LINES.match(line) or header_block:
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return "\n\n".join(part for part in (text, inner) if part)


def _after_headers(lines: list[str], start: int) -> list[str]:
    """The lines of a forwarded message after its header block: blank lines, then the header lines up to
    the first blank line, then blank lines (so a message whose first words are "To: …" keeps them)."""
    index = start
    while index < len(lines) and (not lines[index].strip() or _RULE_LINE.match(lines[index])):
        index += 1
    while index < len(lines) and _ANY_HEADER_LINE.match(lines[index]):
        index += 1
    while index < len(lines) and not lines[index].strip():
        index += 1
    return lines[index:]


def _starts_header_block(lines: list[str], index: int) -> bool:
    """Whether the "From:" line at `index` begins a block of header lines: the next two lines with
    anything on them are headers too (Sent:, To:, Cc:, Subject:, Date:)."""
    following = [line for line in lines[index + 1 : index + 7] if line.strip()][:2]
    return len(following) == 2 and all(_HEADER_LINE.match(line) for line in following)


def _part_text(part) -> tuple[str, list[str]]:
    notes = []
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, AssertionError, ValueError):
        # An unknown or wrong charset: decode the bytes as best we can rather than lose the question.
        payload = part.get_payload(decode=True) or b""
        charset = part.get_content_charset() or "utf-8"
        try:
            content = payload.decode(charset, errors="replace")
        except LookupError:
            content = payload.decode("latin-1", errors="replace")
        notes.append("charset repaired")
    if isinstance(content, bytes):
        content = content.decode("utf-8", errors="replace")
    if part.get_content_subtype() == "html":
        content = html_to_text(content)
        notes.append("converted from HTML")
    return content, notes


def _header(message, name: str) -> str:
    try:
        value = message.get(name)
        return str(value) if value is not None else ""
    except Exception:  # noqa: BLE001 - a malformed header must not stop the run
        return ""


def _body_text(message, notes: list[str], *, forwarded: bool = False) -> tuple[object | None, str]:
    """A message's own body (not that of a message attached to it) as trimmed plain text."""
    body = None
    try:
        body = message.get_body(preferencelist=("plain", "html"))
    except Exception:  # noqa: BLE001
        notes.append("structure damaged")
    if body is None and message.get_content_maintype() == "text":
        body = message
    if body is None:
        return None, ""
    text, part_notes = _part_text(body)
    notes.extend(part_notes)
    return body, trim_reply(clean_text(text), forwarded=forwarded)


def _forwarded_messages(message, notes: list[str]) -> list:
    """Messages attached whole (message/rfc822), at any depth, first found first."""
    found = []
    try:
        for part in message.walk():
            if part is not message and part.get_content_type() == "message/rfc822":
                payload = part.get_payload()
                if isinstance(payload, list) and payload and hasattr(payload[0], "get_body"):
                    found.append(payload[0])
            if len(found) >= MAX_FORWARDED:
                break
    except Exception:  # noqa: BLE001 - a damaged attachment must not stop the run
        notes.append("forwarded email damaged")
    return found


def parse_message(raw: bytes) -> ParsedEmail:
    """Everything Beacon keeps from one email (and some it uses only to route it)."""
    message: EmailMessage = email.message_from_bytes(raw, policy=policy.default)
    parsed = ParsedEmail()
    parsed.subject = clean_text(_header(message, "Subject"))[:300]
    parsed.message_id = _header(message, "Message-ID").strip()[:500]
    for name in ADDRESS_HEADERS:
        for _display, address in email.utils.getaddresses(
            [str(v) for v in (message.get_all(name, []) or []) if v is not None]
        ):
            if address:
                parsed.addresses.append(address.strip().lower())
    senders = email.utils.getaddresses([_header(message, "Reply-To") or _header(message, "From")])
    parsed.sender = senders[0][1].strip() if senders else ""
    body, parsed.text = _body_text(
        message, parsed.notes, forwarded=bool(_FORWARD_SUBJECT.match(parsed.subject))
    )
    # An email forwarded as an attachment (message/rfc822): its words are the question, after any note
    # the sender wrote above it. Only the words: not its headers, so not its sender's address either.
    texts = [parsed.text] if parsed.text else []
    for inner in _forwarded_messages(message, parsed.notes):
        _inner_body, inner_text = _body_text(inner, parsed.notes)
        if inner_text:
            texts.append(inner_text)
            parsed.notes.append("read from a forwarded email")
    parsed.text = "\n\n".join(texts)
    for part in message.walk():
        if part is body or part.is_multipart():
            continue
        try:
            if part.is_attachment() or part.get_filename() or part.get_content_maintype() not in ("text",):
                parsed.attachments += 1
        except Exception:  # noqa: BLE001
            parsed.attachments += 1
    if parsed.attachments:
        parsed.notes.append(f"{parsed.attachments} attachment(s) dropped")
    if message.defects:
        parsed.notes.append("malformed")
    return parsed


def question_text(parsed: ParsedEmail) -> str:
    """The question: the trimmed body, or the subject when the body is empty."""
    text = parsed.text
    if not text:
        subject = _SUBJECT_PREFIX.sub("", _SUBJECT_TAG.sub("", parsed.subject)).strip()
        text = subject
    if len(text) > EMAIL_QUESTION_MAX:
        cut = text[: EMAIL_QUESTION_MAX - 1]
        text = cut[: cut.rfind(" ")] if " " in cut[-200:] else cut
        text = text.rstrip() + "…"
        parsed.notes.append("shortened")
    return text


def route(parsed: ParsedEmail) -> QandASession | None:
    """The session the email is for: by sub-address, by a [slug] or title in the subject, else the
    next open session."""
    local_part = settings.BEACON_QANDA_EMAIL_ADDRESS.split("@", 1)[0].lower()
    for address in parsed.addresses:
        local = address.split("@", 1)[0]
        if "+" in local:
            base, tag = local.split("+", 1)
            if base == local_part or not local_part:
                session = QandASession.objects.filter(slug__iexact=tag).first()
                if session:
                    return session
    for tag in _SUBJECT_TAG.findall(parsed.subject):
        session = QandASession.objects.filter(slug__iexact=tag).first()
        if session:
            return session
    subject = parsed.subject.lower()
    if subject:
        for session in QandASession.objects.filter(state__in=QandASession.ACCEPTING):
            if session.title.lower() in subject or session.slug in subject:
                return session
    return selectors.next_open_session()


def _digest(message_id: str) -> str:
    """The Message-ID as kept, to know the same message read again: keyed with the site's secret key, so that
    someone holding the sender's copy of the email cannot find its record (and through it the question)."""
    if not message_id:
        return ""
    return salted_hmac(DIGEST_SALT, message_id.encode("utf-8", "replace"), algorithm="sha256").hexdigest()


def _reply_address(parsed: ParsedEmail) -> str:
    try:
        validate_email(parsed.sender)
    except ValidationError:
        return ""
    return parsed.sender[:254]


def email_record(
    *, mailbox: str, uidvalidity: int, uid: int, raw: bytes, size: int, retry_of: int | None = None
) -> ReceivedEmail:
    """Turn one message into a question (or a record of why not), in one transaction. `retry_of` is the
    "failed" record of an earlier try, which this one replaces."""
    notes: list[str] = []
    try:
        parsed = parse_message(raw)
    except Exception as error:  # noqa: BLE001 - the run goes on; the record says what happened
        logger.warning("Q&A email %s/%s could not be parsed: %s", mailbox, uid, type(error).__name__)
        parsed = None
        notes.append(f"unreadable: {type(error).__name__}")
    if size > len(raw):
        notes.append(f"only the first {len(raw) // 1024} KB read")
    with transaction.atomic():
        if retry_of is not None:
            ReceivedEmail.objects.filter(pk=retry_of, outcome=ReceivedEmail.FAILED).delete()
        digest = _digest(parsed.message_id) if parsed else ""
        record = ReceivedEmail(
            mailbox=mailbox[:200],
            uidvalidity=uidvalidity,
            uid=uid,
            message_id_digest=digest,
            size=min(size, 2**31 - 1),
            attachments_dropped=parsed.attachments if parsed else 0,
        )
        if parsed is None:
            record.outcome = ReceivedEmail.UNREADABLE
        elif digest and ReceivedEmail.objects.filter(message_id_digest=digest).exists():
            record.outcome = ReceivedEmail.DUPLICATE
            record.message_id_digest = ""
        else:
            text = question_text(parsed)
            notes.extend(parsed.notes)
            session = route(parsed)
            if not text:
                record.outcome = ReceivedEmail.EMPTY
            elif session is None:
                record.outcome = ReceivedEmail.NO_SESSION
            elif not session.accepting_questions:
                record.outcome = ReceivedEmail.SESSION_CLOSED
            elif problem := question_problem(text, max_length=EMAIL_QUESTION_MAX, max_links=None):
                record.outcome = ReceivedEmail.REFUSED
                notes.append(problem)
            else:
                question, _created = services.question_submit(
                    session=session,
                    text=text,
                    source=Question.EMAIL,
                    reply_to=_reply_address(parsed) if session.allow_replies else "",
                    attachments_dropped=parsed.attachments,
                )
                record.question = question
                record.outcome = ReceivedEmail.QUESTION
        record.note = "; ".join(dict.fromkeys(notes))[:200]
        record.save()
    return record


# --- The mailbox ----------------------------------------------------------------------------------


def _connect() -> imaplib.IMAP4:
    host = settings.BEACON_QANDA_IMAP_HOST
    port = settings.BEACON_QANDA_IMAP_PORT
    if not host or not settings.BEACON_QANDA_IMAP_USER:
        raise ImproperlyConfigured("Set BEACON_QANDA_IMAP_HOST and BEACON_QANDA_IMAP_USER to read Q&A email.")
    if settings.BEACON_QANDA_IMAP_TLS:
        connection = imaplib.IMAP4_SSL(host, port, ssl_context=ssl.create_default_context(), timeout=30)
    else:
        if host not in LOOPBACK:
            raise ImproperlyConfigured(
                "The Q&A mailbox must be read over TLS (BEACON_QANDA_IMAP_TLS=true) unless it is on this machine."
            )
        connection = imaplib.IMAP4(host, port, timeout=30)
        if "STARTTLS" in connection.capabilities:
            connection.starttls(ssl_context=ssl.create_default_context())
    connection.login(settings.BEACON_QANDA_IMAP_USER, settings.BEACON_QANDA_IMAP_PASSWORD)
    return connection


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(response, what: str):
    status, data = response
    if status != "OK":
        raise imaplib.IMAP4.error(f"{what} failed: {status}")
    return data


def _fetch(connection, uid: bytes) -> tuple[bytes, int]:
    data = _check(connection.uid("FETCH", uid, f"(RFC822.SIZE BODY.PEEK[]<0.{MAX_FETCH_BYTES}>)"), "FETCH")
    raw, size = b"", 0
    for item in data:
        if isinstance(item, tuple) and len(item) >= 2:
            header = item[0] if isinstance(item[0], bytes) else b""
            match = re.search(rb"RFC822\.SIZE (\d+)", header)
            if match:
                size = int(match.group(1))
            raw = item[1] if isinstance(item[1], bytes) else raw
        elif isinstance(item, bytes):
            match = re.search(rb"RFC822\.SIZE (\d+)", item)
            if match:
                size = int(match.group(1))
    return raw, max(size, len(raw))


def _expunge(connection) -> None:
    """Remove the messages marked deleted (this run's, and any a stopped run left marked). The folder is
    Beacon's alone (docs/deploy.md). A refusal is logged: the questions are recorded, and the next run
    tries again."""
    try:
        status, _ = connection.expunge()
    except imaplib.IMAP4.error as error:
        status = type(error).__name__
    if status != "OK":
        logger.warning(
            "Q&A mailbox: read messages could not be deleted (%s); the next run tries again", status
        )


def _record_failure(mailbox: str, uidvalidity: int, uid: int, error: Exception) -> ReceivedEmail:
    """Count a failed try in the message's "failed" record (made on the first). Raises if the database
    itself cannot be used: the run stops and the message stays in the mailbox."""
    record, created = ReceivedEmail.objects.get_or_create(
        mailbox=mailbox[:200],
        uidvalidity=uidvalidity,
        uid=uid,
        defaults={"outcome": ReceivedEmail.FAILED, "attempts": 1, "note": type(error).__name__[:200]},
    )
    if not created and record.outcome == ReceivedEmail.FAILED:
        record.attempts += 1
        record.note = type(error).__name__[:200]
        record.save(update_fields=["attempts", "note"])
    return record


def _keep(connection, uid: bytes, *, failure: ReceivedEmail, keywords: bool, result: FetchResult) -> None:
    """Leave a message that failed in the mailbox: untouched, to be tried again, or after MAX_ATTEMPTS
    tries flagged for a person and no longer offered to Beacon."""
    if failure.outcome != ReceivedEmail.FAILED or failure.attempts < MAX_ATTEMPTS:
        return
    flags = f"({FAILED_KEYWORD} \\Flagged)" if keywords else "(\\Seen \\Flagged)"
    if connection.uid("STORE", uid, "+FLAGS", flags)[0] == "OK":
        result.kept += 1
        logger.warning(
            "Q&A email %s could not be processed after %s tries: kept in the mailbox for a person to read",
            int(uid),
            failure.attempts,
        )


def fetch_questions(*, limit: int = MAX_PER_RUN) -> FetchResult:
    """Read new messages from the Q&A mailbox. Raises only when the mailbox itself cannot be used."""
    folder = settings.BEACON_QANDA_IMAP_FOLDER or "INBOX"
    mailbox = f"{settings.BEACON_QANDA_IMAP_USER}@{settings.BEACON_QANDA_IMAP_HOST}/{folder}"
    result = FetchResult()
    connection = _connect()
    try:
        _check(connection.select(_quote(folder)), "SELECT")
        uidvalidity = int((connection.response("UIDVALIDITY")[1] or [b"0"])[0] or 0)
        if not uidvalidity:
            status = _check(connection.status(_quote(folder), "(UIDVALIDITY)"), "STATUS")
            match = re.search(rb"UIDVALIDITY (\d+)", status[0] or b"")
            uidvalidity = int(match.group(1)) if match else 0
        flags = connection.response("PERMANENTFLAGS")[1] or [b""]
        keywords = b"\\*" in (flags[0] or b"")
        search = ("NOT", "KEYWORD", KEYWORD, "NOT", "KEYWORD", FAILED_KEYWORD) if keywords else ("UNSEEN",)
        uids = (_check(connection.uid("SEARCH", None, *search), "SEARCH")[0] or b"").split()
        for uid in sorted(uids, key=int)[:limit]:
            number = int(uid)
            earlier = ReceivedEmail.objects.filter(
                mailbox=mailbox[:200], uidvalidity=uidvalidity, uid=number
            ).first()
            failed = earlier if earlier is not None and earlier.outcome == ReceivedEmail.FAILED else None
            if earlier is not None and failed is None:
                result.already_read += 1
            else:
                try:
                    raw, size = _fetch(connection, uid)
                    record = email_record(
                        mailbox=mailbox,
                        uidvalidity=uidvalidity,
                        uid=number,
                        raw=raw,
                        size=size,
                        retry_of=failed.pk if failed else None,
                    )
                except IntegrityError:
                    # Another run read it at the same moment: its record stands.
                    result.already_read += 1
                    record = None
                except (imaplib.IMAP4.abort, OSError):
                    raise
                except Exception as error:  # noqa: BLE001 - one bad message never stops the run
                    logger.warning(
                        "Q&A email %s/%s failed: %s", mailbox, number, type(error).__name__, exc_info=True
                    )
                    result.read += 1
                    result.failed += 1
                    _keep(
                        connection,
                        uid,
                        failure=_record_failure(mailbox, uidvalidity, number, error),
                        keywords=keywords,
                        result=result,
                    )
                    continue
                if record is not None:
                    result.read += 1
                    result.count(record.outcome)
                    if record.outcome == ReceivedEmail.QUESTION:
                        result.questions += 1
            # Recorded, by this run or an earlier one: the message itself, with the sender's address, goes.
            # Marked deleted before the keyword, so a run stopped in between finds it again (and deletes it).
            if connection.uid("STORE", uid, "+FLAGS", "(\\Deleted)")[0] == "OK":
                result.deleted += 1
            flag = f"({KEYWORD})" if keywords else "(\\Seen)"
            connection.uid("STORE", uid, "+FLAGS", flag)
        _expunge(connection)
    finally:
        try:
            connection.logout()
        except (imaplib.IMAP4.error, OSError):
            pass
    return result
