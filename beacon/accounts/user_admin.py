"""The admin's user screens, as Wagtail's, with Beacon's limits on who gives whom which access (access.py) and an
audit row for every change to someone's roles, superuser flag or active flag. Beside them, the accounts locked after
wrong passwords and their Unlock button (LockedAccountsView, UnlockView).

Wagtail 8 takes its user viewset from the wagtailusers app config (`user_viewset`); config/settings/base.py
installs beacon.accounts.users_app.BeaconUsersAppConfig in place of "wagtail.users" to name this one.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView, View
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.utils import get_user_display_name
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.users.views import users as wagtail_users
from wagtail.users.views.bulk_actions import AssignRoleBulkAction, SetActiveStateBulkAction
from wagtail.users.views.bulk_actions.delete import DeleteBulkAction

from . import access, lockout, user_services
from .user_forms import StaffUserCreationForm, StaffUserEditForm


class CreateView(wagtail_users.CreateView):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}

    def save_instance(self):
        instance = super().save_instance()
        user_services.user_access_change_record(
            actor=self.request.user, user=instance, before=self.form.before, created=True
        )
        return instance


class EditView(wagtail_users.EditView):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}

    def save_instance(self):
        instance = super().save_instance()
        user_services.user_access_change_record(
            actor=self.request.user, user=instance, before=self.form.before
        )
        return instance


class DeleteView(wagtail_users.DeleteView):
    """Refuses to delete someone the audit log names (user_services.user_deletable): their account is switched off
    instead, so the log still says who did what. Without this the deletion failed with a 500 (ProtectedError)."""

    def dispatch(self, request, *args, **kwargs):
        person = get_object_or_404(get_user_model(), pk=kwargs["pk"])
        if request.user.is_authenticated and not user_services.user_deletable(user=person):
            messages.error(
                request,
                f"You cannot delete {get_user_display_name(person)}. The audit log records what they did, and it "
                'must keep who did it. To stop them signing in, untick "Active" and save instead.',
            )
            return redirect("wagtailusers_users:edit", person.pk)
        return super().dispatch(request, *args, **kwargs)


class ResetSecondFactorView(WagtailAdminTemplateMixin, TemplateView):
    """Remove someone's authenticator and recovery codes (they lost their phone and their codes): they set up a new
    authenticator at their next sign-in. Who may: user_services.second_factor_resettable."""

    model = get_user_model()
    template_name = "accounts/admin/reset_second_factor.html"
    page_title = "Reset two-factor sign-in"
    header_icon = "user"
    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(get_user_model(), pk=kwargs["pk"])
        if not user_services.second_factor_resettable(actor=request.user, user=self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return get_user_display_name(self.object)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailusers_users:index"), "label": "Users"},
            {
                "url": reverse("wagtailusers_users:edit", args=[self.object.pk]),
                "label": self.get_page_subtitle(),
            },
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "person": self.object,
            "name": self.get_page_subtitle(),
            "has_authenticator": TOTPDevice.objects.filter(user=self.object, confirmed=True).exists(),
            "edit_url": reverse("wagtailusers_users:edit", args=[self.object.pk]),
        }

    def post(self, request, *args, **kwargs):
        user_services.second_factor_reset(actor=request.user, user=self.object)
        messages.success(
            request,
            f"Two-factor sign-in reset for {self.get_page_subtitle()}. "
            "They must set up a new authenticator app the next time they sign in.",
        )
        return redirect("wagtailusers_users:index")


class LockedAccountsView(WagtailAdminTemplateMixin, TemplateView):
    """The accounts locked now after wrong passwords (lockout.account_locks), each with an Unlock button for those the
    person may unlock (user_services.account_unlockable). For those who manage accounts. No addresses are shown."""

    template_name = "accounts/admin/locked_accounts.html"
    page_title = "Locked accounts"
    header_icon = "lock"
    http_method_names = ["get"]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(user_services.CHANGE_USER):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailusers_users:index"), "label": "Users"},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        actor = self.request.user
        rows = [
            {
                "lock": lock,
                "name": get_user_display_name(lock.user),
                "unlockable": user_services.account_unlockable(actor=actor, user=lock.user),
                "own": lock.user.pk == actor.pk,
            }
            for lock in lockout.account_locks()
        ]
        return {
            **super().get_context_data(**kwargs),
            "rows": rows,
            "cool_off_hours": settings.AXES_COOLOFF_TIME,
        }


class UnlockView(View):
    """Unlock one account (a POST, from the Locked accounts screen); back to that screen with what happened."""

    model = get_user_model()
    http_method_names = ["post"]

    def post(self, request, pk):
        if not request.user.has_perm(user_services.CHANGE_USER):
            raise PermissionDenied
        person = get_object_or_404(get_user_model(), pk=pk)
        name = get_user_display_name(person)
        try:
            user_services.account_unlock(actor=request.user, user=person)
        except ValidationError:
            messages.error(
                request, f"{name}'s account is not locked. Its lock may have ended, or someone unlocked it."
            )
        else:
            messages.success(request, f"{name}'s account is unlocked. They can sign in again now.")
        return redirect("wagtailusers_users:locked")


class IndexView(wagtail_users.IndexView):
    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.request.user.has_perm(user_services.CHANGE_USER):
            buttons.append(
                HeaderButton("Locked accounts", url=reverse("wagtailusers_users:locked"), icon_name="lock")
            )
        return buttons


class UserViewSet(wagtail_users.UserViewSet):
    index_view_class = IndexView
    add_view_class = CreateView
    edit_view_class = EditView
    delete_view_class = DeleteView
    # No "Copy": Wagtail's copy view fills the new account from the old one (its roles, and for a superuser its
    # superuser flag) through the generic creation view, around the checks and audit rows above.
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return StaffUserEditForm if for_update else StaffUserCreationForm

    @property
    def reset_second_factor_view(self):
        return ResetSecondFactorView.as_view()

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("reset-two-factor/<int:pk>/", self.reset_second_factor_view, name="reset_two_factor"),
            path("locked/", LockedAccountsView.as_view(), name="locked"),
            path("unlock/<int:pk>/", UnlockView.as_view(), name="unlock"),
        ]


# --- bulk actions on the user list (registered in wagtail_hooks.py in place of Wagtail's own) ---


class StaffAssignRoleBulkAction(AssignRoleBulkAction):
    """Offers only the roles the person may give, and never to themselves (unless they are a superuser)."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["role"].queryset = access.grantable_groups(actor=self.request.user)
        return form

    def check_perm(self, obj):
        user = self.request.user
        return super().check_perm(obj) and (user.is_superuser or obj.pk != user.pk)

    def get_execution_context(self):
        return {**super().get_execution_context(), "actor": self.request.user}

    @classmethod
    def execute_action(cls, objects, role=None, actor=None, **kwargs):
        if role is None or actor is None:
            return 0, 0
        user_services.users_role_add(actor=actor, users=objects, group=role)
        return len(objects), 0


class StaffSetActiveStateBulkAction(SetActiveStateBulkAction):
    def get_execution_context(self):
        return {**super().get_execution_context(), "actor": self.request.user}

    @classmethod
    def execute_action(cls, objects, mark_as_active=False, actor=None, user=None, **kwargs):
        if actor is None:
            return 0, 0
        others = [obj for obj in objects if obj.pk != actor.pk]  # no one switches themselves off or on
        user_services.users_active_set(actor=actor, users=others, active=mark_as_active)
        return len(others), 0


class StaffDeleteBulkAction(DeleteBulkAction):
    """Lists someone the audit log names among those who cannot be deleted (see DeleteView), instead of failing."""

    def check_perm(self, obj):
        return super().check_perm(obj) and user_services.user_deletable(user=obj)


# Registered here, not in wagtail_hooks.py (which imports this module), in place of Wagtail's own delete action.
hooks.register("register_bulk_action", StaffDeleteBulkAction, order=1)
