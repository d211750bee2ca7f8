"""Events in a real browser on the demo site: every public events page and the school request form pass axe,
work at phone width and without JavaScript, request nothing from another origin, and never show a patrol."""

import datetime
import os
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from beacon.events.models import Event, EventKind, WorkshopRequest

PATROL_WORDS = "High-visibility patrol"


@pytest.fixture
def events_site(live_server, django_db_blocker):
    """The live server with what the events pages need: the demo areas and staff, an officer, and the events
    demo. Seeding only these keeps these tests quick and independent of the rest of the demo."""
    from beacon.accounts import demo as accounts_demo
    from beacon.content.models import Officer
    from beacon.core import demo as core_demo
    from beacon.events import demo as events_demo

    with django_db_blocker.unblock(), open(os.devnull, "w") as sink:
        # A database flushed by an earlier browser test has lost the default locale Wagtail's migrations make,
        # which the demo's Wagtail root page needs.
        from django.conf import settings
        from wagtail.coreutils import get_supported_content_language_variant
        from wagtail.models import Locale

        Locale.objects.get_or_create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
        core_demo.seed(stdout=sink)
        accounts_demo.seed(stdout=sink)
        Officer.objects.get_or_create(
            name="Tom Ellison", defaults={"rank": "Sergeant", "role": "Safer Schools"}
        )
        events_demo.seed(stdout=sink)
    return live_server


def outside_requests(page, base):
    """Collect every request the page makes to another origin."""
    origin = urlsplit(base).netloc
    seen = []
    page.on(
        "request",
        lambda request: seen.append(request.url) if urlsplit(request.url).netloc != origin else None,
    )
    return seen


def visit(page, url, axe):
    page.goto(url)
    axe(page)
    assert PATROL_WORDS not in page.content()
    return page


