"""What staff write about a report (THRIVE, grading conditions, safeguarding and outcome reasons) is sealed
like the report: a database dump, or a public web server with the database credentials but only the public
key, cannot read it. The detail page and the exports open it."""

import csv
import io
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from beacon.core.models import AuditEvent
from beacon.reporting import crypto
from beacon.reporting.tests.scan import database_hits
from beacon.triage import services
from beacon.triage.models import Assessment, Grading, Outcome, SafeguardingDecision, open_note

CHILD = "Jaylen Mercer, 14, Northfield Academy"
NOTES = {
    "threat": f"Big Dave uses {CHILD} to carry",
    "investigation": f"Speak to the school about {CHILD}",
    "vulnerability": f"{CHILD} is missing from home most weekends",
    "engagement": f"MASH strategy meeting about {CHILD}",
    "conditions": f"Not to be shared with {CHILD}'s mother",
    "no_referral_reason": f"{CHILD} is already open to children's services",
    "reason": f"{CHILD} moved out of the county with his family",
}
# Text of each note that appears nowhere else (the child's name is in every note).
NEEDLES = [CHILD, "Jaylen", "Northfield", "Big Dave uses", "missing from home", "children's services"]


@pytest.fixture
def boss(make_staff):
    return make_staff(superuser=True)


def _record_every_note(client, report):
    """Each staff form, through the real pages, as a member of staff fills it in."""

    def post(step, data):
        report.refresh_from_db()
        response = client.post(
            f"/admin/triage/reports/{report.pk}/{step}/", {**data, "version": report.version}
        )
        assert response.status_code == 302, response.content.decode()[:2000]

    post(
        "assess",
        {
            **{k: NOTES[k] for k in ("threat", "investigation", "vulnerability", "engagement")},
            "harm": "high",
            "risk": "high",
        },
    )
    post("grade", {"source": "2", "intelligence": "B", "handling": "C", "conditions": NOTES["conditions"]})
    post("safeguarding", {"referred": "no", "no_referral_reason": NOTES["no_referral_reason"]})
    post("assign", {"assignee": client.session["_auth_user_id"]})
    post("actioned", {})
    post("close", {"kind": "no_further_action", "reason": NOTES["reason"]})


