"""Staff forms for the triage back office (rendered in the Wagtail admin's own style)."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from beacon.core.forms import clean_text
from beacon.core.models import Neighbourhood, PolicingArea
from beacon.reporting import identifiers
from beacon.reporting.crypto import blind_index
from beacon.reporting.models import CATEGORY_CHOICES, Report, ReportIdentifier

from .models import Grading, Level, Outcome
from .selectors import FLAGS, QueueFilters

TEXT_MAX = 2000


class CleanTextField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return clean_text(value) if value else value


def _text(label: str, *, required: bool = True, help_text: str = "", max_length: int = TEXT_MAX, rows=4):
    return CleanTextField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": f"Enter {label[0].lower() + label[1:]}",
            "max_length": f"{label} must be {max_length} characters or fewer",
        },
    )


class VersionedForm(forms.Form):
    """Carries the report version the form was built from, for optimistic locking."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": "This form is out of date. Open the report again and make your change.",
            "invalid": "This form is out of date. Open the report again and make your change.",
            "min_value": "This form is out of date. Open the report again and make your change.",
        },
    )

    def __init__(self, *args, report: Report, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", report.version)
        super().__init__(*args, **kwargs)
        self.report = report


LEVELS = Level.choices


class AssessmentForm(VersionedForm):
    threat = _text("Threat", help_text="What is the threat, and to whom?")
    harm = forms.ChoiceField(
        label="Harm",
        help_text="How serious would the harm be if it happened?",
        choices=LEVELS,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how serious the harm would be",
            "invalid_choice": "Select high, medium or low harm",
        },
    )
    risk = forms.ChoiceField(
        label="Risk",
        help_text="How likely is the harm? High risk raises the report's priority; low risk lowers it.",
        choices=LEVELS,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how likely the harm is",
            "invalid_choice": "Select high, medium or low risk",
        },
    )
    investigation = _text("Investigation", help_text="What enquiries are needed, and how soon?")
    vulnerability = _text("Vulnerability", help_text="Who is vulnerable, and why?")
    engagement = _text(
        "Engagement", help_text="Who needs to engage, and how (police, partners, the reporter)?"
    )


class GradingForm(VersionedForm):
    source = forms.ChoiceField(
        label="Source evaluation",
        choices=Grading.Source.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the source evaluation", "invalid_choice": "Select 1, 2 or 3"},
    )
    intelligence = forms.ChoiceField(
        label="Intelligence assessment",
        choices=Grading.Intelligence.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the intelligence assessment",
            "invalid_choice": "Select A, B, C, D or E",
        },
    )
    handling = forms.ChoiceField(
        label="Handling code",
        choices=Grading.Handling.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the handling code", "invalid_choice": "Select P or C"},
    )
    conditions = _text(
        "Conditions for sharing",
        required=False,
        help_text="Needed for handling code C: who it may be shared with, and how.",
    )

    def clean(self):
        data = super().clean()
        if data.get("handling") == Grading.Handling.C and not data.get("conditions"):
            self.add_error("conditions", "Enter the conditions for sharing, because the handling code is C")
        return data


class RouteForm(VersionedForm):
    neighbourhood = forms.ModelChoiceField(
        label="Neighbourhood team",
        queryset=Neighbourhood.objects.select_related("area"),
        required=False,
        empty_label="Not routed yet",
        error_messages={"invalid_choice": "Select a neighbourhood team from the list"},
    )


