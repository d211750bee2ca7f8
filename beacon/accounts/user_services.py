"""Writes for managing staff accounts: changes to someone's access, and to their second factor.

The admin's user screens save through Wagtail; `user_access_change_record` runs in the same transaction, after the
save, and refuses (PermissionDenied, which undoes the save) a change that access.py does not allow, whatever the
form let through. Every change to roles, the superuser flag or the active flag, and every user name, email or
password set by someone else, writes one audit row (never the values of the email or password).

A person replaces their own authenticator (`authenticator_replace`); someone who manages accounts resets another's
second factor when they have lost both their phone and their recovery codes (`second_factor_reset`). Both end the
person's other sessions and are audited. The same people unlock an account locked after wrong passwords
(`account_unlock`, audited too).
"""

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import F, Sum
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from beacon.core.services import audit_record

from . import access, lockout, services

CHANGE_USER = "accounts.change_user"


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
        get_user_model()._default_manager.filter(pk=user.pk).update(is_active=active)
        user_access_change_record(actor=actor, user=user, before=before)
        changed += 1
    return changed


# --- the second factor: replaced by its owner, or reset by someone who manages accounts ---


def sessions_end(*, user) -> None:
    """End every session of the account: each keeps a hash that includes the session generation (models.py)."""
    get_user_model()._default_manager.filter(pk=user.pk).update(
        session_generation=F("session_generation") + 1
    )
    user.refresh_from_db(fields=["session_generation"])


def user_deletable(*, user) -> bool:
    """An account can be deleted only while nothing that must be kept points to it: the audit log keeps who did what
    (AuditEvent.actor protects the account), so someone who has done anything is switched off instead."""
    collector = Collector(using=router.db_for_write(type(user)))
    try:
        collector.collect([user])
    except (ProtectedError, RestrictedError):
        return False
    return True


def second_factor_resettable(*, actor, user) -> bool:
    """Someone who manages accounts may reset another's second factor, unless that person has access they lack
    (then only a superuser may: whoever set up the new authenticator could use that access)."""
    return (
        actor.pk != user.pk
        and actor.has_perm(CHANGE_USER)
        and (actor.is_superuser or not access.user_outranks(user=user, actor=actor))
    )


def account_unlockable(*, actor, user) -> bool:
    """Who may unlock an account locked after wrong passwords: as for a second factor reset. Each unlock gives
    whoever is guessing its password more tries, so only a superuser unlocks someone with access the manager lacks;
    and no one unlocks their own (they may be the one guessing)."""
    return second_factor_resettable(actor=actor, user=user)


@transaction.atomic
def second_factor_reset(*, actor, user) -> None:
    """Remove the account's authenticator and recovery codes and end its sessions: at its next sign-in it must set
    up a new authenticator. For someone who has lost their phone and their codes."""
    if not second_factor_resettable(actor=actor, user=user):
        raise PermissionDenied("You cannot reset this person's two-factor sign-in")
    had_authenticator = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    sessions_end(user=user)
    audit_record(
        actor=actor,
        action="user.second_factor_reset",
        object_type="user",
        object_id=user.pk,
        detail={"username": user.get_username(), "had_authenticator": had_authenticator},
    )


@transaction.atomic
def authenticator_replace(*, user, device_id: int, token: str) -> TOTPDevice | None:
    """Replace the user's authenticator with the pending one `device_id` if `token` is its current code. The old
    one stops working only then, and the user's other sessions end. None if the code is not right."""
    device = services.totp_device_confirm(user=user, device_id=device_id, token=token)
    if device is None:
        return None
    sessions_end(user=user)
    audit_record(
        actor=user,
        action="user.authenticator_replace",
        object_type="user",
        object_id=user.pk,
        detail={"username": user.get_username()},
    )
    return device


@transaction.atomic
def account_unlock(*, actor, user) -> int:
    """Unlock an account locked after wrong passwords (lockout.account_locks): every wrong password counted for its
    user name, from every address, is forgotten, as `manage.py axes_reset_username` does. Returns how many wrong
    passwords were forgotten; audited (never the addresses). ValidationError if the account is not locked now."""
    if not account_unlockable(actor=actor, user=user):
        raise PermissionDenied("You cannot unlock this account")
    lock = next((lock for lock in lockout.account_locks() if lock.user.pk == user.pk), None)
    if lock is None:
        raise ValidationError(f"{user.get_username()}'s account is not locked")
    _wrong_passwords_forget(actor=actor, username=user.get_username(), user=user, failures=lock.failures)
    return lock.failures


@transaction.atomic
def wrong_passwords_forget_by_name(*, username: str) -> int:
    """`manage.py axes_reset_username`: forget every wrong password counted for a user name, whether or not it
    locks an account now, audited as an unlock by "system" from the command line. Returns how many of axes'
    records went (0, and no audit row, when there were none)."""
    attempts = AccessAttempt.objects.filter(username=username)
    failures = attempts.aggregate(total=Sum("failures_since_start"))["total"]
    if failures is None:
        return 0
    user = get_user_model().objects.filter(username=username).first()
    return _wrong_passwords_forget(
        actor=None, username=username, user=user, failures=failures, source={"from": "command line"}
    )


def _wrong_passwords_forget(*, actor, username: str, user, failures: int, source: dict | None = None) -> int:
    """Delete axes' counts of wrong passwords for the user name and write the user.unlock audit row."""
    removed = AccessAttempt.objects.filter(username=username).delete()[0]
    audit_record(
        actor=actor,
        action="user.unlock",
        object_type="user",
        object_id=user.pk if user else "",
        detail={"username": username, "failures": failures, **(source or {})},
    )
    return removed
