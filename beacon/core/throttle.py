"""Rate limits for the public forms (reports, files, receipt codes, replies, Q&A questions, workshop requests,
feedback), per client and in total.

A client is known only by a keyed hash (HMAC-SHA256) of its address, held in the throttle cache
(beacon.core.cache) for the length of one window (minutes) and never written to the database or the logs.
The address itself is never stored. Limits come from `settings.BEACON_RATE_LIMITS`:
{action: (per client, total, seconds)}.

The limits are exact, whichever worker process answers: an attempt is counted first (one atomic add or
increment), then compared with the limit, and given back when refused, so N attempts at once against a
limit with one place left let exactly one through. Refused attempts count nothing, as before.

Receipt look-ups count only failed guesses: `check` holds a place for the guess before the look-up, `hit`
keeps it when the guess fails, and `release` gives it back when the code was found. A place never given
back (an error between the two) counts, as if it were a failed guess: the strict side.

Should the throttle cache fail (a full /dev/shm, a Redis server down), attempts are let through and the log
says so (beacon.core.cache.throttle_unavailable): a rate limiter must never cost a report, a question or a request.
"""

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings

from beacon.core import cache
from beacon.core.cache import throttle_count, throttle_unavailable

_HELD = "_beacon_throttle_held"  # request attribute: {action: keys counted by `check`, not yet kept}


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until the window ends

    @property
    def minutes(self) -> int:
        return max(1, -(-self.retry_after // 60))

    @property
    def wait(self) -> str:
        """How long to wait, in words for a message: "1 minute", "10 minutes"."""
        return f"{self.minutes} minute{'s' if self.minutes != 1 else ''}"


def refused(response, verdict: Verdict):
    """The page answering a refused attempt, as a 429 that says when to try again."""
    response.status_code = 429
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _address(request) -> str:
    header = settings.BEACON_CLIENT_ADDRESS_HEADER
    value = request.META.get(header, "") if header else ""
    if value:
        return value.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def client_key(request, action: str, window_start: int) -> str:
    """Changes every window, so the same address gives an unlinkable key from one window to the next."""
    secret = hashlib.sha256(f"beacon.core.throttle:{settings.SECRET_KEY}".encode()).digest()
    message = f"{action}:{window_start}:{_address(request)}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


def _give_back(key: str) -> None:
    try:
        cache.throttle_cache.decr(key)
    except ValueError:  # the window has ended: nothing to give back
        pass
    except Exception as error:  # noqa: BLE001 - whatever the cache raises, the request goes on
        throttle_unavailable("held", error)


def _window(action: str) -> tuple[int, int, int, int]:
    per_client, total, seconds = settings.BEACON_RATE_LIMITS[action]
    now = int(time.time())
    start = now - now % seconds
    return per_client, total, seconds, start


def _keys(request, action: str, start: int) -> tuple[str, str]:
    """(the total's key, the client's key) for the window starting at `start`."""
    return f"rl:{action}:all:{start}", f"rl:{action}:c:{client_key(request, action, start)}"


def _take(request, action: str) -> tuple[Verdict, tuple[str, ...]]:
    """Count one attempt, then compare: (verdict, the keys counted, none when refused)."""
    try:
        return _count(request, action)
    except Exception as error:  # noqa: BLE001 - whatever the cache raises, the request goes on
        throttle_unavailable(action, error)
        return Verdict(True), ()


def _count(request, action: str) -> tuple[Verdict, tuple[str, ...]]:
    per_client, total, seconds, start = _window(action)
    retry = start + seconds - int(time.time())
    total_key, client = _keys(request, action, start)
    # The total first: once it is reached, attempts from new addresses add no entries to the cache.
    if throttle_count(total_key, seconds + 5) > total:
        _give_back(total_key)
        return Verdict(False, retry), ()
    if throttle_count(client, seconds + 5) > per_client:
        _give_back(client)
        _give_back(total_key)
        return Verdict(False, retry), ()
    return Verdict(True), (total_key, client)


def check(request, action: str) -> Verdict:
    """May one more attempt be made? If so, a place is held for it until the end of the request, and it
    counts only if `hit` is called (as receipt look-ups call it for a failed guess)."""
    held = request.__dict__.setdefault(_HELD, {})
    if action in held:  # already holding a place for this request's attempt
        return Verdict(True)
    verdict, keys = _take(request, action)
    if verdict.allowed:
        held[action] = keys
    return verdict


def hit(request, action: str) -> None:
    """Count one attempt against the client and the total (keeping the place `check` held, if it did)."""
    if request.__dict__.get(_HELD, {}).pop(action, None) is not None:
        return
    _, _, seconds, start = _window(action)
    try:
        for key in _keys(request, action, start):
            throttle_count(key, seconds + 5)
    except Exception as error:  # noqa: BLE001 - whatever the cache raises, the request goes on
        throttle_unavailable(action, error)


def check_and_hit(request, action: str) -> Verdict:
    """Count one attempt if it is within the limits; refused attempts count nothing."""
    verdict, _ = _take(request, action)
    return verdict


def release(request) -> None:
    """Give back the places `check` held in this request and `hit` did not keep."""
    for keys in request.__dict__.pop(_HELD, {}).values():
        for key in keys:
            _give_back(key)