class AssignForm(VersionedForm):
    assignee = forms.TypedChoiceField(
        label="Assign to",
        coerce=int,
        error_messages={
            "required": "Select who to assign this report to",
            "invalid_choice": "Select someone from the list",
        },
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = {u.pk: u for u in staff}
        self.fields["assignee"].choices = [("", "Select a person")] + [
            (u.pk, u.get_full_name() or u.get_username()) for u in staff
        ]

    def clean_assignee(self):
        return self.staff[self.cleaned_data["assignee"]]


class ConfirmForm(VersionedForm):
    pass


class CloseForm(VersionedForm):
    kind = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the outcome",
            "invalid_choice": "Select an outcome from the list",
        },
    )
    crime_reference = CleanTextField(
        label="Crime reference",
        required=False,
        max_length=60,
        help_text="If a crime was recorded: its reference in the force's crime system.",
        error_messages={"max_length": "Crime reference must be 60 characters or fewer"},
    )
    reason = _text("Reason for no further action", required=False, help_text="If no further action: why.")
    duplicate_of = CleanTextField(
        label="Reference of the original report",
        required=False,
        max_length=20,
        help_text="If it is a duplicate: the reference of the report it repeats, like K7QM-2XDP.",
        error_messages={"max_length": "Enter a report reference, like K7QM-2XDP"},
    )

    def __init__(self, *args, within: list[int] | None = None, **kwargs):
        """`within`: the staff member's neighbourhoods (selectors.staff_neighbourhoods); an original
        outside them is "not found", like any report they cannot open."""
        super().__init__(*args, **kwargs)
        self.within = within

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Outcome.Kind.CRIME_RECORDED and not data.get("crime_reference"):
            self.add_error("crime_reference", "Enter the crime reference")
        if kind == Outcome.Kind.NO_FURTHER_ACTION and not data.get("reason"):
            self.add_error("reason", "Enter the reason for no further action")
        if kind == Outcome.Kind.DUPLICATE:
            from .selectors import report_by_reference

            reference = data.get("duplicate_of", "")
            if not reference:
                self.add_error("duplicate_of", "Enter the reference of the original report")
            else:
                original = report_by_reference(reference=reference, within=self.within)
                if original is None:
                    self.add_error("duplicate_of", "There is no report with that reference")
                elif original.pk == self.report.pk:
                    self.add_error("duplicate_of", "A report cannot be a duplicate of itself")
                else:
                    data["original"] = original
        return data


class SafeguardingForm(VersionedForm):
    referred = forms.TypedChoiceField(
        label="Was the child referred to the multi-agency safeguarding hub (MASH)?",
        choices=[("yes", "Yes, a referral was made"), ("no", "No referral")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether a referral was made",
            "invalid_choice": "Select yes or no",
        },
    )
    referral_date = forms.DateField(
        label="Date of the referral",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the date of the referral as a real date"},
    )
    referral_reference = CleanTextField(
        label="MASH referral reference",
        required=False,
        max_length=60,
        error_messages={"max_length": "The referral reference must be 60 characters or fewer"},
    )
    no_referral_reason = _text("Reason there was no referral", required=False)

    def clean(self):
        data = super().clean()
        referred = data.get("referred")
        if referred is True:
            date = data.get("referral_date")
            if date is None and "referral_date" not in self.errors:
                self.add_error("referral_date", "Enter the date of the referral")
            elif date and date > timezone.localdate():
                self.add_error("referral_date", "The date of the referral must be today or in the past")
            elif date and date < dt.date(2000, 1, 1):
                self.add_error("referral_date", "The date of the referral must be after 1 January 2000")
            if not data.get("referral_reference"):
                self.add_error("referral_reference", "Enter the referral reference")
        elif referred is False and not data.get("no_referral_reason"):
            self.add_error("no_referral_reason", "Enter why there was no referral")
        return data


class QuestionForm(forms.Form):
    text = _text(
        "Your question",
        help_text="The reporter reads this with their receipt code, or is emailed to say there is a "
        "message. Do not include anything that would put them at risk if someone else saw it.",
        max_length=1500,
        rows=6,
    )


