"""Sending one email from a task without leaving its recipients behind.

When a mail server refuses a recipient, smtplib's exception holds the address (`SMTPRecipientsRefused`
maps each address to the server's reply), and so does its message. A task that lets it escape leaves the
address in clear in the task queue's row (django-tasks-db keeps the traceback) and in the worker's ERROR log.
`mail_send` raises `MailNotSent` instead: it names what the email was about (a report's or request's id) and
the server's reply code, and carries neither cause nor context, so no traceback can show the original.

Emails that Django and Wagtail send themselves, and log when they fail, go through `RecipientFreeMailLog` instead
(LOGGING in config/settings/base.py).

Wagtail sends its staff notifications (comments, moderation) inside the editor's request, on a connection it opens
itself, with no guard (comments) or a guard for refused connections only (moderation): a mail server that is
down, refuses the login or drops the connection made the page action a 500, after the page was saved. Its
connections are `StaffNotificationConnection`s (`wagtail_notifications_guard`, called from CoreConfig.ready), which
log a failure and never raise. Beacon's own emails do not use it: `mail_send` still raises.
"""

import logging
import re
import smtplib
import time

from django.core.mail import EmailMessage
from django.core.signals import setting_changed
from django.dispatch import receiver


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


log = logging.getLogger(__name__)


class StaffNotificationConnection:
    """A mail connection for Wagtail's staff notifications: its open(), send_messages() and close() never raise.
    A failure is logged, one line for each email not sent, with the email's subject and the SMTP reply code or
    the error's kind, never the address (this logger goes through RecipientFreeMailLog too).

    When the server cannot be reached (refused, timed out, dropped), the rest of that connection's emails are
    not tried, and neither are other connections' for UNREACHABLE_PAUSE seconds: an editor's request waits for
    the mail server's time-out once at most (20 seconds in production), not once for each email or batch."""

    UNREACHABLE_PAUSE = 60.0
    unreachable: tuple[float, str] | None = None  # (until, why) for every connection in this process

    def __init__(self, backend):
        self.backend = backend
        self.failed: str | None = None  # why this connection sends nothing more

    def _cannot_connect(self, error: Exception) -> None:
        self.failed = _reply_code(error)
        if not isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused):
            # No reply from the server at all (or a dropped connection): do not keep the next editor waiting.
            type(self).unreachable = (time.monotonic() + self.UNREACHABLE_PAUSE, self.failed)

    def _paused(self) -> bool:
        unreachable = type(self).unreachable
        if self.failed is None and unreachable is not None and time.monotonic() < unreachable[0]:
            self.failed = unreachable[1]
        return self.failed is not None

    def open(self):
        if self._paused():
            return None
        try:
            return self.backend.open()
        except (OSError, ValueError) as error:  # smtplib's errors are OSErrors, as are the socket's and TLS's
            self._cannot_connect(error)
            return None

    def send_messages(self, messages) -> int:
        messages = list(messages)
        why = None  # a refusal of these emails alone; otherwise why the connection failed
        if not self._paused():
            try:
                return self.backend.send_messages(messages)
            except (OSError, ValueError) as error:
                if isinstance(
                    error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused | ValueError
                ):
                    why = _reply_code(error)  # this email was refused (or malformed): the next may go
                else:
                    self._cannot_connect(error)
        for message in messages:
            log.error(
                "Staff notification email '%s' not sent (%s)",
                getattr(message, "subject", ""),
                why or self.failed,
            )
        return 0

    def close(self) -> None:
        try:
            self.backend.close()
        except (OSError, ValueError) as error:
            log.warning("Mail connection for staff notifications not closed cleanly (%s)", _reply_code(error))


@receiver(setting_changed)
def _forget_unreachable(*, setting, **kwargs) -> None:
    if setting == "MAILERS":  # another mail server (in tests): it has not failed yet
        StaffNotificationConnection.unreachable = None


def staff_notification_connection(**options) -> StaffNotificationConnection:
    """Stands in for Django's get_connection in wagtail.admin.mail: the default mailer, guarded."""
    from django.core import mail

    if any(value is not None for value in options.values()):
        return StaffNotificationConnection(mail.get_connection(**options))
    return StaffNotificationConnection(mail.mailers.default)


def wagtail_notifications_guard() -> None:
    """Give Wagtail's staff notifications (wagtail.admin.mail: send_notification for comments, the workflow
    notifiers for moderation) connections that never raise. Both open their connection with the module's own
    `get_connection`, which is replaced; so does its send_mail when given no connection (only Wagtail's form
    pages, which Beacon does not install, do that)."""
    import wagtail.admin.mail

    wagtail.admin.mail.get_connection = staff_notification_connection


ADDRESS = re.compile(r"[^\s<>()'\"]+@[^\s<>()'\"]+")


class RecipientFreeMailLog(logging.Filter):
    """For the loggers of libraries that log a failed email with its recipient: Django's password reset
    ("django.contrib.auth": the account's id, but with smtplib's exception, which quotes the address) and Wagtail's
    moderation and comment emails ("wagtail.admin": "Failed to send notification email '%s' to %s", the address,
    and the exception), and for StaffNotificationConnection's ("beacon.core.mail": a subject, which a page's title
    can fill). Any address in a record's arguments is replaced, and its exception is reduced to the SMTP reply code
    (or the error's kind) at the end of its message: no traceback. Set on those loggers alone, it sees only their
    own records."""

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
