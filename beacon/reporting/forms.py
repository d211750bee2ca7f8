"""One form per page of the reporting journey, and the follow-up forms.

Each form's `to_answer()` gives the JSON-safe dict kept in the session for its page; `initial_from()`
turns that back into initial values when the reporter comes back to change an answer.
"""

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from beacon.core.forms import DateInputField, GovukForm

from . import identifiers
from .models import CATEGORY_CHOICES

YES_NO = [("yes", "Yes"), ("no", "No")]


def _text_max() -> int:
    return settings.BEACON_REPORT_TEXT_MAX


def _noun(label: str, noun: str) -> str:
    """What a field's messages call its answer: `noun`, or else the label without "(optional)". A question
    makes a poor subject ("When did it start? must be…"), so a field labelled with one names its own noun."""
    if noun:
        return noun
    noun = label.removesuffix(" (optional)")
    if noun.endswith("?"):
        raise ValueError(f"{label!r} is a question: give the field a noun for its error messages")
    return noun


def short_text(
    label: str, *, required: bool = False, help_text: str = "", max_length: int = 200, error="", noun=""
):
    noun = _noun(label, noun)
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=max_length,
        error_messages={
            "required": error or f"Enter {noun[0].lower()}{noun[1:]}",
            "max_length": f"{noun} must be {max_length:,} characters or fewer",
        },
    )


def long_text(label: str, *, required: bool = False, help_text: str = "", error="", noun=""):
    noun = _noun(label, noun)
    limit = _text_max()
    return forms.CharField(
        label=label,
        required=required,
        help_text=(help_text + " " if help_text else "") + f"You can enter up to {limit:,} characters.",
        max_length=limit,
        widget=forms.Textarea,
        error_messages={
            "required": error or f"Enter {noun[0].lower()}{noun[1:]}",
            "max_length": f"{noun} must be {limit:,} characters or fewer",
        },
    )


def radios(label: str, choices, *, error: str, help_text: str = ""):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages={"required": error, "invalid_choice": error},
    )


_TYPED_INPUTS = ("text", "email", "tel", "number", "search", "url")


