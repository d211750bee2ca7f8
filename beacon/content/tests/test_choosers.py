"""The snippet choosers (a week's theme and lead officer, an advice page's support services) answer an id that
is not one with "not found" (Wagtail looked it up as it came: a ValueError, a 500)."""

import pytest

from beacon.accounts import roles
from beacon.content.models import Officer


@pytest.fixture
def editor_client(tree, make_staff, staff_client):
    return staff_client(make_staff(roles.CAMPAIGN_EDITOR))


@pytest.mark.parametrize("bad", ["abc", "%C2%B2", "%00", "a" * 300, "-1", str(2**63)])
def test_choosing_a_snippet_by_an_id_that_is_not_one_is_not_found(editor_client, tree, bad):
    base = "/admin/snippets/choose/content/theme"
    assert editor_client.get(f"{base}/chosen/{tree['theme'].pk}/").status_code == 200
    assert editor_client.get(f"{base}/chosen/{bad}/").status_code == 404
    several = editor_client.get(f"{base}/chosen-multiple/", {"id": [bad, tree["theme"].pk]})
    assert several.status_code == 200 and "Knife crime" in several.content.decode()


def test_a_chooser_that_creates_nothing_says_not_found(editor_client):
    response = editor_client.post("/admin/snippets/choose/content/officer/create/", {"name": "New"})
    assert response.status_code == 404


@pytest.mark.parametrize("photo", ["\u00b2", "abc", str(2**63)])
def test_an_officer_form_with_a_photo_that_is_not_an_image_says_so(tree, make_staff, staff_client, photo):
    client = staff_client(make_staff(roles.CAMPAIGN_EDITOR))
    officer = tree["officer"]
    response = client.post(
        f"/admin/snippets/content/officer/edit/{officer.pk}/",
        {"rank": "Inspector", "name": "Ada Brook", "role": "Lead", "photo": photo},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Officer.objects.get(pk=officer.pk).role == "Neighbourhood Inspector"
