"""The safety shell in a real browser: quick exit three ways, Back, no JavaScript, axe, keyboard, no third parties."""

from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import expect

NEUTRAL = "https://www.bbc.co.uk/weather"


def navigations(page):
    seen = []
    page.on("request", lambda request: seen.append(request.url) if request.is_navigation_request() else None)
    return seen


def hold_leave(page):
    """Report, through the console, whether the page was blanked before it went to /leave."""
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.evaluate(
        """() => new MutationObserver(() => {
             if (document.documentElement.classList.contains('beacon-leaving')) {
               const hidden = [...document.body.children].every(el => el.hidden);
               console.log('beacon-blanked:' + hidden + ':' + (document.title === ''));
             }
           }).observe(document.documentElement, {attributes: true})"""
    )
    return messages


def wait_for_exit(page, seen, messages):
    for _ in range(50):
        if any(url.startswith(NEUTRAL) for url in seen):
            break
        page.wait_for_timeout(100)
    assert "beacon-blanked:true:true" in messages, f"the page was not blanked at once: {messages}"
    assert any(url.endswith("/leave") for url in seen), seen
    assert any(url.startswith(NEUTRAL) for url in seen), f"never went to the neutral site: {seen}"


@pytest.fixture
def site(demo_site, settings):
    settings.BEACON_NEUTRAL_URL = NEUTRAL
    return demo_site.url


def test_escape_key_exits(page, site):
    page.goto(site + "/cookies/")
    seen = navigations(page)
    held = hold_leave(page)
    page.keyboard.press("Escape")
    wait_for_exit(page, seen, held)


def test_shift_three_times_exits(page, site):
    page.goto(site + "/cookies/")
    seen = navigations(page)
    held = hold_leave(page)
    for _ in range(3):
        page.keyboard.press("Shift")
    wait_for_exit(page, seen, held)


def test_two_shift_presses_do_not_exit(page, site):
    page.goto(site + "/cookies/")
    seen = navigations(page)
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.type("a")
    page.keyboard.press("Shift")
    page.wait_for_timeout(400)
    assert seen == [] and page.url == site + "/cookies/"


def test_button_exits_and_blanks_the_page(page, site):
    page.goto(site + "/cookies/")
    seen = navigations(page)
    held = hold_leave(page)
    page.get_by_role("link", name="Leave this site").click(no_wait_after=True)
    wait_for_exit(page, seen, held)


def test_back_after_exit_does_not_return_to_the_page(page, site):
    page.goto("about:blank")
    page.goto(site + "/privacy/")
    page.keyboard.press("Escape")
    page.wait_for_timeout(800)
    page.go_back(wait_until="commit")
    page.wait_for_timeout(300)
    assert page.url == "about:blank", f"Back returned to {page.url}"


def test_without_javascript_the_link_still_exits(no_js_page, site):
    page = no_js_page
    page.goto(site + "/cookies/")
    responses = []
    page.on("response", lambda response: responses.append(response))
    seen = navigations(page)
    page.get_by_role("link", name="Leave this site").click(no_wait_after=True)
    page.wait_for_timeout(800)
    assert any(url.endswith("/leave") for url in seen)
    leave = next(r for r in responses if r.url.endswith("/leave"))
    assert leave.status == 302
    headers = leave.all_headers()
    assert headers["clear-site-data"] == '"cache", "cookies", "storage"'
    assert headers["location"] == NEUTRAL


@pytest.mark.parametrize("javascript", [True, False])
def test_the_key_hint_shows_only_when_the_keys_work(browser, site, javascript):
    """Escape and Shift x3 need our script: without JavaScript (Tor Browser's Safest mode) only the button
    works, so the hint about the keys must not be shown."""
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(site + "/cookies/")
    hint = page.get_by_text("To leave this site quickly, press the Escape key, or Shift three times.")
    expect(page.get_by_role("link", name="Leave this site")).to_be_visible()
    if javascript:
        expect(hint).to_be_visible()
    else:
        expect(hint).to_be_hidden()
    page.goto(site + "/report/")  # the start page's reminder mentions the key only when it works
    keys = page.get_by_text(", or press the Escape key")
    expect(page.get_by_text("If someone comes into the room")).to_be_visible()
    if javascript:
        expect(keys).to_be_visible()
    else:
        expect(keys).to_be_hidden()
    context.close()


CRAWL_LIMIT = 100


