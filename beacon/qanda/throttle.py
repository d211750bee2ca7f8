"""Limits on sending questions: per client and in total, counted exactly as the report forms' limits are
(beacon.core.throttle). A client is known only by a keyed hash of its address (from the proxy's header,
BEACON_CLIENT_ADDRESS_HEADER, when one is set), a new hash every window, kept in the throttle cache for the
window and never written anywhere else. The limits are `settings.BEACON_RATE_LIMITS["question"]`."""

from beacon.core import throttle

ACTION = "question"


def throttle_hit(*, request) -> throttle.Verdict:
    """Count one question if it is within the client's limit and the total; a refused one counts nothing."""
    return throttle.check_and_hit(request, ACTION)
