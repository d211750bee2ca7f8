"""Template helpers for Beacon's content pages."""

from urllib.parse import urlencode

from django import template

from beacon.content.memo import remember
from beacon.content.origin import absolute_url

register = template.Library()


@register.simple_tag(takes_context=True)
def breadcrumb_trail(context, page) -> list[dict]:
    """Live ancestors below the tree root, home first (one query)."""
    if page is None or page.depth <= 2:
        return []
    request = context.get("request")
    return remember(
        ("breadcrumbs", page.pk),
        lambda: [
            {"title": "Home" if ancestor.depth == 2 else ancestor.title, "url": ancestor.get_url(request)}
            for ancestor in page.get_ancestors().filter(depth__gte=2, live=True)
        ],
    )


@register.simple_tag(takes_context=True)
def social_card(context, page) -> dict:
    """Open Graph and Twitter card values for `page`, with absolute URLs for the link and image on the
    configured origin (origin.py), whatever Host the page was asked for."""
    request = context.get("request")
    path = page.get_url(request) or ""
    card = {
        "type": "article" if page.specific_class.__name__ == "NewsArticlePage" else "website",
        "title": page.seo_title or getattr(page, "public_title", page.title),
        "description": page.social_description,
        "url": absolute_url(path) if path else "",
        "path": path,
        "published": getattr(page, "date", None) and page.date.isoformat(),
    }
    image = page.social_image
    if image is not None:
        rendition = image.get_rendition("fill-1200x630")
        card.update(
            image_url=absolute_url(rendition.url),
            image_width=rendition.width,
            image_height=rendition.height,
            image_alt=page.social_image_alt or image.default_alt_text,
        )
    return card


@register.simple_tag
def page_query(query: dict, page_number) -> str:
    """A listing's query string for another page, keeping its filters."""
    return "?" + urlencode({**query, "page": page_number})
