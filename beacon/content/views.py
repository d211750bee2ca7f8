"""Routes the content app serves outside Wagtail's page tree: search, feed, sitemap and robots.txt."""

import importlib

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from wagtail.contrib.sitemaps import views as sitemap_views
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap as PageSitemap

from .cache import mark_cacheable
from .selectors import public, site_search

# Sitemaps other apps provide once their issues land (module path, class name).
OPTIONAL_SITEMAPS = {
    "events": ("beacon.events.sitemaps", "EventSitemap"),
    "qanda": ("beacon.qanda.sitemaps", "QandASitemap"),
}


class PublicPageSitemap(PageSitemap):
    """Wagtail's page sitemap without the pages under an unpublished page (selectors.public)."""

    def items(self):
        return public(super().items())


def _sitemaps() -> dict:
    found: dict = {"pages": PublicPageSitemap}
    for name, (module, cls) in OPTIONAL_SITEMAPS.items():
        try:
            found[name] = getattr(importlib.import_module(module), cls)
        except (ImportError, AttributeError):
            continue
    return found


@require_safe
def sitemap(request):
    return mark_cacheable(sitemap_views.sitemap(request, sitemaps=_sitemaps()))


ROBOTS_DISALLOW = ["/admin/", "/account/", "/report/", "/feedback/", "/leave", "/search/"]


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), ""]
    lines.append(f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}")
    return mark_cacheable(HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"))


@require_safe
def search(request):
    context = site_search(query=request.GET.get("q", ""), page_number=request.GET.get("page"))
    context["page_title"] = f"Search results for “{context['query']}”" if context["query"] else "Search"
    context["force_name"] = settings.BEACON_FORCE_NAME
    return render(request, "content/search.html", context)
