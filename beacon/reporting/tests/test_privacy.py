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
@pytest.mark.parametrize("queue", ["immediate", "database"])
def test_an_anonymous_report_leaves_no_trace_of_who_sent_it(probe_client, settings, caplog, tmp_path, queue):
    """Run twice: with the tests' in-process task backend (the tasks run, and what they write is scanned),
    and with production's database queue (the queued task rows are scanned, as every table is)."""
    from .conftest import Walker

    if queue == "database":
        from config.settings.base import TASKS as PRODUCTION_TASKS

        settings.TASKS = PRODUCTION_TASKS
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
    if queue == "database":  # the scan had the queued tasks to look at: the report's and the reply's
        from django_tasks_db.models import DBTaskResult

        assert set(DBTaskResult.objects.values_list("task_path", flat=True)) == {
            "beacon.reporting.tasks.report_index",
            "beacon.reporting.tasks.report_notify_triage_reply",
        }
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


def _form_classes(base):
    for subclass in base.__subclasses__():
        yield subclass
        yield from _form_classes(subclass)


def test_no_answer_is_kept_in_the_browsers_form_history():
    """Browsers remember what was typed in a field and offer it again in fields of the same name on other
    sites (a dealer's nickname typed in "name"). Every box in the journey and the follow-up turns that off;
    only the reporter's own contact details use the standard tokens (name, email, tel) that WCAG 1.3.5 asks
    for, as they chose to give them."""
    import re

    from beacon.reporting import forms

    own = {"ContactDetailsForm": {"name": "name", "email": "email", "phone": "tel"}}
    checked = 0
    for form_class in [*_form_classes(forms.StepForm), forms.ReplyForm, forms.ReceiptForm]:
        html = str(form_class())
        for tag in re.findall(r"<(?:input|textarea)\b[^>]*>", html):
            kind = re.search(r'type="([^"]+)"', tag)
            if kind and kind.group(1) in ("radio", "checkbox", "hidden", "file", "submit"):
                continue
            name = re.search(r'name="([^"]+)"', tag).group(1)
            expected = own.get(form_class.__name__, {}).get(name, "off")
            assert f'autocomplete="{expected}"' in tag, f"{form_class.__name__}.{name}: {tag}"
            checked += 1
    assert checked > 25  # every text box of the journey was looked at
