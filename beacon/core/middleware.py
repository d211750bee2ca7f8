"""Response headers that Django's own settings do not cover."""

from django.conf import settings


class SecurityHeadersMiddleware:
    """Adds Permissions-Policy, and keeps every page out of shared caches unless a view says otherwise.

    A visitor on a shared device must not find Beacon pages in a proxy or back/forward cache that
    someone else can open, so responses default to `Cache-Control: no-store` where a view has not
    set its own caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.headers.get("X-Frame-Options") == "SAMEORIGIN"
            and "Content-Security-Policy" in response.headers
        ):
            # Views that declare themselves frameable by our own pages (Wagtail's editor preview) may be framed
            # by our origin; everything else keeps frame-ancestors 'none'.
            response.headers["Content-Security-Policy"] = response.headers["Content-Security-Policy"].replace(
                "frame-ancestors 'none'", "frame-ancestors 'self'"
            )
        response.headers.setdefault("Permissions-Policy", settings.BEACON_PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if not request.path.startswith(settings.STATIC_URL):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
