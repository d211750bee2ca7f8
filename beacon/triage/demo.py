"""Demo triage work on the demo reports: assessments, gradings, an assignment and a safeguarding
decision, recorded through the real services by the demo staff. Idempotent: a report that already has
an assessment is left alone."""

from django.utils import timezone

from beacon.accounts.models import User
from beacon.reporting.models import Report

from . import services
from .models import Assessment

THRIVE = {
    "threat": "Open dealing linked to a county line; young people contacted by bulk messages.",
    "harm": "high",
    "investigation": "Check the deal-line number against intelligence holdings; request subscriber checks.",
    "vulnerability": "Students at the college are being targeted.",
    "engagement": "Neighbourhood team to visit the college; share with the county lines desk.",
}


def _fresh(report: Report) -> Report:
    return Report.objects.defer("sealed").get(pk=report.pk)


def seed(*, stdout) -> None:
    triage = User.objects.filter(username="triage").first()
    analyst = User.objects.filter(username="analyst").first()
    lead = User.objects.filter(username="safeguarding").first()
    reports = list(Report.objects.defer("sealed").order_by("received_at"))
    if not (triage and analyst and lead) or not reports:
        stdout.write("  triage: skipped (no demo staff or reports)")
        return
    done = 0
    # The two oldest open reports: assessed; the oldest also graded and assigned.
    for index, report in enumerate(r for r in reports[:2] if r.status == Report.Status.NEW):
        if Assessment.objects.filter(report=report).exists():
            continue
        services.assessment_record(
            user=triage,
            report=report,
            expected_version=report.version,
            risk="high" if index == 0 else "medium",
            **THRIVE,
        )
        if index == 0:
            services.grading_record(
                user=analyst,
                report=_fresh(report),
                expected_version=_fresh(report).version,
                source="2",
                intelligence="B",
                handling="P",
            )
            services.report_assign(
                user=triage, report=_fresh(report), expected_version=_fresh(report).version, assignee=triage
            )
        done += 1
    # A report with a child involved: the safeguarding lead records a referral.
    child = next((r for r in reports if r.child_involved and r.status != Report.Status.CLOSED), None)
    if child is not None and not child.safeguarding_decisions.exists():
        services.safeguarding_decision_record(
            user=lead,
            report=_fresh(child),
            expected_version=_fresh(child).version,
            referred=True,
            referral_date=timezone.localdate(),
            referral_reference="MASH-DEMO-0001",
        )
        done += 1
    if done:
        stdout.write(
            f"  triage: {done} demo reports worked (assessed, graded, assigned, safeguarding referral)"
        )
    else:
        stdout.write("  triage: demo work already recorded, nothing added")
