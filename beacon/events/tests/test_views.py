import datetime
import re

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from beacon.events import services
from beacon.events.models import EventKind, WorkshopRequest

from .conftest import local, school_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(make_event):
    now = timezone.now()
    bus = make_event()
    welly = make_event(title="Beat Bus drop-in: Swansgate", place_name="Swansgate", postcode="NN8 1AS")
    meeting = make_event(
        title="Residents meeting",
        kind=EventKind.COMMUNITY_MEETING,
        place_name="Weston Favell",
        postcode="NN3 8JZ",
    )
    patrol = make_event(
        title="Secret patrol on Kettering Road", kind=EventKind.PATROL, place_name="Kettering Road"
    )
    private = make_event(
        title="Private workshop at a school", kind=EventKind.SCHOOL_WORKSHOP, is_public=False
    )
    past = make_event(
        title="Last week's drop-in",
        starts_at=now - datetime.timedelta(days=7),
        ends_at=now - datetime.timedelta(days=7, hours=-2),
    )
    cancelled = make_event(title="Rained off drop-in", place_name="Abington Street", postcode="NN1 2AW")
    services.event_cancel(event=cancelled, actor=None, reason="Storm warning for the whole county.")
    return {
        "bus": bus,
        "welly": welly,
        "meeting": meeting,
        "patrol": patrol,
        "private": private,
        "past": past,
        "cancelled": cancelled,
    }


HIDDEN = ("Secret patrol", "Private workshop")


def assert_hidden(content: str):
    for text in HIDDEN:
        assert text not in content


def test_listing_shows_upcoming_public_events_and_cancellations_with_reasons(client, events):
    response = client.get(reverse("events:list"))
    content = response.content.decode()
    assert response.status_code == 200
    for key in ("bus", "welly", "meeting"):
        assert events[key].title in content
    assert "Cancelled: Rained off drop-in" in content
    assert "Storm warning for the whole county." in content
    assert "Last week" not in content
    assert_hidden(content)


def test_listing_filters_by_area_type_and_text(client, events):
    content = client.get(reverse("events:list"), {"area": "wellingborough-rushden"}).content.decode()
    assert "Swansgate" in content and "Market Square" not in content
    content = client.get(reverse("events:list"), {"type": EventKind.COMMUNITY_MEETING}).content.decode()
    assert "Residents meeting" in content and "Swansgate" not in content
    content = client.get(reverse("events:list"), {"q": "swans"}).content.decode()
    assert "Swansgate" in content and "Residents meeting" not in content
    # Patrols are not a type the public can ask for, or find by name.
    content = client.get(reverse("events:list"), {"type": EventKind.PATROL, "q": "Secret"}).content.decode()
    assert_hidden(content)


@pytest.mark.parametrize(
    "params",
    [
        {"area": "<script>alert(1)</script>"},
        {"type": "'; DROP TABLE events_event; --"},
        {"q": "x" * 100_000},
        {"q": "\u202e\u0000bidi"},
        {"page": "99999"},
        {"page": "-1"},
        {"page": "abc"},
    ],
)
def test_hostile_filters_never_fail(client, events, params):
    response = client.get(reverse("events:list"), params)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_wrong_methods_are_refused(client, events):
    assert client.post(reverse("events:list")).status_code == 405
    assert client.delete(reverse("events:workshop_request")).status_code == 405
    assert client.post(reverse("events:feed")).status_code == 405


