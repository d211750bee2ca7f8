"""News shows a campaign week (on the listing's cards, the article page and the listing's filters) only when the
public can see it: live, under no unpublished page, and with no view restriction on it or above it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from beacon.content.cache import HIT_HEADER
from beacon.content.models import CampaignWeekPage

from .conftest import START, article

pytestmark = pytest.mark.django_db


def get(client, path):
    return client.get(path, HTTP_HOST="localhost")


def card(body: str, title: str) -> str:
    start = body.index(title)
    return body[start : body.index("</li>", start)]


def draft_week_3(tree):
    week = CampaignWeekPage(
        title="Week 3: not announced",
        slug="week-3",
        week_number=3,
        start_date=START + datetime.timedelta(days=13),
        end_date=START + datetime.timedelta(days=13),
        theme=tree["theme"],
        summary="Not announced yet.",
        live=False,
    )
    tree["campaign"].add_child(instance=week)
    week.save_revision()
    return week


def test_cards_and_articles_show_only_a_week_the_public_can_see(client, tree):
    draft = draft_week_3(tree)
    article(tree["news"], "Story of a public week", week=tree["week2"])
    article(tree["news"], "Story of a draft week", week=draft)
    article(tree["news"], "Story of a private week", week=tree["week1"])
    PageViewRestriction.objects.create(page=tree["week1"], restriction_type=PageViewRestriction.LOGIN)

    listing = get(client, "/news/").content.decode()
    assert "Week 2: Knife crime" in card(listing, "Story of a public week")
    assert "Week" not in card(listing, "Story of a draft week")
    assert "Week" not in card(listing, "Story of a private week")

    public = get(client, "/news/story-of-a-public-week/").content.decode()
    # The week's one name (CampaignWeekPage.public_title), as on the campaign page.
    assert 'href="/campaigns/spring-of-action/week-2/">Week 2: Knife crime</a>' in public
    for slug in ("story-of-a-draft-week", "story-of-a-private-week"):
        body = get(client, f"/news/{slug}/").content.decode()
        assert "part of" not in body and "/campaigns/spring-of-action/week-" not in body


def test_a_week_under_a_restricted_campaign_is_not_shown(client, tree):
    PageViewRestriction.objects.create(
        page=tree["campaign"], restriction_type=PageViewRestriction.PASSWORD, password="not-public"
    )
    article(tree["news"], "Story of a week in a private campaign", week=tree["week2"])
    assert "Week" not in card(get(client, "/news/").content.decode(), "Story of a week in a private campaign")
    body = get(client, "/news/story-of-a-week-in-a-private-campaign/").content.decode()
    assert "part of" not in body


def test_the_filters_offer_only_public_weeks(client, tree):
    draft = draft_week_3(tree)
    article(tree["news"], "Story of a public week", week=tree["week1"])
    article(tree["news"], "Story of a draft week", week=draft)
    article(tree["news"], "Story of a private week", week=tree["week2"])
    PageViewRestriction.objects.create(page=tree["week2"], restriction_type=PageViewRestriction.LOGIN)
    body = get(client, "/news/").content.decode()
    weeks = body[body.index('id="filter-week"') : body.index("</select>", body.index('id="filter-week"'))]
    assert f'value="{tree["week1"].pk}"' in weeks
    assert f'value="{tree["week2"].pk}"' not in weeks and f'value="{draft.pk}"' not in weeks
    # Knife crime is the theme of the draft and the private week only.
    themes = body[body.index('id="filter-theme"') : body.index("</select>", body.index('id="filter-theme"'))]
    assert "Drug harm" in themes and "Knife crime" not in themes


def test_publishing_unpublishing_or_restricting_a_week_shows_on_news_at_once(client, tree):
    week = draft_week_3(tree)
    article(tree["news"], "Story of week 3", week=week)

    def news():
        response = get(client, "/news/")
        return response.headers.get(HIT_HEADER), card(response.content.decode(), "Story of week 3")

    state, shown = news()
    assert state == "stored" and "Week 3" not in shown
    assert news()[0] == "hit"

    week.save_revision().publish()
    state, shown = news()
    assert state == "stored" and "Week 3: Knife crime" in shown
    assert "/campaigns/spring-of-action/week-3/" in get(client, "/news/story-of-week-3/").content.decode()

    restriction = PageViewRestriction.objects.create(page=week, restriction_type=PageViewRestriction.LOGIN)
    state, shown = news()
    assert state == "stored" and "Week 3" not in shown
    restriction.delete()
    assert "Week 3: Knife crime" in news()[1]

    CampaignWeekPage.objects.get(pk=week.pk).unpublish()
    state, shown = news()
    assert state == "stored" and "Week 3" not in shown
    assert "part of" not in get(client, "/news/story-of-week-3/").content.decode()


def test_the_listing_reads_public_weeks_once_not_once_per_card(client, tree):
    PageViewRestriction.objects.create(page=tree["week1"], restriction_type=PageViewRestriction.LOGIN)

    def queries_for_listing():
        with CaptureQueriesContext(connection) as captured:
            assert get(client, "/news/").status_code == 200
        return len(captured)

    article(tree["news"], "Story 1", week=tree["week1"])
    article(tree["news"], "Story 2", week=tree["week2"])
    few = queries_for_listing()
    for number in range(3, 9):
        article(tree["news"], f"Story {number}", week=tree["week1"] if number % 2 else tree["week2"])
    assert queries_for_listing() <= few
