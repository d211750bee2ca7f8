"""Reads for the reporting pages, the triage back office and the campaign dashboard."""

import datetime
from collections import Counter

from django.apps import apps
from django.db import models
from django.db.models import Count
from django.utils import timezone
from nacl.exceptions import CryptoError

from beacon.core.models import Neighbourhood

from . import codes, crypto
from .models import PendingUpload, Report, ReportAttachment, ReportMessage


def neighbourhood_id_for_district(*, district: str) -> int | None:
    """The id of the neighbourhood whose postcode districts include this outward code ("NN1")."""
    district = (district or "").strip().upper()
    if not district:
        return None
    for pk, districts in Neighbourhood.objects.order_by("pk").values_list("pk", "postcode_districts"):
        if district in (districts or []):
            return pk
    return None


def reports_unindexed(*, older_than: datetime.timedelta) -> list[int]:
    """Ids of reports whose blind indexes the back office has not written (tasks.report_index), stored longer
    ago than `older_than`, oldest first."""
    cutoff = timezone.now() - older_than
    unindexed = Report.objects.filter(indexed_at=None, received_at__lt=cutoff).order_by("received_at")
    return list(unindexed.values_list("pk", flat=True))


# --- Back office (needs the private key) -------------------------------------------------------------


def sealed_columns() -> list[tuple[type[models.Model], list[str]]]:
    """Every column, in every app, that holds values sealed to the report key pair, by model: Beacon names them
    `sealed` or `sealed_*` (what is sealed to a reporter's own key is named `reader_*`)."""
    found = []
    for model in apps.get_models():
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.BinaryField) and field.name.split("_")[0] == "sealed"
        ]
        if fields:
            found.append((model, fields))
    return found


SEALED_BATCH = 200  # rows read (and, sealing again, locked and written) at a time
SEALED_FILE_BATCH = 5  # rows that hold a file (up to 20 MB each) at a time


def sealed_rows(
    model: type[models.Model], fields: list[str], *, after: int, lock: bool = False
) -> list[tuple]:
    """The next batch of (id, *sealed values) of a sealed_columns() model after id `after`, in id order, or [].
    Locked until the caller's transaction ends, with lock."""
    rows = model.objects.filter(pk__gt=after).order_by("pk")
    if lock:
        rows = rows.select_for_update()
    size = SEALED_FILE_BATCH if "sealed_data" in fields else SEALED_BATCH
    return list(rows.values_list("pk", *fields)[:size])


def sealed_values_on_older_keys() -> dict[str, int]:
    """How many sealed values, by model, the current key pair does not open: those sealed to a key that
    BEACON_REPORT_PRIVATE_KEY names after the first (reports_rekey seals them again), or to none it names."""
    counts = {}
    for model, fields in sealed_columns():
        older, last = 0, 0
        while batch := sealed_rows(model, fields, after=last):
            older += sum(
                1 for _, *values in batch for value in values if value and not crypto.sealed_to_current(value)
            )
            last = batch[-1][0]
        counts[model._meta.label] = older
    return counts


def report_content(*, report: Report) -> dict:
    """Every answer in the report, decrypted (docs/report-content.md). Needs the private key."""
    return crypto.unseal_json(report.sealed)


def report_reporter_email(*, report: Report) -> str:
    """The address an identified reporter gave and ticked as a safe way to contact them, or "". Needs the
    private key (a reporter's emails are sent by back-office task workers, which read it as they send)."""
    if report.anonymous:
        return ""
    contact = report_content(report=report).get("contact") or {}
    return contact.get("email", "") if "email" in (contact.get("ways") or []) else ""


def report_messages(*, report: Report) -> list[dict]:
    """The question-and-reply timeline, decrypted, oldest first. Needs the private key."""
    messages = (
        ReportMessage.objects.filter(report=report).select_related("author").order_by("created_at", "id")
    )
    attachments: dict[int, list[dict]] = {}
    for attachment in ReportAttachment.objects.filter(report=report, message__isnull=False).order_by("id"):
        attachments.setdefault(attachment.message_id, []).append(_attachment_summary(attachment))
    return [
        {
            "id": message.pk,
            "direction": message.direction,
            "text": crypto.unseal(message.sealed_text).decode("utf-8"),
            "author": message.author.get_username() if message.author else "",
            "created_at": message.created_at,
            "attachments": attachments.get(message.pk, []),
        }
        for message in messages
    ]


def _attachment_summary(attachment: ReportAttachment) -> dict:
    return {
        "id": attachment.pk,
        "name": crypto.unseal(attachment.sealed_name).decode("utf-8", "replace"),
        "content_type": attachment.content_type,
        "size": attachment.size,
    }


def report_attachments(*, report: Report) -> list[dict]:
    """Files sent with the report itself (not with replies): id, name, type, size. Needs the private key."""
    return [
        _attachment_summary(a)
        for a in ReportAttachment.objects.filter(report=report, message__isnull=True).order_by("id")
    ]


def report_attachment_file(*, attachment: ReportAttachment) -> tuple[str, str, bytes]:
    """(file name, content type, bytes) of one cleaned file. Needs the private key."""
    return (
        crypto.unseal(attachment.sealed_name).decode("utf-8", "replace"),
        attachment.content_type,
        crypto.unseal(attachment.sealed_data),
    )


