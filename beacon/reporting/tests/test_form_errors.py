"""How the journey's pages show hints and errors: the words of a message, which boxes are styled in error,
and what each box tells a screen reader it is described by."""

import pytest
from django import forms as django_forms
from django.core.files.uploadedfile import SimpleUploadedFile

from beacon.core.tests.html import Elements
from beacon.reporting import forms

from .conftest import image_bytes

pytestmark = pytest.mark.django_db


def assert_descriptions_exist(page: Elements):
    assert page.missing_description_ids() == []


# --- Too-long answers are named by a short noun, not by the question -----------------------------------


@pytest.mark.parametrize(
    ("upto", "route", "slug", "data", "message"),
    [
        (
            "details",
            [],
            "details",
            {"details": "A" * 5001},
            "Anything else you tell us must be 5,000 characters or fewer",
        ),
        (
            "how",
            [],
            "how",
            {"how": "told", "detail": "A" * 5001},
            "How you know must be 5,000 characters or fewer",
        ),
        (
            "people",
            [("people", {"people": "yes"})],
            "person",
            {"age": "A" * 51, "is_child": "no"},
            "Approximate age must be 50 characters or fewer",
        ),
        (
            "people",
            [("people", {"people": "yes"})],
            "person",
            {"name": "A" * 151, "is_child": "no"},
            "Name or nickname must be 150 characters or fewer",
        ),
        (
            "vehicles",
            [("vehicles", {"vehicles": "yes"})],
            "vehicle",
            {"make": "A" * 51},
            "The make must be 50 characters or fewer",
        ),
    ],
)
def test_a_too_long_answer_is_named_by_what_it_is(walker, upto, route, slug, data, message):
    walker.minimal(upto=upto)
    for step, answer in route:
        walker.answer(step, answer)
    text = walker.post(slug, data).content.decode()
    assert text.count(message) == 2  # in the summary and by the box
    assert "? must be" not in text and "(optional) must be" not in text


def _all_forms():
    return [
        value
        for value in vars(forms).values()
        if isinstance(value, type)
        and issubclass(value, django_forms.Form)
        and value.__module__ == forms.__name__
    ]


def test_no_length_message_repeats_a_question_or_says_optional():
    for form_class in _all_forms():
        for name, field in form_class.base_fields.items():
            message = field.error_messages.get("max_length", "")
            assert "?" not in message and "(optional)" not in message, (form_class.__name__, name, message)
            assert "%" not in message or "%(" in message  # Django fills in %(limit_value)s, nothing else


def test_a_question_as_a_label_needs_its_own_noun_for_messages():
    with pytest.raises(ValueError, match="noun"):
        forms.short_text("When did it start?")
    assert forms.short_text("Make (optional)", max_length=5).error_messages["max_length"] == (
        "Make must be 5 characters or fewer"
    )
    field = forms.long_text("Is there anything else?", noun="Anything else", required=True)
    assert field.error_messages["required"] == "Enter anything else"


# --- A date in error shows it in its boxes ------------------------------------------------------------


def summary_links(page) -> list[str]:
    return [
        attrs.get("href", "")
        for tag, attrs in page.found
        if tag == "a" and attrs.get("href", "").startswith("#")
    ]


def _when_once(walker, data):
    walker.minimal(upto="when")
    walker.answer("when", {"when": "once"}, expect="when-once")
    return Elements(walker.post("when-once", data).content.decode())


@pytest.mark.parametrize(
    "date",
    [
        ("31", "2", "2025"),  # not a real date
        ("3", "2", "2999"),  # in the future
        ("", "", ""),  # nothing entered
    ],
)
def test_a_wrong_date_styles_every_box(walker, date):
    page = _when_once(walker, dict(zip(("date_0", "date_1", "date_2"), date, strict=True)))
    for box in ("id_date_0", "id_date_1", "id_date_2"):
        assert "govuk-input--error" in page.classes(box), box
    groups = [attrs for tag, attrs in page.found if "govuk-form-group--error" in attrs.get("class", "")]
    assert len(groups) == 1
    assert_descriptions_exist(page)


def test_a_missing_part_of_a_date_styles_only_that_box(walker):
    page = _when_once(walker, {"date_0": "3", "date_1": "", "date_2": "2025"})
    assert "govuk-input--error" not in page.classes("id_date_0")
    assert "govuk-input--error" in page.classes("id_date_1")
    assert "govuk-input--error" not in page.classes("id_date_2")
    assert page.by_id("id_date_1").get("aria-invalid") == "true"
    assert "aria-invalid" not in page.by_id("id_date_0")
    assert "#id_date_1" in summary_links(page)  # the error summary goes to the first box at fault


def test_a_short_year_styles_only_the_year(walker):
    page = _when_once(walker, {"date_0": "3", "date_1": "2", "date_2": "25"})
    assert [
        box for box in ("id_date_0", "id_date_1", "id_date_2") if "govuk-input--error" in page.classes(box)
    ] == ["id_date_2"]
    assert "#id_date_2" in summary_links(page)


