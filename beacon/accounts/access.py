"""Who may give whom which access, when staff manage each other's accounts in the admin.

Only triage roles open reports (issue 4), and the Administrator role manages accounts without holding any triage
permission. So managing an account must never be a way to more access than one holds oneself:

- only a superuser makes or unmakes a superuser;
- no one but a superuser changes their own roles;
- a role (group) can be given only by someone who holds every permission it carries;
- the sign-in details (user name, email, password) and the second factor of someone who has access the manager
  lacks are changed only by a superuser: otherwise the manager could sign in as them.

Permissions are read from the groups and the account itself, whether or not the account is active: a switched-off
triage officer still counts as having triage access, since switching them on again is a tick away. A role's
permissions on pages and collections (Wagtail's) count too, each for its own page or collection.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from wagtail.models import GroupCollectionPermission, GroupPagePermission

SUPERUSER = "*"  # stands for "every permission" in the sets below
SNAPSHOT_FIELDS = ("username", "email", "password", "is_superuser", "is_active")


def _names(permissions) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in permissions.values_list("content_type__app_label", "codename")
    }


def _object_permissions(groups: Q) -> set[str]:
    pages = GroupPagePermission.objects.filter(groups).values_list("page_id", "permission__codename")
    collections = GroupCollectionPermission.objects.filter(groups).values_list(
        "collection_id", "permission__codename"
    )
    return {f"page {page}: {codename}" for page, codename in pages} | {
        f"collection {collection}: {codename}" for collection, codename in collections
    }


def held_permissions(user) -> set[str]:
    """Every permission the account holds through its groups or directly; {SUPERUSER} for a superuser."""
    if user.is_superuser:
        return {SUPERUSER}
    if user.pk is None:
        return set()
    direct = _names(Permission.objects.filter(Q(group__user=user) | Q(user=user)).distinct())
    return direct | _object_permissions(Q(group__user=user))


def group_permissions(group: Group) -> set[str]:
    return _names(group.permissions.all()) | _object_permissions(Q(group=group))


def lacks(actor, permissions: set[str]) -> set[str]:
    """Which of these permissions the actor does not hold (none, for a superuser)."""
    held = held_permissions(actor)
    return set() if SUPERUSER in held else permissions - held


def group_grantable(*, actor, group: Group) -> bool:
    return not lacks(actor, group_permissions(group))


def grantable_groups(*, actor):
    """The roles the actor may give to someone."""
    groups = Group.objects.order_by("name")
    if actor.is_superuser:
        return groups
    return groups.filter(pk__in=[group.pk for group in groups if group_grantable(actor=actor, group=group)])


def user_outranks(*, user, actor) -> bool:
    """Whether the account has access the actor lacks: then only a superuser signs in on its behalf."""
    if actor.is_superuser or user.pk is None:
        return False
    return user.is_superuser or bool(lacks(actor, held_permissions(user)))


def access_snapshot(user) -> dict:
    """The account as stored now (not as a form has set it): what a change is checked and audited against."""
    if user.pk is None:
        return dict.fromkeys(SNAPSHOT_FIELDS[:3], "") | {
            "is_superuser": False,
            "is_active": False,
            "groups": [],
            "permissions": set(),
        }
    User = get_user_model()
    row = User._default_manager.filter(pk=user.pk).values(*SNAPSHOT_FIELDS).get()
    stored = User(pk=user.pk, is_superuser=row["is_superuser"])
    row["groups"] = sorted(Group.objects.filter(user=user).values_list("name", flat=True))
    row["permissions"] = held_permissions(stored)
    return row
