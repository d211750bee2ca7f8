from django import forms

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
