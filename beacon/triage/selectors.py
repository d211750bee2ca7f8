"""Reads for the triage screens: the queue, a report's detail and timeline, links and the network view."""

import datetime as dt
import heapq
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from beacon.core.models import AuditEvent, Neighbourhood
from beacon.reporting.models import CATEGORY_CHOICES, Report, ReportIdentifier

from .models import (
    Assessment,
    Grading,
    Outcome,
    PurgedReportStatistic,
    ReportLink,
    ReportTriage,
    SafeguardingDecision,
    open_note,
)
from .services import OPEN_STATUSES, PERM_ALL_AREAS, PERM_VIEW, PERM_WORK

# Only the clear fields: never load the sealed content for a list.
CLEAR_FIELDS = (
    "id",
    "reference",
    "received_at",
    "categories",
    "immediate_danger",
    "child_involved",
    "child_unknown",
    "postcode_district",
    "neighbourhood",
    "anonymous",
    "status",
    "priority",
    "version",
)
# Never needed for a list, and large or sensitive: the sealed content and the reporter's keys.
SECRET_FIELDS = ("sealed", "receipt_hash", "reader_public_key", "reader_locked_key")
FLAGS = {
    "danger": ("Immediate danger", Q(immediate_danger=True)),
    "child": ("Child involved", Q(child_involved=True)),
    "child_unknown": ("Not known if a child is involved", Q(child_unknown=True)),
    "linked": ("Linked to other reports", Q(triage__linked=True)),
    "anonymous": ("Anonymous", Q(anonymous=True)),
    "identified": ("Reporter gave contact details", Q(anonymous=False)),
}
COUNT_CAP = 10_000


@dataclass
class QueueFilters:
    category: str = ""
    area: int | None = None
    neighbourhood: int | None = None
    status: str = ""  # "" means every open status
    assignee: str = ""  # a user id, or "none"
    flags: list[str] = field(default_factory=list)

    def narrows(self) -> bool:
        """True when a filter other than status applies (the queue cannot then be counted cheaply)."""
        return bool(self.category or self.area or self.neighbourhood or self.assignee or self.flags)

    def as_audit(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}


@dataclass
class QueueRow:
    report: Report
    assignee_name: str
    linked: bool
    waiting: dt.timedelta
    target: dt.timedelta
    overdue: bool
    # Ready to print, so the list template does little work per row.
    categories: str = ""
    area: str = ""
    status: str = ""


@dataclass
class QueuePage:
    rows: list[QueueRow]
    total: int | None  # None: not counted (filters other than status)
    total_is_capped: bool
    page: int
    pages: int | None
    has_next: bool = False


def response_target(*, priority: int) -> dt.timedelta:
    for minimum, minutes in settings.BEACON_TRIAGE_TARGETS:
        if priority >= minimum:
            return dt.timedelta(minutes=minutes)
    return dt.timedelta(minutes=settings.BEACON_TRIAGE_TARGETS[-1][1])


def staff_neighbourhoods(*, user) -> list[int] | None:
    """Which reports a member of staff may see: None for every report (force-wide roles), otherwise the
    ids of the neighbourhood teams they belong to (a neighbourhood supervisor sees the reports routed to
    those teams, and no others)."""
    if user.has_perm(PERM_ALL_AREAS):
        return None
    return list(Neighbourhood.objects.filter(members=user).order_by("pk").values_list("pk", flat=True))


def _within(rows, within: list[int] | None):
    return rows if within is None else rows.filter(neighbourhood_id__in=within)


