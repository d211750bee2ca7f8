from django import forms

from beacon.core.forms import GovukForm

from .models import (
    ANSWER_MAX,
    DISPLAY_NAME_MAX,
    PUBLISHED_QUESTION_MAX,
    QUESTION_MAX,
    QandASession,
    QuestionTheme,
)
from .services import SESSION_FIELDS
from .text import display_name_problem, question_problem

TOKEN_LENGTH = 32


class AskForm(GovukForm):
    """A question for a Q&A session: the question and, if they like, a first name. Nothing else."""

    question = forms.CharField(
        label="Your question",
        help_text=f"You can enter up to {QUESTION_MAX} characters. Do not include names, addresses or "
        "anything else that could identify you or someone else.",
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "true"}),
        required=False,  # the messages below are clearer than Django's
    )
    display_name = forms.CharField(
        label="Your first name or a nickname (optional)",
        help_text="We may show it with your question if we publish it. Leave it blank to stay anonymous.",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].widget.attrs["class"] = "govuk-input govuk-!-width-one-half"
        # A browser hint; the server check below is what counts. Textareas allow a little over so
        # the person sees our message instead of being silently cut off.
        self.fields["display_name"].widget.attrs["maxlength"] = str(DISPLAY_NAME_MAX * 2)

    def clean_question(self):
        value = self.cleaned_data.get("question", "")
        if problem := question_problem(value):
            raise forms.ValidationError(problem)
        return value

    def clean_display_name(self):
        value = self.cleaned_data.get("display_name", "")
        if problem := display_name_problem(value):
            raise forms.ValidationError(problem)
        return value

    def clean_token(self):
        value = self.cleaned_data.get("token", "")
        # Only our own random tokens count; anything else means "no token".
        if len(value) == TOKEN_LENGTH and value.replace("-", "").replace("_", "").isalnum():
            return value
        return ""


# --- Staff forms (rendered inside the Wagtail admin) ----------------------------------------------


class ModerateForm(forms.Form):
    publication_text = forms.CharField(
        label="Question as it will be published",
        help_text="Remove names, addresses, phone numbers and anything else that could identify someone. "
        "The original stays visible to staff only.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=PUBLISHED_QUESTION_MAX,
        required=False,
    )
    publication_name = forms.CharField(
        label="Name shown with the question",
        help_text="Starts as the name given. Keep only a first name or a nickname: remove surnames, schools, "
        "year groups, places and anything else that could identify someone. Leave it blank to show no name.",
        max_length=DISPLAY_NAME_MAX,
        required=False,
    )
    theme = forms.ModelChoiceField(
        label="Theme",
        queryset=QuestionTheme.objects.all(),
        required=False,
        empty_label="No theme",
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Reason for rejecting (kept for staff, never shown to the public)",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        error_messages={"required": "Enter the reason for rejecting the question"},
    )


class MergeForm(forms.Form):
    into = forms.TypedChoiceField(
        label="Merge this question into",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the question to merge this one into"},
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = list(choices)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Answer",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=ANSWER_MAX,
        error_messages={"required": "Enter the answer"},
    )


class SessionForm(forms.ModelForm):
    """Adding or changing a session in the admin; services.session_save checks and saves it. The host is one of
    the published officers (the session's page shows no other); one chosen before it was unpublished stays in
    the list, marked, and saving says to publish it first."""

    class Meta:
        model = QandASession
        fields = list(SESSION_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from beacon.content.forms import choose_published_officer

        choose_published_officer(self.fields["host"], current_id=self.instance.host_id)
