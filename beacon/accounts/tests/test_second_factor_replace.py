"""A lost or new phone: the owner replaces their authenticator, or someone who manages accounts resets it.

Before this, a person who signed in with a recovery code could not add a new phone: set-up sends anyone who has an
authenticator to the verify page (access audit, last paragraph).
"""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from beacon.accounts import roles, user_services
from beacon.accounts.services import recovery_codes_issue
from beacon.core.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"
REPLACE = "/account/two-factor/replace/"


def code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def wrong(device):
    return "000000" if code(device) != "000000" else "111111"


def verified_client(user):
    """A browser of its own, signed in as user with the second step passed."""
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
    session.save()
    return client


def signed_in_with_recovery_code(user):
    recovery = recovery_codes_issue(user=user)
    client = Client()
    assert client.post("/admin/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    assert client.post("/account/two-factor/verify/", {"token": recovery[0]}).status_code == 302
    return client


def pending(user):
    return TOTPDevice.objects.get(user=user, confirmed=False)


# --- the owner replaces their authenticator ---


def test_after_a_recovery_code_the_owner_replaces_their_authenticator(make_staff):
    user = make_staff(roles.TRIAGE_OFFICER)
    old = TOTPDevice.objects.get(user=user)
    client = signed_in_with_recovery_code(user)
    # The set-up page is for accounts with no authenticator: it still sends this one to verify.
    assert client.get("/account/two-factor/setup/").status_code == 302

    page = client.get(REPLACE)
    assert page.status_code == 200 and "Replace your authenticator app" in page.content.decode()
    new = pending(user)
    refused = client.post(REPLACE, {"password": PASSWORD, "token": wrong(new)})
    assert "The code is not right" in refused.content.decode()
    assert TOTPDevice.objects.filter(
        pk=old.pk, confirmed=True
    ).exists()  # the old one works until the new one does
    new.throttle_reset()

    done = client.post(REPLACE, {"password": PASSWORD, "token": code(new)})

    body = done.content.decode()
    assert "Authenticator app replaced" in body and "9 recovery codes left" in body
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", "confirmed")) == [(new.pk, True)]
    assert client.get("/admin/").status_code == 200
    (event,) = AuditEvent.objects.filter(action="user.authenticator_replace")
    assert event.actor == user and event.object_id == str(user.pk)

    # From the next 30-second step on (a code already used is never taken again), the new app is the second
    # step, and the old one is not.
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=30), tick=False):
        again = Client()
        again.post("/admin/login/", {"username": user.username, "password": PASSWORD})
        refused = again.post("/account/two-factor/verify/", {"token": code(old)})
        assert "The code is not right" in refused.content.decode()
        TOTPDevice.objects.get(pk=new.pk).throttle_reset()
        assert again.post("/account/two-factor/verify/", {"token": code(new)}).status_code == 302


def test_replacing_needs_the_password(make_staff, staff_client):
    user = make_staff(roles.TRIAGE_OFFICER)
    old = TOTPDevice.objects.get(user=user)
    client = staff_client(user)
    client.get(REPLACE)
    response = client.post(REPLACE, {"password": "not-the-password", "token": code(pending(user))})
    assert "The password is not right" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()
    assert not AuditEvent.objects.filter(action="user.authenticator_replace").exists()


def test_replacing_needs_the_second_step_passed(make_staff, client):
    user = make_staff(roles.TRIAGE_OFFICER)
    client.post("/admin/login/", {"username": user.username, "password": PASSWORD})
    response = client.get(REPLACE)
    assert response.status_code == 302 and response["Location"].startswith("/account/two-factor/verify/")
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()


def test_replacing_signs_the_owner_out_everywhere_else(make_staff):
    user = make_staff(roles.TRIAGE_OFFICER)
    here, elsewhere = verified_client(user), verified_client(user)
    assert elsewhere.get("/admin/").status_code == 200
    here.get(REPLACE)
    here.post(REPLACE, {"password": PASSWORD, "token": code(pending(user))})
    assert here.get("/admin/").status_code == 200
    response = elsewhere.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_account_page_links_to_replacing_the_authenticator(make_staff, staff_client):
    user = make_staff(roles.CAMPAIGN_EDITOR)
    page = staff_client(user).get("/admin/account/").content.decode()
    assert f'href="{REPLACE}"' in page and 'href="/account/two-factor/recovery-codes/"' in page


