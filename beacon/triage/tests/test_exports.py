"""Exports: graded reports only, sanitised by handling code, audited, their own permission."""

import csv
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from beacon.accounts import roles
from beacon.core.models import AuditEvent
from beacon.triage import services
from beacon.triage.exports import CSV_COLUMNS, SCHEMA

CONTACT = {
    "name": "Pat Reporter",
    "email": "pat@example.org",
    "phone": "07700 900999",
    "ways": ["email"],
    "when": "",
}


def grade(user, report, handling="P", conditions=""):
    report.refresh_from_db()
    services.grading_record(
        user=user,
        report=report,
        expected_version=report.version,
        source="2",
        intelligence="B",
        handling=handling,
        conditions=conditions,
    )


def test_ungraded_reports_cannot_be_exported(submit, analyst):
    graded, ungraded = submit(), submit(details="not graded")
    grade(analyst, graded)
    with pytest.raises(ValidationError, match=ungraded.reference) as error:
        services.reports_export(user=analyst, reports=[graded, ungraded], fmt="json")
    assert error.value.code == "ungraded"
    assert not AuditEvent.objects.filter(action="report.export").exists()


def test_json_export_follows_the_schema_and_removes_the_source(submit, analyst):
    report = submit(contact=CONTACT)
    grade(analyst, report, "P")
    exported = services.reports_export(user=analyst, reports=[report], fmt="json")
    document = json.loads(exported.content)
    assert document["schema"] == SCHEMA
    record = document["reports"][0]
    assert record["reference"] == report.reference
    assert record["grading"]["code"] == "2BP"
    assert record["phones"] == ["+447700900123"]
    assert record["how_known"] == "saw"
    assert "contact" in record["source_removed"]
    text = exported.content.decode()
    for secret in ("Pat Reporter", "pat@example.org", "900999"):
        assert secret not in text
    assert exported.filename.endswith(".json")


def test_handling_code_c_also_removes_how_the_reporter_knows(submit, analyst):
    report = submit()
    grade(analyst, report, "C", "Police use only; do not share with the housing provider")
    exported = services.reports_export(user=analyst, reports=[report], fmt="json")
    record = json.loads(exported.content)["reports"][0]
    assert record["how_known"] is None and record["how_known_detail"] is None
    assert {"how_known", "how_known_detail", "contact"} <= set(record["source_removed"])
    assert record["grading"]["handling_conditions"].startswith("Police use only")
    assert "flat opposite" not in exported.content.decode()
    # under P the same detail is kept
    grade(analyst, report, "P")
    kept = json.loads(services.reports_export(user=analyst, reports=[report], fmt="json").content)
    assert "flat opposite" in kept["reports"][0]["how_known_detail"]


def test_csv_export_is_spreadsheet_safe(submit, analyst):
    report = submit(
        details='=HYPERLINK("http://evil.invalid","click") and more', people=[{"name": "@SUM(A1)"}]
    )
    grade(analyst, report)
    exported = services.reports_export(user=analyst, reports=[report], fmt="csv")
    text = exported.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == CSV_COLUMNS
    assert rows[0]["details"].startswith("'=HYPERLINK")
    assert rows[0]["people"].startswith("'@SUM")
    assert rows[0]["phones"] == "'+447700900123"
    assert rows[0]["reference"] == report.reference


def test_every_export_is_audited_per_report(submit, analyst):
    a, b = submit(), submit(details="b")
    grade(analyst, a)
    grade(analyst, b)
    services.reports_export(user=analyst, reports=[a, b], fmt="csv")
    summary = AuditEvent.objects.get(action="report.export")
    assert summary.actor == analyst
    assert summary.detail["count"] == 2 and sorted(summary.detail["reports"]) == sorted([a.pk, b.pk])
    assert set(AuditEvent.objects.filter(action="report.exported").values_list("object_id", flat=True)) == {
        str(a.pk),
        str(b.pk),
    }


