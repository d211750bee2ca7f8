import datetime

import pytest
from django.utils import timezone

from beacon.core.cache import throttle_cache
from beacon.core.models import Neighbourhood, PolicingArea
from beacon.events import services
from beacon.events.models import EventKind

LONDON = timezone.get_default_timezone()


def local(year, month, day, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Workshop requests are rate-limited: every test starts with no attempts counted."""
    throttle_cache.clear()
    yield
    throttle_cache.clear()


@pytest.fixture
def areas(db):
    northampton = PolicingArea.objects.create(name="Northampton", code="northampton")
    wellingborough = PolicingArea.objects.create(
        name="Wellingborough and Rushden", code="wellingborough-rushden"
    )
    town = Neighbourhood.objects.create(
        area=northampton, name="Town Centre", code="town-centre", postcode_districts=["NN1"]
    )
    weston = Neighbourhood.objects.create(
        area=northampton, name="Weston Favell", code="weston-favell", postcode_districts=["NN3"]
    )
    welly = Neighbourhood.objects.create(
        area=wellingborough, name="Wellingborough", code="wellingborough", postcode_districts=["NN8", "NN9"]
    )
    duston = Neighbourhood.objects.create(
        area=northampton, name="Duston", code="duston", postcode_districts=["NN4", "NN5"]
    )
    rushden = Neighbourhood.objects.create(
        area=wellingborough, name="Rushden", code="rushden", postcode_districts=["NN10"]
    )
    return {
        "northampton": northampton,
        "wellingborough": wellingborough,
        "town": town,
        "weston": weston,
        "welly": welly,
        "duston": duston,
        "rushden": rushden,
    }


@pytest.fixture
def make_event(areas):
    """make_event(**fields) -> an Event made through the service, tomorrow 10am-1pm at Market Square."""

    def make(**fields):
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        values = {
            "title": "Beat Bus drop-in: Market Square",
            "kind": EventKind.BEAT_BUS,
            "place_name": "Market Square",
            "postcode": "NN1 2DL",
            "starts_at": local(tomorrow.year, tomorrow.month, tomorrow.day, 10),
            "ends_at": local(tomorrow.year, tomorrow.month, tomorrow.day, 13),
        }
        values.update(fields)
        return services.event_create(actor=None, **values)

    return make


def school_days(count: int, *, start: datetime.date | None = None) -> list[datetime.date]:
    """The next `count` weekdays after start (default today)."""
    day = start or timezone.localdate()
    found = []
    while len(found) < count:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            found.append(day)
    return found


WORKSHOP_ANSWERS = {
    "school_name": "Riverside Primary School",
    "contact_name": "Priya Shah",
    "email": "office@riverside-primary.example",
    "phone": "+441604496000",
    "school_postcode": "NN1 1SY",
    "year_groups": ["5", "6"],
    "pupils": 58,
    "topics": ["cce", "online_safety"],
}


@pytest.fixture
def workshop_answers():
    return {**WORKSHOP_ANSWERS, "preferred_dates": school_days(3)[1:]}


@pytest.fixture
def workshop_request(areas, workshop_answers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.workshop_request_submit(token="fixture-token-0000000001", **workshop_answers).request


@pytest.fixture
def make_reports(db):
    """make_reports(*references) -> stored reports with those references, for outcomes to link to."""
    from beacon.reporting.models import Report

    def make(*references):
        return [
            Report.objects.create(reference=reference, received_at=timezone.now(), sealed=b"sealed")
            for reference in references
        ]

    return make
