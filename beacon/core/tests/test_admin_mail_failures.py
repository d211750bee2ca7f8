"""A mail server that is down, refuses Beacon's login or drops the connection never turns a staff action into a 500.

Wagtail emails staff inside the editor's request: comment notifications when a page is saved with new comments
(wagtail.admin.mail.send_notification, which opened its connection with no guard) and moderation notifications
on submit, approve and reject (the workflow notifiers, which caught a refused connection but not smtplib's own
errors, such as a refused login or a dropped connection). Each gave a 500 after the page was saved. Their
connections are now beacon.core.mail.StaffNotificationConnection: the action goes through, and each email not sent
is logged with its subject and the reply code or error kind, never the address. Beacon's own emails, sent from
tasks, still raise MailNotSent. Django's password reset logged and swallowed these failures already.
"""

import smtplib
import socket

import pytest
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from wagtail.models import Comment, PageSubscription, TaskState, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from beacon.accounts import roles
from beacon.content.models import NewsArticlePage
from beacon.content.tests.conftest import tree  # noqa: F401 (fixture)
from beacon.core.mail import (
    MailNotSent,
    StaffNotificationConnection,
    mail_send,
    staff_notification_connection,
)
from beacon.core.tests.smtp import RefusingSMTP, all_logs, refusing_smtp  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


class LoginRefused(BaseEmailBackend):
    """A relay that refuses Beacon's user name and password (the password changed, the account was locked)."""

    def open(self):
        raise smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication credentials invalid")

    def send_messages(self, messages):
        self.open()


class Dropped(BaseEmailBackend):
    """A relay that closes the connection before it answers (restarting, overloaded)."""

    def open(self):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    def send_messages(self, messages):
        self.open()


class TimedOut(BaseEmailBackend):
    """A relay that never answers (a firewall dropping packets): each try waits for the time-out (20 s)."""

    opened = 0

    def open(self):
        type(self).opened += 1
        raise TimeoutError("timed out")

    def send_messages(self, messages):
        self.open()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the socket is closed


def mailer(failure: str) -> dict:
    if failure == "down":  # production's SMTP mailer, pointed at a port where no mail server runs
        options = {"host": "127.0.0.1", "port": closed_port(), "timeout": 5}
        return {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}}
    return {"default": {"BACKEND": f"{__name__}.{failure}"}}


FAILURES = [
    ("down", "(ConnectionRefusedError)"),
    ("LoginRefused", "(SMTP 535)"),
    ("Dropped", "(SMTPServerDisconnected)"),
]

COMMENT = {
    "comments-TOTAL_FORMS": "1",
    "comments-INITIAL_FORMS": "0",
    "comments-MIN_NUM_FORMS": "0",
    "comments-MAX_NUM_FORMS": "",
    "comments-0-DELETE": "",
    "comments-0-resolved": "",
    "comments-0-id": "",
    "comments-0-contentpath": "title",
    "comments-0-text": "Check the date",
    "comments-0-position": "",
    "comments-0-replies-TOTAL_FORMS": "0",
    "comments-0-replies-INITIAL_FORMS": "0",
    "comments-0-replies-MIN_NUM_FORMS": "0",
    "comments-0-replies-MAX_NUM_FORMS": "0",
}


def article_form(**extra) -> dict:
    form = nested_form_data(
        {
            "title": "Mail story",
            "slug": "mail-story",
            "date": "2026-03-02",
            "summary": "A story.",
            "hero_image": "",
            "hero_image_alt": "",
            "campaign_week": "",
            "tags": "",
            "body": streamfield([("paragraph", rich_text("<p>Text.</p>"))]),
        }
    )
    return {**form, **extra}


@pytest.fixture
def story(tree):  # noqa: F811
    page = NewsArticlePage(
        title="Mail story",
        slug="mail-story",
        summary="A story.",
        body=[("paragraph", "<p>Text.</p>")],
        live=False,
    )
    tree["news"].add_child(instance=page)
    page.save_revision()
    return page


@pytest.fixture
def people(make_staff):
    return {"editor": make_staff(roles.CAMPAIGN_EDITOR), "approver": make_staff(roles.CAMPAIGN_APPROVER)}


