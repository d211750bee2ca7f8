"""The news listing's filters match articles only through weeks the public can see: a week id, theme or campaign
typed into the address finds nothing by way of a draft or private week."""

import pytest
from wagtail.models import PageViewRestriction

from .conftest import article
from .test_news_weeks import draft_week_3, get

pytestmark = pytest.mark.django_db


def test_filters_find_nothing_through_a_week_the_public_cannot_see(client, tree):
    draft = draft_week_3(tree)
    article(tree["news"], "Story of a draft week", week=draft)
    article(tree["news"], "Story of a private week", week=tree["week1"])
    article(tree["news"], "Story of a public week", week=tree["week2"])
    PageViewRestriction.objects.create(page=tree["week1"], restriction_type=PageViewRestriction.LOGIN)

    for query in (f"week={draft.pk}", f"week={tree['week1'].pk}"):
        body = get(client, f"/news/?{query}").content.decode()
        assert "Story of a" not in body, query
    by_campaign = get(client, f"/news/?campaign={tree['campaign'].slug}").content.decode()
    assert "Story of a public week" in by_campaign
    assert "Story of a draft week" not in by_campaign and "Story of a private week" not in by_campaign
    by_theme = get(client, f"/news/?theme={tree['theme'].slug}").content.decode()
    assert "Story of a draft week" not in by_theme and "Story of a private week" not in by_theme
    assert "Story of a draft week" in get(client, "/news/").content.decode()  # the article itself is public