def _filtered(filters: QueueFilters, within: list[int] | None = None):
    rows = _within(Report.objects.all(), within)
    # Cheap column tests first: SQLite evaluates the WHERE terms in the order written.
    if filters.neighbourhood:
        rows = rows.filter(neighbourhood_id=filters.neighbourhood)
    elif filters.area:
        ids = list(Neighbourhood.objects.filter(area_id=filters.area).values_list("pk", flat=True))
        rows = rows.filter(neighbourhood_id__in=ids)
    for flag in filters.flags:
        if flag in FLAGS:
            rows = rows.filter(FLAGS[flag][1])
    if filters.assignee == "none":
        rows = rows.filter(Q(triage__isnull=True) | Q(triage__assignee__isnull=True))
    elif filters.assignee:
        rows = rows.filter(triage__assignee_id=int(filters.assignee))
    if filters.category:
        if connection.vendor == "postgresql":
            rows = rows.filter(categories__contains=[filters.category])  # jsonb @>
        else:
            # JSON "contains" is not available on SQLite: match the quoted code in the JSON text instead.
            rows = rows.annotate(categories_text=Cast("categories", TextField())).filter(
                categories_text__contains=f'"{filters.category}"'
            )
    return rows


def report_queue(
    *, filters: QueueFilters, page: int = 1, page_size: int | None = None, within: list[int] | None = None
) -> QueuePage:
    """Reports by priority (highest first), then oldest first; only those routed to the neighbourhoods
    `within` when given (see staff_neighbourhoods).

    Each status is read separately down the (status, -priority, received_at) index and the runs are
    merged, so the first pages cost the same with a thousand reports or a million. Counting stops at
    COUNT_CAP ("more than 10,000"); the pages go on beyond it."""
    page_size = page_size or settings.BEACON_TRIAGE_QUEUE_PAGE_SIZE
    statuses = [filters.status] if filters.status else list(OPEN_STATUSES)
    base = _filtered(filters, within)
    total, capped, pages = None, False, None
    if not filters.narrows() and within is None:
        # Counted on the queue index alone, one status at a time (an equality on status lets the
        # database use that index even where it cannot know that most reports are closed). With other
        # filters a count would read every open report, so those pages only say whether more follow.
        total = 0
        for status in statuses:
            total += base.filter(status=status).order_by().values("pk")[: COUNT_CAP + 1 - total].count()
            if total > COUNT_CAP:
                break
        capped = total > COUNT_CAP
        total = min(total, COUNT_CAP)
        pages = max(1, -(-total // page_size))
    page = max(1, min(page, pages if pages and not capped else 200))
    offset = (page - 1) * page_size
    runs = [
        list(
            base.filter(status=status)
            .order_by("-priority", "received_at", "pk")
            .values_list("priority", "received_at", "pk")[: offset + page_size + 1]
        )
        for status in statuses
    ]
    merged = list(heapq.merge(*runs, key=lambda row: (-row[0], row[1], row[2])))
    if not merged[offset : offset + 1] and page > 1:  # past the end: show the last page there is
        page = max(1, -(-len(merged) // page_size))
        offset = (page - 1) * page_size
    has_next = len(merged) > offset + page_size
    ids = [pk for _, _, pk in merged[offset : offset + page_size]]
    reports = {
        r.pk: r
        for r in Report.objects.filter(pk__in=ids)
        .defer(*SECRET_FIELDS)
        .select_related("neighbourhood", "triage")
    }
    names = {}
    assignee_ids = {
        r.triage.assignee_id for r in reports.values() if hasattr(r, "triage") and r.triage.assignee_id
    }
    if assignee_ids:
        for user in get_user_model().objects.filter(pk__in=assignee_ids):
            names[user.pk] = user.get_full_name() or user.get_username()
    now = timezone.now()
    category_labels = dict(CATEGORY_CHOICES)
    status_labels = dict(Report.Status.choices)
    rows = []
    for pk in ids:
        report = reports[pk]
        triage = getattr(report, "triage", None)
        waiting = now - report.received_at
        target = response_target(priority=report.priority)
        assessed = triage is not None and triage.first_assessed_at is not None
        rows.append(
            QueueRow(
                report=report,
                assignee_name=names.get(triage.assignee_id, "") if triage else "",
                linked=bool(triage and triage.linked),
                waiting=waiting,
                target=target,
                overdue=not assessed and report.status == Report.Status.NEW and waiting > target,
                categories="; ".join(category_labels.get(c, c) for c in report.categories or []),
                area=(
                    report.neighbourhood.name
                    if report.neighbourhood
                    else f"{report.postcode_district} (not routed)"
                    if report.postcode_district
                    else "Not known"
                ),
                status=status_labels.get(report.status, report.status),
            )
        )
    return QueuePage(
        rows=rows, total=total, total_is_capped=capped, page=page, pages=pages, has_next=has_next
    )


def _holders(perm: str):
    """Ids of users who hold a permission through a group, directly, or as superusers."""
    app_label, codename = perm.split(".", 1)
    through_group = Q(
        groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label
    )
    direct = Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    return get_user_model().objects.filter(through_group | direct | Q(is_superuser=True)).values("pk")


def staff_who_can_work(*, report: Report | None = None) -> list:
    """Active staff who can be given reports to work (see and work them), by name. With `report`, only
    those who can open it too: staff who see every area, and members of the report's neighbourhood team
    (services.report_assign refuses anyone else)."""
    people = (
        get_user_model()
        .objects.filter(is_active=True, pk__in=_holders(PERM_VIEW))
        .filter(pk__in=_holders(PERM_WORK))
    )
    if report is not None:
        in_scope = Q(pk__in=_holders(PERM_ALL_AREAS))
        if report.neighbourhood_id is not None:
            members = Neighbourhood.members.through.objects.filter(neighbourhood_id=report.neighbourhood_id)
            in_scope |= Q(pk__in=members.values("user_id"))
        people = people.filter(in_scope)
    return list(people.order_by("first_name", "last_name", "username"))


def assignee_choices() -> list[tuple[str, str]]:
    """(id, name) of staff who can work reports, for the queue's filter; cached for a minute."""
    from django.core.cache import cache

    key = "triage:assignee-choices"
    choices = cache.get(key)
    if choices is None:
        choices = [(str(u.pk), u.get_full_name() or u.get_username()) for u in staff_who_can_work()]
        cache.set(key, choices, 60)
    return choices


# --- One report ---------------------------------------------------------------------------------------


def report_for_staff(*, pk: int, within: list[int] | None = None) -> Report:
    """The report with its clear fields, if it is routed to one of the neighbourhoods `within` (when
    given). Report.DoesNotExist otherwise: a 404 is the view's business."""
    rows = _within(Report.objects.defer("sealed").select_related("neighbourhood__area"), within)
    return rows.get(pk=pk)


def report_by_reference(*, reference: str, within: list[int] | None = None) -> Report | None:
    """The report with this reference, if it is routed to one of the neighbourhoods `within` (when given):
    a report outside the staff member's teams is not found."""
    reference = (reference or "").strip().upper()
    if not reference or len(reference) > 12:
        return None
    return _within(Report.objects.defer("sealed"), within).filter(reference=reference).first()


def merged_duplicates(*, report: Report, within: list[int] | None = None) -> list[Report]:
    """Reports closed as duplicates of this one (their timelines merge into its own), only those routed
    to the neighbourhoods `within` when given, oldest first."""
    rows = Report.objects.filter(outcome__duplicate_of=report, outcome__kind=Outcome.Kind.DUPLICATE)
    return list(_within(rows, within).only(*CLEAR_FIELDS).order_by("received_at", "pk"))


@dataclass
class LinkedReport:
    report: Report
    shared: list[tuple[str, str, str]]  # (kind, label, digest)


def report_links(*, report: Report, within: list[int] | None = None) -> list[LinkedReport]:
    links = ReportLink.objects.filter(Q(low=report) | Q(high=report)).values_list(
        "low_id", "high_id", "shared"
    )
    by_other = {}
    for low, high, shared in links:
        by_other[high if low == report.pk else low] = shared
    labels = dict(ReportIdentifier.Kind.choices)
    others = (
        _within(Report.objects.filter(pk__in=by_other), within).only(*CLEAR_FIELDS).order_by("-received_at")
    )
    return [
        LinkedReport(
            report=other,
            shared=[(kind, labels.get(kind, kind), digest) for kind, digest in by_other[other.pk]],
        )
        for other in others
    ]


def report_identifiers(*, report: Report, within: list[int] | None = None) -> list[tuple[str, str, str, int]]:
    """(kind, label, digest, how many other reports share it) for each identifier of the report, counting
    only reports routed to the neighbourhoods `within` when given (see staff_neighbourhoods)."""
    labels = dict(ReportIdentifier.Kind.choices)
    rows = list(ReportIdentifier.objects.filter(report=report).values_list("kind", "digest"))
    sharing = ReportIdentifier.objects.exclude(report=report)
    if within is not None:
        sharing = sharing.filter(report__neighbourhood_id__in=within)
    result = []
    for kind, digest in rows:
        others = sharing.filter(kind=kind, digest=digest).count()
        result.append((kind, labels.get(kind, kind), digest, others))
    return result


def report_timeline(*, report: Report, within: list[int] | None = None) -> list[dict]:
    """Messages with the reporter and staff changes, oldest first, merged with those of any reports
    closed as duplicates of this one that are routed to the neighbourhoods `within` (when given): a
    duplicate outside the staff member's teams shows nothing of itself."""
    from beacon.reporting.selectors import report_messages

    sources = [report, *merged_duplicates(report=report, within=within)]
    entries = []
    for source in sources:
        for message in report_messages(report=source):
            entries.append(
                {
                    "at": message.get("created_at"),
                    "kind": "message",
                    "direction": message.get("direction"),
                    "text": message.get("text", ""),
                    "who": message.get("author_name") or message.get("author") or "",
                    "attachments": message.get("attachments", []),
                    "from_reference": source.reference if source.pk != report.pk else "",
                }
            )
    events = AuditEvent.objects.filter(
        object_type="report", object_id__in=[str(s.pk) for s in sources]
    ).exclude(action__in=["report.view", "report.exported"])
    references = {str(s.pk): s.reference for s in sources}
    for event in events.order_by("at", "id"):
        entries.append(
            {
                "at": event.at,
                "kind": "event",
                "action": event.action,
                "text": _event_text(event),
                "who": event.actor_name,
                "from_reference": references[event.object_id] if event.object_id != str(report.pk) else "",
            }
        )
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    entries.sort(key=lambda e: e["at"] or epoch)
    return entries


_EVENT_TEXT = {
    "report.link": "Linked to other reports that share an identifier",
    "report.assess": "Risk assessed (THRIVE)",
    "report.grade": "Intelligence graded",
    "report.route": "Routed to a neighbourhood team",
    "report.assign": "Assigned",
    "report.action": "Marked as actioned",
    "report.close": "Closed",
    "report.safeguarding": "Safeguarding decision recorded",
    "report.child_involved": "Recorded that a child is involved",
    "report.child_not_involved": "Recorded that no child is involved",
    "report.question": "Question sent to the reporter",
    "report.duplicate_merged": "A duplicate report was merged into this one",
    "report.attachment_view": "A file was opened",
}


def _event_text(event: AuditEvent) -> str:
    text = _EVENT_TEXT.get(event.action, event.action)
    detail = event.detail or {}
    if event.action == "report.grade" and detail.get("grading"):
        text += f": {detail['grading']}"
    elif event.action == "report.assess" and detail.get("risk"):
        text += f": risk {detail['risk']}"
    elif event.action == "report.child_involved" and detail.get("priority"):
        text += f": priority {detail['priority']['from']} to {detail['priority']['to']}"
    elif event.action == "report.close" and detail.get("outcome"):
        text += f": {dict(Outcome.Kind.choices).get(detail['outcome'], detail['outcome']).lower()}"
    return text


def report_record(*, report: Report, within: list[int] | None = None) -> dict:
    """Everything staff recorded about a report, with the notes they wrote opened (`notes`: needs the
    private key). The report it duplicates (`original`) and the duplicates merged into it are given only if
    routed to the neighbourhoods `within` (when given)."""
    triage = ReportTriage.objects.filter(report=report).select_related("assignee").first()
    assessment = Assessment.objects.filter(report=report).select_related("assessed_by").first()
    grading = Grading.objects.filter(report=report).select_related("graded_by").first()
    safeguarding = SafeguardingDecision.objects.filter(report=report).select_related("decided_by").first()
    outcome = Outcome.objects.filter(report=report).select_related("duplicate_of", "recorded_by").first()
    original = outcome.duplicate_of if outcome else None
    if original is not None and within is not None and original.neighbourhood_id not in within:
        original = None
    notes = {}
    if assessment is not None:
        for name in ("threat", "investigation", "vulnerability", "engagement"):
            notes[name] = open_note(getattr(assessment, f"sealed_{name}"))
    notes["conditions"] = open_note(grading.sealed_conditions) if grading else ""
    notes["no_referral_reason"] = open_note(safeguarding.sealed_no_referral_reason) if safeguarding else ""
    notes["reason"] = open_note(outcome.sealed_reason) if outcome else ""
    return {
        "triage": triage,
        "assessment": assessment,
        "grading": grading,
        "safeguarding": safeguarding,
        "outcome": outcome,
        "notes": notes,
        "original": original,
        "duplicates": merged_duplicates(report=report, within=within),
    }


def attachment_for_staff(*, report: Report, attachment_id: int) -> dict | None:
    """One file of the report (or of a reply to it), decrypted, with a name safe for a download."""
    import re

    from beacon.reporting.models import ReportAttachment
    from beacon.reporting.selectors import report_attachment_file

    attachment = ReportAttachment.objects.filter(report=report, pk=attachment_id).first()
    if attachment is None:
        return None
    name, content_type, data = report_attachment_file(attachment=attachment)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:80] or f"file-{attachment.pk}"
    return {"data": data, "content_type": content_type, "download_name": safe}


# --- Network view -------------------------------------------------------------------------------------

NETWORK_LIMIT = 200


@dataclass
class NetworkNode:
    report: Report
    identifiers: list[tuple[str, str, str, bool]]  # (kind, label, digest, shared with another report here)


def identifier_network(*, kind: str, digest: str) -> list[NetworkNode]:
    """Every report with this identifier (newest first, at most NETWORK_LIMIT), and the other identifiers
    in those reports, marking those that appear in more than one of them."""
    report_ids = list(
        ReportIdentifier.objects.filter(kind=kind, digest=digest)
        .order_by("-report_id")
        .values_list("report_id", flat=True)[:NETWORK_LIMIT]
    )
    if not report_ids:
        return []
    around = list(
        ReportIdentifier.objects.filter(report_id__in=report_ids).values_list("report_id", "kind", "digest")
    )
    counts: dict[tuple[str, str], int] = {}
    for _, k, d in around:
        counts[(k, d)] = counts.get((k, d), 0) + 1
    labels = dict(ReportIdentifier.Kind.choices)
    by_report: dict[int, list] = {pk: [] for pk in report_ids}
    for pk, k, d in around:
        if (k, d) != (kind, digest):
            by_report[pk].append((k, labels.get(k, k), d, counts[(k, d)] > 1))
    reports = Report.objects.filter(pk__in=report_ids).only(*CLEAR_FIELDS).in_bulk()
    return [
        NetworkNode(report=reports[pk], identifiers=sorted(by_report[pk], key=lambda i: (not i[3], i[0])))
        for pk in report_ids
        if pk in reports
    ]


def identifier_label(*, kind: str) -> str:
    return dict(ReportIdentifier.Kind.choices).get(kind, kind)


# --- Exports and statistics ---------------------------------------------------------------------------


def exportable_reports(*, filters: QueueFilters, received_from=None, received_to=None, limit: int = 5000):
    """Graded reports matching the filters (any status unless one is chosen), oldest first."""
    rows = _filtered(filters).filter(pk__in=Grading.objects.values("report_id"))
    if filters.status:
        rows = rows.filter(status=filters.status)
    if received_from:
        rows = rows.filter(received_at__date__gte=received_from)
    if received_to:
        rows = rows.filter(received_at__date__lte=received_to)
    return list(rows.only(*CLEAR_FIELDS).order_by("received_at", "pk")[:limit])


def purged_report_counts(*, start: dt.date, end: dt.date) -> list[dict]:
    """Statistics left by purged reports, for insights: month, category, area, outcome, count."""
    rows = PurgedReportStatistic.objects.filter(month__gte=start.replace(day=1), month__lte=end)
    return list(rows.values("month", "category", "area", "outcome", "count"))
