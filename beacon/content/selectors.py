"""Reads for Beacon's content pages. Only live (published) pages are ever returned to the public."""

from __future__ import annotations

import importlib
import logging
import re
from typing import Any

from .memo import remember

logger = logging.getLogger(__name__)


def public(queryset):
    """The pages of a live() queryset that the public may see: Wagtail's `.public()` filter (skipped when no
    page on the site has a view restriction, the usual case, remembered per generation, since it costs a
    query on every listing), and nothing under an unpublished page."""
    from django.db.models import Q
    from wagtail.models import PageViewRestriction

    restricted = remember(
        ("restricted-paths",), lambda: tuple(PageViewRestriction.objects.values_list("page__path", flat=True))
    )
    if restricted:
        queryset = queryset.public()
    hidden = unpublished_branches()
    if hidden:
        under_any = Q()
        for path in hidden:
            under_any |= Q(path__startswith=path)
        queryset = queryset.exclude(under_any)
    return queryset


def unpublished_branches() -> tuple[str, ...]:
    """Tree paths of unpublished pages that have pages under them (remembered per generation; usually none).

    Unpublishing a page unpublishes everything under it (services.page_descendants_unpublish), but a page can
    still be marked live below an unpublished one: a week published while its campaign is a draft, a live page
    moved under a draft, or pages unpublished before that rule. None of them is public until the page above is.
    """
    from wagtail.models import Page

    return remember(
        ("unpublished-branches",),
        lambda: tuple(
            Page.objects.filter(live=False, depth__gt=1, numchild__gt=0).values_list("path", flat=True)
        ),
    )


def under_unpublished_page(page) -> bool:
    return any(page.path.startswith(path) and page.path != path for path in unpublished_branches())


def _optional(module: str, name: str):
    """A selector another app provides once its issue lands; None until then."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def campaign_list(*, index):
    from .models import CampaignPage

    return public(CampaignPage.objects.live()).child_of(index).order_by("-start_date")


def week_activities(*, week) -> dict[str, Any]:
    """The week's events and Q&A sessions from their apps, plus the activities editors list by hand."""
    from django.utils import timezone

    events_for_week = _optional("beacon.events.selectors", "public_events_for_week")
    sessions_for_week = _optional("beacon.qanda.selectors", "sessions_for_week")
    # Events and sessions renew the generation when saved; the date is in the key in case either app's
    # selector ever depends on the day.
    key = (week.pk, timezone.localdate())
    return {
        "events": remember(
            ("week-events", *key), lambda: list(events_for_week(week=week)) if events_for_week else []
        ),
        "qanda_sessions": remember(
            ("week-sessions", *key), lambda: list(sessions_for_week(week=week)) if sessions_for_week else []
        ),
        "planned_activities": week.planned_activities,
    }


def current_campaign_week(*, on):
    """The published campaign week running on `on`, else the next one to start; None if neither."""
    from .models import CampaignWeekPage

    def find():
        weeks = public(CampaignWeekPage.objects.live()).select_related("theme", "lead_officer")
        return (
            weeks.filter(start_date__lte=on, end_date__gte=on).order_by("start_date").first()
            or weeks.filter(start_date__gt=on).order_by("start_date").first()
        )

    return remember(("current-week", on), find)


NEWS_PER_PAGE = 10


def news_filter_choices() -> dict[str, list]:
    """Campaigns, weeks and themes that have published news, for the listing's filters."""
    return remember(("news-filters",), _news_filter_choices)


def _news_filter_choices() -> dict[str, list]:
    from .models import CampaignPage, CampaignWeekPage, NewsArticlePage, Theme

    week_ids = set(
        public(NewsArticlePage.objects.live())
        .exclude(campaign_week=None)
        .values_list("campaign_week", flat=True)
    )
    weeks = list(
        public(CampaignWeekPage.objects.live())
        .filter(pk__in=week_ids)
        .select_related("theme")
        .order_by("start_date")
    )
    campaign_paths = {week.path[: -CampaignWeekPage.steplen] for week in weeks}
    campaigns = list(
        public(CampaignPage.objects.live()).filter(path__in=campaign_paths).order_by("-start_date")
    )
    themes = list(Theme.objects.filter(weeks__in=weeks, live=True).distinct())
    return {"campaigns": campaigns, "weeks": weeks, "themes": themes}