def test_every_note_staff_write_is_sealed_at_rest_and_opened_on_the_detail_page_and_exports(
    submit, boss, staff_client, settings
):
    report = submit(
        categories=["child_exploitation"],
        people=[{"name": "Jaylen Mercer", "age": "14", "description": "", "is_child": True}],
    )
    client = staff_client(boss)
    assert database_hits(NEEDLES) == []
    _record_every_note(client, report)
    report.refresh_from_db()
    assert report.status == "closed"

    # No table holds any of it in clear (the audit rows included).
    assert database_hits(NEEDLES) == []
    assert "Jaylen" not in str(list(AuditEvent.objects.values_list("detail", flat=True)))

    # A process with the public key alone (a public web server) cannot open the notes.
    private_key = settings.BEACON_REPORT_PRIVATE_KEY
    settings.BEACON_REPORT_PRIVATE_KEY = ""
    assessment = Assessment.objects.get(report=report)
    sealed = [
        assessment.sealed_threat,
        assessment.sealed_investigation,
        assessment.sealed_vulnerability,
        assessment.sealed_engagement,
        Grading.objects.get(report=report).sealed_conditions,
        SafeguardingDecision.objects.get(report=report).sealed_no_referral_reason,
        Outcome.objects.get(report=report).sealed_reason,
    ]
    for value in sealed:
        assert bytes(value) and b"Jaylen" not in bytes(value)
        with pytest.raises(ImproperlyConfigured):
            open_note(value)
    assert client.get(f"/admin/triage/reports/{report.pk}/").status_code == 503

    # The back office, with the private key, shows every note on the detail page.
    settings.BEACON_REPORT_PRIVATE_KEY = private_key
    detail = client.get(f"/admin/triage/reports/{report.pk}/")
    assert detail.status_code == 200
    body = detail.content.decode()
    for name, text in NOTES.items():
        assert text.replace("'", "&#x27;") in body, name

    # The exports carry the conditions for sharing (the one note they include).
    exported = services.reports_export(user=boss, reports=[report], fmt="json")
    assert json.loads(exported.content)["reports"][0]["grading"]["handling_conditions"] == NOTES["conditions"]
    exported = services.reports_export(user=boss, reports=[report], fmt="csv")
    row = next(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert row["handling_conditions"] == NOTES["conditions"]


def test_notes_left_out_are_stored_empty_and_the_rules_still_hold(submit, boss):
    """A P grading has no conditions, a referral no reason and an intelligence outcome no reason: nothing
    is sealed for them. The database still refuses C without conditions and no referral without why."""
    from django.db import IntegrityError, transaction

    report = submit()
    report.refresh_from_db()
    grading = services.grading_record(
        user=boss, report=report, expected_version=report.version, source="1", intelligence="A", handling="P"
    )
    assert bytes(grading.sealed_conditions) == b""
    with pytest.raises(IntegrityError), transaction.atomic():
        Grading.objects.filter(pk=grading.pk).update(handling="C")
    decision = SafeguardingDecision.objects.create(
        report=report,
        referred=True,
        referral_date=timezone.localdate(),
        referral_reference="MASH-1",
        decided_at=timezone.now(),
    )
    assert bytes(decision.sealed_no_referral_reason) == b""
    with pytest.raises(IntegrityError), transaction.atomic():
        SafeguardingDecision.objects.filter(pk=decision.pk).update(referred=False)


# --- The migration that seals notes already written -------------------------------------------------

BEFORE = ("triage", "0003_view_all_areas_permission")
AFTER = ("triage", "0006_drop_clear_staff_notes")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_notes_already_written_and_unseals_them_when_reversed(submit, boss):
    report = submit()
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("triage")
    try:
        old = _migrate(BEFORE)
        now = timezone.now()
        old.get_model("triage", "Assessment").objects.create(
            report_id=report.pk,
            harm="high",
            risk="high",
            assessed_at=now,
            **{k: NOTES[k] for k in ("threat", "investigation", "vulnerability", "engagement")},
        )
        old.get_model("triage", "Grading").objects.create(
            report_id=report.pk,
            source="2",
            intelligence="B",
            handling="C",
            conditions=NOTES["conditions"],
            graded_at=now,
        )
        old.get_model("triage", "Grading").objects.create(
            report_id=report.pk, source="2", intelligence="B", handling="P", graded_at=now
        )
        old.get_model("triage", "SafeguardingDecision").objects.create(
            report_id=report.pk,
            referred=False,
            no_referral_reason=NOTES["no_referral_reason"],
            decided_at=now,
        )
        old.get_model("triage", "Outcome").objects.create(
            report_id=report.pk, kind="no_further_action", reason=NOTES["reason"], recorded_at=now
        )
        assert database_hits([CHILD]) != []

        new = _migrate(AFTER)
        assert database_hits(NEEDLES) == []
        assessment = new.get_model("triage", "Assessment").objects.get()
        for name in ("threat", "investigation", "vulnerability", "engagement"):
            assert crypto.unseal(getattr(assessment, f"sealed_{name}")).decode() == NOTES[name]
        gradings = new.get_model("triage", "Grading").objects.order_by("pk")
        assert [open_note(g.sealed_conditions) for g in gradings] == [NOTES["conditions"], ""]
        assert bytes(gradings[1].sealed_conditions) == b""
        decision = new.get_model("triage", "SafeguardingDecision").objects.get()
        assert open_note(decision.sealed_no_referral_reason) == NOTES["no_referral_reason"]
        assert open_note(new.get_model("triage", "Outcome").objects.get().sealed_reason) == NOTES["reason"]

        old = _migrate(BEFORE)
        assessment = old.get_model("triage", "Assessment").objects.get()
        assert {
            k: getattr(assessment, k) for k in ("threat", "investigation", "vulnerability", "engagement")
        } == {k: NOTES[k] for k in ("threat", "investigation", "vulnerability", "engagement")}
        conditions = (
            old.get_model("triage", "Grading").objects.order_by("pk").values_list("conditions", flat=True)
        )
        assert list(conditions) == [NOTES["conditions"], ""]
        assert (
            old.get_model("triage", "SafeguardingDecision").objects.get().no_referral_reason
            == (NOTES["no_referral_reason"])
        )
        assert old.get_model("triage", "Outcome").objects.get().reason == NOTES["reason"]
    finally:
        for target in latest:
            _migrate(target)
