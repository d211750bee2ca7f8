"""Beacon's page cache: whole responses for anonymous visitors, correct by construction.

What is stored: only responses that a Beacon content page or feed marked as cacheable (`mark_cacheable`),
answering a GET with no query string, from a visitor with no session cookie and no Authorization header,
with status 200, no Set-Cookie, no CSRF token rendered in the page, no session data or signed-in user, and no
`Cache-Control: private`. Nothing personal or per-visitor can therefore be in a stored page.

How it stays fresh: every key contains the current generation (`PageCacheGeneration`, one database row) and
today's date. Publishing, unpublishing, moving or deleting a page, publishing or unpublishing an officer, theme or
support service (both save its row, as a draft does), or saving an image, event or Q&A session, replaces the
generation with a new random value in the same transaction as the change, so every process
(and every server sharing the database) stops serving the old page as soon as the change commits. Every
`migrate` (every release) replaces it too, so a new release's templates are never hidden behind the last one's. The date
in the key retires pages whose content depends on the day (the home page's "this week").

Where the pages live: Django's cache alias `pages` (per-process memory by default; point it at a shared
cache for several servers). Stored entries also expire after BEACON_PAGE_CACHE_SECONDS. With
BEACON_PAGE_CACHE_DIR set, stored pages are also written as files that nginx serves directly
(beacon.content.pagefiles, docs/deploy.md).
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone

from . import memo, pagefiles

logger = logging.getLogger(__name__)
VARY_SPLIT = re.compile(r"\s*,\s*")

CACHEABLE_ATTR = "beacon_page_cacheable"
HIT_HEADER = "X-Beacon-Page-Cache"
# Content models whose changes public pages show, besides Wagtail pages themselves.
CONTENT_DEPENDENCIES = [
    "content.Theme",
    "content.Officer",
    "content.SupportService",
    "wagtailimages.Image",
    "wagtailcore.Site",
    "wagtailcore.PageViewRestriction",
    "wagtailcore.Locale",
]


def mark_cacheable(response):
    setattr(response, CACHEABLE_ATTR, True)
    return response


def _table() -> str:
    return apps.get_model("content", "PageCacheGeneration")._meta.db_table


def current_generation() -> int | None:
    """The generation row's value; None if it cannot be read (then the cache is skipped).

    The row is created on first use with a random value, and every bump writes a new random value, so a
    database that is emptied and refilled (as tests do) never meets pages cached for an earlier one."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT value FROM {_table()} WHERE id = 1")  # noqa: S608 (table name is ours)
            row = cursor.fetchone()
        if row is not None:
            return row[0]
        model = apps.get_model("content", "PageCacheGeneration")
        with transaction.atomic():
            return model.objects.get_or_create(pk=1, defaults={"value": _fresh()})[0].value
    except DatabaseError:
        return None


def _fresh() -> int:
    return secrets.randbits(62)


def generation_bump(**_kwargs) -> None:
    """Invalidate every cached page, atomically with the caller's transaction."""
    model = apps.get_model("content", "PageCacheGeneration")
    with transaction.atomic():
        if not model.objects.filter(pk=1).update(value=_fresh()):
            model.objects.get_or_create(pk=1, defaults={"value": _fresh()})
    pagefiles.switch_after_commit()


def _key(request, generation: int) -> str:
    host = request.get_host()
    digest = hashlib.blake2b(f"{host}{request.path}".encode(), digest_size=16).hexdigest()
    return f"p:{generation}:{timezone.localdate().isoformat()}:{digest}"


def _eligible_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _storable(request, response) -> bool:
    """Only a response that is the same for every visitor: marked by a content view, 200, no cookie set, no
    CSRF token rendered, no session data or signed-in user behind it, not marked private."""
    if not getattr(response, CACHEABLE_ATTR, False) or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    if session is not None and (session.modified or not session.is_empty()):
        return False
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return False
    # Vary: Cookie is expected (the session was looked at, and found empty); Vary: * never is.
    if "*" in {v.strip() for v in VARY_SPLIT.split(response.get("Vary", ""))}:
        return False
    # `no-store` is Beacon's default for browsers and proxies (beacon.core.middleware) and still reaches them
    # on every cached copy; `private` would mean the view itself found something personal.
    return "private" not in response.get("Cache-Control", "").lower()