def act_as(client, staff_client, user):
    client.logout()
    staff_client(user)
    client.raise_request_exception = False  # a 500 is answered as the server would, not raised in the test
    return client


def submitted(client, staff_client, people, story):
    """The editor submits the story for moderation while the mail server works."""
    act_as(client, staff_client, people["editor"])
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[story.pk]), article_form(**{"action-submit": "1"})
    )
    assert response.status_code == 302
    return WorkflowState.objects.get(
        base_content_type__model="page", object_id=str(story.pk)
    ).current_task_state


def not_sent(all_logs, subject: str, why: str) -> None:  # noqa: F811
    lines = [line for line in all_logs.lines if "not sent" in line]
    assert lines, "the failure was not logged"
    assert all(
        line == f"ERROR beacon.core.mail Staff notification email '{subject}' not sent {why}"
        for line in lines
    )
    assert (
        "beacon.invalid" not in all_logs.text and "Traceback" not in all_logs.text
    )  # staff's addresses, stack


@pytest.mark.parametrize(("failure", "why"), FAILURES)
def test_saving_a_page_with_a_new_comment(
    failure,
    why,
    client,
    staff_client,
    people,
    story,
    settings,
    all_logs,  # noqa: F811
):
    PageSubscription.objects.create(page=story, user=people["approver"], comment_notifications=True)
    act_as(client, staff_client, people["editor"])
    settings.MAILERS = mailer(failure)

    response = client.post(reverse("wagtailadmin_pages:edit", args=[story.pk]), article_form(**COMMENT))

    assert response.status_code == 302
    assert Comment.objects.get(page=story).text == "Check the date"
    not_sent(all_logs, f'{people["editor"].username} has updated comments on "Mail story"', why)


@pytest.mark.parametrize(("failure", "why"), FAILURES)
def test_submitting_a_page_for_moderation(
    failure,
    why,
    client,
    staff_client,
    people,
    story,
    settings,
    all_logs,  # noqa: F811
):
    act_as(client, staff_client, people["editor"])
    settings.MAILERS = mailer(failure)

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[story.pk]), article_form(**{"action-submit": "1"})
    )

    assert response.status_code == 302
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(story.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    stage = 'The page "Mail story" has been submitted for approval in moderation stage "Approval by a campaign approver"'
    not_sent(all_logs, stage, why)


@pytest.mark.parametrize(("failure", "why"), FAILURES)
def test_approving_a_page(failure, why, client, staff_client, people, story, settings, all_logs):  # noqa: F811
    task_state = submitted(client, staff_client, people, story)
    act_as(client, staff_client, people["approver"])
    settings.MAILERS = mailer(failure)

    url = reverse("wagtailadmin_pages:workflow_action", args=[story.pk, "approve", task_state.pk])
    response = client.post(url, {"comment": "Fine"})

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.live
    not_sent(all_logs, 'The page "Mail story" has been approved in "Campaign approval".', why)


@pytest.mark.parametrize(("failure", "why"), FAILURES)
def test_rejecting_a_page(failure, why, client, staff_client, people, story, settings, all_logs):  # noqa: F811
    task_state = submitted(client, staff_client, people, story)
    act_as(client, staff_client, people["approver"])
    settings.MAILERS = mailer(failure)

    url = reverse("wagtailadmin_pages:workflow_action", args=[story.pk, "reject", task_state.pk])
    response = client.post(url, {"comment": "Not yet"})

    assert response.status_code == 302
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_REJECTED
    not_sent(all_logs, 'The page "Mail story" has been rejected during "Campaign approval".', why)


@pytest.mark.parametrize(("failure", "why"), FAILURES)
def test_a_staff_password_reset(failure, why, client, people, settings, all_logs):  # noqa: F811
    settings.MAILERS = mailer(failure)
    client.raise_request_exception = False

    response = client.post("/admin/password_reset/", {"email": people["editor"].email})

    assert response.status_code == 302
    assert f"Failed to send password reset email to {people['editor'].pk} {why}" in all_logs.text
    assert "beacon.invalid" not in all_logs.text and "Traceback" not in all_logs.text


def test_a_mail_server_that_never_answers_is_waited_for_once(
    client,
    staff_client,
    make_staff,
    people,
    story,
    settings,
    all_logs,  # noqa: F811
):
    """Submitting emails the superusers and the approvers, one connection each: the second connection does not
    wait for the time-out again, nor does the next request in the minute after."""
    make_staff(superuser=True)
    act_as(client, staff_client, people["editor"])
    settings.MAILERS = mailer("TimedOut")
    TimedOut.opened = 0

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[story.pk]), article_form(**{"action-submit": "1"})
    )

    assert response.status_code == 302
    assert TimedOut.opened == 1
    lines = [line for line in all_logs.lines if "not sent" in line]
    assert all(line.endswith("not sent (TimeoutError)") for line in lines)
    assert any("submitted to workflow" in line for line in lines)  # the superuser's, on the second connection
    assert any("submitted for approval in moderation stage" in line for line in lines)  # the approvers'

    StaffNotificationConnection.unreachable = (0.0, "TimeoutError")  # a minute later
    connection = StaffNotificationConnection(TimedOut())
    assert connection.open() is None and TimedOut.opened == 2


