"""The home page's promotions link to a page editors choose or to a path on this site, never elsewhere."""

import re

import pytest
from django.urls import reverse
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.test.utils.form_data import nested_form_data, streamfield

from beacon.content.models import HomePage, NewsIndexPage, PromoBlock

from .test_admin_pages import AdminTestCase

NOT_PATHS = [
    "javascript:alert(1)",
    "https://phish.example/",
    "//phish.example/",
    "/\\phish.example/",
    "/\t/phish.example/",
    "report/",
    "mailto:someone@example.org",
]


def promo(**link):
    return {"heading": "Report", "text": "Tell us.", "page": None, "url": "", **link}


@pytest.mark.parametrize("url", ["/report/", "/advice/county-lines/", "/news/?theme=knife-crime", "/"])
def test_the_block_accepts_a_path_on_this_site(url):
    block = PromoBlock()
    assert block.clean(block.to_python(promo(url=url)))["url"] == url


@pytest.mark.parametrize("url", [*NOT_PATHS, ""])
def test_the_block_refuses_anything_else(url):
    block = PromoBlock()
    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(block.to_python(promo(url=url)))
    assert list(refused.value.block_errors) == ["url"]


@pytest.mark.django_db
def test_the_block_accepts_a_chosen_page(tree):
    block = PromoBlock()
    assert block.clean(block.to_python(promo(page=tree["news"].pk)))["page"].pk == tree["news"].pk


@pytest.mark.django_db
def test_a_stored_link_that_is_not_a_path_is_never_rendered(client, tree):
    """Promotions saved before the check (or by code) still render, without a link that leads off the site."""
    home = HomePage.objects.get(pk=tree["home"].pk)
    home.promos = [("promo", promo(heading=f"Bad {number}", url=url)) for number, url in enumerate(NOT_PATHS)]
    home.promos.append(("promo", promo(heading="Empty")))
    home.promos.append(("promo", promo(heading="Report", url="/report/")))
    home.promos.append(("promo", promo(heading="News", page=tree["news"])))
    home.save(clean=False)
    body = client.get("/", HTTP_HOST="localhost").content.decode()
    hrefs = dict(
        (heading, href)
        for href, heading in re.findall(r'<a class="govuk-link" href="([^"]*)">([^<]*)</a>', body)
    )
    assert hrefs["Report"] == "/report/" and hrefs["News"] == "/news/"
    for number in range(len(NOT_PATHS)):
        assert f"Bad {number}" in body and f"Bad {number}" not in hrefs
    assert "Empty" in body and "Empty" not in hrefs
    assert "javascript:" not in body and "phish.example" not in body


class TestThePromoFormInTheAdmin(AdminTestCase):
    def publish_home(self, link):
        data = nested_form_data(
            {
                "title": "Beacon",
                "slug": "beacon-test-home",
                "hero_heading": "Help",
                "hero_text": "Tell us.",
                "promote_current_week": "on",
                "promos": streamfield([("promo", {**promo(**link), "page": link.get("page", "")})]),
            }
        )
        edit = reverse("wagtailadmin_pages:edit", args=[self.home.pk])
        return self.client.post(edit, {**data, "action-publish": "action-publish"})

    def test_a_link_that_is_not_a_path_on_this_site_is_refused(self):
        for url in NOT_PATHS:
            with self.subTest(url=url):
                response = self.publish_home({"url": url})
                assert response.status_code == 200
                assert (
                    "Enter a path on this site that starts with /, such as /report/"
                    in response.content.decode()
                )
        self.home.refresh_from_db()
        assert len(self.home.promos) == 0

    def test_a_promo_needs_a_page_or_a_path(self):
        response = self.publish_home({})
        assert response.status_code == 200
        assert "Choose a page, or enter a path on this site such as /report/" in response.content.decode()

    def test_a_path_or_a_page_is_accepted(self):
        assert self.publish_home({"url": "/report/"}).status_code == 302
        self.home.refresh_from_db()
        assert self.home.promos[0].value["url"] == "/report/"
        news = self.home.add_child(instance=NewsIndexPage(title="News", slug="news"))
        assert self.publish_home({"page": str(news.pk)}).status_code == 302
