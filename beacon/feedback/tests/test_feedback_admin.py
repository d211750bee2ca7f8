import pytest

from beacon.accounts import roles
from beacon.feedback.services import feedback_submit

pytestmark = pytest.mark.django_db


def test_staff_with_the_permission_read_feedback_in_the_admin(make_staff, staff_client):
    feedback_submit(rating=2, comment="The map did not load on my phone")
    client = staff_client(make_staff(roles.CAMPAIGN_EDITOR))
    response = client.get("/admin/feedback_admin/")
    assert response.status_code == 200
    assert "The map did not load on my phone" in response.content.decode()


def test_staff_without_the_permission_are_refused(make_staff, staff_client):
    feedback_submit(rating=2, comment="Private thought")
    client = staff_client(make_staff(roles.TRIAGE_OFFICER))
    response = client.get("/admin/feedback_admin/")
    assert response.status_code in (302, 403)
    assert "Private thought" not in response.content.decode()