# --- someone who manages accounts resets another person's second factor ---


def reset_url(user):
    return f"/admin/users/reset-two-factor/{user.pk}/"


def test_a_superuser_resets_a_lost_second_factor(make_staff):
    superuser = make_staff(superuser=True)
    officer = make_staff(roles.TRIAGE_OFFICER)
    recovery_codes_issue(user=officer)
    officers_browser = verified_client(officer)
    assert officers_browser.get("/admin/").status_code == 200
    client = verified_client(superuser)
    assert reset_url(officer) in client.get("/admin/users/").content.decode()
    assert "stop working" in client.get(reset_url(officer)).content.decode()

    response = client.post(reset_url(officer))

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()
    assert not StaticToken.objects.filter(device__user=officer).exists()
    ended = officers_browser.get("/admin/")
    assert ended.status_code == 302 and ended["Location"].startswith("/admin/login/")
    (event,) = AuditEvent.objects.filter(action="user.second_factor_reset")
    assert event.actor == superuser and event.object_id == str(officer.pk)
    assert event.detail == {"username": officer.username, "had_authenticator": True}
    # At the next sign-in the officer must set up a new authenticator before anything else.
    fresh = Client()
    fresh.post("/admin/login/", {"username": officer.username, "password": PASSWORD})
    assert fresh.get("/admin/", follow=True).redirect_chain[-1][0].startswith("/account/two-factor/setup/")


def test_an_administrator_resets_only_those_without_more_access(make_staff):
    admin = make_staff(roles.ADMINISTRATOR)
    officer = make_staff(roles.TRIAGE_OFFICER)
    colleague = make_staff(roles.ADMINISTRATOR)
    client = verified_client(admin)

    listing = client.get("/admin/users/").content.decode()
    assert (
        reset_url(colleague) in listing
        and reset_url(officer) not in listing
        and reset_url(admin) not in listing
    )
    # A triage officer has access the administrator lacks: whoever set up their new app could use it. (The admin
    # answers a refusal by going back to its dashboard.)
    for refused in (
        client.get(reset_url(officer)),
        client.post(reset_url(officer)),
        client.post(reset_url(admin)),
    ):
        assert refused.status_code == 302 and refused["Location"] == "/admin/"
    assert TOTPDevice.objects.filter(user__in=[officer, admin], confirmed=True).count() == 2

    assert client.post(reset_url(colleague)).status_code == 302
    assert not TOTPDevice.objects.filter(user=colleague).exists()
    assert AuditEvent.objects.get(action="user.second_factor_reset").object_id == str(colleague.pk)


def test_staff_who_do_not_manage_accounts_cannot_reset_anyone(make_staff):
    editor = make_staff(roles.CAMPAIGN_EDITOR)
    colleague = make_staff(roles.CAMPAIGN_EDITOR)
    client = verified_client(editor)
    assert client.post(reset_url(colleague))["Location"] == "/admin/"
    assert TOTPDevice.objects.filter(user=colleague, confirmed=True).exists()
    with pytest.raises(PermissionDenied):
        user_services.second_factor_reset(actor=editor, user=colleague)
    assert not AuditEvent.objects.filter(action="user.second_factor_reset").exists()


def test_sessions_made_before_a_reset_ever_happened_stay_valid(make_staff):
    """Generation 0 keeps Django's own session hash, so adding the field signed no one out."""
    from django.contrib.auth.base_user import AbstractBaseUser

    user = make_staff(roles.TRIAGE_OFFICER)
    assert user.get_session_auth_hash() == AbstractBaseUser.get_session_auth_hash(user)
    user_services.sessions_end(user=user)
    assert user.session_generation == 1
    assert user.get_session_auth_hash() != AbstractBaseUser.get_session_auth_hash(user)
