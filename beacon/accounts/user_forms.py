"""Forms for managing staff accounts, and for replacing one's own authenticator.

The admin's forms for adding and editing accounts are Wagtail's own user forms (set through the user viewset in
user_admin.py), told who is using them (`for_user`) and limited to what that person may give. What access.py
allows is enforced again when the change is saved (user_services.py).
"""

from django import forms
from django.contrib.auth.models import Group
from wagtail.users.forms import UserCreationForm, UserEditForm

from . import access
from .forms import PasswordCheckForm, clean_code, code_field

OWN_ROLES_HELP = "You cannot change your own roles. Ask another administrator or a superuser."
SIGN_IN_LOCKED_HELP = (
    "Only a superuser can change this. This person has access you do not have, "
    "so changing how they sign in could let someone else use that access."
)


class StaffUserFormMixin:
    def __init__(self, *args, for_user, **kwargs):
        super().__init__(*args, **kwargs)
        self.for_user = for_user
        self.before = access.access_snapshot(self.instance)
        if for_user.is_superuser:
            return
        # Not even shown: only a superuser makes or unmakes a superuser.
        self.fields.pop("is_superuser", None)
        groups = self.fields["groups"]
        if self.instance.pk is not None and self.instance.pk == for_user.pk:
            groups.disabled = True  # the form keeps the roles as stored, whatever is sent
            groups.help_text = OWN_ROLES_HELP
        else:
            names = [group.name for group in access.grantable_groups(actor=for_user)]
            groups.help_text = (
                f"You can give: {', '.join(names)}. Only a superuser can give the other roles."
                if names
                else "Only a superuser can give roles."
            )
        if self.instance.pk is not None and access.user_outranks(user=self.instance, actor=for_user):
            for name in ("password1", "password2"):
                self.fields.pop(name, None)
            for name in (self._meta.model.USERNAME_FIELD, "email"):
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = SIGN_IN_LOCKED_HELP

    @property
    def password_enabled(self):
        return "password1" in self.fields if hasattr(self, "fields") else super().password_enabled

    def clean_groups(self):
        chosen = self.cleaned_data.get("groups") or Group.objects.none()
        if self.for_user.is_superuser:
            return chosen
        added = [group for group in chosen if group.name not in self.before["groups"]]
        refused = [
            group.name for group in added if not access.group_grantable(actor=self.for_user, group=group)
        ]
        if refused:
            raise forms.ValidationError(
                f"You cannot give the {', '.join(refused)} role{'s' if len(refused) > 1 else ''}. "
                "It has access you do not have. Ask a superuser"
            )
        return chosen


class StaffUserCreationForm(StaffUserFormMixin, UserCreationForm):
    pass


class StaffUserEditForm(StaffUserFormMixin, UserEditForm):
    pass


# --- replacing one's own authenticator (authenticator_views.py) ---


class ReplaceAuthenticatorForm(PasswordCheckForm):
    """The person's password, so that someone at a desk left signed in cannot swap the authenticator for their own,
    and a code from the new app, so that the old one is removed only once the new one works."""

    token = code_field(
        label="Code from your new authenticator app",
        help_text="The 6-digit code the app shows for Beacon.",
        required_message="Enter the code from your new authenticator app",
    )

    def clean_token(self):
        return clean_code(self.cleaned_data["token"])