def test_event_page(client, events):
    bus = events["bus"]
    response = client.get(bus.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert "What to expect" in content and "Accessibility" in content
    assert "https://www.google.com/maps/dir/?api=1&amp;destination=Market+Square%2C+NN1+2DL" in content
    assert reverse("events:ical", args=[bus.pk]) in content
    # The short or a wrong slug redirects to the canonical address.
    assert client.get(f"/events/{bus.pk}/").url == bus.get_absolute_url()
    assert client.get(f"/events/{bus.pk}/wrong-slug/").status_code == 301


def test_cancelled_event_page_keeps_the_reason(client, events):
    content = client.get(events["cancelled"].get_absolute_url()).content.decode()
    assert "This event is cancelled" in content and "Storm warning" in content
    assert "Get directions" not in content


@pytest.mark.parametrize("key", ["patrol", "private"])
def test_internal_events_have_no_page_and_no_calendar_file(client, events, key):
    event = events[key]
    assert client.get(f"/events/{event.pk}/{event.slug}/").status_code == 404
    assert client.get(f"/events/{event.pk}/").status_code == 404
    assert client.get(reverse("events:ical", args=[event.pk])).status_code == 404


def test_unknown_ids_are_404(client, events):
    assert client.get("/events/999999/").status_code == 404
    assert client.get("/events/999999999999999999999999/").status_code == 404
    assert client.get("/events/areas/nowhere/feed.ics").status_code == 404
    assert client.get("/events/campaigns/nothing/feed.ics").status_code == 404


def test_near_me_orders_by_distance_from_real_postcodes(client, events):
    response = client.get(reverse("events:near_me"), {"postcode": "nn1 1af"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Upcoming events nearest NN1 1AF" in content
    # NN1 1AF is by Abington Street (0.1 miles), then Market Square (0.2), Weston Favell (2.8), Swansgate (9.6).
    order = [content.index(text) for text in ("Rained off", "Market Square", "Weston Favell", "Swansgate")]
    assert order == sorted(order)
    assert "0.2 miles away" in content and "9.6 miles away" in content
    assert "Contains OS data © Crown copyright and database right" in content
    assert_hidden(content)


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("", "Enter a postcode"),
        ("banana", "Enter a real postcode, such as NN1 2DL"),
        ("NN1 9ZX", "We could not find that postcode"),
        ("<script>", "Enter a real postcode"),
        ("N" * 5000, "Enter a real postcode"),
    ],
)
def test_near_me_explains_bad_postcodes(client, events, postcode, message):
    response = client.get(reverse("events:near_me"), {"postcode": postcode})
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content and message in content
    assert "<title>Error:" in content


def test_near_me_far_away_finds_nothing(client, events):
    content = client.get(reverse("events:near_me"), {"postcode": "LE1 5WW"}).content.decode()
    assert "No upcoming events near LE1 5WW" in content


def test_feeds_parse_and_never_include_internal_events(client, events):
    response = client.get(reverse("events:feed"))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    uids = {str(item["UID"]) for item in calendar.walk("VEVENT")}
    expected = {events[key].ical_uid() for key in ("bus", "welly", "meeting", "past", "cancelled")}
    assert uids == expected
    cancelled = next(
        item for item in calendar.walk("VEVENT") if str(item["UID"]) == events["cancelled"].ical_uid()
    )
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) == 1
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"
    assert_hidden(response.content.decode())

    area = icalendar.Calendar.from_ical(client.get("/events/areas/wellingborough-rushden/feed.ics").content)
    assert [str(item["UID"]) for item in area.walk("VEVENT")] == [events["welly"].ical_uid()]

    single = icalendar.Calendar.from_ical(client.get(reverse("events:ical", args=[events["bus"].pk])).content)
    assert [str(item["UID"]) for item in single.walk("VEVENT")] == [events["bus"].ical_uid()]


def test_feeds_page_links_every_area(client, events):
    content = client.get(reverse("events:feeds")).content.decode()
    assert "/events/areas/northampton/feed.ics" in content and "/events/feed.ics" in content


def test_sitemap_lists_public_events_only(events):
    from beacon.events.sitemaps import EventSitemap

    sitemap = EventSitemap()
    items = set(sitemap.items())
    assert items == {events[key] for key in ("bus", "welly", "meeting", "past", "cancelled")}
    assert sitemap.location(events["bus"]) == events["bus"].get_absolute_url()


@pytest.fixture
def campaign_week(db):
    """A published campaign with one week, under a home page that is the default site's root."""
    from django.core.cache import caches
    from wagtail.models import Page, Site

    from beacon.content.models import CampaignIndexPage, CampaignPage, CampaignWeekPage, HomePage
    from beacon.core.demo import ensure_wagtail_roots

    def publish(parent, page):
        parent.add_child(instance=page)
        page.save_revision().publish()
        return page

    caches["pages"].clear()
    ensure_wagtail_roots()
    root = Page.get_first_root_node()
    for child in root.get_children():
        child.delete()
    home = publish(root, HomePage(title="Beacon", slug="home"))
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Beacon"
    )
    campaigns = publish(home, CampaignIndexPage(title="Campaigns", slug="campaigns"))
    today = timezone.localdate()
    campaign = publish(
        campaigns,
        CampaignPage(
            title="Zephyrwood summer",
            slug="zephyrwood-summer",
            summary="A fortnight of action in Zephyrwood.",
            start_date=today,
            end_date=today + datetime.timedelta(days=13),
        ),
    )
    yield publish(
        campaign,
        CampaignWeekPage(
            title="Week 1: Zephyrwood",
            slug="week-1",
            week_number=1,
            start_date=today,
            end_date=today + datetime.timedelta(days=6),
            summary="Drop-ins around Zephyrwood.",
        ),
    )
    caches["pages"].clear()