class NoFormHistory(forms.Form):
    """Every text box says autocomplete="off" unless it names its own purpose (the reporter's contact
    details): browsers otherwise remember what was typed and offer it in same-named fields on other sites."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # A date's day, month and year boxes too.
            for widget in getattr(field.widget, "widgets", [field.widget]):
                if getattr(widget, "input_type", None) in _TYPED_INPUTS or isinstance(widget, forms.Textarea):
                    widget.attrs.setdefault("autocomplete", "off")


class StepForm(NoFormHistory, GovukForm):
    def to_answer(self) -> dict:
        return dict(self.cleaned_data)

    @classmethod
    def initial_from(cls, answer: dict) -> dict:
        return dict(answer or {})


# --- Pages -------------------------------------------------------------------------------------------


class DangerForm(StepForm):
    page_heading = "danger"
    danger = radios(
        "Is anyone in immediate danger?",
        YES_NO,
        help_text="For example, someone is being hurt or threatened right now, or a child is missing.",
        error="Select yes if anyone is in immediate danger",
    )


class AboutForm(StepForm):
    page_heading = "categories"
    categories = forms.MultipleChoiceField(
        label="What is your concern about?",
        help_text="Select all that apply.",
        choices=CATEGORY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select what your concern is about",
            "invalid_choice": "Select what your concern is about",
        },
    )


class WhereForm(StepForm):
    one_of = ("address", "postcode", "description")
    one_of_hint = "Give at least one of these."

    address = forms.CharField(
        label="Address",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Address must be 500 characters or fewer"},
    )
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=20,
        help_text="If you only know the first part, like NN1, enter that.",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
        error_messages={
            "max_length": "Enter a real postcode, like NN1 1AF, or just the first part, like NN1"
        },
    )
    description = forms.CharField(
        label="Describe the place",
        required=False,
        max_length=1000,
        help_text="For example, \u201cthe alley behind the chip shop on Market Street\u201d or \u201cthe park by "
        "the skate ramp\u201d.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The description of the place must be 1,000 characters or fewer"},
    )

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode", "")
        if not value.strip():
            return ""
        postcode = identifiers.postcode_normalise(value)
        return postcode.full or postcode.district

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(cleaned.get(name) for name in ("address", "postcode", "description")):
            self.add_error("address", "Enter an address, a postcode or a description of the place")
        return cleaned


class WhenForm(StepForm):
    page_heading = "when"
    when = radios(
        "When is it happening?",
        [
            ("now", "It is happening now"),
            ("once", "It happened once"),
            ("ongoing", "It happens regularly or is still going on"),
            ("unknown", "I am not sure"),
        ],
        error="Select when it is happening",
    )


class WhenOnceForm(StepForm):
    date = DateInputField(
        label="Date",
        label_for_errors="the date it happened",
        help_text="For example, 27 3 2025. If you are not sure, give your best guess.",
    )
    time = short_text(
        "Approximate time (optional)",
        help_text="For example, \u201cabout 9pm\u201d or \u201cafter school\u201d.",
        max_length=100,
    )

    def clean_date(self):
        value = self.cleaned_data.get("date")
        if value is None:
            return value
        if value > timezone.localdate():
            raise ValidationError("The date it happened must be today or in the past")
        if value < datetime.date(1950, 1, 1):
            raise ValidationError("The date it happened must be after 1950")
        return value

    def to_answer(self) -> dict:
        return {"date": self.cleaned_data["date"].isoformat(), "time": self.cleaned_data["time"]}

    @classmethod
    def initial_from(cls, answer: dict) -> dict:
        initial = dict(answer or {})
        if initial.get("date"):
            initial["date"] = datetime.date.fromisoformat(initial["date"])
        return initial


TIMES_OF_DAY = [
    ("morning", "Mornings"),
    ("afternoon", "Afternoons"),
    ("evening", "Evenings"),
    ("night", "Late at night"),
    ("any", "At any time of day"),
]


class WhenOngoingForm(StepForm):
    since = short_text(
        "When did it start?",
        required=True,
        help_text="For example, \u201cabout 3 months ago\u201d or \u201csince the summer\u201d.",
        error="Enter when it started, or your best guess",
        noun="When it started",
    )
    times = forms.MultipleChoiceField(
        label="What times of day does it happen? (optional)",
        help_text="Select all that apply.",
        choices=TIMES_OF_DAY,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select the times of day it happens"},
    )


class PeopleForm(StepForm):
    page_heading = "people"
    people = radios(
        "Can you tell us about anyone involved?",
        [("yes", "Yes"), ("no", "No, there is no one I can describe"), ("unknown", "I do not know")],
        help_text="A name, a nickname, an age or what they look like all help.",
        error="Select yes if you can tell us about anyone involved",
    )


class PersonForm(StepForm):
    one_of = ("name", "age", "description")
    one_of_hint = "Give at least one of these."

    name = short_text("Name or nickname", max_length=150)
    age = short_text(
        "Approximate age",
        help_text="For example, \u201cabout 16\u201d or \u201cin their 30s\u201d.",
        max_length=50,
    )
    description = forms.CharField(
        label="What do they look like?",
        required=False,
        max_length=1000,
        help_text="For example, height, build, hair, clothes, or anything they always have with them.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The description must be 1,000 characters or fewer"},
    )
    is_child = radios(
        "Is this person a child or young person (under 18)?",
        [("yes", "Yes"), ("no", "No"), ("unknown", "I do not know")],
        error="Select yes if this person is under 18",
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(cleaned.get(name) for name in ("name", "age", "description")):
            self.add_error("name", "Enter a name, an approximate age or what the person looks like")
        return cleaned


class AddAnotherForm(StepForm):
    add_another = radios("", YES_NO, error="")

    def __init__(self, *args, noun: str = "item", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["add_another"]
        field.label = f"Do you want to add another {noun}?"
        field.error_messages["required"] = f"Select yes if you want to add another {noun}"
        field.error_messages["invalid_choice"] = field.error_messages["required"]


class VehiclesForm(StepForm):
    page_heading = "vehicles"
    vehicles = radios(
        "Is there a vehicle involved?",
        [("yes", "Yes"), ("no", "No, or I do not know")],
        help_text="For example, a car that drops people off, or a bike or scooter used to deliver.",
        error="Select yes if there is a vehicle involved",
    )


class VehicleForm(StepForm):
    one_of = ("registration", "make", "model", "colour")
    one_of_hint = "Give at least one of these."

    registration = short_text(
        "Registration number",
        help_text="For example, AB12 CDE. If you only saw part of it, enter that part, with ? for each "
        "character you missed.",
        max_length=20,
    )
    make = short_text("Make", help_text="For example, Ford.", max_length=50, noun="The make")
    model = short_text("Model", help_text="For example, Fiesta.", max_length=50, noun="The model")
    colour = short_text("Colour", max_length=50, noun="The colour")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registration"].widget.attrs.update(
            {"class": "govuk-input govuk-input--width-10", "spellcheck": "false"}
        )

    def clean_registration(self):
        value = self.cleaned_data.get("registration", "")
        if not value.strip():
            return ""
        return identifiers.registration_normalise(value).value

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(
            cleaned.get(name) for name in ("registration", "make", "model", "colour")
        ):
            self.add_error("registration", "Enter the registration, or the make, model or colour")
        return cleaned

    def to_answer(self) -> dict:
        answer = dict(self.cleaned_data)
        answer["partial"] = (
            bool(answer["registration"])
            and identifiers.registration_normalise(answer["registration"]).partial
        )
        return answer


class NumbersForm(StepForm):
    page_heading = "numbers"
    numbers = radios(
        "Do you know any phone numbers or online accounts used?",
        [("yes", "Yes"), ("no", "No")],
        help_text="For example, a number that sends messages offering drugs, or a social media account.",
        error="Select yes if you know any phone numbers or online accounts",
    )


class NumberForm(StepForm):
    one_of = ("phone", "platform", "handle")
    one_of_hint = "Give a phone number, an online account or both."

    phone = short_text(
        "Phone number",
        help_text="For example, 07700 900 982, or +44 7700 900 982 for a number from another country.",
        max_length=40,
    )
    platform = forms.ChoiceField(
        label="App or website",
        choices=[("", "Choose an app or website")] + identifiers.PLATFORM_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Select the app or website"},
    )
    handle = short_text("Username or account name", help_text="For example, @name.here", max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.input_type = "tel"
        self.fields["phone"].widget.attrs["class"] = "govuk-input govuk-input--width-20"
        self.fields["handle"].widget.attrs["spellcheck"] = "false"

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "")
        return identifiers.phone_normalise(value) if value.strip() else ""

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        phone, platform, handle = (cleaned.get(name) for name in ("phone", "platform", "handle"))
        if not phone and not handle and not platform:
            self.add_error("phone", "Enter a phone number or an online account")
        elif handle and not platform:
            self.add_error("platform", "Select the app or website the account is on")
        elif platform and not handle:
            self.add_error("handle", "Enter the username or account name")
        elif handle:
            try:
                cleaned["handle"] = identifiers.handle_normalise(platform=platform, handle=handle).split(
                    ":", 1
                )[1]
            except ValidationError as error:
                self.add_error("handle", error)
        return cleaned


class ChildInvolvedForm(StepForm):
    page_heading = "child"
    child = radios(
        "Is a child or young person involved?",
        [("yes", "Yes"), ("no", "No"), ("unknown", "I do not know")],
        help_text="Anyone under 18, for example someone being used to carry or sell drugs.",
        error="Select yes if a child or young person is involved",
    )


class ChildForm(StepForm):
    ages = short_text(
        "How old are they?",
        required=True,
        help_text="Your best guess is fine, for example \u201cabout 14\u201d. If there is more than one, give "
        "each age.",
        max_length=100,
        error="Enter how old they are, or your best guess",
        noun="Their age",
    )
    in_danger = radios(
        "Are they in danger now?",
        [("yes", "Yes"), ("no", "No"), ("unknown", "I do not know")],
        error="Select yes if they are in danger now",
    )
    where_known = long_text(
        "What do you know about where they live or go to school? (optional)",
        help_text="For example, the street, the area, or the name of the school.",
        noun="Where they live or go to school",
    )


class HowForm(StepForm):
    how = radios(
        "How do you know about this?",
        [
            ("saw", "I saw it myself"),
            ("told", "Someone told me"),
            ("heard", "I heard about it, for example in the area or online"),
            ("other", "Another way"),
        ],
        error="Select how you know about this",
    )
    detail = long_text("Tell us more about how you know (optional)", noun="How you know")


class DetailsForm(StepForm):
    page_heading = "details"
    details = long_text(
        "Is there anything else you want to tell us?",
        help_text="For example, what you have seen, how often, and anything that worries you. Do not "
        "include your own name here if you want to stay anonymous.",
        noun="Anything else you tell us",
    )


class FileForm(GovukForm):
    file = forms.FileField(
        label="Add a photo or document (optional)",
        required=False,
        help_text="",
        error_messages={
            "required": "Select a file",
            "empty": "The selected file is empty",
            "invalid": "The selected file could not be read. Try again",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.BEACON_REPORT_MAX_FILE_BYTES // (1024 * 1024)
        self.fields["file"].help_text = (
            f"Photos (JPG, PNG, WebP or HEIC) or PDFs, up to {limit} MB each and "
            f"{settings.BEACON_REPORT_MAX_FILES} in total. We remove hidden details, like where a photo "
            "was taken, before we keep it."
        )
        self.fields["file"].widget.attrs["accept"] = (
            "image/jpeg,image/png,image/webp,image/heic,.heic,application/pdf"
        )


class ContactForm(StepForm):
    page_heading = "contact"
    contact = radios(
        "Do you want to stay anonymous?",
        [
            ("anonymous", "Yes, I want to stay anonymous"),
            ("identified", "No, I will give contact details"),
        ],
        help_text="If you stay anonymous, we will not know who you are. You will get a code to check on your "
        "report and answer our questions.",
        error="Select yes if you want to stay anonymous",
    )


CONTACT_WAYS = [
    ("call", "Phone call"),
    ("text", "Text message"),
    ("voicemail", "Leave a voicemail"),
    ("email", "Email"),
]


class ContactDetailsForm(StepForm):
    one_of = ("email", "phone")
    one_of_hint = "Give an email address, a phone number or both."

    name = short_text("Your name", required=True, max_length=150, error="Enter your name")
    email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or fewer",
        },
    )
    phone = short_text("Phone number", max_length=40)
    ways = forms.MultipleChoiceField(
        label="How is it safe for us to contact you?",
        help_text="Select all that are safe. We will only use the ways you choose.",
        choices=CONTACT_WAYS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select how it is safe for us to contact you",
            "invalid_choice": "Select how it is safe for us to contact you",
        },
    )
    when = short_text(
        "When is it safe to contact you? (optional)",
        help_text="For example, \u201cweekdays after 6pm\u201d.",
        max_length=200,
        noun="When it is safe to contact you",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        self.fields["phone"].widget.input_type = "tel"
        self.fields["phone"].widget.attrs.update(
            {"autocomplete": "tel", "class": "govuk-input govuk-input--width-20"}
        )

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "")
        return identifiers.phone_normalise(value) if value.strip() else ""

    def clean(self):
        cleaned = super().clean()
        if "email" in self.errors or "phone" in self.errors:
            return cleaned
        if not cleaned.get("email") and not cleaned.get("phone"):
            self.add_error("email", "Enter an email address or a phone number")
            return cleaned
        if "ways" in self.errors:
            return cleaned
        ways = set(cleaned.get("ways") or [])
        if ways & {"call", "text", "voicemail"} and not cleaned.get("phone"):
            self.add_error("phone", "Enter a phone number, or do not choose calls, texts or voicemail")
        elif "email" in ways and not cleaned.get("email"):
            self.add_error("email", "Enter an email address, or do not choose email")
        return cleaned


class HoneypotMixin(forms.Form):
    """A field people never see (the `hidden` attribute) and automated form-fillers often complete."""

    website = forms.CharField(label="Leave this empty", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class SubmitForm(HoneypotMixin, GovukForm):
    pass


class ReceiptForm(NoFormHistory, HoneypotMixin, GovukForm):
    page_heading = "receipt"
    receipt = forms.CharField(
        label="Enter your receipt code",
        help_text="It has 20 letters and numbers in 5 groups, like ABCD-2345-EFGH-6789-JKMN.",
        max_length=60,
        error_messages={
            "required": "Enter your receipt code",
            "max_length": "Enter the receipt code exactly as it was given to you",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receipt"].widget.attrs.update(
            {
                "spellcheck": "false",
                "autocapitalize": "characters",
                "class": "govuk-input",
            }
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class ReplyForm(NoFormHistory, HoneypotMixin, GovukForm):
    receipt = forms.CharField(widget=forms.HiddenInput, max_length=60)
    text = long_text("Your reply", required=True, error="Enter your reply")
    files = MultipleFileField(
        label="Add photos or documents (optional)",
        required=False,
        error_messages={"invalid": "The selected file could not be read. Try again"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.BEACON_REPORT_MAX_FILE_BYTES // (1024 * 1024)
        self.fields["files"].help_text = (
            f"Up to {settings.BEACON_REPORT_REPLY_MAX_FILES} photos (JPG, PNG, WebP or HEIC) or PDFs, "
            f"up to {limit} MB each."
        )
        self.fields["files"].widget.attrs["accept"] = (
            "image/jpeg,image/png,image/webp,image/heic,.heic,application/pdf"
        )

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if len(files) > settings.BEACON_REPORT_REPLY_MAX_FILES:
            raise ValidationError(f"Select {settings.BEACON_REPORT_REPLY_MAX_FILES} files or fewer")
        return files
