"""mail_send: a failed email raises Beacon's own error, which names no recipient and keeps nothing of
smtplib's exception (whose message quotes the addresses)."""

import smtplib
import traceback

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from beacon.core.mail import MailNotSent, mail_send
from beacon.core.tests.smtp import RefusingSMTP, refusing_smtp  # noqa: F401 (fixture)

ADDRESS = "pat.refused-51f0@example.org"


def message():
    return EmailMessage(
        subject="Hello", body="Hello", from_email="Beacon <no-reply@beacon.invalid>", to=[ADDRESS]
    )


def failure_of(send) -> MailNotSent:
    with pytest.raises(MailNotSent) as caught:
        send()
    return caught.value


def test_a_sent_message_goes_as_before():
    mail_send(message(), about="report id 1")
    assert [m.to for m in mail.outbox] == [[ADDRESS]]


def test_a_refused_recipient_raises_naming_what_it_was_about_and_the_code_only(refusing_smtp):  # noqa: F811
    error = failure_of(lambda: mail_send(message(), about="report id 42"))
    assert str(error) == "Email about report id 42 not sent (SMTP 550)"
    assert error.__cause__ is None and error.__context__ is None and error.__suppress_context__
    printed = "".join(traceback.format_exception(error))
    assert "51f0" not in printed and "SMTPRecipientsRefused" not in printed


class SenderRefusingSMTP(RefusingSMTP):
    def sendmail(self, from_addr, to_addrs, msg, *args, **kwargs):
        raise smtplib.SMTPDataError(554, f"5.7.1 message to {to_addrs[0]} rejected".encode())


class UnreachableSMTP(RefusingSMTP):
    def __init__(self, *args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")


@pytest.mark.parametrize(
    ("stand_in", "expected"),
    [(SenderRefusingSMTP, "(SMTP 554)"), (UnreachableSMTP, "(ConnectionRefusedError)")],
)
def test_other_smtp_and_socket_errors_are_named_by_code_or_kind(
    refusing_smtp,  # noqa: F811
    monkeypatch,
    stand_in,
    expected,
):
    monkeypatch.setattr("django.core.mail.backends.smtp.smtplib.SMTP", stand_in)
    error = failure_of(lambda: mail_send(message(), about="workshop request id 7"))
    assert str(error) == f"Email about workshop request id 7 not sent {expected}"
    assert error.__context__ is None and "51f0" not in "".join(traceback.format_exception(error))
