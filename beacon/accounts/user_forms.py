"""Forms for managing staff accounts, and for replacing one's own authenticator.

The admin's forms for adding and editing accounts are Wagtail's own user forms (set through the user viewset in
user_admin.py), told who is using them (`for_user`) and limited to what that person may give. What access.py
allows is enforced again when the change is saved (user_services.py).
"""

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from wagtail.users.forms import UserCreationForm, UserEditForm

from beacon.core.forms import GovukForm

from . import access

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


class ReplaceAuthenticatorForm(GovukForm):
    """The person's password, so that someone at a desk left signed in cannot swap the authenticator for their own,
    and a code from the new app, so that the old one is removed only once the new one works."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        bound_field_class=forms.BoundField,  # as typed: spaces in a password count
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "govuk-input"}),
    )
    token = forms.CharField(
        label="Code from your new authenticator app",
        help_text="The 6-digit code the app shows for Beacon.",
        max_length=16,
        error_messages={"required": "Enter the code from your new authenticator app"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "govuk-input govuk-input--width-10",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = self.request.user
        # authenticate() rather than check_password(): a wrong password counts towards the sign-in lockout.
        signed_in = authenticate(self.request, username=user.get_username(), password=password)
        if signed_in is None or signed_in.pk != user.pk:
            raise forms.ValidationError("The password is not right")
        return password

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "").replace("-", "").strip()