# --- The campaign dashboard --------------------------------------------------------------------------


def _received_between(start: datetime.date, end: datetime.date):
    """Reports received from `start` to `end` inclusive (local dates), with no ordering to group by."""
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return Report.objects.filter(received_at__gte=since, received_at__lt=until).order_by()


def report_counts(*, start: datetime.date, end: datetime.date) -> list[dict]:
    """Category ticks in the reports received from `start` to `end` inclusive (local dates), one row per
    category and neighbourhood ("Unknown" when not routed). A report with several categories is in several
    rows, so these do not add up to the number of reports: that is `report_totals`. Uses only the fields
    kept in clear, counted in one query grouped by the set of categories (a few dozen groups, however many
    reports)."""
    counts: Counter = Counter()
    groups = (
        _received_between(start, end)
        .values("categories", "neighbourhood__name")
        .annotate(reports=Count("pk"))
        .values_list("categories", "neighbourhood__name", "reports")
    )
    for categories, area, reports in groups:
        for category in set(categories or []):
            counts[(category, area or "Unknown")] += reports
    return [
        {"category": category, "area": area, "count": count}
        for (category, area), count in sorted(counts.items())
    ]


def report_totals(*, start: datetime.date, end: datetime.date) -> dict:
    """How many reports were received from `start` to `end` inclusive (local dates), each counted once
    whatever its categories: {"total": n, "by_area": {neighbourhood name or "Unknown": n}}. One query."""
    by_area: Counter = Counter()
    groups = (
        _received_between(start, end)
        .values("neighbourhood__name")
        .annotate(reports=Count("pk"))
        .values_list("neighbourhood__name", "reports")
    )
    for area, reports in groups:
        by_area[area or "Unknown"] += reports
    return {"total": sum(by_area.values()), "by_area": dict(sorted(by_area.items()))}


# --- The public follow-up (receipt code only) --------------------------------------------------------

STATUS_WORDS = {
    Report.Status.NEW: ("Received", "We have your report. Someone will look at it soon."),
    Report.Status.ASSESSED: ("Being looked at", "Our team has read your report and is deciding what to do."),
    Report.Status.ASSIGNED: ("Being looked at", "A team is working on what you told us."),
    Report.Status.ACTIONED: ("Being looked at", "We have acted on what you told us."),
    Report.Status.CLOSED: ("Closed", "We have finished working on this report. Thank you for telling us."),
}


def report_for_receipt(*, code: str) -> Report | None:
    normalised = codes.receipt_normalise(code)
    if normalised is None:
        return None
    found = Report.objects.filter(
        receipt_hash=codes.receipt_hash(normalised), anonymous=True, receipt_legacy=False
    ).first()
    return found or _legacy_report_for_receipt(normalised)


def _legacy_report_for_receipt(normalised: str) -> Report | None:
    """A report made before receipts had a key of their own, found by the receipt code unlocking its reading key
    (its stored hash was made with the blind-index key, which this process does not hold). One authenticated
    decryption per such report, on an unknown code only; their number only falls, as they are purged."""
    legacy = Report.objects.filter(receipt_legacy=True, anonymous=True).exclude(reader_locked_key=b"")
    for pk, reference, locked_key in legacy.values_list("pk", "reference", "reader_locked_key").iterator():
        if codes.reader_key_opens(receipt_normalised=normalised, reference=reference, locked_key=locked_key):
            return Report.objects.filter(pk=pk).first()
    return None


def followup_view(*, report: Report, code: str) -> dict:
    """What an anonymous reporter sees with their receipt code: the status in plain words, and the
    questions and replies, opened with the reporter's own key (locked with the receipt code)."""
    normalised = codes.receipt_normalise(code)
    label, explanation = STATUS_WORDS.get(report.status, STATUS_WORDS[Report.Status.NEW])
    messages = []
    try:
        box = codes.reader_box(
            receipt_normalised=normalised, reference=report.reference, locked_key=report.reader_locked_key
        )
    except (CryptoError, TypeError, ValueError):
        box = None
    files = Counter(
        ReportAttachment.objects.filter(report=report, message__isnull=False).values_list(
            "message_id", flat=True
        )
    )
    for message in ReportMessage.objects.filter(report=report).order_by("created_at", "id"):
        text = ""
        if box is not None and message.reader_sealed_text:
            try:
                text = box.decrypt(bytes(message.reader_sealed_text)).decode("utf-8")
            except CryptoError:
                text = ""
        messages.append(
            {
                "from_staff": message.direction == ReportMessage.Direction.TO_REPORTER,
                "text": text,
                "created_at": message.created_at,
                "files": files.get(message.pk, 0),
            }
        )
    return {
        "reference": report.reference,
        "received_on": timezone.localtime(report.received_at).date(),
        "status": label,
        "status_explanation": explanation,
        "closed": report.status == Report.Status.CLOSED,
        "messages": messages,
        "questions_waiting": bool(messages) and messages[-1]["from_staff"],
    }


def pending_uploads(*, token: str, with_data: bool = False) -> list[PendingUpload]:
    """Files held for a journey in progress (their content only when asked: it can be large)."""
    if not token:
        return []
    rows = PendingUpload.objects.filter(token=token).order_by("created_at", "id")
    return list(rows if with_data else rows.defer("sealed_data"))
