"""The journey's pages are built from GOV.UK Design System patterns: checked on the HTML the test client gets."""

from collections.abc import Iterator

import pytest
from django.test.html import Element, parse_html

pytestmark = pytest.mark.django_db


def elements(
    node: Element, ancestors: tuple[Element, ...] = ()
) -> Iterator[tuple[Element, tuple[Element, ...]]]:
    """Every element under `node`, each with the elements it is inside (outermost first)."""
    yield node, ancestors
    for child in node.children:
        if isinstance(child, Element):
            yield from elements(child, (*ancestors, node))


def classes(node: Element) -> set[str]:
    return set((dict(node.attributes).get("class") or "").split())


def text(node: Element | str) -> str:
    if isinstance(node, str):
        return node
    return " ".join(" ".join(text(child) for child in node.children).split())


def remove_buttons(html: str) -> list[tuple[Element, tuple[Element, ...]]]:
    return [
        (node, ancestors)
        for node, ancestors in elements(parse_html(html))
        if node.name == "button" and dict(node.attributes).get("name") == "remove"
    ]


def assert_remove_is_a_post_styled_as_a_link(
    button: Element, ancestors: tuple[Element, ...], hidden: str
) -> None:
    # A button (the removal is a POST, and works without JavaScript) that looks like the row's other action
    # links: not a grey GOV.UK button.
    assert "beacon-link-button" in classes(button) and "govuk-button" not in classes(button), button
    assert dict(button.attributes).get("type") == "submit"
    form = next(node for node in reversed(ancestors) if node.name == "form")
    assert dict(form.attributes).get("method") == "post"
    assert any(
        node.name == "input" and dict(node.attributes).get("name") == "csrfmiddlewaretoken"
        for node, _ in elements(form)
    )
    assert any("govuk-summary-list__actions" in classes(node) for node in ancestors)
    # "Remove person 2", not three buttons all called "Remove".
    spans = [node for node, _ in elements(button) if "govuk-visually-hidden" in classes(node)]
    assert [text(span) for span in spans] == [hidden]
    assert text(button) == f"Remove {hidden}"


@pytest.mark.parametrize(
    ("upto", "question", "item", "answer", "listing", "noun"),
    [
        ("people", "people", "person", {"name": "Tee", "is_child": "no"}, "people-list", "person"),
        ("vehicles", "vehicles", "vehicle", {"registration": "AB12 CDE"}, "vehicles-list", "vehicle"),
        (
            "numbers",
            "numbers",
            "number",
            {"phone": "07700 900 123"},
            "numbers-list",
            "phone number or account",
        ),
    ],
)
def test_change_and_remove_on_a_list_page_are_action_links_in_one_list(
    walker, upto, question, item, answer, listing, noun
):
    walker.minimal(upto=upto)
    walker.answer(question, {question: "yes"}, expect=item)
    walker.answer(item, answer, expect=listing)
    walker.answer(listing, {"add_another": "yes"}, expect=item)
    walker.answer(item, answer, expect=listing)
    html = walker.get(listing).content.decode()
    buttons = remove_buttons(html)
    assert len(buttons) == 2
    for number, (button, ancestors) in enumerate(buttons, start=1):
        assert_remove_is_a_post_styled_as_a_link(button, ancestors, f"{noun} {number}")
        # Change and Remove are the two items of the row's actions list, so they line up as GOV.UK's do.
        actions_list = next(node for node in ancestors if "govuk-summary-list__actions-list" in classes(node))
        items = [node for node in actions_list.children if isinstance(node, Element)]
        assert [classes(node) for node in items] == [{"govuk-summary-list__actions-list-item"}] * 2
        assert text(items[0]) == f"Change {noun} {number}" and text(items[1]) == f"Remove {noun} {number}"


def test_remove_on_the_files_page_is_an_action_link(walker):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .conftest import image_bytes

    walker.minimal(upto="files")
    photo = SimpleUploadedFile("car.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    assert walker.client.post("/report/files/", {"file": photo, "action": "upload"}).status_code == 302
    [(button, ancestors)] = remove_buttons(walker.get("files").content.decode())
    assert_remove_is_a_post_styled_as_a_link(button, ancestors, "car.jpg")


def reach_child_999(walker):
    walker.start()
    walker.answer("danger", {"danger": "no"})
    walker.answer("about", {"categories": ["child_exploitation"]})
    walker.answer("where", {"address": "Outside the school gates, Elm Road"})
    walker.answer("when", {"when": "now"})
    for slug in ("people", "vehicles", "numbers"):
        walker.answer(slug, {slug: "no"})
    walker.answer("child", {"ages": "about 14", "in_danger": "yes"}, expect="child-999")


@pytest.mark.parametrize(
    ("slug", "next_url"), [("call-999", "/report/about/"), ("child-999", "/report/how/")]
)
def test_the_999_pages_make_calling_the_first_and_biggest_action(walker, slug, next_url):
    if slug == "call-999":
        walker.start()
        walker.answer("danger", {"danger": "yes"}, expect="call-999")
    else:
        reach_child_999(walker)
    main = next(
        node for node, _ in elements(parse_html(walker.get(slug).content.decode())) if node.name == "main"
    )
    # (The timeout warning, a <template> its script shows in a dialog, is not part of the page as it first shows.)
    actions = [
        node
        for node, ancestors in elements(main)
        if node.name in ("a", "button")
        and "govuk-back-link" not in classes(node)
        and not any(outer.name == "template" for outer in ancestors)
    ]
    # First: a tel: link as big as a button, in the panel that says to call (a phone's first tap calls 999).
    call = actions[0]
    assert dict(call.attributes).get("href") == "tel:999" and text(call) == "Call 999", call
    assert {"govuk-button", "govuk-button--inverse", "govuk-button--start"} <= classes(call), call
    assert dict(call.attributes).get("role") == "button"
    # Then carrying on with the report: a link, not the page's big green button.
    carry_on = next(node for node in actions if dict(node.attributes).get("href") == next_url)
    assert text(carry_on) == "Continue with my report"
    assert actions.index(carry_on) > 0 and "govuk-button" not in classes(carry_on), carry_on
    assert [
        node
        for node in actions
        if classes(node) & {"govuk-button"}
        and not classes(node) & {"govuk-button--secondary", "govuk-button--inverse"}
    ] == []
