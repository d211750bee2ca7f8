"""Public pages, listing filters, feed, sitemap, robots.txt, search and sharing metadata, through real pages."""

import datetime
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from django.utils.html import escape

from beacon.content.models import DEFAULT_DESCRIPTION, CampaignWeekPage

from .conftest import START, article, make_image

pytestmark = pytest.mark.django_db


def get(client, path, **extra):
    return client.get(path, HTTP_HOST="localhost", **extra)


def test_every_page_type_renders(client, tree):
    paths = [
        "/",
        "/campaigns/",
        "/campaigns/spring-of-action/",
        "/campaigns/spring-of-action/week-1/",
        "/news/",
        "/advice/",
        "/advice/county-lines/",
    ]
    article(tree["news"], "Arrests in the town centre", week=tree["week1"])
    paths.append("/news/arrests-in-the-town-centre/")
    for path in paths:
        response = get(client, path)
        assert response.status_code == 200, path
        assert b"Leave this site" in response.content


def test_campaign_and_week_pages_show_their_details(client, tree):
    body = get(client, "/campaigns/spring-of-action/").content.decode()
    assert "#SpringAction" in body and "Week 1" in body and "Week 2" in body
    week = get(client, "/campaigns/spring-of-action/week-2/").content.decode()
    assert "Knife crime" in week and "Inspector Ada Brook" in week and "Education and engagement" in week


def test_week_lists_activities_editors_add(client, tree):
    week = tree["week1"]
    week.planned_activities = [
        (
            "activity",
            {"title": "Assembly at Park School", "date": START, "place": "Park School", "description": ""},
        )
    ]
    week.save_revision().publish()
    assert "Assembly at Park School" in get(client, week.url).content.decode()


def test_week_lists_public_events_linked_to_it(client, tree):
    from beacon.events.models import Event, EventKind

    start = timezone.make_aware(datetime.datetime.combine(START, datetime.time(10)))
    Event.objects.create(
        title="Beat Bus at the market",
        kind=EventKind.BEAT_BUS,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        place_name="Market Square",
        postcode="NN1 1AA",
        campaign_week=tree["week1"],
    )
    assert "Beat Bus at the market" in get(client, tree["week1"].url).content.decode()


def test_unknown_and_unpublished_pages_are_404(client, tree):
    draft = article(tree["news"], "Not ready yet", live=False)
    assert get(client, "/news/not-ready-yet/").status_code == 404
    assert get(client, draft.url or "/news/not-ready-yet/").status_code == 404
    assert get(client, "/campaigns/no-such-campaign/").status_code == 404
    assert get(client, "/advice/%00%ff/").status_code == 404
    tree["week2"].unpublish()
    assert get(client, "/campaigns/spring-of-action/week-2/").status_code == 404


def test_news_listing_paginates_and_filters(client, tree):
    for number in range(12):
        article(
            tree["news"],
            f"Story {number}",
            week=tree["week1"],
            date=START + datetime.timedelta(days=number % 7),
        )
    article(tree["news"], "Knife bins collected", week=tree["week2"], date=START + datetime.timedelta(days=8))
    article(tree["news"], "Unlinked story", date=START)
    first = get(client, "/news/").content.decode()
    assert first.count('class="beacon-card"') == 10 and "Knife bins collected" in first
    second = get(client, "/news/?page=2").content.decode()
    assert second.count('class="beacon-card"') == 4
    assert get(client, "/news/?page=999").status_code == 200  # clamps to the last page

    by_theme = get(client, "/news/?theme=knife-crime").content.decode()
    assert "Knife bins collected" in by_theme and "Story 1" not in by_theme and "1 article match" in by_theme
    by_week = get(client, f"/news/?week={tree['week1'].pk}").content.decode()
    assert "12 articles match" in by_week and "Knife bins collected" not in by_week
    by_campaign = get(client, "/news/?campaign=spring-of-action").content.decode()
    assert "13 articles match" in by_campaign and "Unlinked story" not in by_campaign
    # Filters keep themselves in the pagination links.
    assert "campaign=spring-of-action&amp;page=2" in by_campaign


