from django import forms

from beacon.core.forms import GovukForm

from .models import Feedback


class FeedbackForm(GovukForm):
    rating = forms.TypedChoiceField(
        label="Overall, how easy was it to use this site?",
        choices=Feedback.RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how easy it was to use this site"},
    )
    comment = forms.CharField(
        label="How could we improve it?",
        help_text="Do not include personal information, such as your name, address or phone number. "
        f"You can enter up to {Feedback.COMMENT_MAX:,} characters.",
        required=False,
        max_length=Feedback.COMMENT_MAX,
        widget=forms.Textarea,
        error_messages={
            "max_length": f"Your ideas for improving it must be {Feedback.COMMENT_MAX:,} characters or fewer"
        },
    )
