"""Campaign, news and advice pages and the campaign dashboard in a real browser: axe-core on every page type
at desktop and phone widths, no JavaScript needed, nothing fetched from another origin."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from beacon.accounts import roles
from beacon.core.sessions import SessionStore  # the configured session engine (SESSION_ENGINE)

PAGES = [
    "/",
    "/campaigns/",
    "/campaigns/safer-streets-safer-futures/",
    "/campaigns/safer-streets-safer-futures/week-1-drug-harm-and-county-lines/",
    "/news/",
    "/news/?theme=drug-harm",
    "/news/campaign-launches-with-a-promise-to-listen/",
    "/advice/",
    "/advice/signs-of-child-criminal-exploitation/",
    "/advice/where-to-get-help/",
    "/search/?q=county+lines",
]


def watch_requests(page, origin):
    foreign = []
    page.on("request", lambda r: foreign.append(r.url) if urlsplit(r.url).netloc != origin else None)
    return foreign


def test_every_content_page_type_passes_axe_at_desktop_and_phone_widths(page, demo_site, axe):
    origin = urlsplit(demo_site.url).netloc
    foreign = watch_requests(page, origin)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for path in PAGES:
            response = page.goto(demo_site.url + path)
            assert response.status == 200, path
            assert page.locator("h1").count() == 1, path
            axe(page)
    assert foreign == []


def test_content_works_without_javascript(no_js_page, demo_site):
    page = no_js_page
    page.goto(demo_site.url + "/")
    page.get_by_role("link", name="Campaigns and news").first.click()
    assert page.url.endswith("/campaigns/")
    page.get_by_role("link", name="Safer Streets, Safer Futures").click()
    page.get_by_role("link", name="Week 2: Knife crime").click()
    assert "Knife crime" in page.locator("main").inner_text()
    page.goto(demo_site.url + "/news/")
    page.select_option("#filter-theme", "drug-harm")
    page.get_by_role("button", name="Apply filters").click()
    assert "theme=drug-harm" in page.url and "match your filters" in page.locator("main").inner_text()
    page.goto(demo_site.url + "/search/?q=cuckooing")
    page.get_by_role("link", name="Cuckooing: when someone takes over a home").click()
    assert page.url.endswith("/advice/cuckooing/")


@pytest.fixture
def editor_page(browser, demo_site, django_db_blocker):
    """A browser signed in as a campaign editor who has passed the second factor."""
    from django.contrib.auth.models import Group

    from beacon.accounts.models import User

    with django_db_blocker.unblock():
        roles.roles_sync()
        user = User.objects.create_user("e2e-editor", password="a-long-test-password")
        user.groups.add(Group.objects.get(name=roles.CAMPAIGN_EDITOR))
        device = TOTPDevice.objects.create(user=user, name="e2e", confirmed=True)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session["otp_device_id"] = device.persistent_id
        session.create()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": demo_site.url}]
    )
    page = context.new_page()
    yield page
    context.close()


def test_campaign_dashboard_passes_axe(editor_page, demo_site, axe, django_db_blocker):
    from beacon.content.models import CampaignPage

    with django_db_blocker.unblock():
        campaign = CampaignPage.objects.get(slug="safer-streets-safer-futures")
    page = editor_page
    page.goto(demo_site.url + "/admin/insights/campaigns/")
    page.get_by_role("link", name="Safer Streets, Safer Futures").click()
    assert page.url.endswith(f"/admin/insights/campaigns/{campaign.pk}/")
    page.locator(".beacon-dashboard h2").first.wait_for(state="visible")
    assert page.locator("svg[role=img]").count() == 6
    axe(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these figures (CSV)").click()
    assert download.value.suggested_filename == "campaign-safer-streets-safer-futures-dashboard.csv"