class PageCacheMiddleware:
    """Put it early in MIDDLEWARE (after SecurityMiddleware and WhiteNoise): a hit skips the rest.

    It acts only on GET/HEAD requests for paths the content app serves (Wagtail pages, feed, sitemap,
    robots.txt); other apps' pages never touch it, not even the generation read. For content paths it reads the
    generation once, before anything is rendered, and makes it current for the request (beacon.content.memo),
    with the Wagtail site for the request's host remembered for that generation."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = getattr(settings, "BEACON_PAGE_CACHE", False)
        self.timeout = getattr(settings, "BEACON_PAGE_CACHE_SECONDS", 600)

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not _content_path(request.path_info):
            return self.get_response(request)
        try:
            request.get_host()
        except DisallowedHost:  # Django's 400, raised further in, passes back through the security headers
            return self.get_response(request)
        generation = current_generation()
        if generation is None:
            return self.get_response(request)
        token = memo.generation_var.set(generation)
        try:
            return self._respond(request, generation)
        finally:
            memo.generation_var.reset(token)

    def _respond(self, request, generation: int):
        eligible = self.enabled and _eligible_request(request)
        # The files' version (generation and today's date) as the request begins; only with files on.
        files_version = pagefiles.version_for(generation) if pagefiles.root() is not None else None
        if eligible:
            store = caches["pages"]
            key = _key(request, generation)
            cached = store.get(key)
            if cached is not None:
                status, headers, content = cached
                response = HttpResponse(content, status=status, headers=headers)
                response[HIT_HEADER] = "hit"
                return response
        request._wagtail_site = _site_for(request)
        response = self.get_response(request)
        if eligible and request.method == "GET" and _storable(request, response):
            store.set(key, (response.status_code, dict(response.items()), response.content), self.timeout)
            if files_version is not None:
                pagefiles.mark(response, files_version)  # written once the outer middleware is done
            response[HIT_HEADER] = "stored"
        return response


_CONTENT_VIEW_MODULES = ("wagtail.views", "beacon.content.views", "beacon.content.feeds")
_path_kinds: dict[str, bool] = {}
_PATH_KINDS_MAX = 10_000


def _content_path(path: str) -> bool:
    """Whether the URL resolves to a view of the content app or Wagtail's page serving (remembered: the URL
    configuration does not change while the process runs)."""
    known = _path_kinds.get(path)
    if known is not None:
        return known
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path)
    except Resolver404:
        is_content = False
    else:
        func = match.func
        module = getattr(func, "__module__", "") or type(func).__module__
        is_content = module.startswith(_CONTENT_VIEW_MODULES) or isinstance(func, _feed_types())
    if len(_path_kinds) < _PATH_KINDS_MAX:
        _path_kinds[path] = is_content
    return is_content


def _feed_types() -> tuple:
    from .feeds import NewsFeed

    return (NewsFeed,)


def _site_for(request):
    """Wagtail's site for this host and port, remembered for the generation (sites bump it when saved)."""
    from wagtail.models import Site

    host = request._get_raw_host()
    return memo.remember(("site", host, request.get_port()), lambda: Site._find_for_request(request))


def release_bump(*, using: str = "default", **_kwargs) -> None:
    """post_migrate (every deploy runs `migrate`): a new release may change how every page looks (a template, a
    stylesheet's hashed name, the header), so pages cached by the last release, in a shared cache or as files
    nginx serves, are not served again."""
    if using != "default" or _table() not in connection.introspection.table_names():
        return  # another database, or the content app migrated back to before the generation table
    generation_bump()


def connect_signals(app_config=None) -> None:
    """Bump the generation whenever something a public page shows changes, and on every `migrate`."""
    from django.db.models.signals import post_migrate
    from wagtail.models import Page
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    if app_config is not None:
        post_migrate.connect(release_bump, sender=app_config, dispatch_uid="beacon_page_cache_release")

    page_published.connect(generation_bump, dispatch_uid="beacon_page_cache_published")
    page_unpublished.connect(generation_bump, dispatch_uid="beacon_page_cache_unpublished")
    page_slug_changed.connect(generation_bump, dispatch_uid="beacon_page_cache_slug")
    post_page_move.connect(generation_bump, dispatch_uid="beacon_page_cache_moved")

    def on_page_delete(sender, instance, **kwargs):
        if isinstance(instance, Page):
            generation_bump()

    post_delete.connect(on_page_delete, dispatch_uid="beacon_page_cache_page_deleted", weak=False)

    labels = CONTENT_DEPENDENCIES + list(getattr(settings, "BEACON_PAGE_CACHE_DEPENDENCIES", []))
    for label in labels:
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            logger.info("page cache: %s is not installed yet; not watching it", label)
            continue
        post_save.connect(generation_bump, sender=model, dispatch_uid=f"beacon_page_cache_save_{label}")
        post_delete.connect(generation_bump, sender=model, dispatch_uid=f"beacon_page_cache_delete_{label}")
