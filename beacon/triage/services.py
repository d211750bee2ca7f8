"""Every write the triage back office makes.

Rules that hold whoever calls them:
- each staff change checks the caller's permission, refuses an illegal status change with a reason, and
  writes its audit row in the same transaction as the change;
- each staff change names the report version its form was built from (`expected_version`); if someone
  else changed the report since, the change is refused and nothing is overwritten (optimistic locking);
- a report closes only with an outcome, and a report with a child involved only after a safeguarding
  lead has recorded a safeguarding decision; only graded reports can be exported.
"""

import datetime as dt
import inspect
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.tasks import Task, TaskResultStatus
from django.utils import timezone

from beacon.core.models import Neighbourhood
from beacon.core.services import audit_record
from beacon.reporting.models import (
    PRIORITY_CHILD,
    PRIORITY_IMMEDIATE_DANGER,
    Report,
    ReportIdentifier,
)

from .models import (
    Assessment,
    Grading,
    Outcome,
    PurgedReportStatistic,
    ReportLink,
    ReportTriage,
    SafeguardingDecision,
    seal_note,
)

PRIORITY_LINKED = 100
# A new report links to at most this many earlier reports (the newest); a very common identifier (a
# busy postcode) must not turn one submission into thousands of rows.
MAX_LINKS_PER_REPORT = 200

Status = Report.Status
OPEN_STATUSES = (Status.NEW, Status.ASSESSED, Status.ASSIGNED, Status.ACTIONED)
STALE_MESSAGE = (
    "Someone else changed this report while you were working on it. "
    "Nothing you entered has been saved: check the report again, then make your change."
)

PERM_VIEW = "triage.view_queue"
PERM_ALL_AREAS = "triage.view_all_areas"
PERM_CONTENT = "reporting.view_report_content"
PERM_WORK = "triage.work_report"
PERM_GRADE = "triage.grade_report"
PERM_SAFEGUARDING = "triage.decide_safeguarding"
PERM_NETWORK = "triage.view_network"
PERM_EXPORT = "triage.export_reports"
PERM_EXPORT_AUDIT = "triage.export_audit_log"


def require_permission(user, *perms: str) -> None:
    if user is None or not user.is_authenticated or not user.has_perms(perms):
        raise PermissionDenied("You do not have permission to do this.")


def priority_compute(*, report: Report, triage: ReportTriage) -> int:
    """Immediate danger first, then a child involved, then reports linked to others; THRIVE adjusts."""
    score = 0
    if report.immediate_danger:
        score += PRIORITY_IMMEDIATE_DANGER
    if report.child_involved:
        score += PRIORITY_CHILD
    if triage.linked:
        score += PRIORITY_LINKED
    return score + triage.risk_adjustment


def _triage_for(report: Report) -> ReportTriage:
    triage, _ = ReportTriage.objects.get_or_create(report=report)
    return triage


# What a staff change may alter on the report row: taken from the database when a change claims the report, and
# put back on the caller's object when the change fails.
_SNAPSHOT_FIELDS = ("version", "status", "priority", "neighbourhood_id", "child_involved", "child_unknown")


def _claim(*, report: Report, expected_version: int) -> Report:
    """Take the report for this change: bump its version if it is still the one the form showed.

    The UPDATE also takes the row's write lock, so two changes to one report run one after the other."""
    updated = Report.objects.filter(pk=report.pk, version=expected_version).update(version=F("version") + 1)
    if updated != 1:
        raise ValidationError(STALE_MESSAGE, code="stale")
    fresh = Report.objects.defer("sealed").get(pk=report.pk)
    for name in _SNAPSHOT_FIELDS:
        setattr(report, name, getattr(fresh, name))
    return fresh


@contextmanager
def _change(*, report: Report, expected_version: int):
    """One staff change: a transaction that first claims the report version. If the change fails, the
    caller's report object is put back as it was, like the database row."""
    snapshot = {name: getattr(report, name) for name in _SNAPSHOT_FIELDS}
    try:
        with transaction.atomic():
            _claim(report=report, expected_version=expected_version)
            yield
    except BaseException:
        for name, value in snapshot.items():
            setattr(report, name, value)
        raise


def _set_status(report: Report, status: str) -> None:
    Report.objects.filter(pk=report.pk).update(status=status)
    report.status = status


