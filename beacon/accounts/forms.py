from django import forms
from django.contrib.auth import authenticate

from beacon.core.forms import GovukForm


class TokenForm(GovukForm):
    page_heading = None
    token = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code, or one of your recovery codes.",
        max_length=16,
        error_messages={"required": "Enter the code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "govuk-input govuk-input--width-10",
                "spellcheck": "false",
            }
        ),
    )

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "").replace("-", "").strip()


class PasswordCheckForm(GovukForm):
    """The person's own password again, before something that gives a lasting way in (new recovery codes), so
    that someone at a desk left signed in cannot do it."""

    page_heading = None
    password = forms.CharField(
        label="Your password",
        strip=False,
        bound_field_class=forms.BoundField,  # as typed: spaces in a password count
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "govuk-input"}),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = self.request.user
        # authenticate() rather than check_password(): a wrong password counts towards the sign-in lock-out.
        if authenticate(self.request, username=user.get_username(), password=password) != user:
            raise forms.ValidationError("The password is not right")
        return password
