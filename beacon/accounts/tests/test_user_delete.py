"""Someone the audit log names cannot be deleted: the log must keep who did what (AuditEvent.actor protects the
account), so the admin says so and points to switching the account off. Deleting such a person was a 500."""

import pytest

from beacon.accounts import roles
from beacon.accounts.models import User
from beacon.core.models import AuditEvent
from beacon.core.services import audit_record

pytestmark = pytest.mark.django_db


def test_deleting_someone_the_audit_log_names_is_refused_with_a_way_forward(make_staff, staff_client):
    superuser = make_staff(superuser=True)
    officer = make_staff(roles.TRIAGE_OFFICER)
    audit_record(actor=officer, action="report.view", object_type="report", object_id=1)
    client = staff_client(superuser)

    for response in (
        client.get(f"/admin/users/delete/{officer.pk}/"),
        client.post(f"/admin/users/delete/{officer.pk}/"),
    ):
        assert response.status_code == 302 and response["Location"] == f"/admin/users/edit/{officer.pk}/"
    assert User.objects.filter(pk=officer.pk).exists()
    assert AuditEvent.objects.filter(actor=officer).count() == 1

    page = client.get(f"/admin/users/edit/{officer.pk}/").content.decode()
    assert "You cannot delete" in page and "untick &quot;Active&quot;" in page


def test_someone_with_no_audit_history_can_still_be_deleted(make_staff, staff_client):
    superuser = make_staff(superuser=True)
    newcomer = make_staff(roles.CAMPAIGN_EDITOR)
    client = staff_client(superuser)
    assert client.get(f"/admin/users/delete/{newcomer.pk}/").status_code == 200
    assert client.post(f"/admin/users/delete/{newcomer.pk}/").status_code == 302
    assert not User.objects.filter(pk=newcomer.pk).exists()


def test_bulk_delete_leaves_out_someone_the_audit_log_names(make_staff, staff_client):
    superuser = make_staff(superuser=True)
    officer = make_staff(roles.TRIAGE_OFFICER)
    newcomer = make_staff(roles.CAMPAIGN_EDITOR)
    audit_record(actor=officer, action="report.view", object_type="report", object_id=1)
    client = staff_client(superuser)
    ids = f"id={officer.pk}&id={newcomer.pk}"
    response = client.post(f"/admin/bulk/accounts/user/delete/?{ids}&next=/admin/users/")
    assert response.status_code == 302
    assert User.objects.filter(pk=officer.pk).exists()
    assert not User.objects.filter(pk=newcomer.pk).exists()
