"""Per-client limits on sending questions. The client is known only by a keyed hash of its address,
kept in the throttle cache (beacon.core.cache: shared by every worker process, in memory) for the length of
the window and never written anywhere else."""

import hashlib
import hmac

from django.conf import settings

from beacon.core.cache import throttle_count, throttle_unavailable

QUESTIONS_PER_WINDOW = 10
WINDOW_SECONDS = 10 * 60


def _client_key(request, scope: str) -> str:
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{scope}:{address}".encode(), hashlib.sha256).hexdigest()
    return f"beacon:throttle:{scope}:{digest}"


def throttle_hit(*, request, scope: str = "qanda-ask", limit: int = QUESTIONS_PER_WINDOW) -> bool:
    """Count one attempt; True while the client is within its limit for the window."""
    try:
        count = throttle_count(_client_key(request, scope), WINDOW_SECONDS)
    except Exception as error:  # noqa: BLE001 - whatever the cache raises, the question is taken
        throttle_unavailable(scope, error)
        return True
    return count <= limit
