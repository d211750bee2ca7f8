"""Migration 0007 takes the identifier's digest out of the network view's audit rows written before
identifier_view_record stopped keeping it (4ab6bc8), and keeps the rest of each row."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from beacon.core.models import AuditEvent
from beacon.reporting.tests.scan import database_hits

BEFORE = ("triage", "0006_drop_clear_staff_notes")
AFTER = ("triage", "0007_identifier_view_audit_without_digest")
DIGEST = "5f3ce1" + "0a9b8c7d" * 7 + "11"  # 64 hex digits, as the blind index writes them


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.mark.django_db(transaction=True)
def test_old_network_view_audit_rows_lose_the_digest_and_keep_who_when_and_which_reports(make_staff):
    analyst = make_staff(username="analyst")
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("triage")
    try:
        old = _migrate(BEFORE).get_model("core", "AuditEvent")
        common = {"actor_id": analyst.pk, "actor_name": "analyst", "action": "identifier.view"}
        # As identifier_view_record wrote it before 4ab6bc8, and as it writes it now.
        before = old.objects.create(
            **common,
            object_type="identifier",
            object_id=f"phone:{DIGEST[:16]}",
            detail={"kind": "phone", "digest": DIGEST, "reports": [12, 7]},
        )
        now = old.objects.create(
            **common,
            object_type="identifier",
            object_id="vehicle",
            detail={"kind": "vehicle", "reports": [3]},
        )
        other = old.objects.create(
            **common | {"action": "report.view"},
            object_type="report",
            object_id="12",
            detail={"shown": "all"},
        )
        assert database_hits([DIGEST[:8]]) == ["core_auditevent.detail", "core_auditevent.object_id"]

        _migrate(AFTER)
        assert database_hits([DIGEST[:8], DIGEST[-8:]]) == []
        rows = {row.pk: row for row in AuditEvent.objects.all()}
        stripped = rows[before.pk]
        assert (stripped.object_id, stripped.detail) == ("phone", {"kind": "phone", "reports": [12, 7]})
        assert (stripped.actor_id, stripped.actor_name, stripped.action, stripped.object_type) == (
            analyst.pk,
            "analyst",
            "identifier.view",
            "identifier",
        )
        assert stripped.at == before.at
        for row in (now, other):
            kept = rows[row.pk]
            assert (kept.object_id, kept.detail, kept.at) == (row.object_id, row.detail, row.at)

        _migrate(BEFORE)  # reversible: nothing to put back
        assert AuditEvent.objects.get(pk=before.pk).detail == {"kind": "phone", "reports": [12, 7]}
    finally:
        for target in latest:
            _migrate(target)
