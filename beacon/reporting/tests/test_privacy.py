"""An anonymous report leaves nothing that identifies the reporter: not in the database, the files or the logs."""

import logging

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from beacon.reporting.models import Report

from .conftest import gps_exif, image_bytes
from .scan import database_hits, file_hits

USER_AGENT = "BeaconPrivacyProbe/9.9 (UniqueAgent-7f3a9c)"
FORWARDED = "203.0.113.77"
REMOTE = "198.51.100.23"


@pytest.fixture
def probe_client(client):
    client.defaults.update(
        {"HTTP_USER_AGENT": USER_AGENT, "HTTP_X_FORWARDED_FOR": FORWARDED, "REMOTE_ADDR": REMOTE}
    )
    return client


@pytest.mark.django_db(transaction=True)
def test_an_anonymous_report_leaves_no_trace_of_who_sent_it(probe_client, settings, caplog, tmp_path):
    from .conftest import Walker

    settings.MEDIA_ROOT = tmp_path
    settings.BEACON_CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"  # the throttles see the forwarded address
    caplog.set_level(logging.DEBUG)
    session_keys, csrf_tokens = set(), set()

    class Recording(Walker):
        def answer(self, slug, data=None, **kwargs):
            result = super().answer(slug, data, **kwargs)
            session_keys.add(self.client.cookies[django_settings.SESSION_COOKIE_NAME].value)
            csrf_tokens.add(self.client.cookies[django_settings.CSRF_COOKIE_NAME].value)
            return result

    walker = Recording(probe_client, _no_capture)
    walker.minimal(upto="files")
    photo = SimpleUploadedFile(
        "IMG_0042.jpg", image_bytes("JPEG", exif=gps_exif()), content_type="image/jpeg"
    )
    probe_client.post("/report/files/", {"file": photo, "action": "upload"})
    walker.answer("files", {"action": "continue"})
    walker.answer("contact", {"contact": "anonymous"})
    response = probe_client.post("/report/check/", {"website": ""})
    assert response.status_code == 302
    session_keys.add(probe_client.cookies[django_settings.SESSION_COOKIE_NAME].value)
    done = probe_client.get("/report/done/").content.decode()
    receipt = done.split("data-receipt>")[1].split("<")[0]
    # Come back with the receipt and reply, from the same browser.
    probe_client.post("/report/follow-up/", {"receipt": receipt})
    probe_client.post("/report/follow-up/reply/", {"receipt": receipt, "text": "One more thing"})
    assert Report.objects.count() == 1

    needles = [
        USER_AGENT,
        "UniqueAgent-7f3a9c",
        FORWARDED,
        REMOTE,
        *sorted(session_keys),
        *sorted(csrf_tokens),
    ]
    needles = [n for n in needles if n]
    assert session_keys  # the session that held the answers (deleted when the reference was shown)
    assert database_hits(needles) == []
    assert database_hits([receipt, receipt.replace("-", "")]) == []  # only its keyed hash is kept
    assert file_hits(tmp_path, needles) == []
    logged = caplog.text
    for needle in needles:
        assert needle not in logged
    assert "GPS" not in logged


class _no_capture:  # the transactional test runs on-commit callbacks for real
    def __init__(self, execute=True):
        pass

    def __enter__(self):
        return []

    def __exit__(self, *exc):
        return False
