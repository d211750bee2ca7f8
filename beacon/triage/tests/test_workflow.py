"""The status workflow and the rules around it, through the real services."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beacon.accounts import roles
from beacon.core.models import AuditEvent, Neighbourhood
from beacon.reporting.models import Report
from beacon.triage import selectors, services
from beacon.triage.models import Assessment, Grading, Outcome, ReportTriage, SafeguardingDecision, open_note

from .conftest import THRIVE, assess


def assign(user, report, assignee):
    report.refresh_from_db()
    services.report_assign(user=user, report=report, expected_version=report.version, assignee=assignee)


def actioned(user, report):
    report.refresh_from_db()
    services.report_mark_actioned(user=user, report=report, expected_version=report.version)


def close(user, report, **kwargs):
    report.refresh_from_db()
    kwargs.setdefault("kind", "intelligence_recorded")
    return services.report_close(user=user, report=report, expected_version=report.version, **kwargs)


def actions_for(report) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="report", object_id=str(report.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_the_whole_workflow_new_to_closed(submit, officer):
    report = submit()
    assert report.status == "new"
    assess(officer, report)
    report.refresh_from_db()
    assert report.status == "assessed"
    assign(officer, report, officer)
    report.refresh_from_db()
    assert report.status == "assigned"
    assert ReportTriage.objects.get(report=report).assignee == officer
    actioned(officer, report)
    report.refresh_from_db()
    assert report.status == "actioned"
    outcome = close(officer, report)
    report.refresh_from_db()
    assert report.status == "closed"
    assert outcome.kind == "intelligence_recorded"
    assert ReportTriage.objects.get(report=report).closed_at is not None
    assert actions_for(report) == ["report.assess", "report.assign", "report.action", "report.close"]
    # each change bumped the version once
    assert report.version == 5


def test_audit_rows_name_who_and_what_changed(submit, officer):
    report = submit()
    assess(officer, report, risk="high")
    event = AuditEvent.objects.get(action="report.assess")
    assert event.actor == officer
    assert event.detail["status"] == {"from": "new", "to": "assessed"}
    assert event.detail["priority"] == {"from": 0, "to": 200}
    assert "Dealing" not in str(event.detail)  # no report or assessment text in the audit log


@pytest.mark.parametrize(
    ("risk", "expected"),
    [("high", 200), ("medium", 0), ("low", -50)],
)
def test_thrive_raises_or_lowers_the_priority(submit, officer, risk, expected):
    report = submit()
    assess(officer, report, risk=risk)
    report.refresh_from_db()
    assert report.priority == expected
    assert Assessment.objects.get(report=report).priority_change == expected


def test_reassessment_replaces_the_adjustment_rather_than_adding(submit, officer):
    report = submit(immediate_danger=True)
    assess(officer, report, risk="high")
    assess(officer, report, risk="low")
    report.refresh_from_db()
    assert report.priority == 1000 - 50
    assert report.status == "assessed"


def test_cannot_assign_before_assessment(submit, officer):
    report = submit()
    with pytest.raises(ValidationError, match="risk assessment"):
        assign(officer, report, officer)
    report.refresh_from_db()
    assert report.status == "new"
    assert report.version == 1  # the refused change left nothing behind


def test_cannot_mark_actioned_unless_assigned(submit, officer):
    report = submit()
    assess(officer, report)
    with pytest.raises(ValidationError, match="Only an assigned report"):
        actioned(officer, report)


def test_closing_needs_an_actioned_report(submit, officer):
    report = submit()
    assess(officer, report)
    with pytest.raises(ValidationError, match="once it has been actioned"):
        close(officer, report)
    assert not Outcome.objects.exists()


def test_a_closed_report_cannot_change(submit, officer):
    report = submit()
    assess(officer, report)
    assign(officer, report, officer)
    actioned(officer, report)
    close(officer, report)
    with pytest.raises(ValidationError, match="closed"):
        assess(officer, report)
    with pytest.raises(ValidationError, match="closed"):
        services.followup_question_send(user=officer, report=report, text="Anything else?")


def _to_actioned(officer, report):
    assess(officer, report)
    assign(officer, report, officer)
    actioned(officer, report)


def test_outcome_rules(submit, officer):
    report = submit()
    _to_actioned(officer, report)
    with pytest.raises(ValidationError) as crime:
        close(officer, report, kind="crime_recorded")
    assert "crime_reference" in crime.value.message_dict
    with pytest.raises(ValidationError) as nfa:
        close(officer, report, kind="no_further_action", reason="  ")
    assert "reason" in nfa.value.message_dict
    with pytest.raises(ValidationError):
        close(officer, report, kind="not-a-kind")
    outcome = close(officer, report, kind="crime_recorded", crime_reference="NV/12345/26")
    assert outcome.crime_reference == "NV/12345/26"


def test_a_child_report_cannot_close_without_a_safeguarding_decision(submit, officer, safeguarding_lead):
    report = submit(
        categories=["child_exploitation"], child={"ages": "15", "in_danger": "no", "where_known": ""}
    )
    assert report.child_involved
    _to_actioned(officer, report)
    with pytest.raises(ValidationError, match="safeguarding lead"):
        close(officer, report)

    # a triage officer cannot record the decision
    report.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.safeguarding_decision_record(
            user=officer,
            report=report,
            expected_version=report.version,
            referred=False,
            no_referral_reason="x",
        )

    report.refresh_from_db()
    services.safeguarding_decision_record(
        user=safeguarding_lead,
        report=report,
        expected_version=report.version,
        referred=True,
        referral_date=timezone.localdate(),
        referral_reference="MASH-2026-0042",
    )
    close(officer, report, kind="safeguarding_referral")
    report.refresh_from_db()
    assert report.status == "closed"
    assert AuditEvent.objects.filter(action="report.safeguarding", actor=safeguarding_lead).exists()


def mark_child(user, report):
    report.refresh_from_db()
    services.report_child_involved_record(user=user, report=report, expected_version=report.version)


def test_staff_can_record_that_a_child_is_involved_and_the_safeguarding_rule_then_applies(
    submit, officer, safeguarding_lead
):
    """The reporter did not know; a reply to a question, or other intelligence, says a child is involved."""
    report = submit(child_involved_answer="unknown")
    assert (report.child_involved, report.child_unknown, report.priority) == (False, True, 0)
    _to_actioned(officer, report)
    report.refresh_from_db()
    before = report.priority

    mark_child(officer, report)
    report.refresh_from_db()
    assert (report.child_involved, report.child_unknown) == (True, False)
    assert report.priority == before + services.PRIORITY_CHILD
    event = AuditEvent.objects.get(action="report.child_involved")
    assert event.actor == officer and event.detail["priority"] == {"from": before, "to": report.priority}

    texts = [entry["text"] for entry in selectors.report_timeline(report=report)]
    assert f"Recorded that a child is involved: priority {before} to {report.priority}" in texts

    # It is now a child's case like any other: no closing without a safeguarding decision.
    with pytest.raises(ValidationError, match="safeguarding lead"):
        close(officer, report)
    _decide(safeguarding_lead, report, referred=True)
    close(officer, report, kind="safeguarding_referral")
    report.refresh_from_db()
    assert report.status == "closed"


def test_recording_a_child_is_refused_twice_when_closed_when_stale_and_without_permission(
    submit, officer, analyst
):
    report = submit()
    with pytest.raises(PermissionDenied):
        mark_child(analyst, report)  # an analyst grades and links; working a report is a triage role's
    stale = report.version
    assess(officer, report)
    report.refresh_from_db()
    with pytest.raises(ValidationError, match="changed"):
        services.report_child_involved_record(user=officer, report=report, expected_version=stale)
    assert (report.child_involved, report.version) == (False, stale + 1)  # the object is put back too

    mark_child(officer, report)
    with pytest.raises(ValidationError, match="already marked"):
        mark_child(officer, report)
    closed = submit(phones=["07700 900777"], vehicles=[], people=[])
    _to_actioned(officer, closed)
    close(officer, closed)
    with pytest.raises(ValidationError, match="closed"):
        mark_child(officer, closed)
    closed.refresh_from_db()
    assert not closed.child_involved
    assert actions_for(report).count("report.child_involved") == 1


def test_staff_can_record_that_no_child_is_involved_when_the_reporter_did_not_know(submit, officer, analyst):
    report = submit(child_involved_answer="unknown")
    before = report.priority
    with pytest.raises(PermissionDenied):
        services.report_child_not_involved_record(
            user=analyst, report=report, expected_version=report.version
        )
    services.report_child_not_involved_record(user=officer, report=report, expected_version=report.version)
    report.refresh_from_db()
    assert (report.child_involved, report.child_unknown, report.priority) == (False, False, before)
    assert "Recorded that no child is involved" in [
        e["text"] for e in selectors.report_timeline(report=report)
    ]
    # Nothing more to record; and on a report whose reporter said "no", or that has the flag, it is refused:
    # the safeguarding flag is never taken away.
    flagged = submit(
        phones=["07700 900778"], categories=["child_exploitation"], child_involved_answer="unknown"
    )
    for target in (report, flagged):
        target.refresh_from_db()
        with pytest.raises(ValidationError, match="did not know"):
            services.report_child_not_involved_record(
                user=officer, report=target, expected_version=target.version
            )
    flagged.refresh_from_db()
    assert flagged.child_involved
    assert actions_for(report).count("report.child_not_involved") == 1


def _decide(lead, report, referred):
    report.refresh_from_db()
    details = (
        {"referral_date": timezone.localdate(), "referral_reference": "MASH-2026-0099"}
        if referred
        else {"no_referral_reason": "Already known to children's services"}
    )
    services.safeguarding_decision_record(
        user=lead, report=report, expected_version=report.version, referred=referred, **details
    )


def test_safeguarding_referral_made_needs_a_recorded_referral(submit, officer, safeguarding_lead):
    report = submit()  # no child involved, so no decision is needed to close it otherwise
    _to_actioned(officer, report)
    refusal = (
        "Select another outcome: a safeguarding lead has not recorded a referral to the multi-agency "
        "safeguarding hub (MASH) for this report"
    )
    with pytest.raises(ValidationError) as none:
        close(officer, report, kind="safeguarding_referral")
    assert none.value.message_dict == {"kind": [refusal]}

    _decide(safeguarding_lead, report, referred=True)
    _decide(safeguarding_lead, report, referred=False)  # the newest decision counts: no referral
    with pytest.raises(ValidationError) as no_referral:
        close(officer, report, kind="safeguarding_referral")
    assert no_referral.value.message_dict == {"kind": [refusal]}
    report.refresh_from_db()
    assert report.status == "actioned" and not Outcome.objects.exists()

    _decide(safeguarding_lead, report, referred=True)
    assert close(officer, report, kind="safeguarding_referral").kind == "safeguarding_referral"


def test_safeguarding_decision_needs_date_and_reference_or_a_reason(submit, safeguarding_lead):
    report = submit(categories=["child_exploitation"])
    with pytest.raises(ValidationError) as missing:
        services.safeguarding_decision_record(
            user=safeguarding_lead, report=report, expected_version=report.version, referred=True
        )
    assert set(missing.value.message_dict) == {"referral_date", "referral_reference"}
    with pytest.raises(ValidationError) as future:
        services.safeguarding_decision_record(
            user=safeguarding_lead,
            report=report,
            expected_version=report.version,
            referred=True,
            referral_date=timezone.localdate() + dt.timedelta(days=2),
            referral_reference="X",
        )
    assert "referral_date" in future.value.message_dict
    with pytest.raises(ValidationError) as no_reason:
        services.safeguarding_decision_record(
            user=safeguarding_lead, report=report, expected_version=report.version, referred=False
        )
    assert "no_referral_reason" in no_reason.value.message_dict
    decision = services.safeguarding_decision_record(
        user=safeguarding_lead,
        report=report,
        expected_version=report.version,
        referred=False,
        no_referral_reason="Already known to children's services; allocated worker informed",
    )
    assert not decision.referred
    assert SafeguardingDecision.objects.count() == 1


def test_duplicate_closes_from_any_open_status_and_merges_into_the_original(submit, officer):
    original = submit()
    repeat = submit(details="Same again")
    outcome = close(officer, repeat, kind="duplicate", duplicate_of=original)
    repeat.refresh_from_db()
    assert repeat.status == "closed"
    assert outcome.duplicate_of == original
    assert AuditEvent.objects.filter(action="report.duplicate_merged", object_id=str(original.pk)).exists()

    third = submit(details="And again")
    with pytest.raises(ValidationError) as chained:
        close(officer, third, kind="duplicate", duplicate_of=repeat)
    assert "duplicate_of" in chained.value.message_dict
    with pytest.raises(ValidationError) as itself:
        close(officer, third, kind="duplicate", duplicate_of=third)
    assert "duplicate_of" in itself.value.message_dict


def test_grading_needs_conditions_for_handling_code_c(submit, analyst):
    report = submit()
    with pytest.raises(ValidationError) as missing:
        services.grading_record(
            user=analyst,
            report=report,
            expected_version=report.version,
            source="2",
            intelligence="B",
            handling="C",
        )
    assert "conditions" in missing.value.message_dict
    with pytest.raises(ValidationError):
        services.grading_record(
            user=analyst,
            report=report,
            expected_version=report.version,
            source="4",
            intelligence="B",
            handling="P",
        )
    grading = services.grading_record(
        user=analyst,
        report=report,
        expected_version=report.version,
        source="2",
        intelligence="B",
        handling="C",
        conditions="Police use only; do not disclose to the landlord",
    )
    assert grading.code == "2BC"
    assert open_note(Grading.objects.get().sealed_conditions).startswith("Police use only")


def test_routing_changes_the_neighbourhood(submit, officer):
    report = submit()
    assert report.neighbourhood.code == "northampton-town-centre"
    rushden = Neighbourhood.objects.get(code="rushden")
    services.report_route(user=officer, report=report, expected_version=report.version, neighbourhood=rushden)
    report.refresh_from_db()
    assert report.neighbourhood == rushden
    event = AuditEvent.objects.get(action="report.route")
    assert event.detail["neighbourhood"]["to"] == rushden.pk


def test_assignee_must_be_able_to_work_reports(submit, officer, editor, analyst):
    report = submit()
    assess(officer, report)
    for person in (editor, analyst):
        with pytest.raises(ValidationError) as error:
            assign(officer, report, person)
        assert "assignee" in error.value.message_dict


def test_a_stale_version_is_refused_and_nothing_is_overwritten(submit, officer, make_staff):
    other = make_staff(roles.TRIAGE_OFFICER)
    report = submit()
    seen_by_first = Report.objects.get(pk=report.pk)
    seen_by_second = Report.objects.get(pk=report.pk)
    services.assessment_record(
        user=other,
        report=seen_by_second,
        expected_version=seen_by_second.version,
        **{**THRIVE, "risk": "high"},
    )
    with pytest.raises(ValidationError, match="Someone else changed this report") as stale:
        services.assessment_record(
            user=officer,
            report=seen_by_first,
            expected_version=seen_by_first.version,
            **{**THRIVE, "risk": "low"},
        )
    assert stale.value.code == "stale"
    report.refresh_from_db()
    assert report.priority == 200
    assert Assessment.objects.count() == 1
    assert AuditEvent.objects.filter(action="report.assess").count() == 1


@pytest.mark.parametrize("role", [roles.CAMPAIGN_EDITOR, roles.ADMINISTRATOR, None])
def test_services_refuse_people_without_the_permission(submit, make_staff, role):
    user = make_staff(role)
    report = submit()
    with pytest.raises(PermissionDenied):
        services.assessment_record(user=user, report=report, expected_version=report.version, **THRIVE)
    with pytest.raises(PermissionDenied):
        services.report_view_record(user=user, report=report, shown=["content"])
    with pytest.raises(PermissionDenied):
        services.reports_export(user=user, reports=[report], fmt="csv")
    assert not AuditEvent.objects.filter(object_type="report", actor=user).exists()


def test_an_analyst_can_grade_but_not_work_a_report(submit, analyst):
    report = submit()
    with pytest.raises(PermissionDenied):
        services.assessment_record(user=analyst, report=report, expected_version=report.version, **THRIVE)
    services.grading_record(
        user=analyst,
        report=report,
        expected_version=report.version,
        source="1",
        intelligence="A",
        handling="P",
    )
