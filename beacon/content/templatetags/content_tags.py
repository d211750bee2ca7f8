"""Template helpers for Beacon's content pages."""

from urllib.parse import urlencode

from django import template

from beacon.content.memo import remember

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
    """Open Graph and Twitter card values for `page`, with absolute URLs for the link and image."""
    from wagtail.models import Site

    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else page.get_site()
    root = site.root_url if site else ""
    card = {
        "type": "article" if page.specific_class.__name__ == "NewsArticlePage" else "website",
        "title": page.seo_title or page.title,
        "description": page.social_description,
        "url": page.get_full_url(request) or "",
        "path": page.get_url(request) or "",
        "published": getattr(page, "date", None) and page.date.isoformat(),
    }
    image = page.social_image
    if image is not None:
        rendition = image.get_rendition("fill-1200x630")
        card.update(
            image_url=root + rendition.url if rendition.url.startswith("/") else rendition.url,
            image_width=rendition.width,
            image_height=rendition.height,
            image_alt=page.social_image_alt or image.default_alt_text,
        )
    return card


@register.simple_tag
def page_query(query: dict, page_number) -> str:
    """A listing's query string for another page, keeping its filters."""
    return "?" + urlencode({**query, "page": page_number})
