"""The warning before the staff idle time-out, in a real browser. The time-out is shortened (the live server runs
in this process, so the settings fixture reaches it): the warning opens a few seconds after the last action,
passes axe-core, keeps focus, and "Stay signed in" keeps the sign-in; left alone, the page goes to one saying why
the person was signed out. "Sign out" signs out. Nothing breaks the Content-Security-Policy."""

import re

import pytest
from playwright.sync_api import expect

from beacon.accounts import roles
from e2e.conftest import assert_timeout_warning_holds_focus, seconds_left, sign_in

STATUS = "/account/session/"

pytestmark = pytest.mark.django_db(transaction=True)

IDLE, WARN = 30, 22  # the warning opens 8 seconds after the last action


@pytest.fixture
def short_time_out(settings):
    settings.BEACON_STAFF_IDLE_SECONDS = IDLE
    settings.BEACON_STAFF_IDLE_WARNING_SECONDS = WARN


def test_staff_are_warned_and_can_stay_signed_in(
    page, live_server, make_staff, axe, short_time_out, csp_violations
):
    officer = make_staff(roles.TRIAGE_OFFICER)
    sign_in(page, live_server.url, officer)
    page.goto(f"{live_server.url}/admin/triage/")
    search = page.get_by_role("link", name="Dashboard")
    search.focus()

    dialog = page.get_by_role("dialog", name="You are about to be signed out")
    expect(dialog).to_be_visible(timeout=(IDLE - WARN + 5) * 1000)
    expect(dialog).to_contain_text(
        re.compile(r"For your security, we will sign you out in \d+ (minutes?|seconds?)\.")
    )
    expect(dialog).to_contain_text("Anything you have not sent will not be saved.")
    stay = dialog.get_by_role("button", name="Stay signed in")
    assert_timeout_warning_holds_focus(page, axe, stay, dialog.get_by_role("button", name="Sign out"))
    assert seconds_left(page, STATUS) <= WARN

    stay.click()
    expect(dialog).to_be_hidden()
    expect(search).to_be_focused()  # focus goes back where it was
    assert seconds_left(page, STATUS) > WARN  # the press counted as activity; asking did not

    # Left alone: the warning again, then the page says why the person was signed out.
    expect(dialog).to_be_visible(timeout=(IDLE - WARN + 5) * 1000)
    page.wait_for_url(
        re.compile(r"/account/signed-out/\?next=%2Fadmin%2Ftriage%2F$"), timeout=(WARN + 10) * 1000
    )
    expect(page.get_by_role("heading", name="You were signed out")).to_be_visible()
    expect(page.get_by_text("You were signed out because you did nothing for 1 minute.")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Sign in again").click()
    page.wait_for_url(re.compile(r"/admin/login/\?next=/admin/triage/$"))
    assert csp_violations == []


def test_sign_out_in_the_warning_signs_out(page, live_server, make_staff, short_time_out, csp_violations):
    officer = make_staff(roles.TRIAGE_OFFICER)
    sign_in(page, live_server.url, officer)
    dialog = page.get_by_role("dialog", name="You are about to be signed out")
    expect(dialog).to_be_visible(timeout=(IDLE - WARN + 5) * 1000)
    dialog.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/admin/login/"))
    page.goto(f"{live_server.url}/admin/triage/")
    page.wait_for_url(re.compile(r"/admin/login/\?next="))
    assert csp_violations == []


def test_a_warning_the_browser_closes_itself_keeps_the_sign_in_as_escape_does(
    page, live_server, make_staff, short_time_out
):
    """Chrome may close a modal dialog with no cancel event (a second Escape, a phone's Back gesture). On staff
    pages Escape means "stay signed in", so that does too, and the warning's timers stop with it."""
    sign_in(page, live_server.url, make_staff(roles.TRIAGE_OFFICER))
    dialog = page.get_by_role("dialog", name="You are about to be signed out")
    expect(dialog).to_be_visible(timeout=(IDLE - WARN + 5) * 1000)
    assert seconds_left(page, STATUS) <= WARN
    page.evaluate("document.querySelector('dialog[open]').close()")  # as the browser closes it: no cancel
    expect(dialog).to_be_hidden()
    for _ in range(50):  # the stay request is on its way
        if seconds_left(page, STATUS) > WARN:
            break
        page.wait_for_timeout(100)
    assert seconds_left(page, STATUS) > WARN