def _int_or_none(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


class QueueFilterForm(forms.Form):
    """GET filters for the queue and exports. Anything unrecognised is ignored rather than refused."""

    category = forms.ChoiceField(
        label="Category",
        required=False,
        choices=[("", "Any category"), *CATEGORY_CHOICES],
        error_messages={"invalid_choice": "Select a category from the list"},
    )
    area = forms.TypedChoiceField(
        label="Policing area",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Select a policing area from the list"},
    )
    neighbourhood = forms.TypedChoiceField(
        label="Neighbourhood team",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Select a neighbourhood team from the list"},
    )
    status = forms.ChoiceField(
        label="Status", required=False, error_messages={"invalid_choice": "Select a status from the list"}
    )
    assignee = forms.ChoiceField(
        label="Assigned to",
        required=False,
        error_messages={"invalid_choice": "Select who the reports are assigned to from the list"},
    )
    flags = forms.MultipleChoiceField(
        label="Flags",
        required=False,
        choices=[(key, label) for key, (label, _) in FLAGS.items()],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Select flags from the list",
            "invalid_list": "Select flags from the list",
        },
    )

    def __init__(self, *args, staff=None, include_closed=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "Any area")] + [
            (a.pk, a.name) for a in PolicingArea.objects.all()
        ]
        self.fields["neighbourhood"].choices = [("", "Any team")] + [
            (n.pk, str(n)) for n in Neighbourhood.objects.select_related("area")
        ]
        statuses = [(v, label) for v, label in Report.Status.choices if include_closed or v != "closed"]
        self.fields["status"].choices = [
            ("", "Any open status" if not include_closed else "Any status"),
            *statuses,
        ]
        if staff is None:
            from .selectors import assignee_choices

            people = assignee_choices()
        else:
            people = [(str(u.pk), u.get_full_name() or u.get_username()) for u in staff]
        self.fields["assignee"].choices = [("", "Anyone or no one"), ("none", "No one"), *people]

    def filters(self) -> QueueFilters:
        self.is_valid()  # fills cleaned_data with the fields that are valid; the rest are ignored
        data = getattr(self, "cleaned_data", {})
        return QueueFilters(
            category=data.get("category") or "",
            area=data.get("area"),
            neighbourhood=data.get("neighbourhood"),
            status=data.get("status") or "",
            assignee=data.get("assignee") or "",
            flags=list(data.get("flags") or []),
        )


class ExportForm(QueueFilterForm):
    received_from = forms.DateField(
        label="Received on or after",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the first date as a real date"},
    )
    received_to = forms.DateField(
        label="Received on or before",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the last date as a real date"},
    )
    format = forms.ChoiceField(
        label="File format",
        choices=[("csv", "CSV (spreadsheet)"), ("json", "JSON (records system import)")],
        widget=forms.RadioSelect,
        initial="csv",
        error_messages={"required": "Select CSV or JSON", "invalid_choice": "Select CSV or JSON"},
    )
    reports = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs["include_closed"] = True
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", "The last date must be the same as or after the first date")
        return data

    def chosen_ids(self) -> list[int]:
        raw = self.cleaned_data.get("reports") or ""
        ids = [_int_or_none(part) for part in raw.split(",")[:5000]]
        return [pk for pk in ids if pk]


class NetworkSearchForm(forms.Form):
    kind = forms.ChoiceField(
        label="What to look for",
        choices=[(k, label) for k, label in ReportIdentifier.Kind.choices],
        error_messages={"required": "Select what to look for", "invalid_choice": "Select what to look for"},
    )
    platform = forms.ChoiceField(
        label="App or website (for an online account)",
        required=False,
        choices=[("", "Not an online account"), *identifiers.PLATFORM_CHOICES],
    )
    value = CleanTextField(
        label="Phone number, registration, postcode, account name or name",
        max_length=120,
        error_messages={"required": "Enter what to look for", "max_length": "Enter 120 characters or fewer"},
    )

    def clean(self):
        data = super().clean()
        kind, value = data.get("kind"), data.get("value")
        if not kind or not value:
            return data
        try:
            if kind == "phone":
                normalised = identifiers.phone_normalise(value)
            elif kind == "vehicle":
                registration = identifiers.registration_normalise(value)
                if registration.partial:
                    raise ValidationError("Enter the full registration: partial ones are not linked")
                normalised = registration.value
            elif kind == "postcode":
                postcode = identifiers.postcode_normalise(value)
                if not postcode.full:
                    raise ValidationError("Enter the full postcode, like NN1 1AF")
                normalised = postcode.full
            elif kind == "handle":
                normalised = identifiers.handle_normalise(platform=data.get("platform") or "", handle=value)
            else:
                normalised = identifiers.name_normalise(value)
                if not normalised:
                    raise ValidationError("Enter a name")
        except ValidationError as error:
            field = "platform" if kind == "handle" and not data.get("platform") else "value"
            self.add_error(field, error)
            return data
        data["digest"] = blind_index(kind, normalised)
        return data