def _can_open(person, report: Report) -> bool:
    """Whether this member of staff's team scope includes the report: the scope the queue and the report
    pages use (selectors.staff_neighbourhoods; imported here, as selectors import this module)."""
    from .selectors import staff_neighbourhoods

    within = staff_neighbourhoods(user=person)
    return within is None or report.neighbourhood_id in within


def _require_open(report: Report) -> None:
    if report.status == Status.CLOSED:
        raise ValidationError("This report is closed, so it cannot be changed.", code="closed")


def _audit(user, action: str, report: Report, **detail) -> None:
    audit_record(actor=user, action=action, object_type="report", object_id=report.pk, detail=detail)


# --- Viewing ------------------------------------------------------------------------------------------


def report_view_record(*, user, report: Report, shown: list[str], merged_into: Report | None = None) -> None:
    """Every time a member of staff sees a report's content: who, when (the row's time) and what. A
    duplicate's messages are seen on the timeline of the report it was merged into (`merged_into`)."""
    require_permission(user, PERM_VIEW, PERM_CONTENT)
    detail = {"reference": report.reference, "shown": shown}
    if merged_into is not None:
        detail["merged_into"] = merged_into.reference
    _audit(user, "report.view", report, **detail)


def attachment_view_record(*, user, report: Report, attachment_id: int) -> None:
    require_permission(user, PERM_VIEW, PERM_CONTENT)
    _audit(user, "report.attachment_view", report, attachment=attachment_id)


def identifier_view_record(*, user, kind: str, report_ids: list[int]) -> None:
    """An analyst looked at the reports sharing one identifier. The row names the kind and the reports
    shown, never the identifier's digest (nor part of it): the audit log is kept for ever, and the digest
    would outlive the reports' purge and could be matched against a phone number or registration."""
    require_permission(user, PERM_NETWORK)
    audit_record(
        actor=user,
        action="identifier.view",
        object_type="identifier",
        object_id=kind,
        detail={"kind": kind, "reports": report_ids},
    )


# --- Linking ------------------------------------------------------------------------------------------


def link_candidates(*, pairs: list[tuple[str, str]], exclude_report_id: int | None = None) -> dict[int, list]:
    """Reports holding any of these (kind, digest) identifiers: {report id: [[kind, digest], ...]}.

    One query on the (kind, digest) index; the newest MAX_LINKS_PER_REPORT reports at most."""
    if not pairs:
        return {}
    match = Q()
    for kind, digest in pairs:
        match |= Q(kind=kind, digest=digest)
    rows = ReportIdentifier.objects.filter(match)
    if exclude_report_id is not None:
        rows = rows.exclude(report_id=exclude_report_id)
    shared: dict[int, list[list[str]]] = defaultdict(list)
    for other_id, kind, digest in rows.order_by("-report_id").values_list("report_id", "kind", "digest")[
        : MAX_LINKS_PER_REPORT * len(pairs)
    ]:
        if other_id in shared or len(shared) < MAX_LINKS_PER_REPORT:
            shared[other_id].append([kind, digest])
    return dict(shared)


def reports_link(*, report: Report) -> list[int]:
    """Link a newly submitted report to every earlier report that shares a blind-indexed identifier.

    Runs in the task worker just after the report is stored (see signals.py), and may run again after a
    crash: links are inserted ignoring conflicts and a linked report is raised only once. The lookup uses
    the (kind, digest) index only.
    Returns the ids of the linked reports."""
    with transaction.atomic():
        return _link(report=report)