@pytest.mark.parametrize(
    "role",
    [roles.TRIAGE_OFFICER, roles.SAFEGUARDING_LEAD, roles.NEIGHBOURHOOD_SUPERVISOR, roles.CAMPAIGN_EDITOR],
)
def test_export_is_its_own_permission(submit, analyst, make_staff, role):
    report = submit()
    grade(analyst, report)
    with pytest.raises(PermissionDenied):
        services.reports_export(user=make_staff(role), reports=[report], fmt="csv")


def test_export_page_downloads_filtered_graded_reports(submit, analyst, staff_client):
    graded = submit(categories=["weapons"])
    submit(categories=["weapons"], details="ungraded one")
    other = submit(categories=["dealing"], details="other category")
    grade(analyst, graded)
    grade(analyst, other)
    client = staff_client(analyst)
    assert client.get("/admin/triage/export/").status_code == 200
    response = client.post("/admin/triage/export/", {"category": "weapons", "format": "json"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    references = [r["reference"] for r in json.loads(response.content)["reports"]]
    assert references == [graded.reference]


def test_export_page_with_chosen_reports_refuses_ungraded_ones(submit, analyst, staff_client):
    graded, ungraded = submit(), submit(details="x")
    grade(analyst, graded)
    client = staff_client(analyst)
    chosen = client.get("/admin/triage/export/", {"report": [graded.pk, ungraded.pk]})
    assert graded.reference in chosen.content.decode()
    response = client.post(
        "/admin/triage/export/", {"reports": f"{graded.pk},{ungraded.pk}", "format": "csv"}
    )
    assert response.status_code == 400
    assert "Grade these reports before you export them" in response.content.decode()
    bad = client.post("/admin/triage/export/", {"format": "pdf", "received_from": "2026-02-31"})
    assert bad.status_code == 400
    assert "Select CSV or JSON" in bad.content.decode()


def test_export_filters_that_are_not_in_the_lists_get_plain_messages(submit, analyst, staff_client):
    submit()
    not_in_the_lists = {
        "category": "zzz",
        "area": "x",
        "neighbourhood": "x",
        "status": "bogus",
        "assignee": "999999",
        "flags": "nope",
    }
    response = staff_client(analyst).post("/admin/triage/export/", {"format": "csv", **not_in_the_lists})
    assert response.status_code == 400
    body = response.content.decode()
    for message in (
        "Select a category from the list",
        "Select a policing area from the list",
        "Select a neighbourhood team from the list",
        "Select a status from the list",
        "Select who the reports are assigned to from the list",
        "Select flags from the list",
    ):
        assert message in body, message
    assert "Select a valid choice" not in body and "not one of the available choices" not in body


PEOPLE_CHILD_KNOWN_OR_NOT = [
    {"name": "Kai", "age": "about 14", "description": "", "is_child": True},
    {"name": "Big Dave", "age": "about 30", "description": "", "is_child": False},
    {"name": "Jay", "age": "", "description": "grey hoodie", "is_child": None},
]


def test_json_export_keeps_a_person_not_known_to_be_a_child_as_null(submit, analyst):
    report = submit(people=PEOPLE_CHILD_KNOWN_OR_NOT)
    grade(analyst, report)
    exported = services.reports_export(user=analyst, reports=[report], fmt="json")
    people = json.loads(exported.content)["reports"][0]["people"]
    assert [(p["name"], p["is_child"]) for p in people] == [("Kai", True), ("Big Dave", False), ("Jay", None)]


def test_csv_export_says_whether_each_person_is_a_child_only_when_known(submit, analyst):
    report = submit(people=PEOPLE_CHILD_KNOWN_OR_NOT)
    grade(analyst, report)
    exported = services.reports_export(user=analyst, reports=[report], fmt="csv")
    row = next(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert row["people"] == "Kai, about 14, child: yes | Big Dave, about 30, child: no | Jay, grey hoodie"
