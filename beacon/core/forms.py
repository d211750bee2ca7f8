"""GOV.UK Design System markup for Django forms.

Every public form in Beacon subclasses `GovukForm` (or mixes in `GovukFormMixin` with a ModelForm).
Fields render with `components/field.html`; choice widgets with GOV.UK radios and checkboxes; dates with
the GOV.UK date input (day, month, year). Put `{% include "includes/error_summary.html" %}` above the
page heading. Set `page_heading = "<field name>"` on a one-question form to make that field's label or
legend the page's `<h1>`.
"""

import datetime
import unicodedata

from django import forms
from django.core.exceptions import ValidationError

FIELD_TEMPLATE = "components/field.html"
ONE_OF_HINT_ID = "one-of-hint"  # a form's `one_of_hint`; components/field.html gives it this id

# Characters that hide or reorder text (bidirectional overrides, zero-width marks) or control the
# terminal: never meaningful in a report, and a known way to disguise content.
_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def clean_text(value: str) -> str:
    """Normalise free text: NFC, no control, format (bidi override, zero-width) or unassigned characters."""
    value = unicodedata.normalize("NFC", value)
    return "".join(
        ch for ch in value if ch in _ALLOWED_CONTROLS or unicodedata.category(ch) not in _FORBIDDEN_CATEGORIES
    ).strip()


_ERROR_CLASSES = ("govuk-input", "govuk-textarea", "govuk-select", "govuk-file-upload")


def is_group(widget) -> bool:
    """Radios, checkboxes and a date: their fieldset, not each input, names the hint and the error."""
    return isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.MultiWidget))


class GovukBoundField(forms.BoundField):
    """A field drawn the GOV.UK way. What its input is described by, and whether it looks in error, are worked
    out as it is drawn, from the field as it stands then: a hint set after the form was built, or an error a
    view adds after `is_valid()`, is read out and shown like any other."""

    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        if isinstance(widget, DateInputWidget) and self.errors:
            attrs[DateInputWidget.BOXES_IN_ERROR] = date_boxes_in_error(self.errors.as_data())
        if widget.is_hidden or is_group(widget):
            return attrs
        if "aria-describedby" not in widget.attrs:
            ids = []
            if self.name in getattr(self.form, "one_of", ()) and getattr(self.form, "one_of_hint", ""):
                ids.append(ONE_OF_HINT_ID)
            if self.help_text:
                ids.append(f"{self.auto_id}-hint")
            if self.errors:
                ids.append(f"{self.auto_id}-error")
            if ids:
                attrs["aria-describedby"] = " ".join(ids)
            else:
                attrs.pop("aria-describedby", None)  # Django's own guess names ids that are not on the page
        if self.errors:
            css = attrs.get("class", widget.attrs.get("class", "")).split()
            css += [
                f"{base}--error" for base in _ERROR_CLASSES if base in css and f"{base}--error" not in css
            ]
            attrs["class"] = " ".join(css)
        return attrs


def date_boxes_in_error(errors) -> set[int]:
    """Which of a date's boxes (0 day, 1 month, 2 year) to show in error: those an error names as at fault
    (DateInputField.compress), else all three, as GOV.UK does for a date wrong as a whole."""
    boxes: set[int] = set()
    for error in errors:
        parts = (error.params or {}).get(DateInputField.PARTS)
        if not parts:
            return {0, 1, 2}
        boxes.update(parts)
    return boxes


class CleanTextBoundField(GovukBoundField):
    """A text field's submitted value with `clean_text` applied before the field sees it.

    So the field's own checks judge what will be kept: an answer made only of invisible characters is
    empty and gets the field's "required" message, and a length limit counts the characters kept. A
    value holding a NUL is left as sent, for the field's own validator to refuse as it always has.
    """

    @property
    def data(self):
        value = super().data
        if isinstance(self.field, forms.CharField) and isinstance(value, str) and "\x00" not in value:
            return clean_text(value)
        return value


