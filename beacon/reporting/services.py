"""Every write the reporting app makes: reports, messages, files held during a journey, deletion."""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from nacl.exceptions import CryptoError

from beacon.core.db import durable_atomic
from beacon.core.forms import clean_text
from beacon.core.services import audit_record

from . import codes, crypto, document, tasks
from .models import (
    PRIORITY_CHILD,
    PRIORITY_IMMEDIATE_DANGER,
    PendingUpload,
    Report,
    ReportAttachment,
    ReportIdentifier,
    ReportMessage,
    SentJourney,
)
from .selectors import neighbourhood_id_for_district, report_reporter_email, sealed_columns, sealed_rows
from .signals import report_submitted
from .uploads import CleanFile, clean_upload

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SubmitResult:
    report: Report
    reference: str
    receipt_code: str | None  # anonymous reports only; shown once and never stored
    confirmation_email: bool = False  # a confirmation is on its way to the reporter's email address


class AlreadySent(Exception):
    """This journey has been sent already (a second send of the same answers): nothing new was stored."""


def _journey_digest(token: str) -> str:
    return hashlib.blake2b(token.encode(), digest_size=32, person=b"beacon-sent").hexdigest()


def journey_was_sent(*, token: str) -> bool:
    return bool(token) and SentJourney.objects.filter(digest=_journey_digest(token)).exists()


@dataclass(frozen=True)
class _SealedFile:
    content_type: str
    size: int
    sealed_name: bytes
    sealed_data: bytes


def _read(file) -> CleanFile:
    """Clean a file given as a CleanFile, an (name, bytes) pair, or an uploaded/Django File."""
    if isinstance(file, CleanFile):
        return file
    if isinstance(file, tuple):
        name, data = file
        return clean_upload(name=name, data=bytes(data))
    name = getattr(file, "name", "") or "file"
    limit = settings.BEACON_REPORT_MAX_FILE_BYTES
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise ValidationError(f"The selected file must be smaller than {limit // (1024 * 1024)} MB")
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(limit + 1)
    return clean_upload(name=name, data=data)


def _seal_files(files) -> list[_SealedFile]:
    sealed = []
    for file in files:
        if isinstance(file, PendingUpload):
            sealed.append(
                _SealedFile(file.content_type, file.size, bytes(file.sealed_name), bytes(file.sealed_data))
            )
            continue
        clean = _read(file)
        sealed.append(
            _SealedFile(
                clean.content_type, clean.size, crypto.seal(clean.name.encode()), crypto.seal(clean.data)
            )
        )
    return sealed


def _priority(*, immediate_danger: bool, child_involved: bool) -> int:
    return (PRIORITY_IMMEDIATE_DANGER if immediate_danger else 0) + (PRIORITY_CHILD if child_involved else 0)


