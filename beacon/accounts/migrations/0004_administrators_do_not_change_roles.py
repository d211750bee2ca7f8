"""The Administrator role no longer adds or changes roles (groups): with those permissions an Administrator could
give their own role any access (content, publishing, triage). roles.py no longer lists them; this takes them away
from the existing group at once, whatever roles_sync() does after migrate."""

from django.db import migrations

ADMINISTRATOR = "Administrator"
TAKEN = ("add_group", "change_group", "delete_group")


def take_group_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=ADMINISTRATOR).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="auth", codename__in=TAKEN)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_session_generation"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(take_group_permissions, migrations.RunPython.noop)]
