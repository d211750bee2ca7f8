"""Someone who manages accounts sees the accounts locked after wrong passwords and unlocks one, audited."""

import datetime
import io
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from beacon.accounts import lockout, roles, user_services
from beacon.core.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"
LOCKED = "/admin/users/locked/"


def unlock_url(user):
    return f"/admin/users/unlock/{user.pk}/"


def from_address(n: int) -> Client:
    return Client(REMOTE_ADDR=f"10.0.0.{n}")


def guess(client, username, times):
    for _ in range(times):
        client.post("/admin/login/", {"username": username, "password": "wrong-password"})


def sign_in(client, username):
    return client.post("/admin/login/", {"username": username, "password": PASSWORD})


def lock_account(settings, username):
    """Wrong passwords from many addresses, none reaching the per-address limit: the account itself is locked."""
    per_address = settings.AXES_FAILURE_LIMIT - 1
    for n in range(-(-settings.BEACON_ACCOUNT_FAILURE_LIMIT // per_address)):
        guess(from_address(n), username, per_address)


def verified_client(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
    session.save()
    return client


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def unlocks(event_filter=None):
    return AuditEvent.objects.filter(action="user.unlock", **(event_filter or {}))


def test_a_superuser_sees_a_locked_account_and_unlocks_it(make_staff, settings):
    superuser = make_staff(superuser=True)
    officer = make_staff(roles.TRIAGE_OFFICER)
    lock_account(settings, officer.username)
    assert sign_in(from_address(201), officer.username).status_code == 429
    client = verified_client(superuser, enforce_csrf_checks=True)

    assert LOCKED in client.get("/admin/users/").content.decode()  # the Users list leads to it
    page = client.get(LOCKED).content.decode()
    assert officer.username in page
    assert f"{settings.BEACON_ACCOUNT_FAILURE_LIMIT} in the last hour" in page
    assert "Everywhere except places they have signed in from before" in page
    assert "10.0.0." not in page  # no addresses
    assert unlock_url(officer) in page

    response = client.post(unlock_url(officer), {"csrfmiddlewaretoken": csrf_token(page)}, follow=True)

    assert "account is unlocked" in response.content.decode()
    assert officer.username not in client.get(LOCKED).content.decode()
    assert sign_in(from_address(201), officer.username).status_code == 302
    (event,) = unlocks()
    assert event.actor == superuser and event.object_type == "user" and event.object_id == str(officer.pk)
    assert event.detail == {"username": officer.username, "failures": settings.BEACON_ACCOUNT_FAILURE_LIMIT}


def test_an_address_locked_on_its_own_is_listed_and_unlocked(make_staff, settings):
    superuser = make_staff(superuser=True)
    officer = make_staff(roles.TRIAGE_OFFICER)
    guess(from_address(7), officer.username, settings.AXES_FAILURE_LIMIT)
    assert sign_in(from_address(7), officer.username).status_code == 429
    client = verified_client(superuser)
    page = client.get(LOCKED).content.decode()
    assert officer.username in page and "1 place the wrong passwords came from" in page

    client.post(unlock_url(officer))

    assert sign_in(from_address(7), officer.username).status_code == 302


def test_accounts_not_locked_and_unknown_user_names_are_not_listed(make_staff, settings):
    superuser = make_staff(superuser=True)
    officer = make_staff(roles.TRIAGE_OFFICER)
    guess(from_address(7), officer.username, settings.AXES_FAILURE_LIMIT - 1)
    guess(from_address(8), "nobody-has-this-name", settings.AXES_FAILURE_LIMIT)
    page = verified_client(superuser).get(LOCKED).content.decode()
    assert "No accounts are locked." in page
    assert officer.username not in page and "nobody-has-this-name" not in page
    assert lockout.account_locks() == []


def test_a_get_or_a_post_without_its_csrf_token_unlocks_nothing(make_staff, settings):
    superuser = make_staff(superuser=True)
    officer = make_staff(roles.TRIAGE_OFFICER)
    lock_account(settings, officer.username)
    client = verified_client(superuser, enforce_csrf_checks=True)

    assert client.get(unlock_url(officer)).status_code == 405
    assert client.post(unlock_url(officer)).status_code == 403

    assert sign_in(from_address(201), officer.username).status_code == 429
    assert not unlocks().exists()


def test_an_administrator_unlocks_only_those_without_more_access_and_never_themselves(make_staff, settings):
    admin = make_staff(roles.ADMINISTRATOR)
    officer = make_staff(roles.TRIAGE_OFFICER)
    colleague = make_staff(roles.ADMINISTRATOR)
    client = verified_client(admin)
    for person in (officer, colleague, admin):
        lock_account(settings, person.username)

    page = client.get(LOCKED).content.decode()
    assert all(person.username in page for person in (officer, colleague, admin))
    assert unlock_url(colleague) in page
    assert unlock_url(officer) not in page and unlock_url(admin) not in page
    assert "Only a superuser can unlock this account" in page and "You cannot unlock your own account" in page
    # Refused like the admin's other screens: back to its dashboard.
    for refused in (client.post(unlock_url(officer)), client.post(unlock_url(admin))):
        assert refused.status_code == 302 and refused["Location"] == "/admin/"
    assert sign_in(from_address(201), officer.username).status_code == 429
    assert sign_in(from_address(201), admin.username).status_code == 429

    assert client.post(unlock_url(colleague))["Location"] == LOCKED
    assert sign_in(from_address(201), colleague.username).status_code == 302
    assert list(unlocks().values_list("object_id", flat=True)) == [str(colleague.pk)]


def test_staff_who_do_not_manage_accounts_cannot_see_or_unlock_locks(make_staff, settings):
    editor = make_staff(roles.CAMPAIGN_EDITOR)
    colleague = make_staff(roles.CAMPAIGN_EDITOR)
    lock_account(settings, colleague.username)
    client = verified_client(editor)
    for refused in (client.get(LOCKED), client.post(unlock_url(colleague))):
        assert refused.status_code == 302 and refused["Location"] == "/admin/"
    assert sign_in(from_address(201), colleague.username).status_code == 429
    with pytest.raises(PermissionDenied):
        user_services.account_unlock(actor=editor, user=colleague)
    assert not unlocks().exists()


def test_an_unknown_id_or_an_account_not_locked_is_no_error(make_staff):
    superuser = make_staff(superuser=True)
    officer = make_staff(roles.TRIAGE_OFFICER)
    client = verified_client(superuser)
    assert client.post("/admin/users/unlock/999999/").status_code == 404
    assert client.post("/admin/users/unlock/not-a-number/").status_code == 404

    response = client.post(unlock_url(officer), follow=True)

    assert response.status_code == 200 and "account is not locked" in response.content.decode()
    assert not unlocks().exists()
    with pytest.raises(ValidationError):
        user_services.account_unlock(actor=superuser, user=officer)


def test_unlocking_from_the_command_line_is_audited_too(make_staff, settings):
    from django.core.management import call_command

    officer = make_staff(roles.TRIAGE_OFFICER)
    lock_account(settings, officer.username)
    assert sign_in(from_address(201), officer.username).status_code == 429

    out = io.StringIO()
    call_command("axes_reset_username", officer.username, "nobody-by-this-name", stdout=out)

    assert "attempts removed" in out.getvalue()
    assert sign_in(from_address(201), officer.username).status_code == 302
    (event,) = unlocks()
    assert event.actor is None and event.actor_name == "system"
    assert event.object_type == "user" and event.object_id == str(officer.pk)
    assert event.detail == {
        "username": officer.username,
        "failures": settings.BEACON_ACCOUNT_FAILURE_LIMIT,
        "from": "command line",
    }
    # Nothing to forget, nothing written.
    call_command("axes_reset_username", officer.username, stdout=io.StringIO())
    assert unlocks().count() == 1


def test_the_locked_list_counts_as_sign_in_does_for_every_account_in_three_queries(make_staff, settings):
    """account_locks agrees with the sign-in handler on who is locked, says since when (from an address it has
    signed in from before, a wrong password still counts but does not lock), oldest lock first, and asks the
    database the same number of times however many accounts are locked."""
    by_address = make_staff(roles.TRIAGE_OFFICER)  # made first, locked last
    everywhere = make_staff(roles.TRIAGE_OFFICER)
    only_known = make_staff(roles.TRIAGE_OFFICER)
    one_short = make_staff(roles.TRIAGE_OFFICER)
    long_ago = make_staff(roles.TRIAGE_OFFICER)
    limit = settings.BEACON_ACCOUNT_FAILURE_LIMIT
    per_address = settings.AXES_FAILURE_LIMIT - 1
    # Enough addresses for `limit` wrong passwords with none of them locked on its own.
    spread = range(100, 100 + -(-limit // per_address))
    start = timezone.now()

    def minute(n):
        return start + datetime.timedelta(minutes=n)

    def at(n):
        return time_machine.travel(minute(n), tick=False)

    with at(-120):
        guess(from_address(9), long_ago.username, settings.AXES_FAILURE_LIMIT)
    with at(0):
        assert sign_in(from_address(100), everywhere.username).status_code == 302
        for n in spread:
            assert sign_in(from_address(n), only_known.username).status_code == 302
    with at(1):
        for n in range(limit - 1):
            guess(from_address(20 + n // per_address), one_short.username, 1)
    with at(5):
        lock_account(settings, everywhere.username)
    with at(6):
        for n in spread:
            guess(from_address(n), only_known.username, per_address)
    with at(8):
        guess(from_address(100), everywhere.username, per_address)
    with at(10):
        guess(from_address(7), by_address.username, settings.AXES_FAILURE_LIMIT)
    with at(12):
        guess(from_address(8), by_address.username, per_address)

    with at(15), CaptureQueriesContext(connection) as queries:
        locks = lockout.account_locks()
    assert len(queries) == 3

    assert [(lock.user, lock.failures, lock.since, lock.account_wide, lock.addresses) for lock in locks] == [
        (everywhere, len(spread) * per_address + per_address, minute(5), True, 0),
        (only_known, len(spread) * per_address, minute(6), True, 0),
        (by_address, settings.AXES_FAILURE_LIMIT + per_address, minute(10), False, 1),
    ]
    with at(15):
        assert sign_in(from_address(201), everywhere.username).status_code == 429
        assert sign_in(from_address(100), everywhere.username).status_code == 302
        assert sign_in(from_address(201), only_known.username).status_code == 429
        assert sign_in(from_address(7), by_address.username).status_code == 429
        assert sign_in(from_address(201), by_address.username).status_code == 302
        assert sign_in(from_address(201), one_short.username).status_code == 302
        assert sign_in(from_address(9), long_ago.username).status_code == 302
