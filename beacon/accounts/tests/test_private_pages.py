"""Wagtail's private pages ("signed-in users", or chosen groups) need both sign-in steps, as the back office does."""

from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Page, PageViewRestriction

from beacon.accounts import roles

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


def current_code(user):
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def private_page(db):
    """make(restriction_type, groups=()) -> the URL of a published advice page with that view restriction."""
    from beacon.content.models import AdvicePage
    from beacon.core.demo import ensure_wagtail_roots

    ensure_wagtail_roots()
    home = Page.objects.filter(depth=2).first()

    def make(restriction_type, groups=()):
        page = AdvicePage(title="Staff briefing", slug="staff-briefing", summary="For staff")
        home.add_child(instance=page)
        page.save_revision().publish()
        restriction = PageViewRestriction.objects.create(page=page, restriction_type=restriction_type)
        restriction.groups.set(groups)
        return page.url

    return make


def test_a_password_alone_does_not_open_a_private_page(private_page, make_staff):
    url = private_page(PageViewRestriction.LOGIN)
    user = make_staff(roles.CAMPAIGN_EDITOR)
    client = Client()

    # The public are sent to the staff sign-in, by way of Beacon's sign-in step.
    refused = client.get(url)
    assert refused.status_code == 302 and refused["Location"] == f"/account/sign-in/?next={quote(url)}"
    step = client.get(refused["Location"])
    assert step.status_code == 302 and step["Location"] == f"/admin/login/?next={quote(url)}"

    # The password alone leads back to the page, which asks for the second step.
    signed_in = client.post(step["Location"], {"username": user.username, "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == url
    again = client.get(url, follow=True)
    assert again.redirect_chain[-1][0] == f"/account/two-factor/verify/?next={quote(url)}"
    assert "Staff briefing" not in again.content.decode()

    verified = client.post("/account/two-factor/verify/", {"token": current_code(user), "next": url})
    assert verified.status_code == 302 and verified["Location"] == url
    page = client.get(url)
    assert page.status_code == 200 and "Staff briefing" in page.content.decode()


def test_an_account_without_an_authenticator_must_set_one_up_to_see_a_private_page(private_page, make_staff):
    url = private_page(PageViewRestriction.LOGIN)
    user = make_staff(roles.CAMPAIGN_EDITOR, with_device=False)
    client = Client()
    client.post("/admin/login/", {"username": user.username, "password": PASSWORD})
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0].startswith("/account/two-factor/setup/")
    assert "Staff briefing" not in response.content.decode()


def test_wagtails_own_sign_in_form_signs_nobody_in(private_page, make_staff):
    url = private_page(PageViewRestriction.LOGIN)
    user = make_staff(roles.CAMPAIGN_EDITOR)
    client = Client()
    response = client.post(
        f"/_util/login/?next={quote(url)}", {"username": user.username, "password": PASSWORD, "next": url}
    )
    assert response.status_code == 302 and response["Location"] == f"/account/sign-in/?next={quote(url)}"
    assert "_auth_user_id" not in client.session
    assert client.get(url).status_code == 302


def test_a_group_page_needs_both_steps_and_the_group(private_page, make_staff, staff_client):
    url = private_page(PageViewRestriction.GROUPS, groups=[Group.objects.get(name=roles.TRIAGE_OFFICER)])
    officer = make_staff(roles.TRIAGE_OFFICER)

    password_only = Client()
    password_only.post("/admin/login/", {"username": officer.username, "password": PASSWORD})
    response = password_only.get(url, follow=True)
    assert response.redirect_chain[-1][0] == f"/account/two-factor/verify/?next={quote(url)}"

    editor = staff_client(make_staff(roles.CAMPAIGN_EDITOR))
    refused = editor.get(url, follow=True)
    assert refused.status_code == 403 and "You cannot see this page" in refused.content.decode()
    assert "Staff briefing" not in refused.content.decode()

    member = Client()
    member.force_login(officer)
    session = member.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=officer).persistent_id
    session.save()
    assert "Staff briefing" in member.get(url).content.decode()


def test_pages_cannot_be_given_a_shared_password():
    from wagtail.admin.forms.pages import PageViewRestrictionForm

    from beacon.content.models import AdvicePage

    form = PageViewRestrictionForm(private_page_options=AdvicePage.private_page_options)
    offered = {value for value, _ in form.fields["restriction_type"].choices}
    assert PageViewRestriction.PASSWORD not in offered
    assert {PageViewRestriction.LOGIN, PageViewRestriction.GROUPS} <= offered