def report_submit(*, answers: dict, files: list = (), journey: str = "") -> SubmitResult:
    """Store a whole report in one transaction, or nothing.

    `journey` is the random token of the journey being sent, if any: a journey is stored once, and sending
    it again (two sends racing) raises AlreadySent, having stored nothing.

    `answers` is a report document (docs/report-content.md; the journey builds it with
    `document.from_journey`). `files` are PendingUpload rows (already cleaned and sealed during the
    journey; they are consumed), CleanFile objects, (name, bytes) pairs or uploaded files (cleaned here).
    The reference and receipt code are returned only after the transaction has committed.
    """
    content = document.normalise(answers)
    files = list(files)
    if len(files) > settings.BEACON_REPORT_MAX_FILES:
        raise ValidationError(f"You can send up to {settings.BEACON_REPORT_MAX_FILES} files")
    sealed_files = _seal_files(files)  # cleaning images can take a moment: done before the transaction
    anonymous = content["contact"] is None
    child = document.child_involved(content)
    danger = document.immediate_danger(content)
    district = document.postcode_district(content)
    receipt = codes.receipt_new() if anonymous else None
    sealed = crypto.seal_json(content)
    now = timezone.now()
    neighbourhood_id = neighbourhood_id_for_district(district=district) if district else None

    for _attempt in range(5):
        reference = codes.reference_new()
        report = Report(
            reference=reference,
            received_at=now,
            categories=content["categories"],
            immediate_danger=danger,
            child_involved=child,
            child_unknown=document.child_not_known(content),
            postcode_district=district,
            neighbourhood_id=neighbourhood_id,
            anonymous=anonymous,
            priority=_priority(immediate_danger=danger, child_involved=child),
            sealed=sealed,
        )
        if receipt:
            normalised = codes.receipt_normalise(receipt)
            report.receipt_hash = codes.receipt_hash(normalised)
            report.reader_public_key, report.reader_locked_key = codes.reader_keys_new(
                receipt_normalised=normalised, reference=reference
            )
        try:
            with durable_atomic():  # on disk before the reference is shown, on SQLite too
                if journey:  # first, so that a second send of the journey waits here, then stops
                    SentJourney.objects.create(digest=_journey_digest(journey), sent_at=now)
                report.save()
                ReportAttachment.objects.bulk_create(
                    [
                        ReportAttachment(
                            report=report,
                            content_type=f.content_type,
                            size=f.size,
                            sealed_name=f.sealed_name,
                            sealed_data=f.sealed_data,
                            created_at=now,
                        )
                        for f in sealed_files
                    ]
                )
                pending_ids = [f.pk for f in files if isinstance(f, PendingUpload)]
                if pending_ids:
                    PendingUpload.objects.filter(pk__in=pending_ids).delete()
                # The tasks are rows in the same database (django-tasks-db): enqueued inside this
                # transaction, they exist if and only if the report does. The first runs in the back office:
                # it writes the blind indexes of the report's identifiers (this process has no key for them),
                # lets other apps act on the new report (triage links it), then emails the triage team.
                tasks.report_index.enqueue(report.pk)
                contact = content["contact"]
                confirmation_email = bool(contact and contact["email"] and "email" in contact["ways"])
                if confirmation_email:
                    # The id alone: the worker reads the address from the sealed report as it sends.
                    tasks.report_confirm_reporter.enqueue(report.pk)
        except IntegrityError:
            if journey_was_sent(token=journey):
                raise AlreadySent from None
            if Report.objects.filter(reference=reference).exists():
                continue  # a reference clash, vanishingly rare: draw another
            raise
        return SubmitResult(
            report=report, reference=reference, receipt_code=receipt, confirmation_email=confirmation_email
        )
    raise RuntimeError("Could not find a free report reference")  # pragma: no cover


def report_identifiers_index(*, report_id: int) -> Report | None:
    """Write the blind indexes of a stored report's identifiers, read from the sealed report.

    Back office only (tasks.report_index): it needs BEACON_REPORT_PRIVATE_KEY and BEACON_BLIND_INDEX_KEY, and
    raises ImproperlyConfigured without them. Idempotent: a row written already is kept (the (report, kind,
    digest) constraint), so a run after a crash or a retry changes nothing more. Returns the report (without its
    sealed content) for report_index_done, or None when it has gone or was marked indexed already."""
    with transaction.atomic():
        report = Report.objects.filter(pk=report_id, indexed_at=None).defer("sealed").first()
        if report is None:
            return None
        content = crypto.unseal_json(Report.objects.values_list("sealed", flat=True).get(pk=report_id))
        digests = {
            (kind, crypto.blind_index(kind, value)) for kind, value in document.identifier_values(content)
        }
        ReportIdentifier.objects.bulk_create(
            [
                ReportIdentifier(report_id=report_id, kind=kind, digest=digest)
                for kind, digest in sorted(digests)
            ],
            ignore_conflicts=True,
        )
    return report


# --- Changing the keys (docs/deploy.md, "Changing the keys") -----------------------------------------------


@dataclass(frozen=True)
class Resealed:
    counts: dict[str, int]  # values sealed again to the current key pair, by model
    unreadable: list[
        tuple[str, int, str]
    ]  # (model, id, column) of values that no key opens, left as they are


