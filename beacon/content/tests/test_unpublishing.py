"""A page is public only while every page above it is: unpublishing a campaign takes its weeks off the site
everywhere (page, sitemap, search, the home page's promotion, links from news), whatever the editor ticked."""

import datetime
import io
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from beacon.accounts.models import User
from beacon.content.cache import HIT_HEADER
from beacon.content.models import CampaignPage, CampaignWeekPage

from .conftest import START, article
from .test_admin_pages import signed_in_with_second_factor

pytestmark = pytest.mark.django_db

WEEK2 = "/campaigns/spring-of-action/week-2/"
DURING_WEEK2 = datetime.datetime.combine(START + datetime.timedelta(days=8), datetime.time(12))


def get(client, path):
    return client.get(path, HTTP_HOST="localhost")


def sitemap_locations(client) -> set[str]:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    document = ET.fromstring(get(client, "/sitemap.xml").content)  # noqa: S314 (our own output)
    return {loc.text for loc in document.findall("s:url/s:loc", ns)}


def assert_weeks_are_not_public(client, story):
    assert get(client, WEEK2).status_code == 404
    assert get(client, "/campaigns/spring-of-action/week-1/").status_code == 404
    assert not any("spring-of-action" in loc for loc in sitemap_locations(client))
    assert "Knife crime week" not in get(client, "/search/?q=knife").content.decode()
    with time_machine.travel(DURING_WEEK2):
        home = get(client, "/").content.decode()
    assert "This week" not in home and "Coming up" not in home and WEEK2 not in home
    article_page = get(client, story.url).content.decode()
    assert article_page.count("Knife amnesty") and WEEK2 not in article_page


def test_unpublishing_a_campaign_in_the_admin_unpublishes_its_weeks(client, tree):
    story = article(tree["news"], "Knife amnesty", week=tree["week2"])
    # Everything is public, and the pages are in the page cache.
    with time_machine.travel(DURING_WEEK2):
        assert "This week: Knife crime" in get(client, "/").content.decode()
    assert WEEK2 in get(client, story.url).content.decode()
    assert get(client, WEEK2).status_code == 200
    assert get(client, WEEK2).headers[HIT_HEADER] == "hit"
    assert "http://localhost" + WEEK2 in sitemap_locations(client)
    assert "Knife crime week" in get(client, "/search/?q=knife").content.decode()

    editor = Client()
    signed_in_with_second_factor(
        editor, User.objects.create_superuser("comms", "comms@beacon.invalid", "a-long-test-password")
    )
    url = reverse("wagtailadmin_pages:unpublish", args=[tree["campaign"].pk])
    confirm = editor.get(url)
    assert confirm.status_code == 200 and "include_descendants" in confirm.content.decode()
    response = editor.post(url, {}, follow=True)  # "include descendants" left unticked
    assert response.status_code == 200
    assert "Its 2 campaign weeks were unpublished too" in response.content.decode()

    assert not CampaignPage.objects.get(pk=tree["campaign"].pk).live
    assert not CampaignWeekPage.objects.live().exists()
    assert_weeks_are_not_public(client, story)
    # The campaign list no longer shows it, and the admin says what happened to each week.
    assert "Spring of action" not in get(client, "/campaigns/").content.decode()
    week = CampaignWeekPage.objects.get(pk=tree["week2"].pk)
    assert week.has_unpublished_changes and week.live_revision is None


def test_unpublishing_in_code_unpublishes_every_level_below(tree):
    tree["campaigns"].unpublish()
    assert not Page.objects.descendant_of(tree["campaigns"]).live().exists()
    assert Page.objects.filter(pk__in=[tree["news"].pk, tree["topic"].pk], live=True).count() == 2


def test_a_campaign_that_expires_takes_its_weeks_with_it(tree):
    expired = timezone.now() - datetime.timedelta(minutes=1)
    CampaignPage.objects.filter(pk=tree["campaign"].pk).update(expire_at=expired)
    call_command("publish_scheduled", stdout=io.StringIO())
    assert CampaignPage.objects.get(pk=tree["campaign"].pk).expired
    assert not CampaignWeekPage.objects.live().exists()
    assert Page.objects.get(pk=tree["campaigns"].pk).live


def test_a_week_still_marked_live_under_an_unpublished_campaign_is_not_public(client, tree):
    # As left by an unpublish before this rule, or a week published while its campaign is a draft.
    story = article(tree["news"], "Knife amnesty", week=tree["week2"])
    CampaignPage.objects.filter(pk=tree["campaign"].pk).update(live=False)
    tree["news"].save_revision().publish()  # any publish renews the page cache generation
    assert CampaignWeekPage.objects.live().count() == 2
    assert_weeks_are_not_public(client, story)
    news = get(client, "/news/").content.decode()
    assert "Knife amnesty" in news and "Week 2" not in news.split('id="filter-week"')[1].split("</select>")[0]


def test_a_week_published_under_a_draft_campaign_goes_public_with_the_campaign(client, tree):
    draft = tree["campaigns"].add_child(
        instance=CampaignPage(
            title="Autumn",
            slug="autumn",
            start_date=START,
            end_date=START + datetime.timedelta(days=6),
            summary="One week.",
            live=False,
        )
    )
    week = draft.add_child(
        instance=CampaignWeekPage(
            title="Autumn week 1",
            slug="autumn-1",
            week_number=1,
            start_date=START,
            end_date=START + datetime.timedelta(days=6),
            summary="Autumn week.",
            live=False,
        )
    )
    week.save_revision().publish()
    assert get(client, "/campaigns/autumn/autumn-1/").status_code == 404
    assert "Autumn week" not in get(client, "/search/?q=autumn").content.decode()
    draft.save_revision().publish()
    assert get(client, "/campaigns/autumn/autumn-1/").status_code == 200
    assert "Autumn week" in get(client, "/search/?q=autumn").content.decode()
