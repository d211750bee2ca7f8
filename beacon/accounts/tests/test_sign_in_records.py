"""django-axes' records of staff sign-ins and wrong passwords (user name, address, browser) are not kept for ever:
`accounts_purge` (hourly, from run_schedule) deletes them BEACON_SIGN_IN_RECORDS_DAYS days after the try, and
only sign-ins within that window let an owner past an account lock."""

import datetime
import io

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings as django_settings
from django.core.management import call_command, get_commands
from django.test import Client
from django.utils import timezone

from beacon.accounts import roles
from beacon.core.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


def from_address(n: int) -> Client:
    return Client(REMOTE_ADDR=f"10.0.0.{n}")


def guess(client, username, times):
    for _ in range(times):
        client.post("/admin/login/", {"username": username, "password": "wrong-password"})


def sign_in(client, username):
    return client.post("/admin/login/", {"username": username, "password": PASSWORD})


def lock_account(settings, username, *, first=0):
    per_address = settings.AXES_FAILURE_LIMIT - 1
    for n in range(-(-settings.BEACON_ACCOUNT_FAILURE_LIMIT // per_address)):
        guess(from_address(first + n), username, per_address)


def days_ago(days, **extra):
    return timezone.now() - datetime.timedelta(days=days, **extra)


def purge():
    call_command("accounts_purge", stdout=io.StringIO())


def failure_log(username, when):
    # Beacon does not switch axes' failure log on (AXES_ENABLE_ACCESS_FAILURE_LOG), but the table is there.
    row = AccessFailureLog.objects.create(
        username=username, ip_address="10.0.0.9", user_agent="", path_info="/"
    )
    AccessFailureLog.objects.filter(pk=row.pk).update(attempt_time=when)


def test_the_purge_deletes_sign_in_records_older_than_the_setting(make_staff, settings):
    days = settings.BEACON_SIGN_IN_RECORDS_DAYS
    old, recent = make_staff(roles.TRIAGE_OFFICER), make_staff(roles.TRIAGE_OFFICER)
    with time_machine.travel(days_ago(days, minutes=5)):
        assert sign_in(from_address(1), old.username).status_code == 302
        failure_log(old.username, timezone.now())
    with time_machine.travel(days_ago(days, minutes=-5)):
        assert sign_in(from_address(1), recent.username).status_code == 302
        failure_log(recent.username, timezone.now())

    purge()

    for model in (AccessLog, AccessFailureLog):
        assert list(model.objects.values_list("username", flat=True)) == [recent.username]
    (event,) = AuditEvent.objects.filter(action="accounts.sign_in_records_deleted")
    assert event.actor is None
    assert event.detail == {"sign_ins": 1, "failure_logs": 1, "attempt_records": 0, "days": days}
    purge()  # nothing more to delete: no second row
    assert AuditEvent.objects.filter(action="accounts.sign_in_records_deleted").count() == 1


def test_wrong_passwords_go_once_they_no_longer_count_and_a_lock_holds_until_then(make_staff, settings):
    user = make_staff(roles.TRIAGE_OFFICER)
    lock_account(settings, user.username)
    purge()
    assert sign_in(from_address(201), user.username).status_code == 429  # the purge left the lock alone

    rows = AccessAttempt.objects.count()  # one per user name, address and browser
    assert rows

    # axes itself deletes them only at the next sign-in or wrong password, which may never come.
    with time_machine.travel(
        timezone.now() + datetime.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    ):
        purge()
    assert not AccessAttempt.objects.exists()
    event = AuditEvent.objects.get(action="accounts.sign_in_records_deleted")
    assert event.detail["attempt_records"] == rows


def test_only_sign_ins_within_the_window_let_the_owner_past_an_account_lock(make_staff, settings):
    days = settings.BEACON_SIGN_IN_RECORDS_DAYS
    user = make_staff(roles.TRIAGE_OFFICER)
    with time_machine.travel(days_ago(days, hours=1)):
        assert sign_in(from_address(100), user.username).status_code == 302  # too long ago
    with time_machine.travel(days_ago(days, hours=-1)):
        assert sign_in(from_address(101), user.username).status_code == 302
    lock_account(settings, user.username)

    # Whether or not the purge has run yet.
    assert sign_in(from_address(100), user.username).status_code == 429
    assert sign_in(from_address(101), user.username).status_code == 302


def test_run_schedule_runs_the_purge_hourly():
    assert dict(django_settings.BEACON_SCHEDULE)["accounts_purge"] == 60 * 60
    assert "accounts_purge" in get_commands()