def _link(*, report: Report) -> list[int]:
    triage = _triage_for(report)
    pairs = list(ReportIdentifier.objects.filter(report=report).values_list("kind", "digest"))
    shared = link_candidates(pairs=pairs, exclude_report_id=report.pk)
    if not shared:
        return []
    other_ids = sorted(shared)
    # Take the rows of every report this changes, in id order, before their triage rows: a staff change
    # takes the report's row first too (_claim), so the two queue instead of deadlocking and each sees the
    # other's priority. (SQLite lets one writer in at a time anyway.)
    list(
        Report.objects.select_for_update()
        .filter(pk__in=[report.pk, *other_ids])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    ReportLink.objects.bulk_create(
        [
            ReportLink(
                low_id=min(other_id, report.pk),
                high_id=max(other_id, report.pk),
                shared=sorted(kinds),
                created_at=now,
            )
            for other_id, kinds in shared.items()
        ],
        ignore_conflicts=True,
    )
    # The other reports are linked now too: raise the priority of those that were not linked before.
    already = set(
        ReportTriage.objects.filter(report_id__in=other_ids, linked=True).values_list("pk", flat=True)
    )
    newly = [pk for pk in other_ids if pk not in already]
    if newly:
        existing = set(ReportTriage.objects.filter(report_id__in=newly).values_list("pk", flat=True))
        ReportTriage.objects.bulk_create(
            [ReportTriage(report_id=pk, linked=True) for pk in newly if pk not in existing]
        )
        ReportTriage.objects.filter(report_id__in=existing).update(linked=True)
        Report.objects.filter(pk__in=newly).update(priority=F("priority") + PRIORITY_LINKED)
    # Raised once, relative to the stored priority, so that a THRIVE adjustment made meanwhile is kept.
    if ReportTriage.objects.filter(pk=triage.pk, linked=False).update(linked=True):
        Report.objects.filter(pk=report.pk).update(priority=F("priority") + PRIORITY_LINKED)
    audit_record(
        actor=None,
        action="report.link",
        object_type="report",
        object_id=report.pk,
        detail={"linked_to": other_ids, "kinds": sorted({k for kinds in shared.values() for k, _ in kinds})},
    )
    return other_ids


# --- Risk, grading, routing ---------------------------------------------------------------------------


def assessment_record(
    *,
    user,
    report: Report,
    expected_version: int,
    threat: str,
    harm: str,
    risk: str,
    investigation: str,
    vulnerability: str,
    engagement: str,
) -> Assessment:
    """Record a THRIVE assessment. Its overall risk raises or lowers the priority; a new report becomes
    assessed. What staff wrote is sealed (models.seal_note)."""
    require_permission(user, PERM_VIEW, PERM_WORK)
    notes = {
        "threat": threat,
        "investigation": investigation,
        "vulnerability": vulnerability,
        "engagement": engagement,
    }
    with _change(report=report, expected_version=expected_version):
        _require_open(report)
        missing = {name: f"Enter {name}" for name, text in notes.items() if not (text or "").strip()}
        if missing:  # as forms.AssessmentForm says: the model cannot tell a sealed note is blank
            raise ValidationError(missing)
        now = timezone.now()
        change = settings.BEACON_TRIAGE_RISK_PRIORITY.get(risk, 0)
        assessment = Assessment(
            report=report,
            sealed_threat=seal_note(threat),
            harm=harm,
            risk=risk,
            sealed_investigation=seal_note(investigation),
            sealed_vulnerability=seal_note(vulnerability),
            sealed_engagement=seal_note(engagement),
            priority_change=change,
            assessed_by=user,
            assessed_at=now,
        )
        assessment.full_clean()
        assessment.save()
        triage = _triage_for(report)
        triage.risk_adjustment = change
        triage.first_assessed_at = triage.first_assessed_at or now
        triage.save(update_fields=["risk_adjustment", "first_assessed_at"])
        before = report.priority
        report.priority = priority_compute(report=report, triage=triage)
        Report.objects.filter(pk=report.pk).update(priority=report.priority)
        previous_status = report.status
        if report.status == Status.NEW:
            _set_status(report, Status.ASSESSED)
        _audit(
            user,
            "report.assess",
            report,
            harm=harm,
            risk=risk,
            priority={"from": before, "to": report.priority},
            status={"from": previous_status, "to": report.status},
        )
    return assessment


def grading_record(
    *,
    user,
    report: Report,
    expected_version: int,
    source: str,
    intelligence: str,
    handling: str,
    conditions: str = "",
) -> Grading:
    require_permission(user, PERM_VIEW, PERM_GRADE)
    with _change(report=report, expected_version=expected_version):
        grading = Grading(
            report=report,
            source=source,
            intelligence=intelligence,
            handling=handling,
            sealed_conditions=seal_note(conditions.strip() if handling == Grading.Handling.C else ""),
            graded_by=user,
            graded_at=timezone.now(),
        )
        grading.full_clean()
        grading.save()
        _audit(user, "report.grade", report, grading=grading.code)
    return grading


def report_route(*, user, report: Report, expected_version: int, neighbourhood: Neighbourhood | None) -> bool:
    """Send the report to another neighbourhood team. If the person it is assigned to cannot open it there, it
    is no longer theirs: an assigned report goes back to "assessed", to be assigned in its new team, rather
    than sit with someone who can no longer see it. Returns whether that happened."""
    require_permission(user, PERM_VIEW, PERM_WORK)
    with _change(report=report, expected_version=expected_version):
        _require_open(report)
        before = report.neighbourhood_id
        Report.objects.filter(pk=report.pk).update(neighbourhood=neighbourhood)
        report.neighbourhood = neighbourhood
        handed_back = {}
        triage = ReportTriage.objects.filter(report=report).select_related("assignee").first()
        if triage is not None and triage.assignee is not None and not _can_open(triage.assignee, report):
            handed_back["assignee"] = {"from": triage.assignee_id, "to": None}
            triage.assignee = None
            triage.save(update_fields=["assignee"])
            if report.status == Status.ASSIGNED:
                handed_back["status"] = {"from": report.status, "to": Status.ASSESSED}
                _set_status(report, Status.ASSESSED)
        _audit(
            user,
            "report.route",
            report,
            neighbourhood={"from": before, "to": neighbourhood.pk if neighbourhood else None},
            **handed_back,
        )
    return bool(handed_back)


def report_child_involved_record(*, user, report: Report, expected_version: int) -> None:
    """Record that a child is involved in a report whose reporter did not say so (a reply to a question, a
    call, other intelligence). It raises the safeguarding flag as if the reporter had: the priority goes up, and
    the report cannot close without a safeguarding decision. There is no way back: a child's case is the
    costlier one to miss, so the flag stays, and the safeguarding decision records what was found."""
    require_permission(user, PERM_VIEW, PERM_WORK)
    with _change(report=report, expected_version=expected_version):
        _require_open(report)
        if report.child_involved:
            raise ValidationError("This report is already marked as involving a child.", code="already_child")
        before = report.priority
        report.child_involved, report.child_unknown = True, False
        report.priority = priority_compute(report=report, triage=_triage_for(report))
        Report.objects.filter(pk=report.pk).update(
            child_involved=True, child_unknown=False, priority=report.priority
        )
        _audit(user, "report.child_involved", report, priority={"from": before, "to": report.priority})


def report_child_not_involved_record(*, user, report: Report, expected_version: int) -> None:
    """Record that no child is involved in a report whose reporter did not know: staff asked, or found out. It
    takes the report out of "Not known if a child is involved"; the priority is unchanged (not knowing never
    raised it). Only for a report marked "not known": the safeguarding flag itself is never taken away."""
    require_permission(user, PERM_VIEW, PERM_WORK)
    with _change(report=report, expected_version=expected_version):
        _require_open(report)
        if not report.child_unknown:
            raise ValidationError(
                "Only a report whose reporter did not know whether a child is involved can be marked as not "
                "involving one.",
                code="not_unknown",
            )
        report.child_unknown = False
        Report.objects.filter(pk=report.pk).update(child_unknown=False)
        _audit(user, "report.child_not_involved", report)


# --- Status workflow ----------------------------------------------------------------------------------


def report_assign(*, user, report: Report, expected_version: int, assignee) -> None:
    """Give the report to a member of staff who can work it and open it (someone who sees every area, or
    a member of the report's neighbourhood team). An assessed report becomes assigned; an assigned or
    actioned one is handed over without changing its status."""
    require_permission(user, PERM_VIEW, PERM_WORK)
    if assignee is None or not assignee.is_active or not assignee.has_perms([PERM_VIEW, PERM_WORK]):
        raise ValidationError({"assignee": "Select someone who can work on reports"})
    with _change(report=report, expected_version=expected_version):
        _require_open(report)
        if report.status == Status.NEW:
            raise ValidationError(
                "Record a risk assessment (THRIVE) before you assign this report.", code="not_assessed"
            )
        if not _can_open(assignee, report):
            raise ValidationError(
                {
                    "assignee": "Select someone who can open this report: they must be in its neighbourhood "
                    "team, or see reports from every area"
                }
            )
        triage = _triage_for(report)
        before = triage.assignee_id
        triage.assignee = assignee
        triage.save(update_fields=["assignee"])
        previous_status = report.status
        if report.status == Status.ASSESSED:
            _set_status(report, Status.ASSIGNED)
        _audit(
            user,
            "report.assign",
            report,
            assignee={"from": before, "to": assignee.pk},
            status={"from": previous_status, "to": report.status},
        )


def report_mark_actioned(*, user, report: Report, expected_version: int) -> None:
    require_permission(user, PERM_VIEW, PERM_WORK)
    with _change(report=report, expected_version=expected_version):
        if report.status != Status.ASSIGNED:
            raise ValidationError(
                f"Only an assigned report can be marked as actioned. This report is {report.get_status_display().lower()}.",
                code="illegal_transition",
            )
        _set_status(report, Status.ACTIONED)
        _audit(user, "report.action", report, status={"from": Status.ASSIGNED, "to": Status.ACTIONED})


def report_close(
    *,
    user,
    report: Report,
    expected_version: int,
    kind: str,
    crime_reference: str = "",
    reason: str = "",
    duplicate_of: Report | None = None,
) -> Outcome:
    """Close a report with its outcome. Only an actioned report closes, except a duplicate, which can
    close from any open status. A report with a child involved needs a safeguarding decision first, and
    "safeguarding referral made" needs the newest safeguarding decision to be a referral."""
    require_permission(user, PERM_VIEW, PERM_WORK)
    with _change(report=report, expected_version=expected_version):
        _require_open(report)
        if kind != Outcome.Kind.DUPLICATE and report.status != Status.ACTIONED:
            raise ValidationError(
                "A report can only be closed once it has been actioned (unless it is a duplicate). "
                f"This report is {report.get_status_display().lower()}.",
                code="illegal_transition",
            )
        if report.child_involved and not SafeguardingDecision.objects.filter(report=report).exists():
            raise ValidationError(
                "A child is involved in this report, so a safeguarding lead must record a safeguarding "
                "decision before it can be closed.",
                code="safeguarding_required",
            )
        if kind == Outcome.Kind.SAFEGUARDING_REFERRAL:
            latest = SafeguardingDecision.objects.filter(report=report).first()  # newest first
            if latest is None or not latest.referred:
                raise ValidationError(
                    {
                        "kind": "Select another outcome: a safeguarding lead has not recorded a referral "
                        "to the multi-agency safeguarding hub (MASH) for this report"
                    }
                )
        if kind == Outcome.Kind.DUPLICATE:
            if duplicate_of is None:
                raise ValidationError({"duplicate_of": "Enter the reference of the original report"})
            if duplicate_of.pk == report.pk:
                raise ValidationError({"duplicate_of": "A report cannot be a duplicate of itself"})
            if not _can_open(user, duplicate_of):  # as the form says of a report outside their teams
                raise ValidationError({"duplicate_of": "There is no report with that reference"})
            original_outcome = Outcome.objects.filter(report=duplicate_of).first()
            if original_outcome and original_outcome.kind == Outcome.Kind.DUPLICATE:
                raise ValidationError(
                    {
                        "duplicate_of": "That report is itself a duplicate: enter the original report's reference"
                    }
                )
        else:
            duplicate_of = None
        now = timezone.now()
        outcome = Outcome(
            report=report,
            kind=kind,
            crime_reference=crime_reference.strip() if kind == Outcome.Kind.CRIME_RECORDED else "",
            sealed_reason=seal_note(reason.strip() if kind == Outcome.Kind.NO_FURTHER_ACTION else ""),
            duplicate_of=duplicate_of,
            recorded_by=user,
            recorded_at=now,
        )
        outcome.full_clean()
        try:
            with transaction.atomic():
                outcome.save()
        except IntegrityError:
            raise ValidationError("This report already has an outcome.", code="closed") from None
        previous_status = report.status
        _set_status(report, Status.CLOSED)
        triage = _triage_for(report)
        triage.closed_at = now
        triage.save(update_fields=["closed_at"])
        detail = {"outcome": kind, "status": {"from": previous_status, "to": Status.CLOSED}}
        if duplicate_of is not None:
            detail["duplicate_of"] = duplicate_of.pk
        _audit(user, "report.close", report, **detail)
        if duplicate_of is not None:
            _audit(user, "report.duplicate_merged", duplicate_of, duplicate=report.pk)
    return outcome


def safeguarding_decision_record(
    *,
    user,
    report: Report,
    expected_version: int,
    referred: bool,
    referral_date: dt.date | None = None,
    referral_reference: str = "",
    no_referral_reason: str = "",
) -> SafeguardingDecision:
    """A safeguarding lead records a referral to the multi-agency safeguarding hub, or why there was none."""
    require_permission(user, PERM_VIEW, PERM_SAFEGUARDING)
    errors = {}
    if referred:
        if referral_date is None:
            errors["referral_date"] = "Enter the date of the referral"
        elif referral_date > timezone.localdate():
            errors["referral_date"] = "The date of the referral must be today or in the past"
        if not referral_reference.strip():
            errors["referral_reference"] = "Enter the referral reference"
    elif not no_referral_reason.strip():
        errors["no_referral_reason"] = "Enter why there was no referral"
    if errors:
        raise ValidationError(errors)
    with _change(report=report, expected_version=expected_version):
        _require_open(report)
        decision = SafeguardingDecision(
            report=report,
            referred=referred,
            referral_date=referral_date if referred else None,
            referral_reference=referral_reference.strip() if referred else "",
            sealed_no_referral_reason=seal_note("" if referred else no_referral_reason.strip()),
            decided_by=user,
            decided_at=timezone.now(),
        )
        decision.full_clean()
        decision.save()
        _audit(user, "report.safeguarding", report, referred=referred)
    return decision


# --- Follow-up questions ------------------------------------------------------------------------------


def followup_question_send(*, user, report: Report, text: str):
    """Ask the reporter a question. Anonymous reporters read it with their receipt code; identified
    reporters get an email that says only that there is a message (reporting's report_message_add)."""
    from beacon.reporting.models import ReportMessage
    from beacon.reporting.services import report_message_add

    require_permission(user, PERM_VIEW, PERM_WORK)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter your question"})
    with transaction.atomic():
        locked = Report.objects.select_for_update().defer("sealed").get(pk=report.pk)
        _require_open(locked)
        # report_message_add writes the "report.question" audit row in this same transaction.
        message = report_message_add(
            report=report, direction=ReportMessage.Direction.TO_REPORTER, text=text, author=user
        )
    return message


# --- Exports ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes
    count: int


def reports_export(*, user, reports: Iterable[Report], fmt: str) -> ExportFile:
    """Export graded reports for the records system (docs/export.md). Ungraded reports are refused."""
    from . import exports

    require_permission(user, PERM_VIEW, PERM_CONTENT, PERM_EXPORT)
    if fmt not in exports.FORMATS:
        raise ValidationError({"format": "Select CSV or JSON"})
    reports = list(reports)
    if not reports:
        raise ValidationError(
            "There are no graded reports to export. Change the filters or grade reports first."
        )
    graded = set(Grading.objects.filter(report__in=reports).values_list("report_id", flat=True))
    ungraded = [r.reference for r in reports if r.pk not in graded]
    if ungraded:
        raise ValidationError(
            "Grade these reports before you export them: "
            + ", ".join(sorted(ungraded)[:20])
            + (f" and {len(ungraded) - 20} more" if len(ungraded) > 20 else ""),
            code="ungraded",
        )
    now = timezone.now()
    with transaction.atomic():
        records = exports.export_records(reports=reports, exported_at=now)
        content = exports.render(records=records, fmt=fmt, exported_at=now)
        audit_record(
            actor=user,
            action="report.export",
            object_type="export",
            object_id=f"{now:%Y%m%dT%H%M%S}",
            detail={"format": fmt, "count": len(records), "reports": [r.pk for r in reports]},
        )
        for report in reports:
            _audit(user, "report.exported", report, format=fmt, reference=report.reference)
    return ExportFile(
        filename=f"beacon-reports-{now:%Y%m%d-%H%M%S}.{fmt}",
        content_type=exports.FORMATS[fmt],
        content=content,
        count=len(records),
    )


def audit_log_export_record(*, user, count: int, filters: dict) -> None:
    require_permission(user, PERM_EXPORT_AUDIT)
    audit_record(
        actor=user, action="audit.export", object_type="audit", detail={"count": count, "filters": filters}
    )


# --- Policing areas ---------------------------------------------------------------------------------


def area_save(*, user, instance, created: bool, members=None) -> None:
    """Save a policing area or neighbourhood team (administrators), with its audit row. `members` (a
    neighbourhood's staff, who then see its reports) replaces the team's members when given."""
    opts = instance._meta
    action = "add" if created else "change"
    require_permission(user, f"{opts.app_label}.{action}_{opts.model_name}")
    with transaction.atomic():
        instance.full_clean()
        instance.save()
        detail = {"name": instance.name}
        if hasattr(instance, "postcode_districts"):
            detail["postcode_districts"] = list(instance.postcode_districts or [])
        if members is not None:
            instance.members.set(members)
            detail["members"] = sorted(member.get_username() for member in members)
        audit_record(
            actor=user,
            action=f"{opts.model_name}.{'create' if created else 'change'}",
            object_type=opts.model_name,
            object_id=instance.pk,
            detail=detail,
        )


# --- Retention ----------------------------------------------------------------------------------------


def _month(value: dt.datetime) -> dt.date:
    local = timezone.localtime(value)
    return dt.date(local.year, local.month, 1)


def _task_rows():
    """The task queue's rows (django-tasks-db), or None where that backend is not installed."""
    if not apps.is_installed("django_tasks_db"):
        return None
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects


def _report_task_paths() -> list[str]:
    """The reporting tasks whose first argument is a report's id. Their queue rows keep that id after they
    have run (and rows of the reporter's emails queued by earlier releases, a locked copy of the address)."""
    from beacon.reporting import tasks as reporting_tasks

    return sorted(
        value.module_path
        for value in vars(reporting_tasks).values()
        if isinstance(value, Task) and list(inspect.signature(value.func).parameters)[:1] == ["report_id"]
    )


def _task_rows_prune(*, now: dt.datetime) -> int:
    """Delete finished task queue rows older than the shortest retention period (their arguments hold a
    report's id, and nothing reads a finished row). Returns how many went."""
    rows = _task_rows()
    if rows is None:
        return 0
    cutoff = now - dt.timedelta(days=min(settings.BEACON_RETENTION_DAYS.values()))
    deleted, _ = rows.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED], finished_at__lt=cutoff
    ).delete()
    return deleted


