"""Keeping the rendered listing and "near me" pages for a short while in each process.

Those pages are the same for every visitor (no session, no form token, nothing personal), so their HTML can
be reused. A key holds:
- the events generation: the site's page-cache generation (beacon.content.cache), which changes in the same
  transaction as any change to an event. Each process re-reads it at most every GENERATION_CHECK_SECONDS,
  and at once after a change it made itself, so a kept page costs no database query at all;
- the current minute, so events drop off the listing soon after they end.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GENERATION_CHECK_SECONDS = 2.0
KEEP_SECONDS = 120

# Shared by every thread of the process: a stale read costs at most GENERATION_CHECK_SECONDS.
_state = {"value": None, "checked_at": None}


def _generation() -> int | None:
    now = time.monotonic()
    checked_at = _state["checked_at"]
    if checked_at is not None and now - checked_at < GENERATION_CHECK_SECONDS:
        return _state["value"]
    try:
        from beacon.content.cache import current_generation
    except ImportError:  # pragma: no cover - the content app is always installed
        return None
    value = current_generation()
    _state.update(value=value, checked_at=now)
    return value


def forget_generation(**_kwargs) -> None:
    """Re-read the generation on the next request (connected to Event saves and deletes)."""
    _state["checked_at"] = None
    transaction.on_commit(lambda: _state.update(checked_at=None))


def page_key(name: str, parts) -> str | None:
    if not settings.BEACON_EVENTS_LIST_CACHE or (generation := _generation()) is None:
        return None
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"events:{name}:{generation}:{int(time.time() // 60)}:{digest}"


def recall(key: str | None) -> bytes | None:
    return cache.get(key) if key is not None else None


def remember(key: str | None, body: bytes) -> None:
    if key is not None:
        cache.set(key, body, KEEP_SECONDS)
