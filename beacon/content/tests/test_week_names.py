"""A campaign week has one name wherever the site shows it: "Week 1: Drug harm", from its number and its
theme, or from its title when its theme is not published."""

import datetime

import pytest
from django.utils import timezone

from beacon.content.models import CampaignWeekPage

from .conftest import article

pytestmark = pytest.mark.django_db


def text(client, path: str) -> str:
    return client.get(path, HTTP_HOST="localhost").content.decode()


def places_naming(client, tree) -> dict[str, str]:
    """Every public page that names week 1, by what it is."""
    from beacon.qanda.models import QandASession

    week = tree["week1"]
    article(tree["news"], "Arrests in the town centre", week=week, summary="Cuckooing arrests.")
    starts = timezone.now() + datetime.timedelta(days=3)
    QandASession.objects.create(
        title="Ask the team",
        slug="ask-the-team",
        platform="website",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        campaign_week=week,
    )
    return {
        "campaign page": text(client, "/campaigns/spring-of-action/"),
        "week page": text(client, week.url),
        "news article": text(client, "/news/arrests-in-the-town-centre/"),
        "news listing": text(client, "/news/"),
        "Q&A session": text(client, "/qanda/ask-the-team/"),
        "search": text(client, "/search/?q=drug"),
    }


def test_a_week_is_named_from_its_number_and_theme(tree):
    week = CampaignWeekPage.objects.get(pk=tree["week1"].pk)
    assert week.title == "Week 1: drug harm" and week.theme.name == "Drug harm"
    assert week.public_title == "Week 1: Drug harm"
    assert week.subject == "Drug harm"


def test_without_a_published_theme_a_week_is_named_from_its_title_once(tree):
    tree["week1"].theme.unpublish()
    week = CampaignWeekPage.objects.get(pk=tree["week1"].pk)
    assert week.public_title == "Week 1: Drug harm"  # not "Week 1: Week 1: drug harm"
    week.title = "Drug harm and county lines"
    assert week.public_title == "Week 1: Drug harm and county lines"
    week.title = "week 3 - drug harm"  # a title numbered differently: the week's own number wins
    assert week.public_title == "Week 1: Drug harm"


@pytest.mark.parametrize("theme_live", [True, False])
def test_every_page_names_the_week_the_same_way(client, tree, theme_live):
    if not theme_live:
        tree["week1"].theme.unpublish()
    for place, html in places_naming(client, tree).items():
        assert "Week 1: Drug harm" in html, place
        assert "Week 1: drug harm" not in html and "Week 1: Week 1" not in html, place
    week_page = text(client, tree["week1"].url)
    assert '<h1 class="govuk-heading-xl">Week 1: Drug harm</h1>' in week_page
    assert "<title>Week 1: Drug harm" in week_page