def test_a_patrol_is_on_no_public_page_feed_sitemap_or_search(client, make_event, campaign_week):
    """A public event and a patrol share a word, a place and a campaign week: every public way in shows the
    event (so each check could find the patrol if it leaked) and never the patrol."""
    bus = make_event(title="Zephyrwood drop-in", place_name="Zephyrwood Green", campaign_week=campaign_week)
    patrol = make_event(
        title="Zephyrwood night patrol",
        kind=EventKind.PATROL,
        place_name="Quillon Street",
        campaign_week=campaign_week,
    )
    patrol_traces = ("night patrol", "Quillon", f"/events/{patrol.pk}/", patrol.ical_uid())
    shown = {
        "listing": client.get(reverse("events:list")),
        "listing search": client.get(reverse("events:list"), {"q": "Zephyrwood"}),
        "near me": client.get(reverse("events:near_me"), {"postcode": "NN1 1AF"}),
        "feed": client.get(reverse("events:feed")),
        "area feed": client.get(reverse("events:feed_area", args=["northampton"])),
        "campaign feed": client.get(reverse("events:feed_campaign", args=["zephyrwood-summer"])),
        "sitemap": client.get("/sitemap.xml"),
        "campaign week page": client.get(campaign_week.url),
    }
    for name, response in shown.items():
        content = response.content.decode().replace("\r\n ", "")  # unfold calendar lines
        assert response.status_code == 200, name
        assert bus.title in content or bus.get_absolute_url() in content, name
        for trace in patrol_traces:
            assert trace not in content, (name, trace)
    # Asked for by type, or directly: nothing.
    by_type = client.get(reverse("events:list"), {"type": EventKind.PATROL, "q": "patrol"}).content.decode()
    assert "night patrol" not in by_type
    for url in (patrol.get_absolute_url(), reverse("events:ical", args=[patrol.pk])):
        assert client.get(url).status_code == 404, url
    # Site search covers published pages: it finds the week page by the shared word, never the patrol.
    search = client.get("/search/", {"q": "Zephyrwood"}).content.decode()
    assert campaign_week.title in search
    for trace in patrol_traces:
        assert trace not in search, trace


def test_a_public_school_workshop_shows_no_year_groups_pupils_or_teacher(
    client, make_staff, staff_client, areas, workshop_answers, campaign_week
):
    """A school workshop made public is on every public way in, without the school's year groups, the number
    of pupils or the teacher's contact details; the staff screens still show them."""
    from beacon.accounts import roles

    supervisor = make_staff(roles.NEIGHBOURHOOD_SUPERVISOR)
    request = services.workshop_request_submit(token="public-workshop-token-01", **workshop_answers).request
    day = school_days(2)[1]
    starts_at = local(day.year, day.month, day.day, 9, 30)
    event = services.workshop_request_confirm(
        request=request,
        actor=supervisor,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=1),
        is_public=True,
    )
    services.event_update(event=event, actor=supervisor, campaign_week=campaign_week)
    private = ("Year 5", "Year 6", "58 pupils", "Priya", "Shah", "riverside-primary.example", "496000")
    shown = {
        "page": client.get(event.get_absolute_url()),
        "listing": client.get(reverse("events:list")),
        "listing search": client.get(reverse("events:list"), {"q": "Riverside"}),
        "near me": client.get(reverse("events:near_me"), {"postcode": "NN1 1AF"}),
        "feed": client.get(reverse("events:feed")),
        "area feed": client.get(reverse("events:feed_area", args=["northampton"])),
        "campaign feed": client.get(reverse("events:feed_campaign", args=["zephyrwood-summer"])),
        "event calendar": client.get(reverse("events:ical", args=[event.pk])),
        "sitemap": client.get("/sitemap.xml"),
        "campaign week page": client.get(campaign_week.url),
    }
    for name, response in shown.items():
        content = response.content.decode().replace("\r\n ", "")  # unfold calendar lines
        assert response.status_code == 200, name
        assert event.title in content or event.get_absolute_url() in content, name
        for trace in private:
            assert trace not in content, (name, trace)
    assert "Child criminal exploitation".lower() in shown["page"].content.decode().lower()

    staff = staff_client(supervisor)
    inspect = staff.get(reverse("events_admin:inspect", args=[event.pk])).content.decode()
    assert "Year 5, Year 6" in inspect and "58" in inspect and request.reference in inspect
    request_screen = staff.get(reverse("workshop_requests_admin:inspect", args=[request.pk])).content.decode()
    assert "Year 5, Year 6" in request_screen and "58" in request_screen


