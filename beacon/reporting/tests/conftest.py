"""Helpers for walking the reporting journey through its real pages with the Django test client."""

import io

import pytest
from PIL import Image

from beacon.core.cache import throttle_cache
from beacon.core.models import Neighbourhood, PolicingArea


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    throttle_cache.clear()
    yield
    throttle_cache.clear()


@pytest.fixture
def neighbourhood(db):
    area = PolicingArea.objects.create(name="Northampton", code="northampton")
    return Neighbourhood.objects.create(
        area=area, name="Town Centre", code="town-centre", postcode_districts=["NN1", "NN2"]
    )


class Walker:
    """Answers pages in order, checking each answer leads where the journey says it should."""

    def __init__(self, client, capture_on_commit=None):
        self.client = client
        self.capture_on_commit = capture_on_commit

    def get(self, slug, **params):
        return self.client.get(f"/report/{slug}/", params)

    def post(self, slug, data=None, *, change=False, **kwargs):
        url = f"/report/{slug}/" + ("?change=1" if change else "")
        return self.client.post(url, data or {}, **kwargs)

    def answer(self, slug, data=None, *, expect=None, change=False):
        """POST an answer and assert it redirects (to `expect`, a slug or URL, when given)."""
        response = self.post(slug, data, change=change)
        assert response.status_code == 302, (
            f"{slug}: expected a redirect, got {response.status_code}:\n" + response.content.decode()[:3000]
        )
        if expect is not None:
            target = expect if expect.startswith("/") else f"/report/{expect}/"
            assert response.url.split("?")[0] == target, f"{slug} went to {response.url}, not {target}"
        return response.url

    def start(self):
        response = self.client.get("/report/danger/")
        assert response.status_code == 200
        return self

    def minimal(self, *, anonymous=True, upto="check"):
        """The shortest route: no danger, one category, a postcode, not sure when, nobody described."""
        self.start()
        steps = [
            ("danger", {"danger": "no"}),
            ("about", {"categories": ["dealing"]}),
            ("where", {"postcode": "nn1 1af"}),
            ("when", {"when": "unknown"}),
            ("people", {"people": "no"}),
            ("vehicles", {"vehicles": "no"}),
            ("numbers", {"numbers": "no"}),
            ("child-involved", {"child": "no"}),
            ("how", {"how": "saw"}),
            ("details", {"details": "Cars stop outside for two minutes at a time, all evening."}),
            ("files", {"action": "continue"}),
            ("contact", {"contact": "anonymous" if anonymous else "identified"}),
        ]
        if not anonymous:
            steps.append(
                (
                    "contact-details",
                    {"name": "Sam Example", "email": "sam@example.org", "ways": ["email"]},
                )
            )
        for slug, data in steps:
            if slug == upto:
                return self
            self.answer(slug, data)
        return self

    def submit(self):
        with self.capture_on_commit(execute=True):
            response = self.client.post("/report/check/", {"website": ""})
        assert response.status_code == 302, response.content.decode()[:3000]
        assert response.url == "/report/done/"
        return self.client.get("/report/done/")


@pytest.fixture
def walker(client, db, django_capture_on_commit_callbacks):
    return Walker(client, django_capture_on_commit_callbacks)


def image_bytes(fmt="JPEG", size=(64, 48), exif=None, **save):
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if exif is not None:
        save["exif"] = exif
    image.save(out, format=fmt, **save)
    return out.getvalue()


def gps_exif():
    """EXIF carrying a camera make and a GPS position (the kind of thing a phone photo has)."""
    exif = Image.Exif()
    exif[0x010F] = "BeaconTestCam"  # Make
    exif[0x0131] = "SecretEditor 1.0"  # Software
    gps = {1: "N", 2: (52.0, 14.0, 13.2), 3: "W", 4: (0.0, 53.0, 34.9)}
    exif[0x8825] = gps
    return exif