def test_public_events_pages_pass_axe_and_hide_patrols(page, no_js_page, events_site, axe):
    base = events_site.url
    outside = outside_requests(page, base)
    assert Event.objects.filter(kind=EventKind.PATROL).exists()  # the demo has one, to keep out

    visit(page, base + "/events/", axe)
    assert page.locator("h1").inner_text() == "Events"
    assert page.get_by_text("Cancelled: Beat Bus drop-in: Duston village").count() == 1

    # Filter by area and type with the form.
    page.select_option("#id_area", "wellingborough-rushden")
    page.select_option("#id_type", "beat_bus")
    page.get_by_role("button", name="Show events").click()
    page.wait_for_load_state()
    axe(page)
    assert "Market Square" not in page.locator("main").inner_text()
    assert "Rushden Lakes" in page.locator("main").inner_text()

    # An event page, with directions and a calendar file.
    page.goto(base + "/events/")
    page.get_by_role("link", name=re.compile(r"^Beat Bus drop-in: Market Square$")).first.click()
    page.wait_for_load_state()
    axe(page)
    assert page.get_by_role("link", name=re.compile("Get directions")).count() == 1
    ics = page.get_by_role("link", name="Add this event to your calendar").get_attribute("href")
    assert page.request.get(base + ics).headers["content-type"].startswith("text/calendar")

    # A cancelled event keeps its reason.
    page.goto(base + "/events/")
    page.get_by_role("link", name=re.compile("Cancelled: Beat Bus drop-in: Duston")).click()
    page.wait_for_load_state()
    axe(page)
    assert "This event is cancelled" in page.locator("main").inner_text()

    # Near me: an error, then results nearest first.
    visit(page, base + "/events/near-me/", axe)
    page.fill("#id_postcode", "NN1 9ZX")
    page.get_by_role("button", name="Find events").click()
    page.wait_for_load_state()
    axe(page)
    assert page.locator(".govuk-error-summary").is_visible()
    page.fill("#id_postcode", "nn1 1af")
    page.get_by_role("button", name="Find events").click()
    page.wait_for_load_state()
    axe(page)
    headings = page.locator("main li h3").all_inner_texts()
    assert headings[0].endswith("Market Square") or headings[0].endswith("Abington Street")
    assert "Contains OS data © Crown copyright and database right" in page.locator("main").inner_text()
    assert PATROL_WORDS not in page.content()

    visit(page, base + "/events/calendars/", axe)

    # Phone width: nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 900})
    for path in ("/events/", "/events/near-me/?postcode=NN1+1AF", "/events/schools/request/"):
        page.goto(base + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    assert outside == []

    # Without JavaScript: the filters and near me are plain forms.
    no_js_page.goto(base + "/events/?area=northampton")
    assert "Market Square" in no_js_page.locator("main").inner_text()
    no_js_page.goto(base + "/events/near-me/")
    no_js_page.fill("#id_postcode", "NN8 1AS")
    no_js_page.get_by_role("button", name="Find events").click()
    no_js_page.wait_for_load_state()
    first = no_js_page.locator("main li h3").first.inner_text()
    assert "Swansgate" in first or "Wellingborough" in first


def fill_request(page):
    page.fill("#id_school_name", "Abington Vale Primary School")
    page.fill("#id_school_postcode", "NN3 3JR")
    page.fill("#id_contact_name", "Jo Bennett")
    page.fill("#id_email", "jo.bennett@abingtonvale.example")
    page.fill("#id_phone", "01604 496222")
    page.get_by_label("County lines").check()
    page.get_by_label("Year 6").check()
    page.fill("#id_pupils", "45")
    for index, offset in ((1, 10), (2, 12)):
        day = timezone.localdate() + datetime.timedelta(days=offset)
        page.fill(f"#id_date_{index}_0", str(day.day))
        page.fill(f"#id_date_{index}_1", str(day.month))
        page.fill(f"#id_date_{index}_2", str(day.year))


def test_school_request_form_with_errors_then_sent(page, events_site, axe):
    base = events_site.url
    outside = outside_requests(page, base)
    visit(page, base + "/events/schools/request/", axe)
    page.get_by_role("button", name="Send request").click()
    page.wait_for_load_state()
    axe(page)
    summary = page.locator(".govuk-error-summary")
    assert "Enter the school’s name" in summary.inner_text()
    # The error summary links move focus to the field.
    summary.get_by_role("link", name="Enter the school’s name").click()
    assert page.evaluate("document.activeElement.id") == "id_school_name"

    fill_request(page)
    page.get_by_role("button", name="Send request").click()
    page.wait_for_load_state()
    axe(page)
    assert page.locator("h1").inner_text() == "Workshop request sent"
    reference = WorkshopRequest.objects.get(school_name="Abington Vale Primary School").reference
    assert reference in page.locator(".govuk-panel").inner_text()
    # Sending the same answers again (a second tab, or back and send) gives the same request.
    page.goto(base + "/events/schools/request/")
    fill_request(page)
    page.get_by_role("button", name="Send request").click()
    page.wait_for_load_state()
    assert reference in page.locator(".govuk-panel").inner_text()
    assert WorkshopRequest.objects.filter(school_name="Abington Vale Primary School").count() == 1
    assert outside == []


def test_staff_copy_an_event_and_confirm_a_workshop_in_the_admin(
    browser, events_site, make_staff, staff_client
):
    from django.conf import settings

    from beacon.accounts import roles
    from beacon.events.models import EventStatus, WorkshopRequestStatus

    base = events_site.url
    client = staff_client(make_staff(roles.NEIGHBOURHOOD_SUPERVISOR))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        event = Event.objects.filter(kind=EventKind.BEAT_BUS, status=EventStatus.SCHEDULED).first()
        new_day = timezone.localdate() + datetime.timedelta(days=21)
        page.goto(f"{base}/admin/events_admin/copy-to-date/{event.pk}/")
        page.fill("#id_new_date", f"{new_day:%Y-%m-%d}")
        page.keyboard.press("Escape")  # close the date picker
        page.get_by_role("button", name="Make a copy").click()
        page.wait_for_url(f"{base}/admin/events_admin/")
        copy = Event.objects.filter(title=event.title).order_by("-id").first()
        assert timezone.localtime(copy.starts_at).date() == new_day
        assert timezone.localtime(copy.starts_at).time() == timezone.localtime(event.starts_at).time()

        pending = WorkshopRequest.objects.get(status=WorkshopRequestStatus.PENDING)
        page.goto(f"{base}/admin/workshop_requests_admin/confirm/{pending.pk}/")
        page.fill("#id_start_time", "13:00")
        page.fill("#id_end_time", "14:00")
        page.keyboard.press("Escape")
        page.select_option("#id_officer", label="Sergeant Tom Ellison")
        page.get_by_role("button", name="Confirm and email the school").click()
        page.wait_for_url(f"{base}/admin/workshop_requests_admin/")
        pending.refresh_from_db()
        assert pending.status == WorkshopRequestStatus.CONFIRMED
        assert pending.event.officer.name == "Tom Ellison"
    finally:
        context.close()