def sealed_content_reseal() -> Resealed:
    """Seal again to the current key pair every value sealed to an older one that BEACON_REPORT_PRIVATE_KEY still
    names, in every sealed column (selectors.sealed_columns).

    Rows are taken in id order, a batch at a time (selectors.sealed_rows), each batch in a transaction of its own
    that locks its rows: the back office keeps working meanwhile, a note saved at the same moment is neither lost
    nor overwritten, and a run stopped half-way is simply run again (what is sealed to the current pair is left as
    it is). A value that no key opens is left as it is and named (by model, id and column) in the result, and the
    rest carries on."""
    counts, unreadable = {}, []
    for model, fields in sealed_columns():
        label, resealed, last = model._meta.label, 0, 0
        while True:
            with transaction.atomic():
                batch = sealed_rows(model, fields, after=last, lock=True)
                for pk, *values in batch:
                    changed = {}
                    for field, value in zip(fields, values, strict=True):
                        if not value:  # b"": nothing was written
                            continue
                        try:
                            fresh = crypto.reseal(value)
                        except CryptoError:
                            unreadable.append((label, pk, field))
                            continue
                        if fresh is not None:
                            changed[field] = fresh
                    if changed:
                        model.objects.filter(pk=pk).update(**changed)
                        resealed += len(changed)
            if not batch:
                break
            last = batch[-1][0]
        counts[label] = resealed
    with transaction.atomic():
        audit_record(
            actor=None, action="keys.reseal", detail={"resealed": counts, "unreadable": len(unreadable)}
        )
    return Resealed(counts=counts, unreadable=unreadable)


def report_identifiers_rekey() -> tuple[int, int]:
    """Write every report's blind indexes again under the current BEACON_BLIND_INDEX_KEY, after it has changed,
    whether or not its indexing had finished (a worker may have written them and stopped before marking it), so
    that no digest made with the old key is left. Returns (reports rewritten, reports linked again).

    Each batch of reports is rewritten in a transaction of its own, so a run stopped half-way is simply run
    again. Stop the task workers before the key changes (docs/deploy.md): a report indexed while this runs is
    checked for links against indexes partly still under the old key, so each is sent `report_submitted` again
    at the end (its receivers are idempotent), to be linked against the rewritten indexes."""
    started, rewritten, last = timezone.now(), 0, 0
    while True:
        with transaction.atomic():
            batch = sealed_rows(Report, ["sealed"], after=last, lock=True)
            identifiers = [
                ReportIdentifier(report_id=pk, kind=kind, digest=crypto.blind_index(kind, value))
                for pk, sealed in batch
                for kind, value in sorted(document.identifier_values(crypto.unseal_json(sealed)))
            ]
            ReportIdentifier.objects.filter(report_id__in=[pk for pk, _ in batch]).delete()
            ReportIdentifier.objects.bulk_create(identifiers)
            rewritten += len(batch)
        if not batch:
            break
        last = batch[-1][0]
    meanwhile = list(Report.objects.filter(indexed_at__gte=started).defer("sealed").order_by("pk"))
    for report in meanwhile:
        try:
            with transaction.atomic():
                report_submitted.send(sender=Report, report=report)
        except Exception:
            logger.exception("A receiver of report_submitted failed for report id %s", report.pk)
    with transaction.atomic():
        audit_record(
            actor=None, action="keys.reindex", detail={"reports": rewritten, "linked_again": len(meanwhile)}
        )
    return rewritten, len(meanwhile)


def report_index_done(*, report: Report) -> None:
    """The report's blind indexes are written and other apps have acted on them: later runs leave it alone."""
    Report.objects.filter(pk=report.pk, indexed_at=None).update(indexed_at=timezone.now())


