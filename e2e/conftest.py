"""Browser tests: Playwright for Python driving Debian's /usr/bin/chromium (never a downloaded browser).

Every test here is marked `e2e`. The `axe` fixture checks a page with axe-core (WCAG 2.0, 2.1 and 2.2,
levels A and AA) and fails the test on any violation.
"""

import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect, sync_playwright

# Playwright's sync API runs an event loop in this thread; the Django ORM calls made by fixtures here are
# still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def demo_site(live_server, django_db_blocker):
    """The live server with the demo data loaded. Each browser test starts from a flushed database;
    seed_demo recreates what migrations had made (Wagtail's root page, collection and locale)."""
    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return live_server


_axe = Axe()


def axe_violations(page) -> list[str]:
    results = _axe.run(
        page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    )
    found = []
    for violation in results.response["violations"]:
        targets = [", ".join(node["target"]) for node in violation["nodes"]][:5]
        found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return found


# Wagtail's messages ("Report marked as actioned.") have faded in.
SETTLED = """() => [...document.querySelectorAll(".messages > ul")].every(
    list => list.getAnimations().length === 0 && getComputedStyle(list).opacity === "1"
)"""


@pytest.fixture
def axe():
    """axe(page) fails the test if axe-core finds any WCAG A/AA violation on the page as it is now."""

    def check(page):
        # A click that navigates returns once the new page has started loading: wait until it has loaded,
        # or axe can run on a page with no body yet, or before its stylesheet applies (small touch targets).
        page.wait_for_load_state("load")
        # And until a message fading in has finished (Wagtail's take half a second): half faded in, its text
        # has less contrast than it will have.
        for _ in range(40):  # (page.wait_for_function evaluates a string, which the pages' CSP refuses)
            if page.evaluate(SETTLED):
                break
            page.wait_for_timeout(50)
        violations = axe_violations(page)
        assert violations == [], f"axe-core violations on {page.url}:\n" + "\n".join(violations)

    return check


@pytest.fixture
def csp_violations(page):
    """What the page's console says the Content-Security-Policy blocked, and uncaught script errors."""
    found = []
    page.on(
        "console", lambda message: "Content Security Policy" in message.text and found.append(message.text)
    )
    page.on("pageerror", lambda error: found.append(f"page error: {error}"))
    return found


# Is focus on something outside the open dialog?
OUTSIDE_THE_DIALOG = (
    "(() => { const a = document.activeElement;"
    " return !!a && a !== document.body && !a.closest('dialog[open]'); })()"
)


def assert_timeout_warning_holds_focus(page, axe, stay, other) -> None:
    """A timeout warning just opened: focus is on its `stay` button, Tab reaches its `other` action and back,
    the page behind cannot be reached, and it passes axe-core at desktop and phone widths."""
    expect(stay).to_be_focused()
    page.keyboard.press("Tab")
    expect(other).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(stay).to_be_focused()
    for _ in range(4):
        page.keyboard.press("Tab")
        assert page.evaluate(OUTSIDE_THE_DIALOG) is False
    stay.focus()
    axe(page)
    page.set_viewport_size({"width": 390, "height": 844})
    axe(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def seconds_left(page, status_url: str) -> int:
    """What the server says is left, asked the way a timeout warning asks (which does not count as activity)."""
    return page.evaluate(f"fetch('{status_url}').then((r) => r.json()).then((d) => d.remaining)")


STAFF_PASSWORD = "a-long-test-password"  # noqa: S105 - the root conftest's make_staff password


def sign_in(page, base_url, user):
    """Sign a member of staff (made by make_staff, with an authenticator) in through the real pages."""
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/account/two-factor/verify/"))
    device = TOTPDevice.objects.get(user=user)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.fill("input[name=token]", code)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


# Tables wider than the screen that are not inside a box that scrolls sideways: their last columns are cut off.
CUT_OFF_TABLES = """() => [...document.querySelectorAll("main table")].filter(table => {
    if (table.getBoundingClientRect().right <= document.documentElement.clientWidth) return false;
    for (let box = table.parentElement; box; box = box.parentElement) {
        if (["auto", "scroll"].includes(getComputedStyle(box).overflowX)) return false;
    }
    return true;
}).map(table => table.querySelector("caption")?.textContent || table.className)"""


def assert_no_cut_off_tables(page):
    """At a phone's width, no table runs off the screen where it cannot be scrolled to."""
    assert page.evaluate(CUT_OFF_TABLES) == [], page.url
