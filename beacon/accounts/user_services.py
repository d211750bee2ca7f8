"""Writes for managing staff accounts: the checks and audit rows around a change to someone's access.

The admin's user screens save through Wagtail; `user_access_change_record` runs in the same transaction, after the
save, and refuses (PermissionDenied, which undoes the save) a change that access.py does not allow, whatever the
form let through. Every change to roles, the superuser flag or the active flag, and every user name, email or
password set by someone else, writes one audit row (never the values of the email or password).
"""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction

from beacon.core.services import audit_record

from . import access


def _refusal(*, actor, user, before: dict, after: dict, created: bool) -> str | None:
    """Why this change is not the actor's to make, or None."""
    if actor.is_superuser:
        return None
    if after["is_superuser"] != before["is_superuser"]:
        return "Only a superuser can make someone a superuser or stop them being one"
    if user.pk == actor.pk and (
        after["groups"] != before["groups"] or after["is_active"] != before["is_active"]
    ):
        return "You cannot change your own roles or switch your own account on or off"
    added = set(after["groups"]) - set(before["groups"])
    for group in Group.objects.filter(name__in=added):
        if not access.group_grantable(actor=actor, group=group):
            return f"You cannot give the {group.name} role: it has access you do not have"
    outranks = before["is_superuser"] or bool(access.lacks(actor, before["permissions"]))
    if (
        not created
        and outranks
        and any(after[field] != before[field] for field in ("username", "email", "password"))
    ):
        return "Only a superuser can change the sign-in details of someone with access you do not have"
    return None


@transaction.atomic
def user_access_change_record(*, actor, user, before: dict, created: bool = False):
    """Check and audit a change just saved to `user` (its state before: access.access_snapshot). Returns the audit
    row, or None when nothing that is audited changed."""
    after = access.access_snapshot(user)
    reason = _refusal(actor=actor, user=user, before=before, after=after, created=created)
    if reason:
        raise PermissionDenied(reason)
    detail: dict = {"username": after["username"]}
    if created:
        detail.update(groups=after["groups"], superuser=after["is_superuser"], active=after["is_active"])
        return audit_record(
            actor=actor, action="user.create", object_type="user", object_id=user.pk, detail=detail
        )
    added = sorted(set(after["groups"]) - set(before["groups"]))
    removed = sorted(set(before["groups"]) - set(after["groups"]))
    if added or removed:
        detail["groups_added"], detail["groups_removed"] = added, removed
    if after["is_superuser"] != before["is_superuser"]:
        detail["superuser"] = after["is_superuser"]
    if after["is_active"] != before["is_active"]:
        detail["active"] = after["is_active"]
    if user.pk != actor.pk:
        changed = [field for field in ("username", "email", "password") if after[field] != before[field]]
        if changed:
            detail["sign_in_details_changed"] = changed
    if len(detail) == 1:
        return None
    return audit_record(
        actor=actor, action="user.change", object_type="user", object_id=user.pk, detail=detail
    )


@transaction.atomic
def users_role_add(*, actor, users, group: Group) -> int:
    """Give a role to several accounts (the admin's bulk "Assign role"). Returns how many gained it."""
    gained = 0
    for user in users:
        before = access.access_snapshot(user)
        if group.name in before["groups"]:
            continue
        group.user_set.add(user)
        user_access_change_record(actor=actor, user=user, before=before)
        gained += 1
    return gained


@transaction.atomic
def users_active_set(*, actor, users, active: bool) -> int:
    """Switch several accounts on or off (the admin's bulk "Set active state"). Returns how many changed."""
    changed = 0
    for user in users:
        before = access.access_snapshot(user)
        if before["is_active"] == active:
            continue
        type(user)._default_manager.filter(pk=user.pk).update(is_active=active)
        user_access_change_record(actor=actor, user=user, before=before)
        changed += 1
    return changed