class GovukFormMixin:
    page_heading: str | None = None  # name of the field whose label is the page's <h1>
    heading_size = "l"
    # Boxes of which at least one must be filled in. None of them says "(optional)"; `one_of_hint` says that
    # one is needed. It is shown above the first of them, and each of them is described by it.
    one_of: tuple[str, ...] = ()
    one_of_hint = ""
    bound_field_class = CleanTextBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        first_of = next((name for name in self.fields if name in self.one_of), None)
        for name, field in self.fields.items():
            field.beacon_one_of_hint = self.one_of_hint if name == first_of else ""
            field.template_name = FIELD_TEMPLATE
            field.beacon_heading = name == self.page_heading
            field.beacon_label_size = self.heading_size if field.beacon_heading else "s"
            widget = field.widget
            # CheckboxSelectMultiple subclasses RadioSelect in Django, so it is tested first.
            if isinstance(widget, forms.CheckboxSelectMultiple):
                widget.template_name = "components/widgets/checkboxes.html"
            elif isinstance(widget, forms.RadioSelect):
                widget.template_name = "components/widgets/radios.html"
            elif isinstance(widget, forms.CheckboxInput):
                widget.template_name = "components/widgets/checkbox.html"
            elif isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("class", "govuk-textarea")
                widget.attrs.setdefault("rows", 5)
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "govuk-select")
            elif isinstance(widget, forms.FileInput):
                widget.attrs.setdefault("class", "govuk-file-upload")
            elif isinstance(widget, forms.MultiWidget):
                pass
            elif isinstance(widget, forms.widgets.Input):
                widget.attrs.setdefault("class", "govuk-input")

    def clean(self):
        cleaned = super().clean()
        # Text fields arrive cleaned (CleanTextBoundField); this also covers choices and what a
        # clean_<field>() method returned.
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                cleaned[name] = clean_text(value)
        return cleaned


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass


class DateInputWidget(forms.MultiWidget):
    """GOV.UK date input: three text boxes for day, month and year."""

    template_name = "components/widgets/date_input.html"
    # Set by GovukBoundField when the date is in error: the boxes to style, and to mark aria-invalid.
    BOXES_IN_ERROR = "beacon_boxes_in_error"

    def __init__(self, attrs=None):
        super().__init__(
            [
                forms.TextInput(
                    attrs={
                        "class": "govuk-input govuk-date-input__input govuk-input--width-2",
                        "inputmode": "numeric",
                    }
                ),
                forms.TextInput(
                    attrs={
                        "class": "govuk-input govuk-date-input__input govuk-input--width-2",
                        "inputmode": "numeric",
                    }
                ),
                forms.TextInput(
                    attrs={
                        "class": "govuk-input govuk-date-input__input govuk-input--width-4",
                        "inputmode": "numeric",
                    }
                ),
            ],
            attrs,
        )

    def get_context(self, name, value, attrs):
        attrs = dict(attrs or {})
        in_error = attrs.pop(self.BOXES_IN_ERROR, set())
        context = super().get_context(name, value, attrs)
        for index, box in enumerate(context["widget"]["subwidgets"]):
            if index in in_error:
                box["attrs"]["class"] = f"{box['attrs'].get('class', '')} govuk-input--error".strip()
            else:
                box["attrs"].pop("aria-invalid", None)  # Django marks every box of a field in error
        return context

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateInputField(forms.MultiValueField):
    """A date entered as day, month and year, with the GOV.UK error messages."""

    widget = DateInputWidget
    PARTS = "parts"  # an error's params: the boxes at fault (0 day, 1 month, 2 year), when not the whole date

    def __init__(self, *, label_for_errors: str = "the date", **kwargs):
        self.label_for_errors = label_for_errors
        fields = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        )
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields=fields, **kwargs)
        self.error_messages["required"] = f"Enter {label_for_errors}"
        self.error_messages["incomplete"] = f"Enter {label_for_errors} as a day, month and year"

    def clean(self, value):
        # A box holding only spaces, a newline or invisible characters is an empty box. Without this,
        # MultiValueField.clean sees a value and skips its "required" check, and the parts' own
        # stripping then hands compress() three empty strings: a required date came back as None.
        if isinstance(value, (list, tuple)):
            value = [clean_text(part) if isinstance(part, str) else part for part in value]
        return super().clean(value)

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        day, month, year = (str(part or "").strip() for part in data_list)
        parts = (("day", day), ("month", month), ("year", year))
        missing = [index for index, (_, part) in enumerate(parts) if not part]
        if missing:
            names = " and ".join(parts[index][0] for index in missing)
            raise self._error(f"{self.label_for_errors.capitalize()} must include a {names}", missing)
        not_numbers = [index for index, (_, part) in enumerate(parts) if not part.isdigit()]
        if not_numbers:
            # One box wrong is shown on that box; more than one, on the date as a whole.
            raise self._error(
                f"{self.label_for_errors.capitalize()} must be a real date, in numbers",
                not_numbers if len(not_numbers) == 1 else [],
            )
        if len(year) != 4:
            raise self._error("Year must include 4 numbers", [2])
        try:
            return datetime.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):  # OverflowError: a day or month of 20 digits
            raise ValidationError(f"{self.label_for_errors.capitalize()} must be a real date") from None

    def _error(self, message: str, boxes: list[int]) -> ValidationError:
        # No "%" in a message given params: Django would read it as a placeholder.
        return ValidationError(message.replace("%", "%%"), code="date", params={self.PARTS: boxes})
