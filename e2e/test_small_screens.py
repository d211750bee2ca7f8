"""Phones: the "Leave this site" bar stays on screen, so nothing a person is sent to may end up under it, and
nothing anyone writes may make a page wider than the screen."""

import pytest

PHONE = {"width": 320, "height": 640}
LONG_WORD = "https://www.instagram.com/p/C3xYz_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/?igsh=MWQ1ZGUxMzBkMTJk"

# Where an element is against the bottom of the sticky bar.
BELOW_BAR = """(selector) => {
  const bar = document.querySelector('.beacon-quick-exit').getBoundingClientRect();
  const box = document.querySelector(selector).getBoundingClientRect();
  return {top: Math.round(box.top), barBottom: Math.round(bar.bottom)};
}"""
FOCUS_HIDDEN = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el.closest('.beacon-quick-exit')) return null;
  const box = el.getBoundingClientRect();
  const bar = document.querySelector('.beacon-quick-exit').getBoundingClientRect();
  return box.top < bar.bottom ? (el.id || el.innerText || el.tagName) : '';
}"""


@pytest.fixture
def phone(browser):
    def open_page(*, javascript: bool):
        context = browser.new_context(viewport=PHONE, java_script_enabled=javascript, locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(10_000)
        opened.append(context)
        return page

    opened = []
    yield open_page
    for context in opened:
        context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_an_error_summary_link_shows_the_answer_and_its_message_below_the_bar(phone, live_server, javascript):
    page = phone(javascript=javascript)
    page.goto(f"{live_server.url}/report/")
    page.get_by_role("button", name="Start now").click()
    for answer in ("No", "A county lines \u201cdeal line\u201d phone number"):
        page.get_by_label(answer, exact=True).check()
        page.get_by_role("button", name="Continue", exact=True).click()
    page.get_by_label("Postcode", exact=True).fill("not a postcode")
    page.get_by_role("button", name="Continue", exact=True).click()
    page.wait_for_load_state("load")

    page.locator(".govuk-error-summary a").first.click()
    page.wait_for_timeout(300)  # the jump, or GOV.UK Frontend's scroll to the label
    field = page.evaluate(BELOW_BAR, "#id_postcode")
    message = page.evaluate(BELOW_BAR, "#id_postcode-error")
    assert field["top"] >= field["barBottom"], field
    assert message["top"] >= message["barBottom"], message


def test_going_back_with_the_tab_key_never_hides_what_has_focus_under_the_bar(phone, live_server):
    page = phone(javascript=True)
    for path in ("/report/", "/events/schools/request/"):
        page.goto(live_server.url + path)
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.locator(".govuk-footer a").last.focus()
        hidden = []
        for _ in range(60):
            page.keyboard.press("Shift+Tab")
            state = page.evaluate(FOCUS_HIDDEN)
            if state is None:
                break
            if state:
                hidden.append(state)
        assert hidden == [], f"{path}: focus went under the bar at {hidden}"


def test_the_bar_is_one_button_high_on_a_phone(phone, live_server):
    page = phone(javascript=True)
    page.goto(f"{live_server.url}/report/")
    height = page.evaluate("document.querySelector('.beacon-quick-exit').getBoundingClientRect().height")
    assert height < 80, height  # the keys' hint is for keyboards: on a phone it doubled the bar


@pytest.mark.parametrize(
    "path",
    [f"/search/?q={LONG_WORD}", "/cookies/"],
)
def test_no_page_is_wider_than_a_phone(phone, live_server, path):
    page = phone(javascript=False)
    page.goto(live_server.url + path)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"{path} is {width}px wide"