def report_message_add(*, report: Report, direction: str, text: str, author=None, files=()) -> ReportMessage:
    """A question from staff to the reporter, or the reporter's reply, with optional files.

    A question on an identified report emails the reporter a notice without its content; a reply
    emails the triage team a notice without its content.
    """
    if direction not in ReportMessage.Direction.values:
        raise ValidationError("Unknown message direction")
    text = clean_text(text or "")
    if not text:
        raise ValidationError("Enter a message")
    limit = settings.BEACON_REPORT_TEXT_MAX
    if len(text) > limit:
        raise ValidationError(f"The message must be {limit:,} characters or fewer")
    files = list(files)
    if (
        direction == ReportMessage.Direction.FROM_REPORTER
        and len(files) > settings.BEACON_REPORT_REPLY_MAX_FILES
    ):
        raise ValidationError(f"Select {settings.BEACON_REPORT_REPLY_MAX_FILES} files or fewer")
    sealed_files = _seal_files(files)
    now = timezone.now()
    with durable_atomic():
        message = ReportMessage.objects.create(
            report=report,
            direction=direction,
            sealed_text=crypto.seal(text.encode("utf-8")),
            reader_sealed_text=codes.reader_seal(report.reader_public_key, text)
            if report.reader_public_key
            else b"",
            author=author if getattr(author, "pk", None) else None,
            created_at=now,
        )
        ReportAttachment.objects.bulk_create(
            [
                ReportAttachment(
                    report=report,
                    message=message,
                    content_type=f.content_type,
                    size=f.size,
                    sealed_name=f.sealed_name,
                    sealed_data=f.sealed_data,
                    created_at=now,
                )
                for f in sealed_files
            ]
        )
        if direction == ReportMessage.Direction.TO_REPORTER:
            if author is not None:
                audit_record(
                    actor=author,
                    action="report.question",
                    object_type="report",
                    object_id=report.pk,
                    detail={"message": message.pk, "files": len(sealed_files)},
                )
            if not report.anonymous and _reporter_email(report):
                tasks.report_notify_reporter.enqueue(report.pk)  # the worker reads the address itself
        else:
            tasks.report_notify_triage_reply.enqueue(report.pk)
    return message


def _reporter_email(report: Report) -> str:
    if not crypto.can_decrypt():
        logger.warning(
            "report %s: cannot email the reporter from a process without the private key", report.pk
        )
        return ""
    return report_reporter_email(report=report)


def report_delete(*, report: Report, actor=None) -> None:
    """Remove a report with everything attached: identifiers, messages, files and the receipt (its hash
    lives on the report row, so the receipt code stops working at once). The caller records why in the
    audit log (e.g. triage's retention purge); given an `actor`, this writes a "report.delete" row."""
    with transaction.atomic():
        if actor is not None:
            audit_record(actor=actor, action="report.delete", object_type="report", object_id=report.pk)
        ReportAttachment.objects.filter(report=report).delete()
        ReportMessage.objects.filter(report=report).delete()
        ReportIdentifier.objects.filter(report=report).delete()
        Report.objects.filter(pk=report.pk).delete()


# --- Files held during a journey ---------------------------------------------------------------------


def pending_token_new() -> str:
    return secrets.token_urlsafe(32)


def pending_upload_add(*, token: str, file) -> PendingUpload:
    """Clean and seal one file chosen during the journey; hold it until the report is sent."""
    if not token:
        raise ValidationError("Your answers have expired. Start again")
    if PendingUpload.objects.filter(token=token).count() >= settings.BEACON_REPORT_MAX_FILES:
        raise ValidationError(f"You can send up to {settings.BEACON_REPORT_MAX_FILES} files")
    clean = _read(file)
    pending_uploads_purge()
    return PendingUpload.objects.create(
        token=token,
        content_type=clean.content_type,
        size=clean.size,
        sealed_name=crypto.seal(clean.name.encode()),
        sealed_data=crypto.seal(clean.data),
        created_at=timezone.now(),
    )


def pending_upload_remove(*, token: str, upload_id: int) -> None:
    PendingUpload.objects.filter(token=token, pk=upload_id).delete()


def pending_uploads_discard(*, token: str) -> None:
    if token:
        PendingUpload.objects.filter(token=token).delete()


def pending_uploads_touch(*, token: str) -> None:
    """The reporter is still answering: their files are not abandoned."""
    if token:
        PendingUpload.objects.filter(token=token).update(touched_at=timezone.now())


def pending_uploads_purge(*, older_than: timedelta | None = None) -> int:
    """Delete files from journeys abandoned longer ago than a session can live (or `older_than`), counted from
    the journey's last touch (Journey.keep_files touches them at least every PENDING_TOUCH_SECONDS)."""
    session_end = timedelta(seconds=settings.SESSION_COOKIE_AGE + 600)
    now = timezone.now()
    deleted, _ = PendingUpload.objects.filter(
        touched_at__lt=now - (older_than if older_than is not None else session_end)
    ).delete()
    # A sent journey's session cannot outlive SESSION_COOKIE_AGE either: nothing can send it again.
    SentJourney.objects.filter(sent_at__lt=now - session_end).delete()
    return deleted
