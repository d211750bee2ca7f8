"""New recovery codes need the person's password: a desk left signed in gives no lasting way past the second step."""

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken

from beacon.accounts import roles
from beacon.accounts.services import recovery_codes_issue

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"
URL = "/account/two-factor/recovery-codes/"


def stored(user):
    return set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def test_the_page_asks_for_the_password(make_staff, staff_client):
    client = staff_client(make_staff(roles.TRIAGE_OFFICER))
    body = client.get(URL).content.decode()
    assert 'type="password"' in body and 'autocomplete="current-password"' in body


@pytest.mark.parametrize(
    ("data", "message"),
    [({}, "Enter your password"), ({"password": "not-the-password"}, "The password is not right")],
)
def test_without_the_right_password_nothing_changes(make_staff, staff_client, data, message):
    user = make_staff(roles.TRIAGE_OFFICER)
    old_codes = recovery_codes_issue(user=user)
    before = stored(user)
    client = staff_client(user)
    response = client.post(URL, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and message in body and "<title>Error: " in body
    assert "Your recovery codes" not in body
    assert stored(user) == before
    # The old codes still work.
    signing_in = Client()
    signing_in.post("/admin/login/", {"username": user.username, "password": PASSWORD})
    assert signing_in.post("/account/two-factor/verify/", {"token": old_codes[0]}).status_code == 302


def test_the_right_password_gives_new_codes_and_ends_the_old_ones(make_staff, staff_client):
    user = make_staff(roles.TRIAGE_OFFICER)
    old_codes = recovery_codes_issue(user=user)
    before = stored(user)
    client = staff_client(user)
    response = client.post(URL, {"password": PASSWORD})
    assert response.status_code == 200 and "Your recovery codes" in response.content.decode()
    after = stored(user)
    assert len(after) == 10 and after.isdisjoint(before)
    signing_in = Client()
    signing_in.post("/admin/login/", {"username": user.username, "password": PASSWORD})
    refused = signing_in.post("/account/two-factor/verify/", {"token": old_codes[0]})
    assert refused.status_code == 200 and "The code is not right" in refused.content.decode()


def test_wrong_passwords_here_count_towards_the_lockout(make_staff, staff_client, settings):
    user = make_staff(roles.TRIAGE_OFFICER)
    client = staff_client(user)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(URL, {"password": "not-the-password"})
    assert (
        Client().post("/admin/login/", {"username": user.username, "password": PASSWORD}).status_code == 429
    )