@pytest.mark.parametrize(
    "query",
    [
        "week=abc",
        "week=99999999999999999999999",
        "theme=%00",
        "campaign=<script>",
        "page=-1",
        "page=%ff",
        "theme=" + "x" * 5000,
    ],
)
def test_news_listing_survives_hostile_filters(client, tree, query):
    article(tree["news"], "Something", week=tree["week1"])
    response = get(client, f"/news/?{query}")
    assert response.status_code == 200
    assert b"<script>" not in response.content


def test_feed_is_valid_rss_with_published_news_only(client, tree):
    published = article(tree["news"], "Published story", week=tree["week1"])
    published.tags.add("county lines")
    published.save_revision().publish()
    article(tree["news"], "Draft story", live=False)
    response = get(client, "/news/feed/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    rss = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    channel = rss.find("channel")
    assert channel.findtext("title") and channel.findtext("link") and channel.findtext("description")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Published story"]
    item = items[0]
    assert item.findtext("link").endswith("/news/published-story/")
    assert item.findtext("pubDate") and item.findtext("guid") and item.findtext("category") == "county lines"


def test_text_pasted_with_control_characters_is_stored_without_them_and_the_feed_stays_valid(client, tree):
    page = article(
        tree["news"],
        "Knife\x0b amnesty\x00 results",
        summary="Bins\x0b collected\x1f 300 knives.\tMore to come.",
        seo_title="Amnesty\x0c results",
    )
    page.refresh_from_db()
    assert (page.title, page.draft_title, page.seo_title) == (
        "Knife amnesty results",
        "Knife amnesty results",
        "Amnesty results",
    )
    assert page.summary == "Bins collected 300 knives.\tMore to come."
    assert "\x0b" not in page.get_latest_revision().content["title"]
    response = get(client, "/news/feed/")
    assert response.status_code == 200
    rss = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert [item.findtext("title") for item in rss.iter("item")] == ["Knife amnesty results"]


def test_feed_is_valid_even_with_control_characters_already_in_the_database(client, tree):
    page = article(tree["news"], "Older story")
    page.tags.add("county\x0blines")
    page.save_revision().publish()
    type(page).objects.filter(pk=page.pk).update(title="Older\x0b story", summary="Pasted\x08 from Word.")
    response = get(client, "/news/feed/")
    assert response.status_code == 200
    item = ET.fromstring(response.content).find("channel/item")  # noqa: S314 (our own output)
    assert item.findtext("title") == "Older story"
    assert item.findtext("description") == "Pasted from Word."
    assert item.findtext("category") == "county lines"


def test_sitemap_lists_published_pages_only(client, tree):
    article(tree["news"], "Live article")
    article(tree["news"], "Draft article", live=False)
    tree["week2"].unpublish()
    response = get(client, "/sitemap.xml")
    assert response.status_code == 200
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    document = ET.fromstring(response.content)  # noqa: S314 (our own output)
    locs = {loc.text for loc in document.findall("s:url/s:loc", ns)}
    assert "http://localhost/news/live-article/" in locs
    assert "http://localhost/campaigns/spring-of-action/week-1/" in locs
    assert "http://localhost/advice/county-lines/" in locs
    assert not any("draft-article" in loc or "week-2" in loc for loc in locs)


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_private_areas(client, tree):
    body = get(client, "/robots.txt").content.decode()
    assert "Disallow: /admin/" in body and "Disallow: /report/" in body
    assert "Sitemap: http://localhost/sitemap.xml" in body
    assert get(client, "/robots.txt", REQUEST_METHOD="POST").status_code in (200, 405)
    assert client.post("/robots.txt", HTTP_HOST="localhost").status_code == 405


def test_search_finds_published_article_not_draft(client, tree):
    article(tree["news"], "Cuckooing warning for Kingsthorpe", summary="Residents warned about cuckooing.")
    article(tree["news"], "Cuckooing draft", live=False, summary="A draft about cuckooing.")
    body = get(client, "/search/?q=cuckooing").content.decode()
    assert "Cuckooing warning for Kingsthorpe" in body
    assert "Cuckooing draft" not in body
    assert "No results" in get(client, "/search/?q=zzzzqqq").content.decode()
    for hostile in ["%00", "'; DROP TABLE wagtailcore_page; --", "x" * 10000, "<script>alert(1)</script>"]:
        response = get(client, f"/search/?q={hostile}")
        assert response.status_code == 200 and b"<script>alert" not in response.content
    # Double quotes, paired or not, are no error (an odd number was a 500 on SQLite: "unterminated string") and
    # leave the words around them searched for; the box shows the query as typed.
    for quoted in ['"cuckooing', 'kingsthorpe "cuckooing', 'warning "cuckooing""', '"cuckooing warning"']:
        body = get(client, "/search/?" + urlencode({"q": quoted})).content.decode()
        assert "Cuckooing warning for Kingsthorpe" in body and "Cuckooing draft" not in body, quoted
        assert f'value="{escape(quoted)}"' in body
    for quoted in ['"', '"""', '" "', 'he said "no']:
        response = get(client, "/search/?" + urlencode({"q": quoted}))
        assert response.status_code == 200 and "No results" in response.content.decode(), quoted


def test_open_graph_and_twitter_card_metadata(client, tree):
    page = article(
        tree["news"],
        "Shared story",
        summary="A summary people see when the link is shared.",
        hero_image=make_image(),
        hero_image_alt="Officers talking with residents",
    )
    body = get(client, page.url).content.decode()
    assert '<meta property="og:title" content="Shared story">' in body
    assert '<meta property="og:description" content="A summary people see when the link is shared.">' in body
    assert '<meta property="og:url" content="http://localhost/news/shared-story/">' in body
    assert (
        '<link rel="canonical" href="http://localhost/news/shared-story/">' in body
    )  # absolute, as search engines ask
    assert '<meta property="og:type" content="article">' in body
    assert '<meta property="og:image" content="http://localhost/media/images/' in body
    assert '<meta property="og:image:alt" content="Officers talking with residents">' in body
    assert '<meta name="twitter:card" content="summary_large_image">' in body
    advice = get(client, "/advice/county-lines/").content.decode()
    assert '<meta name="twitter:card" content="summary">' in advice and 'og:type" content="website"' in advice
    assert '<meta name="description" content="How county lines work.">' in advice

    # The home page describes itself with its hero text.
    home = get(client, "/").content.decode()
    hero = tree["home"].hero_text
    assert f'<meta property="og:description" content="{hero}">' in home
    assert f'<meta name="twitter:description" content="{hero}">' in home
    # An index page with no intro falls back to the site's description, never to nothing.
    news = get(client, "/news/").content.decode()
    assert '<meta property="og:description" content="">' not in news
    assert f'<meta property="og:description" content="{DEFAULT_DESCRIPTION}">' in news
    # Its intro, once written, is used; and the Promote tab's search description comes first.
    tree["news"].intro = "Latest news from\r\nour campaigns."
    tree["news"].save_revision().publish()
    news = get(client, "/news/").content.decode()
    assert '<meta property="og:description" content="Latest news from our campaigns.">' in news
    tree["news"].search_description = "What we have been doing."
    tree["news"].save_revision().publish()
    assert (
        '<meta name="description" content="What we have been doing.">'
        in get(client, "/news/").content.decode()
    )


def test_home_promotes_the_current_campaign_week(client, tree):
    import time_machine

    with time_machine.travel(
        datetime.datetime.combine(START + datetime.timedelta(days=8), datetime.time(12))
    ):
        body = get(client, "/").content.decode()
    assert "This week: Knife crime" in body and tree["week2"].url in body
    with time_machine.travel(
        datetime.datetime.combine(START - datetime.timedelta(days=3), datetime.time(12))
    ):
        assert "Coming up: Drug harm" in get(client, "/").content.decode()
    tree["home"].promote_current_week = False
    tree["home"].save_revision().publish()
    assert "This week" not in get(client, "/").content.decode()


def test_support_services_show_contact_details(client, tree):
    body = get(client, "/advice/county-lines/").content.decode()
    assert 'href="tel:08001111"' in body and "0800 1111" in body and "Childline" in body
    assert "Childline" in get(client, "/advice/").content.decode()


def test_wrong_method_on_pages_is_not_a_server_error(client, tree):
    for path in ["/news/", "/campaigns/spring-of-action/", "/news/feed/", "/sitemap.xml", "/search/"]:
        assert client.post(path, HTTP_HOST="localhost").status_code < 500
        assert client.delete(path, HTTP_HOST="localhost").status_code < 500


def test_weeks_are_ordered_by_number_on_the_campaign(tree):
    assert [week.week_number for week in tree["campaign"].weeks()] == [1, 2]
    assert CampaignWeekPage.objects.live().count() == 2
