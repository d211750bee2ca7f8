"""An id too large for any database column (a hostile URL, query string or form value) finds nothing; on
SQLite it had raised OverflowError, a 500."""

import pytest
from django.contrib.auth.models import Group

from beacon.accounts import roles
from beacon.content.models import CampaignPage
from beacon.core.models import Neighbourhood, PolicingArea

pytestmark = pytest.mark.django_db

HUGE = 2**63  # one past the largest 64-bit integer


@pytest.fixture
def area():
    area = PolicingArea.objects.create(name="Northampton", code="northampton")
    Neighbourhood.objects.create(
        area=area, name="Town Centre", code="town-centre", postcode_districts=["NN1"]
    )
    return area


@pytest.mark.parametrize("value", [HUGE, -HUGE - 1, 10**400, str(HUGE)])
def test_lookups_with_an_unstorable_id_find_nothing(area, value):
    assert not PolicingArea.objects.filter(pk__in=[value]).exists()
    assert list(PolicingArea.objects.filter(pk__in=[value, area.pk])) == [area]
    assert not Neighbourhood.objects.filter(area=value).exists()
    assert not Neighbourhood.objects.filter(area__in=[value]).exists()
    assert Neighbourhood.objects.exclude(area=value).count() == 1
    assert not CampaignPage.objects.filter(pk=value).exists()  # its key is the link to its Page
    assert not Group.objects.filter(pk__in=[value]).exists()


def test_ordinary_lookups_are_unchanged(area):
    assert Neighbourhood.objects.filter(area=area).count() == 1
    assert Neighbourhood.objects.filter(area__in=[area.pk, -1]).count() == 1
    assert Neighbourhood.objects.filter(area__in=PolicingArea.objects.all()).count() == 1
    assert not Neighbourhood.objects.filter(area__in=[]).exists()


def test_the_dashboard_of_an_unstorable_campaign_id_is_not_found(make_staff, staff_client):
    client = staff_client(make_staff(roles.CAMPAIGN_EDITOR))
    assert client.get(f"/admin/insights/campaigns/{HUGE}/").status_code == 404
    assert client.get(f"/admin/insights/campaigns/{HUGE}/figures.csv").status_code == 404


def test_an_unstorable_choice_in_an_admin_form_is_a_form_error(area, make_staff, staff_client):
    client = staff_client(make_staff(roles.ADMINISTRATOR))
    response = client.post(
        "/admin/triage/neighbourhoods/new/",
        {"name": "Kingsthorpe", "code": "kingsthorpe", "area": str(HUGE), "members": [str(HUGE)]},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Neighbourhood.objects.filter(code="kingsthorpe").exists()