def crawl(page, start, limit=CRAWL_LIMIT):
    """Every public page reachable from the home page (same origin, not staff or exit links). Fails if there
    are more than `limit`, rather than leaving the rest unchecked: raise the limit when the demo site grows."""
    origin = urlsplit(start).netloc
    queue, seen = [start + "/"], set()
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        assert len(seen) <= limit, f"more than {limit} public pages to check; {len(queue)} left unvisited"
        yield url
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            absolute = urljoin(url, href).split("#")[0]
            parts = urlsplit(absolute)
            if (
                parts.netloc != origin
                or parts.path in ("/leave",)
                or parts.path.startswith(("/admin", "/account"))
            ):
                continue
            if parts.path.endswith((".ics", ".xml", ".csv", ".json")) or "/feed" in parts.path:
                continue
            if absolute not in seen and absolute not in queue:
                queue.append(absolute)


def test_every_public_page_passes_axe_and_stays_on_our_origin(page, site, axe):
    outside = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if urlsplit(r.url).hostname not in ("127.0.0.1", "localhost") and not r.url.startswith("data:")
            else None
        ),
    )
    visited = []
    pages = crawl(page, site)
    for url in pages:
        response = page.goto(url)
        assert response.status < 500, f"{url} answered {response.status}"
        visited.append(url)
        axe(page)
        page.set_viewport_size({"width": 390, "height": 844})
        axe(page)
        page.set_viewport_size({"width": 1280, "height": 900})
    assert len(visited) >= 6
    assert outside == [], f"requests left 127.0.0.1: {outside}"


def test_the_404_and_csrf_failure_pages_pass_axe(page, site, axe):
    from beacon.feedback.models import Feedback

    response = page.goto(site + "/no-such-page-here/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    axe(page)
    # A form sent after its CSRF cookie was lost (cleared, or the browser closed and reopened the tab).
    page.goto(site + "/feedback/")
    page.context.clear_cookies()
    page.get_by_label("Easy", exact=True).check()
    page.get_by_label("How could we improve it?").fill("Put the 101 number at the top")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("heading", name="Your form could not be sent")).to_be_visible()
    axe(page)
    # What they wrote is kept on the page, to send again (the browser sent the form from this site).
    page.get_by_role("button", name="Send it again").click()
    expect(page.get_by_role("heading", name="Thank you for your feedback")).to_be_visible()
    assert Feedback.objects.get().comment == "Put the 101 number at the top"


@pytest.mark.parametrize(
    ("view", "status", "heading"),
    [
        ("bad_request", 400, "Sorry, there is a problem"),
        ("permission_denied", 403, "You cannot see this page"),
        ("server_error", 500, "Sorry, there is a problem with the service"),
    ],
)
def test_the_other_error_pages_pass_axe(page, site, axe, view, status, heading):
    """Pages a visitor meets only when something goes wrong, rendered by their views and served from the
    live server's origin (so their stylesheet and script load as on any page)."""
    from django.test import RequestFactory

    from beacon.core import views

    rendered = getattr(views, view)(RequestFactory().get("/"))
    assert rendered.status_code == status
    url = site + "/an-error-page/"
    page.route(
        url,
        lambda route: route.fulfill(
            status=status, body=rendered.content, content_type="text/html; charset=utf-8"
        ),
    )
    page.goto(url)
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    axe(page)


def test_keyboard_reaches_every_link_with_a_visible_focus(page, site):
    page.goto(site + "/")
    links = page.eval_on_selector_all(
        "a[href]", "els => els.filter(e => e.offsetParent !== null).map(e => e.getAttribute('href'))"
    )
    reached = []
    for _ in range(len(links) + 10):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => {
              const el = document.activeElement;
              if (!el || el === document.body) return null;
              const style = getComputedStyle(el);
              const visible = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
                || style.boxShadow !== 'none';
              return {href: el.getAttribute('href'), visible};
            }"""
        )
        if info is None:
            break
        assert info["visible"], f"no visible focus on {info['href']}"
        reached.append(info["href"])
    # The first Escape-free tab stop is the skip link; every visible link is reached.
    assert reached[0] == "#main-content"
    assert set(links) <= set(reached), f"not reached by keyboard: {set(links) - set(reached)}"


@pytest.mark.parametrize("javascript", [True, False])
def test_feedback_form_in_a_real_browser(browser, site, axe, javascript):
    from beacon.feedback.models import Feedback

    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(site + "/feedback/")
    page.get_by_role("button", name="Send feedback").click()
    assert page.get_by_text("There is a problem").is_visible()
    if javascript:
        axe(page)
    page.get_by_label("How could we improve it?").fill("Bigger buttons, please")
    page.get_by_label("Easy", exact=True).check()
    page.get_by_role("button", name="Send feedback").click()
    assert page.get_by_role("heading", name="Thank you for your feedback").is_visible()
    context.close()
    assert Feedback.objects.filter(rating=4, comment="Bigger buttons, please").exists()
