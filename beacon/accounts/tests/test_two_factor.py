"""Staff must pass a second factor before anything in the back office; failures lock out."""

import base64
import datetime
import re
import time

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from beacon.accounts import roles

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


def sign_in(client, user):
    return client.post("/admin/login/", {"username": user.username, "password": PASSWORD})


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def shown_key(response) -> str:
    """The key the set-up page shows (the one in its QR code)."""
    return re.search(r'beacon-receipt">([A-Z2-7]+)<', response.content.decode()).group(1)


def code_from_key(secret: str) -> str:
    return f"{totp(base64.b32decode(secret + '=' * (-len(secret) % 8)), step=30, t0=0, digits=6):06d}"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_password_alone_does_not_open_the_admin(client, make_staff):
    user = make_staff(roles.TRIAGE_OFFICER)
    sign_in(client, user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-factor/verify/")
    assert client.get("/admin/pages/").status_code == 302


def test_account_without_a_second_factor_must_set_one_up_first(client, make_staff):
    user = make_staff(roles.CAMPAIGN_EDITOR, with_device=False)
    sign_in(client, user)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/account/two-factor/setup/")
    assert "Set up two-factor sign-in" in response.content.decode()

    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post(
        "/account/two-factor/setup/", {"token": "000000" if current_code(device) != "000000" else "111111"}
    )
    assert "The code is not right" in wrong.content.decode()
    # django-otp throttles a device for a second after a failure; a person would simply try again.
    TOTPDevice.objects.get(user=user).throttle_reset()

    confirmed = client.post("/account/two-factor/setup/", {"token": current_code(device), "next": "/admin/"})
    body = confirmed.content.decode()
    assert "Your recovery codes" in body
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get("/admin/").status_code == 200


def test_a_key_seen_by_another_sign_in_never_passes_the_second_factor(client, make_staff):
    """Someone who has a new account's first password and opens the set-up page copies a key that the owner,
    signing in elsewhere, is never shown: it cannot be confirmed, and it passes no later sign-in."""
    user = make_staff(roles.TRIAGE_OFFICER, with_device=False)
    copier = Client()
    sign_in(copier, user)
    copied = shown_key(copier.get("/account/two-factor/setup/"))

    sign_in(client, user)
    owner_key = shown_key(client.get("/account/two-factor/setup/"))
    assert owner_key != copied
    assert shown_key(client.get("/account/two-factor/setup/")) == owner_key  # the same on a reload
    enrolled = client.post("/account/two-factor/setup/", {"token": code_from_key(owner_key)})
    assert "Your recovery codes" in enrolled.content.decode()
    assert list(TOTPDevice.objects.filter(user=user).values_list("confirmed", flat=True)) == [True]

    # The copier's own session cannot confirm the copied key any more, and a later sign-in's code from it fails.
    assert copier.post("/account/two-factor/setup/", {"token": code_from_key(copied)}).status_code == 302
    later = Client()
    sign_in(later, user)
    with time_machine.travel(time.time() + 120, tick=False):
        refused = later.post("/account/two-factor/verify/", {"token": code_from_key(copied)})
        assert refused.status_code == 200 and "The code is not right" in refused.content.decode()
        assert later.get("/admin/triage/").status_code == 302


def test_each_sign_in_is_shown_a_new_key(client, make_staff):
    user = make_staff(roles.CAMPAIGN_EDITOR, with_device=False)
    sign_in(client, user)
    first = shown_key(client.get("/account/two-factor/setup/"))
    sign_in(client, user)  # again, in the same browser
    second = shown_key(client.get("/account/two-factor/setup/"))
    assert second != first
    refused = client.post("/account/two-factor/setup/", {"token": code_from_key(first)})
    assert "The code is not right" in refused.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_the_right_code_opens_the_admin(client, make_staff):
    user = make_staff(roles.TRIAGE_OFFICER)
    device = TOTPDevice.objects.get(user=user)
    sign_in(client, user)
    response = client.post("/account/two-factor/verify/", {"token": current_code(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_works_once(client, make_staff):
    from beacon.accounts.services import recovery_codes_issue

    user = make_staff(roles.TRIAGE_OFFICER)
    code = recovery_codes_issue(user=user)[0]
    sign_in(client, user)
    assert client.post("/account/two-factor/verify/", {"token": code}).status_code == 302
    client.post("/admin/logout/")
    sign_in(client, user)
    response = client.post("/account/two-factor/verify/", {"token": code})
    assert response.status_code == 200 and "The code is not right" in response.content.decode()


def test_verify_refuses_an_offsite_next(client, make_staff):
    user = make_staff(roles.TRIAGE_OFFICER)
    device = TOTPDevice.objects.get(user=user)
    sign_in(client, user)
    response = client.post(
        "/account/two-factor/verify/", {"token": current_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/admin/"


def test_repeated_password_failures_lock_the_account(client, make_staff, settings):
    user = make_staff(roles.TRIAGE_OFFICER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": user.username, "password": "wrong"})
    response = sign_in(client, user)  # the right password, too late
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_staff_sessions_end_after_idle_time(client, make_staff, staff_client, settings):
    user = make_staff(roles.TRIAGE_OFFICER)
    signed_in = staff_client(user)
    assert signed_in.get("/admin/").status_code == 200
    session = signed_in.session
    session["beacon_staff_last_seen"] = int(time.time()) - settings.BEACON_STAFF_IDLE_SECONDS - 5
    session.save()
    response = signed_in.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_roles_exist_with_least_privilege():
    from django.contrib.auth.models import Group

    roles.roles_sync()
    names = set(Group.objects.values_list("name", flat=True))
    assert {
        roles.TRIAGE_OFFICER,
        roles.INTELLIGENCE_ANALYST,
        roles.NEIGHBOURHOOD_SUPERVISOR,
        roles.SAFEGUARDING_LEAD,
        roles.CAMPAIGN_EDITOR,
        roles.ADMINISTRATOR,
    } <= names
    editor = Group.objects.get(name=roles.CAMPAIGN_EDITOR)
    assert not editor.permissions.filter(content_type__app_label__in=["reporting", "triage"]).exists()


def test_recovery_codes_are_stored_only_as_keyed_digests(client, make_staff):
    from beacon.accounts.services import recovery_code_digest, recovery_codes_issue

    user = make_staff(roles.TRIAGE_OFFICER)
    codes = recovery_codes_issue(user=user)
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert stored == {recovery_code_digest(code) for code in codes}
    assert not stored & set(codes)
    # A stored digest typed as a code does not pass the second factor; the code itself, written as people
    # copy it down (capitals, spaces), does.
    sign_in(client, user)
    refused = client.post("/account/two-factor/verify/", {"token": next(iter(stored))})
    assert refused.status_code == 200 and "The code is not right" in refused.content.decode()
    code = codes[1]
    typed = f"{code[:5].upper()} {code[5:].upper()}"
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=5)):  # after the failure's back-off
        assert client.post("/account/two-factor/verify/", {"token": typed}).status_code == 302


def test_codes_stored_before_the_change_are_turned_into_digests(make_staff):
    import importlib

    from django.apps import apps
    from django_otp.plugins.otp_static.models import StaticDevice

    from beacon.accounts.services import recovery_code_digest

    migration = importlib.import_module("beacon.accounts.migrations.0002_recovery_codes_stored_as_digests")
    user = make_staff(roles.TRIAGE_OFFICER)
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=device, token="abcde23456")
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # a second run leaves digests alone
    assert list(device.token_set.values_list("token", flat=True)) == [recovery_code_digest("abcde23456")]


@pytest.mark.parametrize("target", ["-1", "\u00b2", "admin", "9" * 400])
def test_a_next_that_is_not_a_path_leads_to_the_admin(client, make_staff, target):
    """A bare word is not followed (redirect() would look it up as a URL name and fail with a 500)."""
    user = make_staff(roles.TRIAGE_OFFICER)
    device = TOTPDevice.objects.get(user=user)
    sign_in(client, user)
    response = client.post("/account/two-factor/verify/", {"token": current_code(device), "next": target})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    again = client.get("/account/two-factor/verify/", {"next": target})  # already verified
    assert again.status_code == 302 and again["Location"] == "/admin/"


def test_the_code_step_signs_out_with_a_post(client, make_staff):
    """Django's sign-out takes only a POST: a plain link to it answered 405 and left the person signed in."""
    user = make_staff(roles.TRIAGE_OFFICER, with_device=True)
    sign_in(client, user)
    page = client.get("/account/two-factor/verify/").content.decode()
    form = re.search(r'<form method="post" action="/admin/logout/"[^>]*>(.*?)</form>', page, re.S)
    assert form and "csrfmiddlewaretoken" in form.group(1) and ">Sign out</button>" in form.group(1)
    assert client.post("/admin/logout/").status_code == 302
    assert client.get("/account/two-factor/verify/")["Location"].startswith("/admin/login/")
