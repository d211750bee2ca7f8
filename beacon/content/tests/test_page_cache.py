"""The page cache: serves anonymous visitors from memory, shows a published change at once, and never keeps
anything personal or per-visitor."""

import datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory

from beacon.content.cache import HIT_HEADER, PageCacheMiddleware, current_generation, mark_cacheable

from .conftest import START, article

pytestmark = pytest.mark.django_db


def get(client, path, **extra):
    return client.get(path, HTTP_HOST="localhost", **extra)


def state(response):
    return response.headers.get(HIT_HEADER)


def test_second_anonymous_request_is_served_from_the_cache(client, tree):
    first = get(client, "/campaigns/spring-of-action/")
    second = get(client, "/campaigns/spring-of-action/")
    assert (state(first), state(second)) == ("stored", "hit")
    assert first.content == second.content
    # The cached copy keeps every security header the full stack added.
    for header in (
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Permissions-Policy",
        "Cache-Control",
    ):
        assert second[header] == first[header]
    assert not second.cookies


def test_a_published_change_shows_at_once(client, tree):
    week = tree["week1"]
    get(client, week.url)
    assert state(get(client, week.url)) == "hit"
    week.summary = "A brand new summary."
    week.save_revision().publish()
    response = get(client, week.url)
    assert state(response) == "stored" and "A brand new summary." in response.content.decode()
    # Listings that show it change too.
    assert "A brand new summary." in get(client, "/campaigns/spring-of-action/").content.decode()


def test_a_new_release_is_not_served_the_last_releases_pages(client, tree):
    """Every deploy runs migrate: what the last release cached (its header, its stylesheet's name) goes."""
    path = "/campaigns/spring-of-action/"
    get(client, path)
    assert state(get(client, path)) == "hit"
    before = current_generation()
    call_command("migrate", verbosity=0)
    assert current_generation() != before
    assert state(get(client, path)) == "stored"


def test_unpublish_move_and_delete_take_effect_at_once(client, tree):
    story = article(tree["news"], "Soon gone", week=tree["week1"])
    assert get(client, "/news/soon-gone/").status_code == 200
    assert "Soon gone" in get(client, "/news/").content.decode()
    story.unpublish()
    assert get(client, "/news/soon-gone/").status_code == 404
    assert "Soon gone" not in get(client, "/news/").content.decode()

    get(client, "/campaigns/spring-of-action/week-2/")
    tree["week2"].move(tree["campaign"], pos="first-child")
    tree["topic"].delete()
    assert get(client, "/advice/county-lines/").status_code == 404
    assert "County lines explained" not in get(client, "/advice/").content.decode()


def test_snippet_and_event_changes_show_at_once(client, tree):
    from django.utils import timezone

    from beacon.events.models import Event, EventKind

    get(client, tree["week2"].url)
    tree["officer"].name = "Ada Brook-Smith"
    tree["officer"].save()
    assert "Inspector Ada Brook-Smith" in get(client, tree["week2"].url).content.decode()
    start = timezone.make_aware(datetime.datetime.combine(START, datetime.time(10)))
    Event.objects.create(
        title="Drop-in at the library",
        kind=EventKind.BEAT_BUS,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        place_name="Library",
        postcode="NN1 1AA",
        campaign_week=tree["week2"],
    )
    assert "Drop-in at the library" in get(client, tree["week2"].url).content.decode()


def test_visitors_with_a_session_are_never_served_from_the_cache(client, tree):
    get(client, "/news/")
    assert state(get(client, "/news/")) == "hit"
    client.cookies[settings.SESSION_COOKIE_NAME] = "anything"
    response = get(client, "/news/")
    assert state(response) is None


def test_signed_in_staff_never_get_or_fill_cached_pages(client, tree, make_staff, staff_client):
    from beacon.accounts import roles

    staff = staff_client(make_staff(roles.CAMPAIGN_EDITOR))
    first = staff.get("/advice/", HTTP_HOST="localhost")
    assert state(first) is None
    staff.logout()


def test_query_strings_are_not_cached(client, tree):
    assert state(get(client, "/news/?theme=knife-crime")) is None
    assert state(get(client, "/news/?theme=knife-crime")) is None


def test_only_marked_pages_are_kept(client, tree):
    assert state(get(client, "/accessibility/")) is None
    assert state(get(client, "/accessibility/")) is None


def test_a_page_that_sets_a_cookie_or_renders_a_csrf_token_is_not_kept(tree):
    factory = RequestFactory(HTTP_HOST="localhost")

    def with_token(request):
        return mark_cacheable(HttpResponse(f"<input value='{get_token(request)}'>"))

    def with_cookie(request):
        response = mark_cacheable(HttpResponse("hello"))
        response.set_cookie("visitor", "42")
        return response

    def private(request):
        response = mark_cacheable(HttpResponse("yours"))
        response["Cache-Control"] = "private"
        return response

    for view in (with_token, with_cookie, private):
        middleware = PageCacheMiddleware(view)
        assert state(middleware(factory.get(f"/{view.__name__}/"))) is None
        assert state(middleware(factory.get(f"/{view.__name__}/"))) is None

    plain = PageCacheMiddleware(lambda request: mark_cacheable(HttpResponse("same for all")))
    assert state(plain(factory.get("/plain/"))) == "stored"
    assert state(plain(factory.get("/plain/"))) == "hit"
    assert state(plain(factory.post("/plain/"))) is None
    assert state(plain(factory.get("/plain/", HTTP_AUTHORIZATION="Basic eDp5"))) is None


def test_not_found_is_not_cached(client, tree):
    assert get(client, "/news/nothing-here/").status_code == 404
    assert state(get(client, "/news/nothing-here/")) is None


def test_generation_is_random_and_replaced_on_publish(tree):
    before = current_generation()
    tree["week1"].save_revision().publish()
    after = current_generation()
    assert before is not None and after is not None and before != after


def test_cache_can_be_switched_off(client, tree, settings):
    settings.BEACON_PAGE_CACHE = False
    from django.test import Client

    fresh = Client()  # a new handler reads the setting
    assert state(fresh.get("/news/", HTTP_HOST="localhost")) is None
    assert state(fresh.get("/news/", HTTP_HOST="localhost")) is None


@pytest.mark.parametrize("enabled", [True, False])
def test_a_host_beacon_does_not_serve_gets_the_400_page_with_every_security_header(
    client, tree, settings, enabled
):
    settings.BEACON_PAGE_CACHE = enabled
    for path in ("/", "/news/"):
        response = client.get(path, HTTP_HOST="evil.example")
        assert response.status_code == 400
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
