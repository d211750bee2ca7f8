"""The site shell's own pages: quick exit, health check, static information pages and error pages."""

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import signals

logger = logging.getLogger(__name__)


@never_cache
def leave(request):
    """Quick exit without JavaScript: forget the visitor, tell the browser to clear what it holds, go."""
    if hasattr(request, "session"):
        signals.quick_exit.send(sender=None, session=request.session)  # files held outside the session go too
        request.session.flush()  # discards any half-finished report answers held for this visitor
    response = HttpResponseRedirect(settings.BEACON_NEUTRAL_URL)
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        logger.warning("health check: database unreachable")
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def static_page(template_name: str, title: str):
    @require_safe
    def view(request):
        return render(request, template_name, {"page_title": title})

    view.__name__ = template_name.rsplit("/", 1)[-1].removesuffix(".html").replace("-", "_")
    return view


def _lasting(seconds: int) -> str:
    """A duration in words, in the largest unit that fits twice ("60 minutes", "7 days")."""
    for unit, size in (("year", 365 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= 2 * size or (unit == "minute" and seconds >= size):
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


@require_safe
def privacy(request):
    """The privacy notice, with the periods personal data is kept for taken from the settings."""
    context = {
        "page_title": "Privacy notice",
        "qanda_original_days": settings.BEACON_QANDA_ORIGINAL_DAYS,
        "qanda_reply_days": settings.BEACON_QANDA_REPLY_ADDRESS_DAYS,
        "workshop_contact_days": settings.BEACON_EVENTS_WORKSHOP_CONTACT_DAYS,
        "workshop_undecided_days": settings.BEACON_EVENTS_WORKSHOP_UNDECIDED_DAYS,
        "outcome_notes_days": settings.BEACON_EVENTS_OUTCOME_NOTES_DAYS,
        "backup_days": settings.BEACON_BACKUP_DAYS,
        "data_protection_email": settings.BEACON_DATA_PROTECTION_EMAIL,
    }
    return render(request, "core/privacy.html", context)


@require_safe
def cookies(request):
    """The cookies page, naming and timing each cookie from the settings so that it cannot drift from them."""
    idle = f"{_lasting(settings.SESSION_COOKIE_AGE)} without use"
    if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE:
        session_ends = f"When you close your browser, or after {idle}"
    else:
        session_ends = f"After {idle}"
    csrf_age = settings.CSRF_COOKIE_AGE
    csrf_ends = "When you close your browser" if csrf_age is None else f"After {_lasting(csrf_age)}"
    context = {
        "page_title": "Cookies",
        "session_cookie": {"name": settings.SESSION_COOKIE_NAME, "ends": session_ends},
        "csrf_cookie": {"name": settings.CSRF_COOKIE_NAME, "ends": csrf_ends},
    }
    return render(request, "core/cookies.html", context)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """Rendered without a request context, so it works when the database does not."""
    template = loader.get_template("500.html")
    return HttpResponse(template.render({"BEACON_FORCE_NAME": settings.BEACON_FORCE_NAME}), status=500)


# Public forms whose answers a visitor can send again after a CSRF failure (staff pages never).
RESENDABLE_PATHS = ("/feedback/", "/report/", "/events/", "/qanda/")
RESEND_MAX_FIELDS = 200


@never_cache
def csrf_failure(request, reason=""):
    """A form refused for want of its CSRF cookie or token: usually a phone that closed the browser and
    reopened the tab, which loses the browser-session cookie. Going back and reloading would lose what the
    visitor wrote, so when the form came from this site's own page (its Origin, or else its Referer, is ours:
    no other site can have sent it), the page holds the answers as they were sent, with a fresh token, for
    the visitor to send again themselves. Nothing is saved, or acted on, until they do."""
    fields = _resendable_fields(request)
    context = {"fields": fields, "files_dropped": bool(fields is not None and request.FILES)}
    return render(request, "403_csrf.html", context, status=403)


def _resendable_fields(request) -> list[tuple[str, str]] | None:
    if request.method != "POST" or not request.path.startswith(RESENDABLE_PATHS) or not _same_origin(request):
        return None
    try:
        fields = [
            (name, value)
            for name, values in request.POST.lists()
            if name != "csrfmiddlewaretoken"
            for value in values
        ]
    except Exception:  # noqa: BLE001 - a body Django will not parse (too many fields, bad encoding): no resend
        return None
    return fields if len(fields) <= RESEND_MAX_FIELDS else None


def _same_origin(request) -> bool:
    own = f"{request.scheme}://{request.get_host()}"
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None:
        return origin == own
    referer = request.META.get("HTTP_REFERER", "")
    return referer.startswith(own + "/")
