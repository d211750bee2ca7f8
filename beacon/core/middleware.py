"""Response headers that Django's own settings do not cover."""

from django.conf import settings
from django.http import Http404, QueryDict


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


class StripNulMiddleware:
    """Removes NUL characters from query parameters before any view sees them, and answers "not found" for an
    address with one in its path.

    A NUL is never meaningful in a filter, a search term or an address, PostgreSQL cannot hold one in a text
    value (psycopg raises DataError, so a path part looked up in the database would be a 500), and it is a
    common probe. Forms refuse it with a message of their own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404("No page has a NUL character in its address")
        if "%00" in request.META.get("QUERY_STRING", "") or any("\x00" in k for k in request.GET):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)


def _is_local_path(value: str) -> bool:
    return value.startswith("/") and not value.startswith(("//", "/\\"))


class LocalNextMiddleware:
    """Drops a `next` parameter that is not a path on this site before any view sees it.

    Wagtail's admin views (sign-in, lock, unlock, unschedule, workflow actions…) pass `next` to Django's
    `redirect()` once `url_has_allowed_host_and_scheme` accepts it, and that accepts a bare word such as "-1":
    `redirect()` then looks it up as a URL name and fails with a 500. Without the parameter they go where they
    would have gone anyway. Query strings are cleaned everywhere; form bodies only on the staff pages
    (/admin/, /account/), where the CSRF check reads the body anyway: the public forms' bodies are size-checked
    before anything reads them (beacon.core.limits.body_limit).
    """

    STAFF_PATHS = ("/admin/", "/account/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "next" in request.GET and not all(_is_local_path(v) for v in request.GET.getlist("next")):
            cleaned = request.GET.copy()
            del cleaned["next"]
            cleaned._mutable = False
            request.GET = cleaned
        if request.method == "POST" and request.path.startswith(self.STAFF_PATHS):
            values = request.POST.getlist("next")
            if values and not all(_is_local_path(v) for v in values):
                cleaned = request.POST.copy()
                del cleaned["next"]
                cleaned._mutable = False
                request.POST = cleaned
        return self.get_response(request)
