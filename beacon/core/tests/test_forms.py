"""GovukForm's markup: each box names its hint and error, and shows the error style, as the form stands when
it is rendered (not as it stood when it was built or first checked)."""

from django import forms

from beacon.core.forms import DateInputField, GovukForm

from .html import Elements


class Sample(GovukForm):
    name = forms.CharField(label="Name", max_length=5, help_text="Your name.")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea)
    colour = forms.ChoiceField(label="Colour", choices=[("", "Choose"), ("red", "Red")], required=False)
    upload = forms.FileField(label="File", required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)
    when = DateInputField(label="Date", label_for_errors="the date", help_text="For example, 27 3 2025.")


def render(form) -> Elements:
    return Elements("".join(form[name].as_field_group() for name in form.fields))


def valid_data(**changes):
    data = {"name": "Sam", "when_0": "3", "when_1": "2", "when_2": "2025"}
    data.update(changes)
    return data


def test_a_box_is_described_by_its_hint_and_then_its_error():
    page = render(Sample(valid_data(name="Samantha")))
    assert page.described_by("id_name") == ["id_name-hint", "id_name-error"]
    assert page.classes("id_name") == ["govuk-input", "govuk-input--error"]
    assert page.missing_description_ids() == []


def test_a_box_without_hint_or_error_is_described_by_nothing():
    page = render(Sample(valid_data()))
    assert "aria-describedby" not in page.by_id("id_notes")
    assert "aria-describedby" not in page.by_id("id_secret")
    assert page.described_by("id_name") == ["id_name-hint"]


def test_a_hint_given_after_the_form_was_built_is_described():
    form = Sample(valid_data())
    form.fields["upload"].help_text = "A photo."
    page = render(form)
    assert page.described_by("id_upload") == ["id_upload-hint"]
    assert page.missing_description_ids() == []


def test_an_error_added_after_checking_is_described_and_styled():
    form = Sample(valid_data())
    assert form.is_valid()
    for name in ("notes", "colour", "upload"):
        form.add_error(name, "Something is wrong")
    page = render(form)
    assert page.classes("id_notes") == ["govuk-textarea", "govuk-textarea--error"]
    assert page.classes("id_colour") == ["govuk-select", "govuk-select--error"]
    assert page.classes("id_upload") == ["govuk-file-upload", "govuk-file-upload--error"]
    for name in ("notes", "colour", "upload"):
        assert page.described_by(f"id_{name}") == [f"id_{name}-error"]
    assert page.missing_description_ids() == []


def test_rendering_twice_does_not_double_the_error_style():
    form = Sample(valid_data(name="Samantha"))
    render(form)
    assert render(form).classes("id_name") == ["govuk-input", "govuk-input--error"]
    assert "govuk-input--error" not in form.fields["name"].widget.attrs.get("class", "")


DATE_BOXES = ("id_when_0", "id_when_1", "id_when_2")


def boxes_in_error(page: Elements) -> list[str]:
    return [box for box in DATE_BOXES if "govuk-input--error" in page.classes(box)]


def test_a_wrong_date_styles_every_box():
    for day, month, year in [("31", "2", "2025"), ("", "", ""), ("a", "b", "2025")]:
        page = render(Sample(valid_data(when_0=day, when_1=month, when_2=year)))
        assert boxes_in_error(page) == list(DATE_BOXES), (day, month, year)
        assert all(page.by_id(box).get("aria-invalid") == "true" for box in DATE_BOXES)


def test_an_error_added_to_a_date_after_checking_styles_every_box():
    form = Sample(valid_data())
    assert form.is_valid()
    form.add_error("when", "The date must be in the past")
    assert boxes_in_error(render(form)) == list(DATE_BOXES)


def test_only_the_boxes_at_fault_are_styled():
    cases = [
        ({"when_1": ""}, ["id_when_1"]),
        ({"when_0": "", "when_2": ""}, ["id_when_0", "id_when_2"]),
        ({"when_2": "25"}, ["id_when_2"]),
        ({"when_1": "Feb"}, ["id_when_1"]),
    ]
    for changes, expected in cases:
        page = render(Sample(valid_data(**changes)))
        assert boxes_in_error(page) == expected, changes
        assert [box for box in DATE_BOXES if page.by_id(box).get("aria-invalid") == "true"] == expected


def test_the_date_group_keeps_its_own_widths_and_describes_itself_on_the_fieldset():
    form = Sample(valid_data(when_0="31", when_1="2"))
    html = form["when"].as_field_group()
    page = Elements(html)
    assert "govuk-input--width-4" in page.classes("id_when_2")
    assert "govuk-form-group--error" in html
    fieldset = next(attrs for tag, attrs in page.found if tag == "fieldset")
    assert fieldset["aria-describedby"].split() == ["id_when-hint", "id_when-error"]
    assert all("aria-describedby" not in page.by_id(box) for box in DATE_BOXES)


class OneOf(GovukForm):
    one_of = ("phone", "email")
    one_of_hint = "Give at least one of these."

    name = forms.CharField(label="Name")
    email = forms.EmailField(label="Email address", required=False, help_text="We only use it to reply.")
    phone = forms.CharField(label="Phone number", required=False)


def test_one_of_hint_is_shown_once_above_the_first_box_and_describes_each():
    form = OneOf({"name": "Sam"})
    form.is_valid()
    form.add_error("email", "Enter an email address or a phone number")
    html = "".join(form[name].as_field_group() for name in form.fields)
    page = Elements(html)
    assert html.count('id="one-of-hint"') == 1
    assert html.index('id="one-of-hint"') < html.index('for="id_email"')
    assert html.index('for="id_name"') < html.index('id="one-of-hint"')
    assert page.described_by("id_email") == ["one-of-hint", "id_email-hint", "id_email-error"]
    assert page.described_by("id_phone") == ["one-of-hint"]
    assert "aria-describedby" not in page.by_id("id_name")
    assert page.missing_description_ids() == []