# ---------------------------------------------------------------- school workshop request form


def form_data(client, **changes):
    page = client.get(reverse("events:workshop_request")).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    first, second, third = school_days(6)[3:]
    data = {
        "token": token,
        "school_name": "Riverside Primary School",
        "school_postcode": "nn1 1sy",
        "contact_name": "Priya Shah",
        "email": "office@riverside-primary.example",
        "phone": "01604 496000",
        "topics": ["county_lines", "cce"],
        "year_groups": ["5", "6"],
        "pupils": "58",
        "date_1_0": first.day,
        "date_1_1": first.month,
        "date_1_2": first.year,
        "date_2_0": second.day,
        "date_2_1": second.month,
        "date_2_2": second.year,
        "date_3_0": third.day,
        "date_3_1": third.month,
        "date_3_2": third.year,
        "accessibility_needs": "Two pupils use wheelchairs.",
    }
    data.update(changes)
    return data


def test_workshop_request_round_trip(client, areas, django_capture_on_commit_callbacks):
    data = form_data(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("events:workshop_request"), data)
        again = client.post(reverse("events:workshop_request"), data)  # refresh, or a second click
    assert response.status_code == 302 and again.status_code == 302
    assert WorkshopRequest.objects.count() == 1
    request = WorkshopRequest.objects.get()
    assert request.phone == "+441604496000" and request.school_postcode == "NN1 1SY"
    assert request.topics == ["cce", "county_lines"]
    confirmation = client.get(response.url).content.decode()
    assert "Workshop request sent" in confirmation and request.reference in confirmation
    assert client.get(again.url).status_code == 200
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["office@riverside-primary.example"]


def test_workshop_confirmation_links_cannot_be_forged(client, areas):
    assert client.get("/events/schools/request/sent/1/").status_code == 404
    assert client.get("/events/schools/request/sent/abc:def/").status_code == 404


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"school_name": ""}, "school_name", "Enter the school’s name"),
        ({"school_name": "x" * 151}, "school_name", "150 characters or fewer"),
        ({"school_postcode": "NN1 9ZX"}, "school_postcode", "We could not find that postcode"),
        ({"school_postcode": "12345"}, "school_postcode", "Enter the school’s real postcode"),
        ({"email": "not-an-email"}, "email", "Enter an email address in the correct format"),
        ({"phone": "12"}, "phone", "Enter a phone number"),
        ({"topics": ["county_lines", "knitting"]}, "topics", "Select a topic from the list"),
        ({"topics": []}, "topics", "Select at least one topic"),
        ({"year_groups": []}, "year_groups", "Select at least one year group"),
        ({"pupils": "lots"}, "pupils", "Enter the number of pupils as a number"),
        ({"pupils": "0"}, "pupils", "1 or more"),
        ({"date_1_0": "31", "date_1_1": "2", "date_1_2": "2027"}, "date_1", "must be a real date"),
        ({"date_1_0": "1", "date_1_1": "1", "date_1_2": "2020"}, "date_1", "must be in the future"),
        ({"date_2_0": "", "date_2_1": "", "date_2_2": ""}, "date_2", "Enter your second choice of date"),
        ({"date_1_0": " ", "date_1_1": " ", "date_1_2": " "}, "date_1", "Enter your first choice of date"),
        ({"date_2_0": "\n", "date_2_1": "", "date_2_2": ""}, "date_2", "Enter your second choice of date"),
        ({"date_1_1": " "}, "date_1", "Your first choice of date must include a month"),
        ({"school_name": "\u200b"}, "school_name", "Enter the school’s name"),
        ({"contact_name": "\u202e\u200b"}, "contact_name", "Enter your name"),
        ({"accessibility_needs": "a" * 1001}, "accessibility_needs", "must be 1,000 characters or fewer"),
        ({"pupils": "2001"}, "pupils", "must be 2,000 or fewer"),
    ],
)
def test_workshop_request_errors(client, areas, changes, field, message):
    response = client.post(reverse("events:workshop_request"), form_data(client, **changes))
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content and message in content
    assert f'href="#id_{field}' in content
    assert not WorkshopRequest.objects.exists()
    assert "Riverside Primary School" in content or changes.get("school_name") is not None


