"""The one origin Beacon's absolute URLs use: the scheme and host of settings.WAGTAILADMIN_BASE_URL.

Links that leave the page (the canonical link, Open Graph and Twitter cards, the sitemap, the RSS feed and
robots.txt) are absolute. They take the configured origin: not the Host a request came with (whatever name or
address a visitor or a crawler used), nor the Wagtail Site record's hostname and port (localhost:80 until
someone changes them). The same setting is the origin of the links in staff emails.

Wagtail still uses the default Site record for its admin's "View live" links, so Beacon keeps it in line: the
demo seed gives it this origin, and after `migrate` Wagtail's placeholder (localhost:80) gets it too. An
operator's own hostname is left alone (docs/deploy.md: the Site in the admin must match the setting).
"""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core import checks

# What Wagtail's initial migration names the default site.
PLACEHOLDER_SITE = ("localhost", 80)


def site_origin() -> str:
    """`scheme://host[:port]` of WAGTAILADMIN_BASE_URL (any path or trailing slash dropped)."""
    parts = urlsplit(settings.WAGTAILADMIN_BASE_URL.strip())
    return f"{parts.scheme}://{parts.netloc}"


def absolute_url(url: str) -> str:
    """A path on this site (a page's `/news/x/`, an image's `/media/…`) on the configured origin. An absolute
    URL (files on a storage service, a page of another Wagtail site) is returned as it is."""
    if url.startswith("/") and not url.startswith("//"):
        return site_origin() + url
    return url


def on_the_origin(url: str) -> str:
    """A full URL of this site (Wagtail's for a page: the Site record's root URL and the page's path) with the
    configured origin in place of its own."""
    parts = urlsplit(url)
    return absolute_url(urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment)))


def site_hostname_and_port() -> tuple[str, int]:
    """The origin as a Wagtail Site record holds it. (A Site has no scheme: Wagtail says https for port 443
    and http otherwise, so an https origin on another port cannot be represented.)"""
    parts = urlsplit(site_origin())
    return parts.hostname or "localhost", parts.port or (443 if parts.scheme == "https" else 80)


def default_site_follows_the_origin(sender, **kwargs) -> None:
    """post_migrate: Wagtail's placeholder default site (localhost:80) takes the configured origin."""
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    if site is None or (site.hostname, site.port) != PLACEHOLDER_SITE:
        return
    hostname, port = site_hostname_and_port()
    if (hostname, port) == PLACEHOLDER_SITE or Site.objects.filter(hostname=hostname, port=port).exists():
        return
    site.hostname, site.port = hostname, port
    site.save(update_fields=["hostname", "port"])


def check_base_url(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    parts = urlsplit(settings.WAGTAILADMIN_BASE_URL.strip())
    if parts.scheme in ("http", "https") and parts.hostname:
        return []
    return [
        checks.Error(
            f"WAGTAILADMIN_BASE_URL is {settings.WAGTAILADMIN_BASE_URL!r}, not an address such as "
            "https://beacon.example.police.uk: canonical, share, sitemap and feed links are made from it.",
            id="content.E001",
        )
    ]


def connect_signals(app_config) -> None:
    from django.db.models.signals import post_migrate

    post_migrate.connect(
        default_site_follows_the_origin, sender=app_config, dispatch_uid="content-default-site-origin"
    )
