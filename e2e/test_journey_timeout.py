"""The warning before a reporter's answers are deleted, in a real browser (WCAG 2.2.1, Timing Adjustable). The
time-out is shortened (the live server runs in this process, so the settings fixture reaches it): the warning
opens a few seconds after the page, passes axe-core, keeps focus, and "Keep my answers" keeps them; left alone,
the page is replaced by one saying they were deleted, and Back does not bring the answers back. Its own "Leave
this site", and Escape, are the quick exit. Nothing breaks the Content-Security-Policy."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import assert_timeout_warning_holds_focus, seconds_left
from .test_shell import NEUTRAL, hold_leave, navigations, wait_for_exit

STATUS = "/report/session/"

pytestmark = pytest.mark.django_db(transaction=True)

AGE, WARN = 30, 22  # the warning opens about 8 seconds after the page


@pytest.fixture
def short_time_out(settings):
    settings.SESSION_COOKIE_AGE = AGE
    settings.SESSION_TOUCH_SECONDS = 1
    settings.BEACON_REPORT_IDLE_WARNING_SECONDS = WARN
    settings.BEACON_NEUTRAL_URL = NEUTRAL


def warning(page):
    dialog = page.get_by_role("dialog", name="Your answers will be deleted soon")
    expect(dialog).to_be_visible(timeout=(AGE - WARN + 8) * 1000)
    return dialog


def test_a_reporter_is_warned_and_can_keep_their_answers(
    page, demo_site, axe, short_time_out, csp_violations
):
    page.goto("about:blank")
    page.goto(f"{demo_site.url}/report/danger/")
    page.get_by_label("No").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/report/about/$"))
    answer = page.get_by_label("Drug dealing from a place")
    answer.check()  # ticked, not yet sent: what the warning is there to save
    answer.focus()

    dialog = warning(page)
    expect(dialog).to_contain_text(re.compile(r"We will delete yours in \d+ (minutes?|seconds?)\."))
    expect(dialog).to_contain_text("Nothing has been sent to us yet.")
    keep = dialog.get_by_role("button", name="Keep my answers")
    assert_timeout_warning_holds_focus(page, axe, keep, dialog.get_by_role("link", name="Leave this site"))
    assert seconds_left(page, STATUS) <= WARN

    keep.click()
    expect(dialog).to_be_hidden()
    expect(answer).to_be_focused()  # focus goes back where it was, and the tick is still there
    expect(answer).to_be_checked()
    assert seconds_left(page, STATUS) > WARN  # the press kept the answers; asking did not

    # Left alone: the warning again, then the page is replaced by one that says the answers were deleted.
    warning(page)
    page.wait_for_url(re.compile(r"/report/expired/$"), timeout=(WARN + 10) * 1000)
    expect(page.get_by_role("heading", name="Your answers have been deleted")).to_be_visible()
    axe(page)
    page.go_back()  # the page with the answers left the history: Back goes to the one before it
    assert not page.url.endswith("/report/about/"), page.url
    expect(page.get_by_label("Drug dealing from a place")).to_have_count(0)
    assert csp_violations == []


@pytest.mark.parametrize("how", ["button", "Escape"])
def test_leave_this_site_in_the_warning_is_the_quick_exit(
    page, demo_site, short_time_out, csp_violations, how
):
    page.goto(f"{demo_site.url}/report/danger/")
    dialog = warning(page)
    seen = navigations(page)
    held = hold_leave(page)
    if how == "button":
        dialog.get_by_role("link", name="Leave this site").click(no_wait_after=True)
    else:
        page.keyboard.press("Escape")
    wait_for_exit(page, seen, held)
    assert csp_violations == []


def test_answers_deleted_in_another_tab_leave_this_one_too(page, demo_site, short_time_out, csp_violations):
    page.goto(f"{demo_site.url}/report/danger/")
    other = page.context.new_page()
    other.goto(f"{demo_site.url}/report/danger/")
    other.get_by_role("button", name="Stop and delete my answers").click()
    expect(other.get_by_role("heading", name="Your answers have been deleted")).to_be_visible()
    # At its next question (here, seconds after it opened), the first tab is replaced too: no answers stay on a
    # screen once they are gone from the server.
    page.wait_for_url(re.compile(r"/report/expired/$"), timeout=(AGE - WARN + 8) * 1000)
    expect(page.get_by_role("heading", name="Your answers have been deleted")).to_be_visible()
    assert csp_violations == []


def test_a_warning_the_browser_closes_itself_opens_again_and_keeps_nothing(
    page, demo_site, short_time_out, csp_violations
):
    """Chrome may close a modal dialog with no cancel event (a phone's Back gesture). That is not "Keep my
    answers": the answers still go at the time-out, so the warning opens again at the next question."""
    page.goto(f"{demo_site.url}/report/danger/")
    dialog = warning(page)
    left = seconds_left(page, STATUS)
    page.evaluate("document.querySelector('dialog[open]').close()")  # as the browser closes it: no cancel
    expect(dialog).to_be_hidden()
    expect(dialog).to_be_visible(timeout=20_000)  # asked again within 15 seconds, and still due
    assert seconds_left(page, STATUS) <= left
    assert csp_violations == []
