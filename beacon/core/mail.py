"""Sending one email from a task without leaving its recipients behind.

When a mail server refuses a recipient, smtplib's exception holds the address (`SMTPRecipientsRefused`
maps each address to the server's reply), and so does its message. A task that lets it escape leaves the
address in clear in the task queue's row (django-tasks-db keeps the traceback) and in the worker's ERROR log.
`mail_send` raises `MailNotSent` instead: it names what the email was about (a report's or request's id) and
the server's reply code, and carries neither cause nor context, so no traceback can show the original.

Emails that Django and Wagtail send themselves, and log when they fail, go through `RecipientFreeMailLog` instead
(LOGGING in config/settings/base.py).
"""

import logging
import re
import smtplib

from django.core.mail import EmailMessage


class MailNotSent(Exception):
    """An email was not sent. Its message names what the email was about and the SMTP reply code only."""


def _reply_code(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(reply[0]) for reply in error.recipients.values() if reply})
        return "SMTP " + "/".join(codes) if codes else "SMTP recipients refused"
    code = getattr(error, "smtp_code", None)
    if isinstance(code, int):
        return f"SMTP {code}"
    return type(error).__name__  # a socket, TLS or address error: its kind only, never its message


def mail_send(message: EmailMessage, *, about: str) -> None:
    """Send `message`, or raise MailNotSent naming `about` (e.g. "report 42") and the server's reply code.

    `about` must not name a person: it ends up in the task queue and the logs."""
    try:
        message.send()
        return
    except (OSError, ValueError) as error:  # smtplib's errors are OSErrors; a bad address is a ValueError
        failure = MailNotSent(f"Email about {about} not sent ({_reply_code(error)})")
    # Raised outside the except block, and `from None`: the new exception has no __context__ or __cause__
    # holding smtplib's exception, so no traceback, log line or task row can print the address.
    raise failure from None


ADDRESS = re.compile(r"[^\s<>()'\"]+@[^\s<>()'\"]+")


class RecipientFreeMailLog(logging.Filter):
    """For the loggers of libraries that log a failed email with its recipient: Django's password reset
    ("django.contrib.auth": the account's id, but with smtplib's exception, which quotes the address) and Wagtail's
    moderation and comment emails ("wagtail.admin": "Failed to send notification email '%s' to %s", the address,
    and the exception). Any address in a record's arguments is replaced, and its exception is reduced to the SMTP
    reply code (or the error's kind) at the end of its message: no traceback. Set on those loggers alone, it sees
    only their own records."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                ADDRESS.sub("[an address]", arg) if isinstance(arg, str) else arg for arg in record.args
            )
        if record.exc_info and record.exc_info[1] is not None:
            record.msg = f"{record.getMessage()} ({_reply_code(record.exc_info[1])})"
            record.args = ()
            record.exc_info = record.exc_text = None
        return True