# --- "Give at least one of these": no box says optional, the page says one is needed -------------------


ONE_OF = [
    # page, the page before it, the answer there, the boxes one of which is needed, what else the page needs,
    # and the message when none of the boxes is filled in
    (
        "where",
        "where",
        None,
        ["id_address", "id_postcode", "id_description"],
        {},
        "Enter an address, a postcode or a description of the place",
    ),
    (
        "vehicle",
        "vehicles",
        {"vehicles": "yes"},
        ["id_registration", "id_make", "id_model", "id_colour"],
        {},
        "Enter the registration, or the make, model or colour",
    ),
    (
        "number",
        "numbers",
        {"numbers": "yes"},
        ["id_phone", "id_platform", "id_handle"],
        {},
        "Enter a phone number or an online account",
    ),
    (
        "person",
        "people",
        {"people": "yes"},
        ["id_name", "id_age", "id_description"],
        {"is_child": "no"},
        "Enter a name, an approximate age or what the person looks like",
    ),
    (
        "contact-details",
        "contact",
        {"contact": "identified"},
        ["id_email", "id_phone"],
        {"name": "Sam", "ways": ["email"]},
        "Enter an email address or a phone number",
    ),
]


@pytest.mark.parametrize(("slug", "before", "answer", "boxes", "rest", "message"), ONE_OF)
def test_boxes_of_which_one_is_needed_are_not_marked_optional(
    walker, slug, before, answer, boxes, rest, message
):
    walker.minimal(upto=before)
    if answer is not None:
        walker.answer(before, answer, expect=slug)
    text = walker.get(slug).content.decode()
    page = Elements(text)
    for box in boxes:
        label = text.split(f'for="{box}">')[1].split("</label>")[0]
        assert "(optional)" not in label, (box, label)
        # The page's "one of these" hint is read out with each box, before the box's own hint.
        assert page.described_by(box)[0] == "one-of-hint", box
    hint = text.split('id="one-of-hint"')[1].split("</div>")[0]
    assert "at least one of these" in hint or "or both" in hint, hint
    assert_descriptions_exist(page)

    text = walker.post(slug, rest).content.decode()
    assert text.count(message) == 2  # in the summary and by the first box
    page = Elements(text)
    first = boxes[0]
    assert page.described_by(first)[0] == "one-of-hint" and page.described_by(first)[-1] == f"{first}-error"
    assert_descriptions_exist(page)


def test_genuinely_optional_boxes_still_say_so(walker):
    walker.minimal(upto="contact")
    walker.answer("contact", {"contact": "identified"})
    text = walker.get("contact-details").content.decode()
    assert "When is it safe to contact you? (optional)" in text
    assert "Your name (optional)" not in text


# --- The file input is described by its hint and error, whatever added them ---------------------------


def _files_page(walker, data=None):
    walker.minimal(upto="files")
    response = walker.post("files", data) if data is not None else walker.get("files")
    return Elements(response.content.decode()), response.content.decode()


def test_the_file_input_is_described_by_its_hint(walker):
    page, text = _files_page(walker)
    assert page.described_by("id_file") == ["id_file-hint"]
    assert "Photos (JPG, PNG, WebP or HEIC)" in text.split('id="id_file-hint"')[1].split("</div>")[0]
    assert "govuk-file-upload--error" not in page.classes("id_file")
    assert_descriptions_exist(page)


def test_no_file_chosen_is_read_out_and_styled_on_the_input(walker):
    page, text = _files_page(walker, {"action": "upload"})
    assert "Select a file to upload" in text
    assert page.described_by("id_file") == ["id_file-hint", "id_file-error"]
    assert "govuk-file-upload--error" in page.classes("id_file")
    assert page.by_id("id_file").get("aria-invalid") == "true"
    assert_descriptions_exist(page)


def test_a_refused_file_is_read_out_and_styled_on_the_input(walker):
    refused = SimpleUploadedFile("notes.jpg", b"just some words", content_type="image/jpeg")
    page, text = _files_page(walker, {"file": refused, "action": "upload"})
    assert "The selected file must be a photo (JPG, PNG, WebP or HEIC) or a PDF" in text
    assert page.described_by("id_file") == ["id_file-hint", "id_file-error"]
    assert "govuk-file-upload--error" in page.classes("id_file")
    assert_descriptions_exist(page)


def test_after_a_file_is_added_the_input_is_described_by_its_hint_only(walker):
    walker.minimal(upto="files")
    photo = SimpleUploadedFile("p.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    assert walker.post("files", {"file": photo, "action": "upload"}).status_code == 302
    page = Elements(walker.get("files").content.decode())
    assert page.described_by("id_file") == ["id_file-hint"]
    assert "govuk-file-upload--error" not in page.classes("id_file")
    assert_descriptions_exist(page)
