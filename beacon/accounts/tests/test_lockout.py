"""Password guessing is limited per user name from one address, and per user name from all addresses."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from beacon.accounts import roles

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


def from_address(n: int) -> Client:
    return Client(REMOTE_ADDR=f"10.0.0.{n}")


def guess(client, username, times):
    for _ in range(times):
        response = client.post("/admin/login/", {"username": username, "password": "wrong-password"})
        assert response.status_code in (200, 429)


def sign_in(client, username):
    return client.post("/admin/login/", {"username": username, "password": PASSWORD})


def spread_guesses(settings, username, total, *, first=0):
    """`total` wrong passwords, from as many addresses as needed for none to reach the per-address limit."""
    per_address = settings.AXES_FAILURE_LIMIT - 1
    n = first
    while total > 0:
        guess(from_address(n), username, min(per_address, total))
        total -= per_address
        n += 1


def test_guesses_spread_over_many_addresses_lock_the_account(make_staff, settings):
    user = make_staff(roles.TRIAGE_OFFICER)
    spread_guesses(settings, user.username, settings.BEACON_ACCOUNT_FAILURE_LIMIT - 1)
    assert sign_in(from_address(200), user.username).status_code == 302  # one short of the limit

    spread_guesses(settings, user.username, 1, first=50)
    locked = sign_in(from_address(201), user.username)  # the right password, from yet another address
    assert locked.status_code == 429 and "Your account is locked" in locked.content.decode()
    # Another account is not affected.
    assert sign_in(from_address(201), make_staff(roles.TRIAGE_OFFICER).username).status_code == 302


def test_the_owner_still_signs_in_from_an_address_they_signed_in_from_before(make_staff, settings):
    user = make_staff(roles.TRIAGE_OFFICER)
    usual = from_address(100)
    assert sign_in(usual, user.username).status_code == 302
    usual.post("/admin/logout/")
    spread_guesses(settings, user.username, settings.BEACON_ACCOUNT_FAILURE_LIMIT)
    assert sign_in(from_address(101), user.username).status_code == 429
    assert sign_in(from_address(100), user.username).status_code == 302


def test_the_account_lock_ends_after_the_cool_off(make_staff, settings):
    user = make_staff(roles.TRIAGE_OFFICER)
    spread_guesses(settings, user.username, settings.BEACON_ACCOUNT_FAILURE_LIMIT)
    assert sign_in(from_address(201), user.username).status_code == 429
    with time_machine.travel(
        timezone.now() + datetime.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    ):
        assert sign_in(from_address(201), user.username).status_code == 302


def test_attempts_while_locked_out_do_not_count_or_keep_the_lock(make_staff, settings):
    """Only passwords actually checked count: hammering a locked address neither adds to the account's count
    nor holds the lock past its hour."""
    user = make_staff(roles.TRIAGE_OFFICER)
    attacker = from_address(7)
    guess(attacker, user.username, settings.AXES_FAILURE_LIMIT + settings.BEACON_ACCOUNT_FAILURE_LIMIT)
    assert sign_in(from_address(8), user.username).status_code == 302
    later = timezone.now() + datetime.timedelta(minutes=50)
    with time_machine.travel(later):
        guess(attacker, user.username, 3)
    with time_machine.travel(later + datetime.timedelta(minutes=11)):
        assert sign_in(attacker, user.username).status_code == 302


def test_an_administrator_can_unlock_an_account(make_staff, settings):
    user = make_staff(roles.TRIAGE_OFFICER)
    spread_guesses(settings, user.username, settings.BEACON_ACCOUNT_FAILURE_LIMIT)
    guess(from_address(201), user.username, settings.AXES_FAILURE_LIMIT)
    assert sign_in(from_address(201), user.username).status_code == 429
    call_command("axes_reset_username", user.username, stdout=io.StringIO())
    assert sign_in(from_address(201), user.username).status_code == 302