def test_the_request_forms_limits_are_written_with_thousands_commas(client, areas):
    page = client.get(reverse("events:workshop_request")).content.decode()
    assert "You can enter up to 1,000 characters." in page
    assert "1000 characters" not in page


def test_an_optional_date_of_only_spaces_is_left_out(client, areas, django_capture_on_commit_callbacks):
    data = form_data(client, date_3_0=" ", date_3_1="\n", date_3_2=" ")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("events:workshop_request"), data)
    assert response.status_code == 302
    first, second = school_days(6)[3:5]
    assert WorkshopRequest.objects.get().preferred_dates == [first.isoformat(), second.isoformat()]


def test_the_same_date_twice_is_refused(client, areas):
    data = form_data(client)
    data.update(date_2_0=data["date_1_0"], date_2_1=data["date_1_1"], date_2_2=data["date_1_2"])
    content = client.post(reverse("events:workshop_request"), data).content.decode()
    assert "must be a different day from your first choice" in content
    assert not WorkshopRequest.objects.exists()


def test_a_huge_body_gets_a_page_saying_the_answer_is_too_long(client, areas, caplog):
    """Beyond Django's limit for form data (2 MB) the body is not read: a plain page says why and links back
    to the form, instead of the bare 400 page and an ERROR traceback in the log. The CSRF check still runs."""
    from django.test import Client

    from beacon.core.tests.test_error_pages import assert_safety_shell

    url = reverse("events:workshop_request")
    data = form_data(client, accessibility_needs="a" * (3 * 1024 * 1024))
    response = client.post(url, data)
    assert response.status_code == 413
    body = response.content.decode()
    assert "Your answer is too long" in body and f'href="{url}"' in body
    assert_safety_shell(body)
    assert not WorkshopRequest.objects.exists()
    assert [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")] == []
    assert Client(enforce_csrf_checks=True).post(url, form_data(client)).status_code == 403


def test_listing_pages_without_counting_every_event(client, make_event):
    for number in range(23):
        make_event(
            title=f"Drop-in number {number:02d}",
            starts_at=timezone.now() + datetime.timedelta(days=1, minutes=number),
            ends_at=timezone.now() + datetime.timedelta(days=1, hours=2),
        )
    first = client.get(reverse("events:list")).content.decode()
    assert "Drop-in number 19" in first and "Drop-in number 20" not in first
    assert 'href="?page=2"' in first and "Later events" in first
    second = client.get(reverse("events:list"), {"page": "2"}).content.decode()
    assert "Drop-in number 22" in second and "Drop-in number 19" not in second
    assert "Earlier events" in second and "Later events" not in second


def test_kept_listing_and_near_me_pages_change_as_soon_as_an_event_does(client, make_event):
    event = make_event()
    urls = [reverse("events:list") + "?area=northampton", reverse("events:near_me") + "?postcode=NN1+1AF"]
    for url in urls:
        first = client.get(url).content
        assert client.get(url).content == first  # served from the kept copy
        assert b"Cancelled" not in first
    services.event_cancel(event=event, actor=None, reason="Burst water main")
    for url in urls:
        assert "Burst water main" in client.get(url).content.decode(), url
    later = make_event(title="A brand new drop-in")
    for url in urls:
        assert later.title in client.get(url).content.decode(), url


def test_workshop_requests_are_rate_limited_per_client_and_keep_what_was_typed(
    fresh_window, client, areas, settings, django_capture_on_commit_callbacks
):
    """Each request emails the address typed in, so one client cannot send many."""
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "workshop": (2, 100, 900)}
    url = reverse("events:workshop_request")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(2):
            data = form_data(client, email=f"office{n}@riverside-primary.example")
            assert client.post(url, data).status_code == 302
        refused = client.post(url, form_data(client, email="someone.else@school.example", pupils="31"))
    page = refused.content.decode()
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "There is a problem" in page and "minutes" in page and "<title>Error:" in page
    assert 'value="someone.else@school.example"' in page and 'value="31"' in page  # nothing typed is lost
    assert WorkshopRequest.objects.count() == 2 and len(mail.outbox) == 2
    # Another client is still served.
    other = client.post(url, form_data(client, email="head@other.example"), REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 302


def test_workshop_requests_are_rate_limited_in_total(fresh_window, client, areas, settings):
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "workshop": (100, 2, 900)}
    url = reverse("events:workshop_request")
    for n in range(2):
        data = form_data(client, email=f"office{n}@riverside-primary.example")
        assert client.post(url, data, REMOTE_ADDR=f"192.0.2.{n + 1}").status_code == 302
    data = form_data(client, email="office9@riverside-primary.example")
    assert client.post(url, data, REMOTE_ADDR="192.0.2.50").status_code == 429
    assert WorkshopRequest.objects.count() == 2


