import datetime
import os

import pytest
from django.utils import timezone

from beacon.events import geo, selectors
from beacon.events.models import EventKind, Postcode

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("NN1 2DL", "NN1 2DL"),
        ("nn12dl", "NN1 2DL"),
        ("  nn1   2dl ", "NN1 2DL"),
        ("NN10 6FS", "NN10 6FS"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("NN1", None),
        ("12345", None),
        ("NN1 2DLX", None),
        ("", None),
        ("../../etc/passwd", None),
        ("N" * 100, None),
        (None, None),
    ],
)
def test_postcode_normalise(value, expected):
    assert geo.postcode_normalise(value) == expected


def test_positions_come_from_the_shipped_code_point_open_data():
    latitude, longitude = geo.postcode_position("NN1 1AF")
    assert latitude == pytest.approx(52.2370, abs=0.0005)
    assert longitude == pytest.approx(-0.8930, abs=0.0005)
    assert geo.postcode_position("NN1 9ZX") is None  # well formed, but no such postcode
    assert geo.postcode_position("QQ1 1QQ") is None  # no such area
    assert geo.postcode_position("not one") is None


def test_a_loaded_postcode_table_is_used_first():
    Postcode.objects.create(postcode="NN1 1AF", latitude=51.5, longitude=-0.1)
    assert geo.postcode_position("nn1 1af") == (51.5, -0.1)


def test_distances_between_real_places():
    town = geo.postcode_position("NN1 2DL")
    wellingborough = geo.postcode_position("NN8 1AS")
    miles = geo.distance_miles(*town, *wellingborough)
    assert 9 < miles < 11  # Northampton to Wellingborough, as the crow flies


def test_near_me_orders_by_distance_and_keeps_to_the_radius(make_event, settings):
    settings.BEACON_EVENTS_NEAR_ME_MILES = 13
    rushden = make_event(title="Rushden Lakes", place_name="Rushden Lakes", postcode="NN10 6FS")
    duston = make_event(title="Duston", place_name="Duston", postcode="NN5 6JT")
    market = make_event(title="Market Square", place_name="Market Square", postcode="NN1 2DL")
    weston = make_event(title="Weston Favell", place_name="Weston Favell", postcode="NN3 8JZ")
    make_event(title="Patrol", kind=EventKind.PATROL, place_name="Market Square", postcode="NN1 2DL")
    make_event(title="Private", kind=EventKind.SCHOOL_WORKSHOP, is_public=False, postcode="NN1 1SY")
    now = timezone.now()
    make_event(
        title="Over",
        postcode="NN1 2AW",
        starts_at=now - datetime.timedelta(hours=3),
        ends_at=now - datetime.timedelta(hours=1),
    )
    make_event(title="Leicester", place_name="Leicester", postcode="LE1 5WW", area=duston.area)

    found = selectors.events_near(latitude=52.2370, longitude=-0.8930)  # NN1 1AF
    assert [row["id"] for row in found] == [market.pk, duston.pk, weston.pk, rushden.pk]
    assert [row["miles"] for row in found] == sorted(row["miles"] for row in found)
    assert 12 < found[-1]["miles"] < 13
    first = found[0]
    assert (first["title"], first["area__name"], first["postcode"]) == (
        "Market Square",
        market.area.name,
        "NN1 2DL",
    )
    assert (first["starts_at"], first["ends_at"]) == (market.starts_at, market.ends_at)  # aware, UTC
    assert timezone.is_aware(first["starts_at"])

    settings.BEACON_EVENTS_NEAR_ME_MILES = 5
    nearby = selectors.events_near(latitude=52.2370, longitude=-0.8930)
    assert [row["id"] for row in nearby] == [market.pk, duston.pk, weston.pk]


def test_near_me_widens_the_search_until_it_has_enough(make_event):
    # Twenty-one events a short walk away and one 9 miles off: the nearest twenty are all close by.
    close = [make_event(title=f"Close {n}", postcode="NN1 2DL") for n in range(21)]
    far = make_event(title="Far", place_name="Swansgate", postcode="NN8 1AS")
    found = selectors.events_near(latitude=52.2370, longitude=-0.8930)
    assert len(found) == 20 and {row["id"] for row in found} <= {event.pk for event in close}
    # With fewer close events the search widens and finds the far one too.
    for event in close[2:]:
        event.delete()
    found = selectors.events_near(latitude=52.2370, longitude=-0.8930)
    assert [row["id"] for row in found][-1] == far.pk and len(found) == 3


def test_loading_postcodes_from_the_package(db):
    from django.core.management import call_command

    call_command("events_postcodes", "load", "NN", "--limit", "300", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert Postcode.objects.count() == 300
    row = Postcode.objects.get(postcode="NN1 1AF")
    assert row.latitude == pytest.approx(52.2370, abs=0.0005) and row.longitude == pytest.approx(
        -0.8930, abs=0.0005
    )
    with pytest.raises(Exception, match="postcode areas"):
        call_command("events_postcodes", "load", "../etc")
