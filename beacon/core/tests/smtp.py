"""A mail server that refuses: stands in for smtplib.SMTP in tests of what a failed email leaves behind."""

import logging
import smtplib

import pytest


class RefusingSMTP:
    """A relay that refuses every recipient at RCPT TO, as real relays do for an unknown mailbox or a domain
    that does not resolve: smtplib raises SMTPRecipientsRefused, whose message quotes each address."""

    def __init__(self, *args, **kwargs):
        pass

    def ehlo(self, *args, **kwargs):
        return (250, b"ok")

    def starttls(self, *args, **kwargs):
        return (220, b"ok")

    def login(self, *args, **kwargs):
        return (235, b"ok")

    def sendmail(self, from_addr, to_addrs, msg, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused(
            {to: (550, f"5.1.1 <{to}>: Recipient address rejected: User unknown".encode()) for to in to_addrs}
        )

    def quit(self):
        pass

    def close(self):
        pass


class LogCapture(logging.Handler):
    """Every record at any level, formatted with its traceback, as a worker's log file would have it."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def refusing_smtp(settings, monkeypatch):
    """Production's SMTP mailer, talking to a relay that refuses every recipient."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "localhost", "port": 25},
        }
    }
    monkeypatch.setattr("django.core.mail.backends.smtp.smtplib.SMTP", RefusingSMTP)


@pytest.fixture
def all_logs():
    """Every log record, from every logger, while the test runs."""
    capture = LogCapture()
    root = logging.getLogger()
    root.addHandler(capture)
    try:
        yield capture
    finally:
        root.removeHandler(capture)
