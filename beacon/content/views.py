"""Routes the content app serves outside Wagtail's page tree: search, feed, sitemap and robots.txt."""

import importlib
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from wagtail.contrib.sitemaps import views as sitemap_views
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap as PageSitemap

from .cache import mark_cacheable
from .origin import absolute_url, on_the_origin, site_origin
from .selectors import public, site_search

# Sitemaps other apps provide once their issues land (module path, class name).
OPTIONAL_SITEMAPS = {
    "events": ("beacon.events.sitemaps", "EventSitemap"),
    "qanda": ("beacon.qanda.sitemaps", "QandASitemap"),
}


class PublicPageSitemap(PageSitemap):
    """Wagtail's page sitemap without the pages under an unpublished page (selectors.public), on the configured
    origin (origin.py) rather than the Wagtail Site record's."""

    def items(self):
        return public(super().items())

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            if url.get("location"):
                url["location"] = on_the_origin(url["location"])
        return urls


class OnTheOrigin:
    """For Django sitemaps: the configured origin, not the request's host and scheme."""

    def get_protocol(self, protocol=None):
        return urlsplit(site_origin()).scheme

    def get_domain(self, site=None):
        return urlsplit(site_origin()).netloc


def _sitemaps() -> dict:
    found: dict = {"pages": PublicPageSitemap}
    for name, (module, cls) in OPTIONAL_SITEMAPS.items():
        try:
            sitemap_class = getattr(importlib.import_module(module), cls)
        except (ImportError, AttributeError):
            continue
        found[name] = type(sitemap_class.__name__, (OnTheOrigin, sitemap_class), {})
    return found


@require_safe
def sitemap(request):
    return mark_cacheable(sitemap_views.sitemap(request, sitemaps=_sitemaps()))


ROBOTS_DISALLOW = ["/admin/", "/account/", "/report/", "/feedback/", "/leave", "/search/"]


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), ""]
    lines.append(f"Sitemap: {absolute_url('/sitemap.xml')}")
    return mark_cacheable(HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"))


@require_safe
def search(request):
    context = site_search(query=request.GET.get("q", ""), page_number=request.GET.get("page"))
    context["page_title"] = f"Search results for “{context['query']}”" if context["query"] else "Search"
    context["force_name"] = settings.BEACON_FORCE_NAME
    return render(request, "content/search.html", context)
