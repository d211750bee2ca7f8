"""Only a superuser changes what a role (group) may do. The Administrator role could add and edit groups, its own
included, and so give itself content, publishing or triage permissions; it still gives the Administrator role."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission

from beacon.accounts import roles

pytestmark = pytest.mark.django_db


def test_an_administrator_cannot_add_a_role_or_change_their_own(make_staff, staff_client):
    admin = make_staff(roles.ADMINISTRATOR)
    client = staff_client(admin)
    own = Group.objects.get(name=roles.ADMINISTRATOR)
    publish = Permission.objects.get(content_type__app_label="content", codename="publish_theme")

    assert not admin.has_perm("auth.change_group") and not admin.has_perm("auth.add_group")
    assert client.get(f"/admin/groups/edit/{own.pk}/").status_code in (302, 403)
    client.post(f"/admin/groups/edit/{own.pk}/", {"name": roles.ADMINISTRATOR, "permissions": [publish.pk]})
    assert client.get("/admin/groups/new/").status_code in (302, 403)
    client.post("/admin/groups/new/", {"name": "Everything", "permissions": [publish.pk]})

    assert not own.permissions.filter(pk=publish.pk).exists()
    assert not Group.objects.filter(name="Everything").exists()


def test_an_administrator_still_gives_the_administrator_role(make_staff, staff_client):
    client = staff_client(make_staff(roles.ADMINISTRATOR))
    editor = make_staff(roles.CAMPAIGN_EDITOR)
    own = Group.objects.get(name=roles.ADMINISTRATOR)
    client.post(f"/admin/bulk/accounts/user/assign_role/?id={editor.pk}&next=/admin/users/", {"role": own.pk})
    assert editor.groups.filter(pk=own.pk).exists()


def test_a_superuser_still_changes_a_role(make_staff, staff_client):
    client = staff_client(make_staff(superuser=True))
    assert (
        client.get(f"/admin/groups/edit/{Group.objects.get(name=roles.ADMINISTRATOR).pk}/").status_code == 200
    )


def test_the_migration_takes_group_permissions_from_an_existing_administrator_role(make_staff):
    make_staff(roles.ADMINISTRATOR)
    own = Group.objects.get(name=roles.ADMINISTRATOR)
    own.permissions.add(
        *Permission.objects.filter(content_type__app_label="auth", codename__endswith="_group")
    )
    migration = importlib.import_module("beacon.accounts.migrations.0004_administrators_do_not_change_roles")
    migration.take_group_permissions(apps, None)
    assert set(own.permissions.filter(content_type__app_label="auth").values_list("codename", flat=True)) == {
        "view_group"
    }
