"""Managing staff accounts in the admin never gives anyone more access than the manager holds, and is audited.

Only triage roles open reports (issue 4). The Administrator role manages accounts but holds no triage permission, so
it must not be able to give itself, or anyone, a triage role or superuser status (access audit, finding 1).
"""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction

from beacon.accounts import access, roles, user_services
from beacon.accounts.models import User
from beacon.core.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"
NEW_PASSWORD = "shadow-password-123456"


@pytest.fixture
def report(db):
    from beacon.core.demo import seed
    from beacon.reporting.services import report_submit
    from beacon.triage.tests.conftest import answers

    seed(stdout=io.StringIO())
    return report_submit(answers=answers(details="Distinctive words: marmalade lighthouse"), files=[]).report


def group(name):
    return Group.objects.get(name=name)


def edit_data(user, **overrides):
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": "Given",
        "last_name": "Family",
        "is_active": "on",
        "groups": [g.pk for g in user.groups.all()],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def new_user_data(**overrides):
    data = {
        "username": "shadow",
        "email": "shadow@beacon.invalid",
        "first_name": "S",
        "last_name": "H",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def user_events(user, action=None):
    events = AuditEvent.objects.filter(object_type="user", object_id=str(user.pk))
    return list(events.filter(action=action) if action else events)


# --- the audit's two probes, through the admin's own screens ---


def test_an_administrator_cannot_add_themselves_to_a_triage_role(make_staff, staff_client, report):
    admin = make_staff(roles.ADMINISTRATOR)
    client = staff_client(admin)
    page = client.get(f"/admin/users/edit/{admin.pk}/").content.decode()
    assert "You cannot change your own roles" in page

    client.post(
        f"/admin/users/edit/{admin.pk}/",
        edit_data(admin, groups=[group(roles.ADMINISTRATOR).pk, group(roles.TRIAGE_OFFICER).pk]),
    )

    assert list(admin.groups.values_list("name", flat=True)) == [roles.ADMINISTRATOR]
    detail = client.get(f"/admin/triage/reports/{report.pk}/")
    assert detail.status_code != 200 and "marmalade lighthouse" not in detail.content.decode()
    assert user_events(admin) == []


def test_an_administrator_cannot_create_a_superuser(make_staff, staff_client):
    admin = make_staff(roles.ADMINISTRATOR)
    client = staff_client(admin)
    page = client.get("/admin/users/new/").content.decode()
    assert 'name="is_superuser"' not in page

    response = client.post("/admin/users/new/", new_user_data(is_superuser="on"))

    assert response.status_code == 302
    shadow = User.objects.get(username="shadow")
    assert not shadow.is_superuser
    (event,) = user_events(shadow, "user.create")
    assert event.actor == admin and event.detail["superuser"] is False


def test_an_administrator_cannot_give_a_triage_role_to_anyone(make_staff, staff_client):
    admin = make_staff(roles.ADMINISTRATOR)
    editor = make_staff(roles.CAMPAIGN_EDITOR)
    client = staff_client(admin)

    for triage_role in (roles.TRIAGE_OFFICER, roles.SAFEGUARDING_LEAD, roles.INTELLIGENCE_ANALYST):
        response = client.post(
            f"/admin/users/edit/{editor.pk}/", edit_data(editor, groups=[group(triage_role).pk])
        )
        assert response.status_code == 200
        assert f"You cannot give the {triage_role} role" in response.content.decode()
    created = client.post("/admin/users/new/", new_user_data(groups=[group(roles.TRIAGE_OFFICER).pk]))
    assert (
        created.status_code == 200 and "You cannot give the Triage officer role" in created.content.decode()
    )

    assert list(editor.groups.values_list("name", flat=True)) == [roles.CAMPAIGN_EDITOR]
    assert not User.objects.filter(username="shadow").exists()
    assert not AuditEvent.objects.filter(object_type="user").exists()


def test_an_administrator_gives_only_roles_whose_access_they_hold(make_staff, staff_client):
    admin = make_staff(roles.ADMINISTRATOR)
    editor = make_staff(roles.CAMPAIGN_EDITOR)
    client = staff_client(admin)

    # The campaign editor's role carries content permissions the Administrator role does not hold.
    refused = client.post(
        f"/admin/users/edit/{editor.pk}/", edit_data(editor, groups=[group(roles.CAMPAIGN_APPROVER).pk])
    )
    assert "You cannot give the Campaign approver role" in refused.content.decode()
    # Its own role it holds in full: it can give that, and take a role away.
    given = client.post(
        f"/admin/users/edit/{editor.pk}/", edit_data(editor, groups=[group(roles.ADMINISTRATOR).pk])
    )
    assert given.status_code == 302
    assert list(editor.groups.values_list("name", flat=True)) == [roles.ADMINISTRATOR]
    (event,) = user_events(editor, "user.change")
    assert event.actor == admin and event.actor_name == admin.username
    assert event.detail["groups_added"] == [roles.ADMINISTRATOR]
    assert event.detail["groups_removed"] == [roles.CAMPAIGN_EDITOR]


def test_an_administrator_cannot_change_how_someone_with_more_access_signs_in(make_staff, staff_client):
    admin = make_staff(roles.ADMINISTRATOR)
    officer = make_staff(roles.TRIAGE_OFFICER)
    superuser = make_staff(superuser=True)
    client = staff_client(admin)

    for target in (officer, superuser):
        page = client.get(f"/admin/users/edit/{target.pk}/").content.decode()
        assert "Only a superuser can change this" in page and 'name="password1"' not in page
        client.post(
            f"/admin/users/edit/{target.pk}/",
            edit_data(
                target, email="taken-over@beacon.invalid", password1=NEW_PASSWORD, password2=NEW_PASSWORD
            ),
        )
        target.refresh_from_db()
        assert target.email.endswith("@beacon.invalid") and target.email != "taken-over@beacon.invalid"
        assert target.check_password(PASSWORD)
    # Someone with no more access than the administrator: their password can be set (and that is audited).
    colleague = make_staff(roles.ADMINISTRATOR)
    client.post(
        f"/admin/users/edit/{colleague.pk}/",
        edit_data(colleague, password1=NEW_PASSWORD, password2=NEW_PASSWORD),
    )
    colleague.refresh_from_db()
    assert colleague.check_password(NEW_PASSWORD)
    (event,) = user_events(colleague, "user.change")
    assert event.detail["sign_in_details_changed"] == ["password"]


def test_switching_an_account_off_and_on_is_audited(make_staff, staff_client):
    admin = make_staff(roles.ADMINISTRATOR)
    officer = make_staff(roles.TRIAGE_OFFICER)
    client = staff_client(admin)

    assert (
        client.post(f"/admin/users/edit/{officer.pk}/", edit_data(officer, is_active=None)).status_code == 302
    )
    officer.refresh_from_db()
    assert not officer.is_active
    assert client.post(f"/admin/users/edit/{officer.pk}/", edit_data(officer)).status_code == 302
    assert [event.detail["active"] for event in reversed(user_events(officer, "user.change"))] == [
        False,
        True,
    ]


def test_a_superuser_can_still_give_any_role_and_make_a_superuser(make_staff, staff_client, report):
    superuser = make_staff(superuser=True)
    admin = make_staff(roles.ADMINISTRATOR)
    client = staff_client(superuser)
    assert 'name="is_superuser"' in client.get("/admin/users/new/").content.decode()

    response = client.post(
        f"/admin/users/edit/{admin.pk}/",
        edit_data(admin, groups=[group(roles.ADMINISTRATOR).pk, group(roles.TRIAGE_OFFICER).pk]),
    )
    assert response.status_code == 302
    created = client.post(
        "/admin/users/new/", new_user_data(is_superuser="on", groups=[group(roles.SAFEGUARDING_LEAD).pk])
    )
    assert created.status_code == 302

    (change,) = user_events(admin, "user.change")
    assert change.actor == superuser
    assert change.detail == {
        "username": admin.username,
        "groups_added": [roles.TRIAGE_OFFICER],
        "groups_removed": [],
    }
    shadow = User.objects.get(username="shadow")
    assert shadow.is_superuser
    (create,) = user_events(shadow, "user.create")
    assert create.detail == {
        "username": "shadow",
        "groups": [roles.SAFEGUARDING_LEAD],
        "superuser": True,
        "active": True,
    }
    client.post(f"/admin/users/edit/{shadow.pk}/", edit_data(shadow, is_superuser=None))
    shadow.refresh_from_db()
    assert not shadow.is_superuser
    assert user_events(shadow, "user.change")[0].detail["superuser"] is False


def test_a_name_change_writes_no_audit_row(make_staff, staff_client):
    admin = make_staff(roles.ADMINISTRATOR)
    editor = make_staff(roles.CAMPAIGN_EDITOR)
    client = staff_client(admin)
    assert (
        client.post(f"/admin/users/edit/{editor.pk}/", edit_data(editor, first_name="Renamed")).status_code
        == 302
    )
    assert user_events(editor) == []


# --- the admin's bulk actions on the user list ---


def bulk(client, action, users, data):
    ids = "&".join(f"id={user.pk}" for user in users)
    return client.post(f"/admin/bulk/accounts/user/{action}/?{ids}&next=/admin/users/", data)


def test_bulk_assign_role_offers_only_roles_the_administrator_may_give(make_staff, staff_client):
    admin = make_staff(roles.ADMINISTRATOR)
    editor = make_staff(roles.CAMPAIGN_EDITOR)
    client = staff_client(admin)
    page = client.get(f"/admin/bulk/accounts/user/assign_role/?id={editor.pk}").content.decode()
    assert f'value="{group(roles.ADMINISTRATOR).pk}"' in page
    assert f'value="{group(roles.TRIAGE_OFFICER).pk}"' not in page

    bulk(client, "assign_role", [admin, editor], {"role": group(roles.TRIAGE_OFFICER).pk})
    assert not admin.groups.filter(name=roles.TRIAGE_OFFICER).exists()
    assert not editor.groups.filter(name=roles.TRIAGE_OFFICER).exists()

    # Its own role it may give, but not to itself (it already has it; nor could it change its roles).
    bulk(client, "assign_role", [admin, editor], {"role": group(roles.ADMINISTRATOR).pk})
    assert editor.groups.filter(name=roles.ADMINISTRATOR).exists()
    (event,) = AuditEvent.objects.filter(action="user.change")
    assert event.object_id == str(editor.pk) and event.detail["groups_added"] == [roles.ADMINISTRATOR]


def test_bulk_assign_role_by_a_superuser_gives_any_role_and_is_audited(make_staff, staff_client):
    superuser = make_staff(superuser=True)
    editor = make_staff(roles.CAMPAIGN_EDITOR)
    client = staff_client(superuser)
    response = bulk(client, "assign_role", [editor], {"role": group(roles.TRIAGE_OFFICER).pk})
    assert response.status_code == 302
    assert editor.groups.filter(name=roles.TRIAGE_OFFICER).exists()
    (event,) = user_events(editor, "user.change")
    assert event.actor == superuser and event.detail["groups_added"] == [roles.TRIAGE_OFFICER]


def test_bulk_set_active_is_audited_and_never_switches_oneself(make_staff, staff_client):
    admin = make_staff(roles.ADMINISTRATOR)
    officer = make_staff(roles.TRIAGE_OFFICER)
    client = staff_client(admin)
    bulk(client, "set_active_state", [admin, officer], {"mark_as_active": "False"})
    admin.refresh_from_db()
    officer.refresh_from_db()
    assert admin.is_active and not officer.is_active
    (event,) = AuditEvent.objects.filter(action="user.change")
    assert event.object_id == str(officer.pk) and event.actor == admin and event.detail["active"] is False


# --- the rule holds at the service, whatever a form lets through ---


def test_the_service_refuses_and_undoes_a_superuser_made_by_a_non_superuser(make_staff):
    admin = make_staff(roles.ADMINISTRATOR)
    editor = make_staff(roles.CAMPAIGN_EDITOR)
    before = access.access_snapshot(editor)
    editor.is_superuser = True
    with pytest.raises(PermissionDenied):
        with transaction.atomic():
            editor.save()
            user_services.user_access_change_record(actor=admin, user=editor, before=before)
    editor.refresh_from_db()
    assert not editor.is_superuser


def test_the_service_refuses_a_role_the_actor_does_not_hold(make_staff):
    admin = make_staff(roles.ADMINISTRATOR)
    editor = make_staff(roles.CAMPAIGN_EDITOR)
    with pytest.raises(PermissionDenied):
        user_services.users_role_add(actor=admin, users=[editor], group=group(roles.TRIAGE_OFFICER))
    assert not editor.groups.filter(name=roles.TRIAGE_OFFICER).exists()
    assert not AuditEvent.objects.filter(object_type="user").exists()


def test_accounts_cannot_be_copied(make_staff, staff_client):
    """Wagtail's copy view would fill a new account from an old one (roles, superuser flag) around these checks."""
    superuser = make_staff(superuser=True)
    client = staff_client(superuser)
    assert client.get(f"/admin/users/copy/{superuser.pk}/").status_code == 404
    assert f"/admin/users/copy/{superuser.pk}/" not in client.get("/admin/users/").content.decode()