def _report_task_rows_delete(*, report_ids: list[int]) -> None:
    """Delete the task queue rows of these reports (matched on their first argument, the report id),
    except a task running now, which finds no report and is pruned once finished."""
    rows = _task_rows()
    if rows is not None and report_ids:
        rows.filter(task_path__in=_report_task_paths(), args_kwargs__args__0__in=report_ids).exclude(
            status=TaskResultStatus.RUNNING
        ).delete()


def reports_purge_expired(*, now: dt.datetime | None = None, batch_size: int = 200) -> int:
    """Delete closed reports kept longer than their outcome's retention period, with their identifiers,
    messages, files, receipt and task queue rows, keeping one statistical row each (category, area,
    month, outcome). Finished task queue rows older than the shortest period go too.

    Each report goes in its own transaction with its statistics and its audit row; the task rows of a
    batch of reports go just before them."""
    from beacon.reporting.services import report_delete

    now = now or timezone.now()
    _task_rows_prune(now=now)
    purged = 0
    for kind, days in settings.BEACON_RETENTION_DAYS.items():
        cutoff = now - dt.timedelta(days=days)
        while True:
            ids = list(
                Outcome.objects.filter(kind=kind, recorded_at__lt=cutoff, report__status=Status.CLOSED)
                .order_by("recorded_at")
                .values_list("report_id", flat=True)[:batch_size]
            )
            if not ids:
                break
            _report_task_rows_delete(report_ids=ids)
            for report in Report.objects.filter(pk__in=ids).select_related("neighbourhood").defer("sealed"):
                with transaction.atomic():
                    area = report.neighbourhood.name if report.neighbourhood else "Unknown"
                    month = _month(report.received_at)
                    for category in report.categories or ["other"]:
                        stat, _ = PurgedReportStatistic.objects.get_or_create(
                            month=month, category=str(category)[:40], area=area[:100], outcome=kind
                        )
                        PurgedReportStatistic.objects.filter(pk=stat.pk).update(count=F("count") + 1)
                    audit_record(
                        actor=None,
                        action="report.purge",
                        object_type="report",
                        object_id=report.pk,
                        detail={"outcome": kind, "month": month.isoformat(), "retention_days": days},
                    )
                    report_delete(report=report)
                    purged += 1
    return purged
