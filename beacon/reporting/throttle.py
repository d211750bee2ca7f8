"""Rate limits for the public reporting pages, per client and in total.

A client is known only by a keyed hash (HMAC-SHA256) of its address, held in the cache for the length
of one window (minutes) and never written to the database or the logs. The address itself is never
stored. Limits come from `settings.BEACON_REPORT_RATE_LIMITS`: {action: (per client, total, seconds)}.
"""

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until the window ends

    @property
    def minutes(self) -> int:
        return max(1, -(-self.retry_after // 60))


def _address(request) -> str:
    header = settings.BEACON_CLIENT_ADDRESS_HEADER
    value = request.META.get(header, "") if header else ""
    if value:
        return value.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def client_key(request, action: str, window_start: int) -> str:
    """Changes every window, so the same address gives an unlinkable key from one window to the next."""
    secret = hashlib.sha256(f"beacon.reporting.throttle:{settings.SECRET_KEY}".encode()).digest()
    message = f"{action}:{window_start}:{_address(request)}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


def _bump(key: str, timeout: int) -> int:
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout)
        return 1


def _count(key: str) -> int:
    return int(cache.get(key) or 0)


def _window(action: str) -> tuple[int, int, int, int]:
    per_client, total, seconds = settings.BEACON_REPORT_RATE_LIMITS[action]
    now = int(time.time())
    start = now - now % seconds
    return per_client, total, seconds, start


def check(request, action: str) -> Verdict:
    """Would one more attempt be allowed? (Does not count it.)"""
    per_client, total, seconds, start = _window(action)
    retry = start + seconds - int(time.time())
    if _count(f"rl:{action}:all:{start}") >= total:
        return Verdict(False, retry)
    if _count(f"rl:{action}:c:{client_key(request, action, start)}") >= per_client:
        return Verdict(False, retry)
    return Verdict(True)


def hit(request, action: str) -> None:
    """Count one attempt against the client and the total."""
    per_client, total, seconds, start = _window(action)
    _bump(f"rl:{action}:all:{start}", seconds + 5)
    _bump(f"rl:{action}:c:{client_key(request, action, start)}", seconds + 5)


def check_and_hit(request, action: str) -> Verdict:
    verdict = check(request, action)
    if verdict.allowed:
        hit(request, action)
    return verdict
