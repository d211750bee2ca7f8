"""Forms: the public filters, "near me" and the school workshop request; the staff actions in the admin."""

import datetime
import secrets

import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import pluralize
from django.utils import timezone
from wagtail.admin.widgets import AdminDateInput, AdminTimeInput

from beacon.content.forms import choose_published_officer
from beacon.core.forms import DateInputField, GovukForm, clean_text

from . import geo
from .models import YEAR_GROUPS, Event, EventOutcome, WorkshopRequest, WorkshopTopic
from .selectors import kind_choices_public
from .services import EVENT_FIELDS, local_datetime

# ---------------------------------------------------------------- public


class EventFilterForm(GovukForm):
    """The listing's filters (GET). Unknown values are ignored rather than refused: it is a filter."""

    area = forms.ChoiceField(label="Area", required=False)
    type = forms.ChoiceField(label="Type of event", required=False)
    q = forms.CharField(label="Name or place", required=False, max_length=80)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "All areas")] + [(area.code, area.name) for area in areas]
        self.fields["type"].choices = [("", "All types")] + kind_choices_public()
        self.fields["q"].widget.attrs["class"] = "govuk-input govuk-input--width-20"

    def filters(self) -> dict:
        """The valid filters only, so a tampered link still shows a listing."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "area_code": data.get("area", "") if "area" not in self.errors else "",
            "kind": data.get("type", "") if "type" not in self.errors else "",
            "query": data.get("q", "") if "q" not in self.errors else "",
        }


class NearMeForm(GovukForm):
    postcode = forms.CharField(
        label="Postcode",
        help_text="For example, NN1 2DL",
        max_length=16,
        error_messages={
            "required": "Enter a postcode",
            "max_length": "Enter a real postcode, such as NN1 2DL",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postcode"].widget.attrs.update(
            {
                "class": "govuk-input govuk-input--width-10",
                "autocomplete": "postal-code",
                "spellcheck": "false",
            }
        )
        self.position = None

    def clean_postcode(self):
        normalised = geo.postcode_normalise(self.cleaned_data["postcode"])
        if normalised is None:
            raise ValidationError("Enter a real postcode, such as NN1 2DL")
        self.position = geo.postcode_position(normalised)
        if self.position is None:
            raise ValidationError("We could not find that postcode. Check it, or browse all events instead")
        return normalised


def new_submission_token() -> str:
    return secrets.token_urlsafe(18)


class WorkshopRequestForm(GovukForm):
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    school_name = forms.CharField(
        label="School name",
        max_length=150,
        error_messages={
            "required": "Enter the school’s name",
            "max_length": "The school’s name must be 150 characters or fewer",
        },
    )
    school_postcode = forms.CharField(
        label="School postcode",
        max_length=16,
        error_messages={
            "required": "Enter the school’s postcode",
            "max_length": "Enter the school’s real postcode, such as NN1 2DL",
        },
    )
    contact_name = forms.CharField(
        label="Your name",
        max_length=100,
        error_messages={
            "required": "Enter your name",
            "max_length": "Your name must be 100 characters or fewer",
        },
    )
    email = forms.EmailField(
        label="Work email address",
        help_text="We will only use this to arrange the workshop.",
        max_length=254,
        error_messages={
            "required": "Enter your work email address",
            "invalid": "Enter an email address in the correct format, like name@school.example",
            "max_length": "The email address must be 254 characters or fewer",
        },
    )
    phone = forms.CharField(
        label="Phone number",
        help_text="The school office or a direct line, such as 01604 123456.",
        max_length=25,
        error_messages={
            "required": "Enter a phone number",
            "max_length": "Enter a phone number, like 01604 123456",
        },
    )
    topics = forms.MultipleChoiceField(
        label="Which topics should the workshop cover?",
        help_text="Select all that apply.",
        choices=WorkshopTopic.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one topic",
            "invalid_choice": "Select a topic from the list",
        },
    )
    year_groups = forms.MultipleChoiceField(
        label="Which year groups?",
        help_text="Select all that apply.",
        choices=YEAR_GROUPS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one year group",
            "invalid_choice": "Select a year group from the list",
        },
    )
    pupils = forms.IntegerField(
        label="About how many pupils?",
        min_value=1,
        max_value=WorkshopRequest.PUPILS_MAX,
        error_messages={
            "required": "Enter about how many pupils will take part",
            "invalid": "Enter the number of pupils as a number, like 60",
            "min_value": "The number of pupils must be 1 or more",
            "max_value": f"The number of pupils must be {WorkshopRequest.PUPILS_MAX:,} or fewer",
        },
    )
    date_1 = DateInputField(
        label="First choice of date",
        help_text="For example, 27 3 2027",
        label_for_errors="your first choice of date",
    )
    date_2 = DateInputField(
        label="Second choice of date",
        help_text="A different day.",
        label_for_errors="your second choice of date",
    )
    date_3 = DateInputField(
        label="Third choice of date (optional)",
        required=False,
        label_for_errors="your third choice of date",
    )
    accessibility_needs = forms.CharField(
        label="Accessibility needs (optional)",
        help_text="Anything the officer should know so that every pupil can take part, such as a hearing "
        f"loop, a quiet room or a translator. You can enter up to {WorkshopRequest.ACCESSIBILITY_NEEDS_MAX:,} "
        "characters.",
        required=False,
        max_length=WorkshopRequest.ACCESSIBILITY_NEEDS_MAX,
        widget=forms.Textarea,
        error_messages={
            "max_length": f"Accessibility needs must be {WorkshopRequest.ACCESSIBILITY_NEEDS_MAX:,} characters or fewer"
        },
    )

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        widths = {"school_postcode": 10, "phone": 20, "pupils": 5}
        for name, width in widths.items():
            self.fields[name].widget.attrs["class"] = f"govuk-input govuk-input--width-{width}"
        self.fields["school_postcode"].widget.attrs.update({"autocomplete": "postal-code"})
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "type": "tel"})
        self.fields["contact_name"].widget.attrs.update({"autocomplete": "name"})
        self.fields["pupils"].widget.input_type = "text"
        self.fields["pupils"].widget.attrs.update({"inputmode": "numeric"})

    def clean_school_postcode(self):
        normalised = geo.postcode_normalise(self.cleaned_data["school_postcode"])
        if normalised is None:
            raise ValidationError("Enter the school’s real postcode, such as NN1 2DL")
        if geo.postcode_position(normalised) is None:
            raise ValidationError("We could not find that postcode. Check the school’s postcode")
        return normalised

    def clean_phone(self):
        value = clean_text(self.cleaned_data["phone"])
        try:
            number = phonenumbers.parse(value, "GB")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise ValidationError("Enter a phone number, like 01604 123456")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def clean(self):
        cleaned = super().clean()
        earliest = self.today + datetime.timedelta(days=1)
        latest = self.today + datetime.timedelta(days=366)
        seen: dict[datetime.date, str] = {}
        for name, words in (("date_1", "first"), ("date_2", "second"), ("date_3", "third")):
            date = cleaned.get(name)
            if date is None:
                continue
            if date < earliest:
                self.add_error(name, f"Your {words} choice of date must be in the future")
            elif date > latest:
                self.add_error(name, f"Your {words} choice of date must be within the next 12 months")
            elif date in seen:
                self.add_error(
                    name, f"Your {words} choice of date must be a different day from your {seen[date]} choice"
                )
            else:
                seen[date] = words
        return cleaned

    def preferred_dates(self) -> list[datetime.date]:
        return [
            self.cleaned_data[name] for name in ("date_1", "date_2", "date_3") if self.cleaned_data.get(name)
        ]


# ---------------------------------------------------------------- staff (Wagtail admin)


class EventCopyForm(forms.Form):
    new_date = forms.DateField(
        label="New date",
        widget=AdminDateInput,
        help_text="The copy keeps the same start and end times, place and details.",
        error_messages={"required": "Enter the new date", "invalid": "Enter a real date"},
    )


class EventCancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is the event cancelled?",
        help_text="Shown on the public event page and in calendars. Up to 300 characters.",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why the event is cancelled",
            "max_length": "The reason must be 300 characters or fewer",
        },
    )

    def clean_reason(self):
        return clean_text(self.cleaned_data["reason"])


class EventForm(forms.ModelForm):
    """Adding or editing an event in the admin. The service checks and saves it (admin_views)."""

    class Meta:
        model = Event
        fields = list(EVENT_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choose_published_officer(self.fields["officer"], current_id=self.instance.officer_id)


class EventOutcomeForm(forms.ModelForm):
    report_references = forms.CharField(
        label="Report references",
        required=False,
        max_length=500,
        help_text="References of reports made about concerns raised, one per line, such as K7QM-2XDP.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = EventOutcome
        fields = [
            "people_engaged",
            "young_people_reached",
            "concerns_raised",
            "report_references",
            "leaflets_given",
            "notes",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk:
            self.initial["report_references"] = "\n".join(self.instance.report_references)
        days = settings.BEACON_EVENTS_OUTCOME_NOTES_DAYS
        kept = f"We delete notes {days} day{pluralize(days)} after they are written."
        help_text = (
            "For the team only. Do not write anyone’s name or what someone told you about harm: make a report "
            f"and add its reference above. {kept}"
        )
        if self.instance and self.instance.notes_deleted:
            help_text = (
                f"Deleted on schedule: we keep notes for {days} day{pluralize(days)} after they are written. "
                + help_text
            )
        self.fields["notes"].help_text = help_text

    def clean_report_references(self):
        text = self.cleaned_data["report_references"]
        return [part.strip() for part in text.replace(",", "\n").splitlines() if part.strip()]

    def _post_clean(self):
        # The service validates the outcome as a whole (model rules and reference formats).
        pass


class WorkshopConfirmForm(forms.Form):
    date = forms.DateField(
        label="Date of the workshop",
        widget=AdminDateInput,
        error_messages={"required": "Enter the date", "invalid": "Enter a real date"},
    )
    start_time = forms.TimeField(
        label="Start time", widget=AdminTimeInput, error_messages={"required": "Enter the start time"}
    )
    end_time = forms.TimeField(
        label="End time", widget=AdminTimeInput, error_messages={"required": "Enter the end time"}
    )
    officer = forms.ModelChoiceField(
        label="Officer leading the workshop",
        queryset=None,
        error_messages={"required": "Choose the officer who will lead the workshop"},
    )
    is_public = forms.BooleanField(
        label="Show this workshop on the public events pages",
        required=False,
        help_text="Leave this unticked unless the school has agreed.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choose_published_officer(self.fields["officer"])

    def clean(self):
        cleaned = super().clean()
        date, start, end = cleaned.get("date"), cleaned.get("start_time"), cleaned.get("end_time")
        if date and start and end:
            try:
                cleaned["starts_at"] = local_datetime(date, start)
                cleaned["ends_at"] = local_datetime(date, end)
            except ValidationError as error:
                self.add_error("start_time", error)
                return cleaned
            if cleaned["ends_at"] <= cleaned["starts_at"]:
                self.add_error("end_time", "The end time must be after the start time")
        return cleaned


class WorkshopDeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why can we not offer this workshop?",
        help_text=f"The school receives this in an email. Up to {WorkshopRequest.DECLINE_REASON_MAX:,} characters.",
        max_length=WorkshopRequest.DECLINE_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter why the request is declined",
            "max_length": f"The reason must be {WorkshopRequest.DECLINE_REASON_MAX:,} characters or fewer",
        },
    )

    def clean_reason(self):
        return clean_text(self.cleaned_data["reason"])
