from beacon.core.models import AuditEvent
from beacon.reporting.models import Report
from beacon.triage.models import ReportLink, ReportTriage
from beacon.triage.services import PRIORITY_LINKED


def test_reports_sharing_an_identifier_are_linked_on_submit_and_raised(submit):
    first = submit(phones=["07700 900111"], vehicles=[], people=[], where={"postcode": "NN3 2AB"})
    assert first.priority == 0
    assert not ReportTriage.objects.get(report=first).linked

    second = submit(phones=["+44 7700 900111"], vehicles=[], people=[], where={"postcode": "NN5 1AA"})

    link = ReportLink.objects.get()
    assert (link.low_id, link.high_id) == (first.pk, second.pk)
    assert [kind for kind, _ in link.shared] == ["phone"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.priority == PRIORITY_LINKED
    assert second.priority == PRIORITY_LINKED
    assert ReportTriage.objects.get(report=first).linked
    event = AuditEvent.objects.get(action="report.link")
    assert event.object_id == str(second.pk)
    assert event.detail["linked_to"] == [first.pk]


def test_several_shared_identifiers_are_recorded_on_one_link(submit):
    first = submit()
    second = submit(details="Something else entirely")
    link = ReportLink.objects.get()
    kinds = sorted(kind for kind, _ in link.shared)
    assert kinds == ["name", "phone", "postcode", "vehicle"]
    assert (link.low_id, link.high_id) == (first.pk, second.pk)


def test_unrelated_reports_are_not_linked(submit):
    submit(phones=["07700 900201"], vehicles=[], people=[], where={"postcode": "NN2 6AA"})
    submit(phones=["07700 900202"], vehicles=[], people=[], where={"postcode": "NN2 6AB"})
    assert not ReportLink.objects.exists()
    assert set(Report.objects.values_list("priority", flat=True)) == {0}


def test_linking_keeps_the_danger_and_child_order(submit):
    danger = submit(phones=["07700 900301"], vehicles=[], people=[], immediate_danger=True)
    child = submit(
        phones=["07700 900302"],
        vehicles=[],
        people=[],
        categories=["child_exploitation"],
        child={"ages": "14", "in_danger": "no", "where_known": ""},
    )
    linked_a = submit(phones=["07700 900303"], vehicles=[], people=[])
    linked_b = submit(phones=["07700 900303"], vehicles=[], people=[])
    plain = submit(phones=["07700 900304"], vehicles=[], people=[])
    order = list(Report.objects.order_by("-priority", "received_at").values_list("pk", flat=True))
    assert order == [danger.pk, child.pk, linked_a.pk, linked_b.pk, plain.pk]


def test_a_third_report_links_to_both_earlier_ones(submit):
    a = submit(phones=["07700 900401"], vehicles=[], people=[])
    b = submit(phones=["07700 900401"], vehicles=[], people=[])
    c = submit(phones=["07700 900401"], vehicles=[], people=[])
    pairs = set(ReportLink.objects.values_list("low_id", "high_id"))
    assert pairs == {(a.pk, b.pk), (a.pk, c.pk), (b.pk, c.pk)}
    # a was raised once, not once per link
    a.refresh_from_db()
    assert a.priority == PRIORITY_LINKED


def test_linking_in_the_worker_keeps_an_assessment_made_before_it(submit, officer):
    from beacon.reporting.signals import report_submitted
    from beacon.triage.services import reports_link
    from beacon.triage.signals import link_submitted_report

    from .conftest import assess

    first = submit(phones=["07700 900222"], vehicles=[], people=[])
    # The worker has not linked the second report yet when an officer assesses it as high risk.
    report_submitted.disconnect(link_submitted_report, dispatch_uid="beacon.triage.link_submitted_report")
    try:
        second = submit(phones=["07700 900222"], vehicles=[], people=[])
    finally:
        report_submitted.connect(link_submitted_report, dispatch_uid="beacon.triage.link_submitted_report")
    assert not ReportLink.objects.exists()
    assess(officer, second, risk="high")
    second.refresh_from_db()
    assessed = second.priority
    assert assessed == 200

    assert reports_link(report=second) == [first.pk]
    assert reports_link(report=second) == [first.pk]  # a task run again changes nothing more
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.priority == assessed + PRIORITY_LINKED
    assert first.priority == PRIORITY_LINKED
    assert ReportLink.objects.count() == 1
