"""Nothing Beacon logs is emailed, and no log line carries a visitor's address or browser.

Django's own logging config (applied before Beacon's) sends every ERROR under the `django` logger, including
`django.security.*`, to AdminEmailHandler, whose email carries the request's META: REMOTE_ADDR, X-Real-IP,
X-Forwarded-For and the user agent. Beacon's LOGGING must take that handler away, so that a force adding ADMINS
does not start emailing reporters' addresses.
"""

import logging

import pytest
from django.core import mail
from django.utils.log import AdminEmailHandler

USER_AGENT = "BeaconLoggingProbe/1.0 (Agent-c41d7e)"
FORWARDED = "203.0.113.58"
REAL_IP = "192.0.2.91"
REMOTE = "198.51.100.64"
NEEDLES = [USER_AGENT, "Agent-c41d7e", FORWARDED, REAL_IP, REMOTE]


def _loggers():
    yield logging.getLogger()
    for logger in logging.root.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):
            yield logger


def test_no_logger_has_an_admin_email_handler():
    assert [
        logger.name
        for logger in _loggers()
        if any(isinstance(handler, AdminEmailHandler) for handler in logger.handlers)
    ] == []


@pytest.fixture
def emitted(monkeypatch):
    """What the configured handlers write (pytest's own capture handlers are left out)."""
    lines = []
    original = logging.StreamHandler.emit

    def recording(self, record):
        if type(self).__module__.startswith("_pytest"):
            return original(self, record)
        lines.append(self.format(record))

    monkeypatch.setattr(logging.StreamHandler, "emit", recording)
    return lines


@pytest.mark.django_db
def test_refused_requests_with_admins_set_send_no_email_and_log_no_address(client, settings, emitted):
    settings.ADMINS = ["ops@example.org"]
    settings.ALLOWED_HOSTS = ["testserver"]
    client.defaults.update(
        {
            "HTTP_USER_AGENT": USER_AGENT,
            "HTTP_X_FORWARDED_FOR": FORWARDED,
            "HTTP_X_REAL_IP": REAL_IP,
            "REMOTE_ADDR": REMOTE,
        }
    )
    mail.outbox = []
    assert client.get("/report/", HTTP_HOST="not-this-site.example").status_code == 400
    # A post bigger than Django's limit for form data, to a page with no size check of its own (staff sign-in).
    big = client.post("/admin/login/", {"username": "x" * (3 * 1024 * 1024), "password": "x"})
    assert big.status_code == 400
    assert mail.outbox == []
    assert any("Invalid HTTP_HOST header" in line for line in emitted)  # still logged, as before
    assert any("RequestDataTooBig" in line or "exceeded" in line for line in emitted)
    assert [needle for needle in NEEDLES if any(needle in line for line in emitted)] == []
