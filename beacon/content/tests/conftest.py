"""A small content tree built directly (fast); the admin tests build theirs through Wagtail's helpers."""

import datetime
import io

import pytest
from django.core.cache import caches
from django.core.files.images import ImageFile
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from beacon.content.models import (
    AdviceIndexPage,
    AdvicePage,
    CampaignIndexPage,
    CampaignPage,
    CampaignWeekPage,
    HomePage,
    NewsArticlePage,
    NewsIndexPage,
    Officer,
    SupportService,
    Theme,
)
from beacon.core.demo import ensure_wagtail_roots

START = datetime.date(2026, 3, 2)  # a Monday


@pytest.fixture(autouse=True)
def _empty_page_cache():
    caches["pages"].clear()
    yield
    caches["pages"].clear()


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def make_image(title="Test image"):
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 40), (29, 63, 122)).save(buffer, format="PNG")
    return get_image_model().objects.create(title=title, file=ImageFile(buffer, name="test.png"))


def article(index, title, *, week=None, date=None, live=True, **fields):
    page = NewsArticlePage(
        title=title,
        date=date or START,
        summary=fields.pop("summary", f"Summary of {title}."),
        body=fields.pop("body", [("paragraph", "<p>Body text.</p>")]),
        campaign_week=week,
        **fields,
    )
    if live:
        return publish(index, page)
    page.live = False
    index.add_child(instance=page)
    page.save_revision()
    return page


@pytest.fixture
def tree(db, settings):
    ensure_wagtail_roots()  # a transactional test may follow another that flushed them away
    root = Page.get_first_root_node()
    for child in root.get_children():
        child.delete()
    home = HomePage(title="Beacon", slug="home")
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Beacon"
    )
    settings.WAGTAILADMIN_BASE_URL = "http://localhost"  # the origin absolute links use, as the Site says
    # The standard themes come from a data migration (a flushed database may lack them).
    theme = Theme.objects.update_or_create(slug="knife-crime", defaults={"name": "Knife crime"})[0]
    other_theme = Theme.objects.update_or_create(slug="drug-harm", defaults={"name": "Drug harm"})[0]
    officer = Officer.objects.create(rank="Inspector", name="Ada Brook", role="Neighbourhood Inspector")
    campaigns = publish(home, CampaignIndexPage(title="Campaigns", slug="campaigns"))
    campaign = publish(
        campaigns,
        CampaignPage(
            title="Spring of action",
            slug="spring-of-action",
            hashtag="SpringAction",
            start_date=START,
            end_date=START + datetime.timedelta(days=13),
            summary="Two weeks of action.",
        ),
    )
    week1 = publish(
        campaign,
        CampaignWeekPage(
            title="Week 1: drug harm",
            slug="week-1",
            week_number=1,
            start_date=START,
            end_date=START + datetime.timedelta(days=6),
            theme=other_theme,
            lead_officer=officer,
            summary="Drug harm week.",
        ),
    )
    week2 = publish(
        campaign,
        CampaignWeekPage(
            title="Week 2: knives",
            slug="week-2",
            week_number=2,
            start_date=START + datetime.timedelta(days=7),
            end_date=START + datetime.timedelta(days=13),
            theme=theme,
            lead_officer=officer,
            summary="Knife crime week.",
        ),
    )
    news = publish(home, NewsIndexPage(title="News", slug="news"))
    advice = publish(home, AdviceIndexPage(title="Advice", slug="advice"))
    service = SupportService.objects.create(
        name="Childline",
        description="For young people.",
        phone="0800 1111",
        website="https://www.childline.org.uk/",
    )
    topic = publish(
        advice,
        AdvicePage(
            title="County lines explained",
            slug="county-lines",
            summary="How county lines work.",
            body=[("support_services", {"heading": "Where to get help", "services": [service]})],
        ),
    )
    return {
        "home": home,
        "campaigns": campaigns,
        "campaign": campaign,
        "week1": week1,
        "week2": week2,
        "news": news,
        "advice": advice,
        "topic": topic,
        "theme": theme,
        "officer": officer,
        "service": service,
    }
