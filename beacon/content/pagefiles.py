"""Beacon's page cache on disk, served by the front web server without reaching Python.

When BEACON_PAGE_CACHE_DIR is set (production, with nginx in front: docs/deploy.md), every page the page
cache stores (beacon.content.cache: only the same-for-everyone HTML of a content page, for a visitor with no
session) is also written as a file, and nginx answers later visitors with no session cookie, no query string
and no Authorization header from that file. A cached page then costs what a static file costs.

How it stays correct:

- Files live in a directory per version, `<generation>-<date>`, and nginx reads them through the symlink
  `current`. A page is written only into the directory `current` names, for the generation its request read.
- When the generation changes (a publish, an unpublish, a saved officer or event…), the process that made the
  change repoints `current` as soon as its transaction commits (`switch`). The switch re-reads the generation
  from the database under a file lock, so switches made at the same time always end on the newest one;
  the old directories are then deleted. A published change therefore shows at once.
- `manage.py page_cache_rollover`, run every minute by `run_schedule`, makes the same switch when the date
  changes (the home page's "this week") or when the generation was changed by a process that could not
  reach this directory.
- nginx sends the headers Beacon's own responses carry (`manage.py page_cache_nginx` writes them from a real
  response), and a page is written only when its headers are exactly those (`headers.json`), so a setting
  changed without regenerating the nginx configuration makes pages fall through to Django, never wrong.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import secrets
import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

CURRENT = "current"
HEADERS_FILE = "headers.json"
# The response headers nginx replays for a file; anything else on a page (beyond Content-Type, Content-Length,
# Vary and Beacon's own cache marker) keeps it out of the files.
REPLAYED = (
    "Cache-Control",
    "Content-Security-Policy",
    "Cross-Origin-Opener-Policy",
    "Cross-Origin-Resource-Policy",
    "Permissions-Policy",
    "Referrer-Policy",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "X-Frame-Options",
)
IGNORED = {"content-type", "content-length", "vary", "x-beacon-page-cache"}
SAFE_PATH = re.compile(r"^/(?:[a-z0-9][a-z0-9_\-]*/)*$")
SAFE_HOST = re.compile(r"^[a-z0-9][a-z0-9.\-]{0,252}$")
VERSION = re.compile(r"^[0-9a-f]+-\d{4}-\d{2}-\d{2}$")


def root() -> Path | None:
    value = getattr(settings, "BEACON_PAGE_CACHE_DIR", "")
    return Path(value) if value else None


def version_for(generation: int) -> str:
    return f"{generation:x}-{timezone.localdate().isoformat()}"


def current_version(base: Path) -> str | None:
    try:
        return os.readlink(base / CURRENT)
    except OSError:
        return None


@contextlib.contextmanager
def _locked(base: Path):
    base.mkdir(parents=True, exist_ok=True)
    with open(base / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def switch() -> str | None:
    """Point `current` at the version for the generation in the database now, and delete older versions.

    Safe to call from any process at any time: the database is read under the lock, so the last switch
    wins with the newest generation. Returns the version now current (None if the cache is off)."""
    from .cache import current_generation

    base = root()
    if base is None:
        return None
    with _locked(base):
        generation = current_generation()
        if generation is None:
            return None
        version = version_for(generation)
        if current_version(base) != version:
            (base / version).mkdir(exist_ok=True)
            temporary = base / f".current-{secrets.token_hex(8)}"
            os.symlink(version, temporary)
            os.replace(temporary, base / CURRENT)
        for entry in base.iterdir():
            if entry.name != version and VERSION.match(entry.name):
                shutil.rmtree(entry, ignore_errors=True)
    return version


def switch_after_commit() -> None:
    if root() is not None:
        transaction.on_commit(_switch_logged)


def _switch_logged() -> None:
    try:
        switch()
    except OSError:
        logger.exception("page cache files: could not switch the current version")


def expected_headers() -> dict[str, str] | None:
    base = root()
    try:
        return json.loads((base / HEADERS_FILE).read_text()) if base is not None else None
    except (OSError, ValueError):
        return None


def replayed_headers(response) -> dict[str, str] | None:
    """The headers nginx must send for this response, or None if it carries any other header."""
    headers = {}
    for name, value in response.items():
        if name in REPLAYED:
            headers[name] = value
        elif name.lower() not in IGNORED:
            return None
    return headers


VERSION_ATTR = "beacon_page_file_version"


def mark(response, version: str) -> None:
    """Called by the page cache for a page it has just stored; PageFileMiddleware writes it."""
    setattr(response, VERSION_ATTR, version)


class PageFileMiddleware:
    """First in MIDDLEWARE, so that a page is written with every header the whole stack gave it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        version = getattr(response, VERSION_ATTR, None)
        if version is not None:
            store(request, response, version)
        return response


def store(request, response, version: str) -> bool:
    """Write a page the page cache has just stored, if it can be served as a file. `version` is the one for
    the generation and date read when the request began. Returns whether the page was written."""
    base = root()
    if base is None or not response.get("Content-Type", "").startswith("text/html"):
        return False
    host = request.get_host().split(":")[0].lower()
    path = request.path
    if not (SAFE_PATH.match(path) and SAFE_HOST.match(host)) or ".." in host:
        return False
    expected = expected_headers()
    if expected is None or replayed_headers(response) != expected:
        return False
    current = current_version(base)
    if current is None:
        current = switch()
    if current != version:
        return False  # the generation has moved on since this request began: the page may be stale
    target = base / version / host / path.strip("/") / "index.html"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".index-{secrets.token_hex(8)}.html")
        temporary.write_bytes(response.content)
        temporary.chmod(0o644)
        os.replace(temporary, target)
    except OSError:
        return False  # e.g. the version was switched and deleted meanwhile: nothing is served from it
    return True
