from django import forms
from django.contrib.auth import authenticate

from beacon.core.forms import GovukBoundField, GovukForm


def code_field(*, label: str, help_text: str, required_message: str) -> forms.CharField:
    """A box for a code from an authenticator app (or a recovery code)."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=16,
        error_messages={"required": required_message},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "govuk-input govuk-input--width-10",
                "spellcheck": "false",
            }
        ),
    )


def clean_code(value: str) -> str:
    return value.replace(" ", "").replace("-", "").strip()


class TokenForm(GovukForm):
    page_heading = None
    token = code_field(
        label="Code from your authenticator app",
        help_text="The 6-digit code, or one of your recovery codes.",
        required_message="Enter the code from your authenticator app",
    )

    def clean_token(self):
        return clean_code(self.cleaned_data["token"])


class PasswordCheckForm(GovukForm):
    """The person's own password again, before something that gives a lasting way in (new recovery codes), so
    that someone at a desk left signed in cannot do it."""

    page_heading = None
    password = forms.CharField(
        label="Your password",
        strip=False,
        bound_field_class=GovukBoundField,  # as typed (no CleanTextBoundField): spaces in a password count
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
        signed_in = authenticate(self.request, username=user.get_username(), password=password)
        if signed_in is None or signed_in.pk != user.pk:
            raise forms.ValidationError("The password is not right")
        return password
        return password
