"""The audit log and the policing areas inside the Wagtail admin."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import NoReverseMatch, reverse

from beacon.core.models import AuditEvent, Neighbourhood, PolicingArea


@pytest.fixture
def admin_client(administrator, staff_client):
    return staff_client(administrator)


def test_audit_log_filters_by_person_and_by_report(submit, officer, admin_client):
    from .test_access import client_for

    first, second = submit(), submit(details="two")
    assert client_for(officer).get(f"/admin/triage/reports/{first.pk}/").status_code == 200
    admin = admin_client

    def actions(**query):
        response = admin.get("/admin/triage/audit/", query)
        assert response.status_code == 200
        return [(e.action, e.object_id, e.actor_id) for e in response.context["object_list"]]

    assert ("report.view", str(first.pk), officer.pk) in actions(actor=officer.pk)
    assert all(actor == officer.pk for _, _, actor in actions(actor=officer.pk))
    by_report = actions(report=first.reference)
    assert ("report.view", str(first.pk), officer.pk) in by_report
    assert {object_id for _, object_id, _ in by_report} == {str(first.pk)}
    assert "report.view" not in {action for action, _, _ in actions(report=str(second.pk))}
    nothing = admin.get("/admin/triage/audit/", {"report": "NOPE-NOPE"})
    assert nothing.status_code == 200


def test_audit_log_csv_export_is_audited(submit, admin_client, administrator):
    import csv

    first, second = submit(), submit(details="two")  # they share identifiers: a "report.link" row
    response = admin_client.get("/admin/triage/audit/", {"export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(b"".join(response.streaming_content).decode().splitlines()))
    assert rows[0] == ["At", "Actor name", "Action", "Object type", "Object id", "Detail"]
    assert [row[2:5] for row in rows[1:]] == [["report.link", "report", str(second.pk)]]
    assert f'"linked_to": [{first.pk}]' in rows[1][5]
    assert AuditEvent.objects.filter(action="audit.export", actor=administrator).exists()
    assert (
        admin_client.get("/admin/triage/audit/", {"export": "xlsx"}).status_code == 200
    )  # ignored, the page


def test_audit_log_has_no_edit_or_delete_views():
    for name in ("add", "edit", "delete", "copy"):
        with pytest.raises(NoReverseMatch):
            reverse(f"audit_log:{name}", args=[1] if name != "add" else [])


def test_audit_rows_cannot_be_changed_or_deleted(db):
    from beacon.core.services import audit_record

    event = audit_record(actor=None, action="test.row")
    event.action = "changed"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        AuditEvent.objects.filter(pk=event.pk).delete()


if connection.vendor == "postgresql":
    # Collected on PostgreSQL only (CI runs the suite on both): core migration 0002 adds the trigger there
    # alone. On SQLite the audit log is append-only in the application only (the test above).

    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE {table} SET action = 'changed' WHERE id = %s",
            "DELETE FROM {table} WHERE id = %s",
        ],
    )
    def test_the_database_refuses_to_change_or_delete_audit_rows(db, statement):
        from beacon.core.services import audit_record

        event = audit_record(actor=None, action="test.row")
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement.format(table=AuditEvent._meta.db_table), [event.pk])
        assert AuditEvent.objects.get(pk=event.pk).action == "test.row"


def test_administrator_edits_neighbourhood_districts(areas, admin_client, administrator):
    town = Neighbourhood.objects.get(code="northampton-town-centre")
    url = f"/admin/triage/neighbourhoods/edit/{town.pk}/"
    assert admin_client.get(url).status_code == 200
    data = {
        "area": town.area_id,
        "name": town.name,
        "code": town.code,
        "team_email": town.team_email,
        "postcode_districts": "nn1, NN6;  nn7",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302
    town.refresh_from_db()
    assert town.postcode_districts == ["NN1", "NN6", "NN7"]
    assert AuditEvent.objects.filter(action="neighbourhood.change", actor=administrator).exists()

    clash = admin_client.post(url, {**data, "postcode_districts": "NN1, NN2"})
    assert clash.status_code == 200
    assert "NN2 already belongs to Kingsthorpe" in clash.content.decode()
    bad = admin_client.post(url, {**data, "postcode_districts": "NN1, <b>x</b>"})
    assert "is not a postcode district" in bad.content.decode()
    town.refresh_from_db()
    assert town.postcode_districts == ["NN1", "NN6", "NN7"]


def test_administrator_adds_a_policing_area(db, admin_client):
    response = admin_client.post("/admin/triage/areas/new/", {"name": "Corby", "code": "corby"})
    assert response.status_code == 302
    assert PolicingArea.objects.filter(code="corby").exists()
    assert AuditEvent.objects.filter(action="policingarea.create").exists()
    with pytest.raises(NoReverseMatch):
        reverse("policing_areas:delete", args=[1])
