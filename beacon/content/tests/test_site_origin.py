"""Absolute URLs for sharing and for crawlers (canonical link, og:url, og:image, sitemap, RSS, robots.txt) all
use one configured origin, WAGTAILADMIN_BASE_URL, whatever Host the page was asked for and whatever the
Wagtail Site record says; and where Beacon makes or seeds the default Site, it gets that origin too."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone
from wagtail.models import Page, Site

from beacon.content import origin

from .conftest import article, make_image

pytestmark = pytest.mark.django_db

ORIGIN = "https://beacon.example.police.uk"
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_share_and_crawler_urls_all_use_the_configured_origin(client, tree, settings):
    from beacon.events.models import Event, EventKind

    settings.WAGTAILADMIN_BASE_URL = ORIGIN + "/"  # as an operator may write it
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    page = article(tree["news"], "Shared", hero_image=make_image(), hero_image_alt="Officers at the market")
    starts = timezone.now() + datetime.timedelta(days=3)
    event = Event.objects.create(
        title="Beat Bus at the market",
        kind=EventKind.BEAT_BUS,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place_name="Market Square",
        postcode="NN1 1AA",
    )
    assert Site.objects.get(is_default_site=True).root_url == "http://localhost"  # the record says otherwise

    # `make run`'s address, and the Site record's: the same URLs either way (so a page cached for one host
    # carries nothing of it).
    for host in ("127.0.0.1:8000", "localhost"):
        body = client.get(page.url, HTTP_HOST=host).content.decode()
        assert f'<link rel="canonical" href="{ORIGIN}/news/shared/">' in body, host
        assert f'<meta property="og:url" content="{ORIGIN}/news/shared/">' in body, host
        images = re.findall(r'<meta property="og:image" content="([^"]+)">', body)
        assert len(images) == 1 and images[0].startswith(f"{ORIGIN}/media/images/"), (host, images)

        sitemap = ET.fromstring(client.get("/sitemap.xml", HTTP_HOST=host).content)  # noqa: S314 (our own)
        locations = [loc.text for loc in sitemap.findall("s:url/s:loc", SITEMAP)]
        assert f"{ORIGIN}/news/shared/" in locations and f"{ORIGIN}/" in locations, (host, locations)
        assert f"{ORIGIN}{event.get_absolute_url()}" in locations, (host, locations)  # a Django sitemap too
        assert all(location.startswith(f"{ORIGIN}/") for location in locations), (host, locations)

        feed = client.get("/news/feed/", HTTP_HOST=host).content.decode()
        channel = ET.fromstring(feed).find("channel")  # noqa: S314 (our own output)
        assert channel.findtext("link") == f"{ORIGIN}/news/", host
        assert f'href="{ORIGIN}/news/feed/"' in feed, host  # atom:link rel="self"
        item = channel.find("item")
        assert item.findtext("link") == f"{ORIGIN}/news/shared/", host
        assert item.findtext("guid") == f"{ORIGIN}/news/shared/", host

        robots = client.get("/robots.txt", HTTP_HOST=host).content.decode()
        assert f"Sitemap: {ORIGIN}/sitemap.xml" in robots.splitlines(), host


def test_the_origin_is_the_scheme_and_host_of_the_setting(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://beacon.example.police.uk/"
    assert origin.site_origin() == ORIGIN
    assert origin.absolute_url("/news/") == f"{ORIGIN}/news/"
    # Files on a storage service, and pages of another Wagtail site, are already absolute: left alone.
    assert origin.absolute_url("https://files.example.org/a.png") == "https://files.example.org/a.png"
    assert origin.absolute_url("//files.example.org/a.png") == "//files.example.org/a.png"
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    assert origin.site_origin() == "http://127.0.0.1:8000"
    assert origin.site_hostname_and_port() == ("127.0.0.1", 8000)
    settings.WAGTAILADMIN_BASE_URL = "https://beacon.example.police.uk"
    assert origin.site_hostname_and_port() == ("beacon.example.police.uk", 443)
    assert origin.check_base_url() == []
    for wrong in ("beacon.example.police.uk", "", "ftp://beacon.example.police.uk", "https://"):
        settings.WAGTAILADMIN_BASE_URL = wrong
        assert [error.id for error in origin.check_base_url()] == ["content.E001"], wrong


def test_seeding_the_demo_gives_the_default_site_the_configured_origin(settings):
    from beacon.content.demo import seed_home

    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"  # `make run`
    Site.objects.all().delete()
    seed_home()
    assert Site.objects.get(is_default_site=True).root_url == "http://127.0.0.1:8000"
    # A database seeded before (Wagtail's placeholder localhost:80) is brought into line as well.
    Site.objects.filter(is_default_site=True).update(hostname="localhost", port=80)
    seed_home()
    assert Site.objects.get(is_default_site=True).root_url == "http://127.0.0.1:8000"


def test_migrate_gives_wagtails_placeholder_site_the_configured_origin_and_leaves_an_operators_alone(
    settings,
):
    settings.WAGTAILADMIN_BASE_URL = ORIGIN
    root = Page.get_first_root_node()
    Site.objects.all().delete()
    placeholder = Site.objects.create(hostname="localhost", port=80, root_page=root, is_default_site=True)
    origin.default_site_follows_the_origin(sender=None)
    placeholder.refresh_from_db()
    assert placeholder.root_url == ORIGIN

    Site.objects.filter(pk=placeholder.pk).update(hostname="www.example.police.uk", port=443)
    origin.default_site_follows_the_origin(sender=None)
    placeholder.refresh_from_db()
    assert placeholder.root_url == "https://www.example.police.uk"  # an operator's own choice stays
