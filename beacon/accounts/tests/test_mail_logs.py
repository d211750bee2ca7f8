"""An email to a member of staff that the mail server refuses leaves their address in no log.

Django's password reset logs the failure by the account's id, but with smtplib's exception, whose message quotes
the address; Wagtail's moderation and comment emails would log the address itself, and the exception too (their
connection, beacon.core.mail.StaffNotificationConnection, now logs them by subject instead). These loggers pass
through beacon.core.mail.RecipientFreeMailLog: an address is replaced and an exception is reduced to its SMTP
reply code, as MailNotSent does for Beacon's own emails."""

import logging

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Page, Workflow

from beacon.accounts import roles
from beacon.accounts.models import User
from beacon.core.mail import RecipientFreeMailLog
from beacon.core.tests.smtp import all_logs, refusing_smtp  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
ADDRESS = "kim.refused-7c3e@example.org"


def staff(username, role=None):
    roles.roles_sync()
    user = User.objects.create_user(
        username, email=f"{username}.refused-7c3e@example.org", password="a-long-pw-1"
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def assert_no_address(caplog, all_logs):  # noqa: F811
    logged = caplog.text + all_logs.text
    assert "7c3e" not in logged and "SMTPRecipientsRefused" not in logged and "Traceback" not in logged


def test_a_refused_password_reset_email_is_logged_without_the_address(
    client,
    refusing_smtp,  # noqa: F811
    all_logs,  # noqa: F811
    caplog,
):
    user = staff("kim")
    with caplog.at_level(logging.DEBUG):
        response = client.post("/admin/password_reset/", {"email": user.email})

    assert response.status_code == 302  # the page says the same whether or not the email went
    assert f"Failed to send password reset email to {user.pk} (SMTP 550)" in all_logs.text
    assert_no_address(caplog, all_logs)


def test_a_refused_moderation_email_is_logged_without_the_address(
    refusing_smtp,  # noqa: F811
    all_logs,  # noqa: F811
    caplog,
):
    staff("approver", roles.CAMPAIGN_APPROVER)
    editor = staff("editor")
    page = Page.get_first_root_node().add_child(instance=Page(title="Waiting", slug="waiting", live=False))
    page.save_revision(user=editor)
    with caplog.at_level(logging.DEBUG):
        Workflow.objects.get(name="Campaign approval").start(page, editor)

    [failure] = [line for line in all_logs.lines if "not sent" in line]
    assert 'The page "Waiting" has been submitted for approval' in failure
    assert failure.startswith("ERROR beacon.core.mail Staff notification email") and failure.endswith(
        "(SMTP 550)"
    )
    assert_no_address(caplog, all_logs)


def test_the_filter_removes_addresses_and_any_exception_and_keeps_the_rest():
    try:
        raise RuntimeError(f"could not deliver to <{ADDRESS}>")
    except RuntimeError:
        import sys

        record = logging.LogRecord(
            "wagtail.admin", logging.ERROR, __file__, 1, "Sent '%s' to %s, %d tries", None, sys.exc_info()
        )
    record.args = ("Subject with no address", ADDRESS, 3)
    assert RecipientFreeMailLog().filter(record)
    assert record.getMessage() == "Sent 'Subject with no address' to [an address], 3 tries (RuntimeError)"
    assert record.exc_info is None and record.exc_text is None

    plain = logging.LogRecord("wagtail.admin", logging.INFO, __file__, 1, "Nothing to hide", None, None)
    assert RecipientFreeMailLog().filter(plain) and plain.getMessage() == "Nothing to hide"