def test_a_request_sent_again_after_the_limit_still_gets_its_confirmation_without_counting(
    fresh_window, client, areas, settings, django_capture_on_commit_callbacks
):
    """A refresh of an accepted form (same token) or the same answers from a fresh form is the request already
    made: it is confirmed again, even once the limit is reached, and is not counted against it."""
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "workshop": (2, 100, 900)}
    url = reverse("events:workshop_request")
    first = form_data(client)
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, first)
        for _ in range(3):  # refreshes: not counted
            again = client.post(url, first)
            assert again.status_code == 302
            assert client.get(again.url).status_code == 200
        second = client.post(url, form_data(client, email="office2@riverside-primary.example"))
        assert second.status_code == 302  # the second of two allowed
        # The limit is reached: a refresh of either, or the same answers from a fresh form, are still confirmed.
        for data in (first, form_data(client), form_data(client, email="office2@riverside-primary.example")):
            resent = client.post(url, data)
            assert resent.status_code == 302, resent.status_code
            assert "Workshop request sent" in client.get(resent.url).content.decode()
        refused = client.post(url, form_data(client, email="office3@riverside-primary.example"))
    assert sent.status_code == 302 and refused.status_code == 429
    assert WorkshopRequest.objects.count() == 2 and len(mail.outbox) == 2


def test_the_privacy_notice_says_how_long_a_schools_contact_details_are_kept(client, settings):
    settings.BEACON_EVENTS_WORKSHOP_CONTACT_DAYS = 45
    settings.BEACON_EVENTS_WORKSHOP_UNDECIDED_DAYS = 120
    html = client.get("/privacy/").content.decode()
    assert "If your school asks for a workshop" in html
    assert (
        "We delete them 45 days after we decide on the request and after any workshop has taken place."
        in html
    )
    assert "we delete them 120 days after it was sent, or once the dates you asked for have passed" in html
    assert "If we cannot offer a workshop, we delete the reason we gave you at the same time." in html


def test_feed_links_use_the_configured_origin_whatever_host_was_asked(client, events, settings):
    # As the sitemap and the news feed do: a calendar keeps its links, whichever name the feed was fetched by.
    settings.WAGTAILADMIN_BASE_URL = "https://beacon.example.police.uk"
    for path in (
        reverse("events:feed"),
        "/events/areas/wellingborough-rushden/feed.ics",
        reverse("events:ical", args=[events["bus"].pk]),
    ):
        calendar = icalendar.Calendar.from_ical(client.get(path, HTTP_HOST="localhost").content)
        urls = [str(item["URL"]) for item in calendar.walk("VEVENT")]
        assert urls and all(url.startswith("https://beacon.example.police.uk/events/") for url in urls), urls
        assert all(
            "https://beacon.example.police.uk/events/" in str(item["DESCRIPTION"])
            for item in calendar.walk("VEVENT")
        )