def news_listing(*, index, params) -> dict[str, Any]:
    """One page of published articles under `index`, filtered by the GET parameters campaign (slug),
    week (page id) and theme (slug). Unknown or malformed values select nothing rather than failing."""
    from django.core.paginator import Paginator

    from .models import CampaignWeekPage, NewsArticlePage, public_week_ids

    articles = (
        public(NewsArticlePage.objects.live())
        .child_of(index)
        .select_related("campaign_week", "campaign_week__theme")
        .order_by("-date", "-first_published_at")
    )
    choices = news_filter_choices()
    selected = {"campaign": "", "week": "", "theme": ""}
    campaign_slug = str(params.get("campaign", ""))[:100]
    if campaign_slug:
        selected["campaign"] = campaign_slug
        campaign = next((c for c in choices["campaigns"] if c.slug == campaign_slug), None)
        if campaign is None:
            articles = articles.none()
        else:
            weeks = CampaignWeekPage.objects.child_of(campaign)
            articles = articles.filter(campaign_week__in=weeks)
    week_id = str(params.get("week", ""))[:20]
    if week_id:
        selected["week"] = week_id
        valid = re.fullmatch(r"[0-9]{1,18}", week_id)
        articles = articles.filter(campaign_week_id=int(week_id)) if valid else articles.none()
    theme_slug = str(params.get("theme", ""))[:100]
    if theme_slug:
        selected["theme"] = theme_slug
        # only a published theme: a draft one is not shown, so it does not select either
        articles = articles.filter(campaign_week__theme__slug=theme_slug, campaign_week__theme__live=True)
    query = {key: value for key, value in selected.items() if value}
    if query:  # a filter matches only by way of weeks the public can see, whatever id or slug is typed
        articles = articles.filter(campaign_week_id__in=public_week_ids())
    page_param = str(params.get("page", ""))[:12]

    def one_page():
        page = Paginator(articles, NEWS_PER_PAGE).get_page(page_param)
        page.object_list = list(page.object_list)
        return page

    # Unfiltered pages are what most visitors see: remember them for the generation. Filtered ones are built
    # each time, so that made-up filter values cannot fill memory.
    page_obj = remember(("news-page", index.pk, page_param), one_page) if not query else one_page()
    return {
        "articles": page_obj.object_list,
        "page_obj": page_obj,
        "filters": choices,
        "selected": selected,
        "filtered": bool(query),
        "filter_query": query,
    }


def news_feed_items(*, limit: int):
    from .models import NewsArticlePage

    return list(
        public(NewsArticlePage.objects.live())
        .prefetch_related("tags")
        .order_by("-date", "-first_published_at")[:limit]
    )


SEARCH_MAX_QUERY = 200
SEARCH_PER_PAGE = 10


def site_search(*, query: str, page_number) -> dict[str, Any]:
    """Published, public pages matching `query` (Wagtail search: the database backend by default,
    PostgreSQL full-text search in production)."""
    from django.core.paginator import Paginator
    from wagtail.models import Page

    from beacon.core.forms import clean_text

    query = clean_text(query or "").strip()[:SEARCH_MAX_QUERY]
    if not query:
        return {"query": "", "results": [], "page_obj": None}
    # The text is searched as plain words, so a double quote never marked a phrase; and SQLite's backend wraps
    # each word in double quotes without escaping one inside it, so an odd number of them was a syntax error
    # (a 500). Dropping them searches the same words on SQLite and PostgreSQL alike.
    words = " ".join(query.replace('"', " ").split())
    if not words:
        return {"query": query, "results": [], "page_obj": None}
    results = public(Page.objects.live()).filter(depth__gt=1).specific().search(words)
    page_obj = Paginator(results, SEARCH_PER_PAGE).get_page(page_number)
    return {"query": query, "results": list(page_obj.object_list), "page_obj": page_obj}


def snippets_to_choose(model, *, current_id=None):
    """The themes, officers or support services a staff form offers: the published ones (public pages show no
    other), and the one already chosen even if it is no longer published, so that saving says so beside the
    field (the service refuses it) rather than the form dropping it without a word."""
    from django.db.models import Q

    chosen = Q(live=True)
    if current_id is not None:
        chosen |= Q(pk=current_id)
    return model.objects.filter(chosen)
