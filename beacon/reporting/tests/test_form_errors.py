"""How the journey's pages show hints and errors: the words of a message, which boxes are styled in error,
and what each box tells a screen reader it is described by."""

import pytest
from django import forms as django_forms

from beacon.reporting import forms

pytestmark = pytest.mark.django_db


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