def test_beacon_own_emails_still_raise(settings):
    """Task emails fail their task (MailNotSent), so that the failure shows in the task queue."""
    for failure, why in FAILURES:
        settings.MAILERS = mailer(failure)
        message = EmailMessage(subject="Report", body="A report.", to=["triage@beacon.invalid"])
        with pytest.raises(MailNotSent) as raised:
            mail_send(message, about="report id 7")
        assert str(raised.value) == f"Email about report id 7 not sent {why}"


def test_a_working_mail_server_still_gets_the_notifications(client, staff_client, people, story, settings):
    from django.core import mail

    settings.MAILERS = LOCMEM
    submitted(client, staff_client, people, story)
    assert [m.to for m in mail.outbox] == [[people["approver"].email]]


# --- The connection itself, on production's SMTP backend ---------------------------------------------------


class CountingSMTP(RefusingSMTP):
    """A relay that takes the connection, then fails each email as `failure` says."""

    failure: Exception
    tried = 0

    def sendmail(self, from_addr, to_addrs, msg, *args, **kwargs):
        type(self).tried += 1
        raise self.failure


def two_notifications(subject="Page submitted"):
    connection = staff_notification_connection()
    connection.open()
    for to in ("ana@beacon.invalid", "bo@beacon.invalid"):
        connection.send_messages(
            [EmailMessage(subject=subject, body="Body", to=[to])]
        )  # as Wagtail's send_mail
    connection.close()


@pytest.fixture
def smtp_relay(refusing_smtp, monkeypatch):  # noqa: F811
    CountingSMTP.tried = 0
    monkeypatch.setattr("django.core.mail.backends.smtp.smtplib.SMTP", CountingSMTP)
    return CountingSMTP


def test_a_connection_dropped_while_sending_tries_no_further_email(smtp_relay, all_logs):  # noqa: F811
    smtp_relay.failure = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    two_notifications()
    assert smtp_relay.tried == 1
    assert (
        all_logs.lines.count(
            "ERROR beacon.core.mail Staff notification email 'Page submitted' not sent (SMTPServerDisconnected)"
        )
        == 2
    )


def test_a_refused_recipient_does_not_stop_the_next_email(smtp_relay, all_logs):  # noqa: F811
    smtp_relay.failure = smtplib.SMTPRecipientsRefused(
        {"ana@beacon.invalid": (550, b"5.1.1 <ana@beacon.invalid>")}
    )
    two_notifications()
    assert smtp_relay.tried == 2
    assert "beacon.invalid" not in all_logs.text


def test_an_address_in_a_subject_is_not_logged(smtp_relay, all_logs):  # noqa: F811
    smtp_relay.failure = smtplib.SMTPDataError(554, b"5.7.1 rejected")
    two_notifications(subject='The page "Write to kim@example.org" has been submitted')
    assert (
        "Staff notification email 'The page \"Write to [an address]\" has been submitted' not sent (SMTP 554)"
        in (all_logs.text)
    )
    assert "kim@" not in all_logs.text
