import base64
from urllib.parse import quote, urlsplit

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user
from django_otp import login as otp_login

from . import services
from .forms import PasswordCheckForm, TokenForm

# The id of the authenticator this session is setting up. Its key is shown to this session only, and each
# sign-in starts with none (apps.py), so a key someone else saw is never the one the owner confirms.
PENDING_DEVICE_KEY = "beacon_pending_totp_device"


def pending_device(request):
    """The authenticator this sign-in is setting up: the one it was shown, or a new one (kept in its session)."""
    device = services.totp_device_pending(
        user=request.user, device_id=request.session.get(PENDING_DEVICE_KEY)
    )
    request.session[PENDING_DEVICE_KEY] = device.pk
    return device


def _next_url(request) -> str:
    """Where to go once signed in: a path on this site, or the admin. A `next` that is not a path (a bare word
    such as "-1", which `redirect()` would look up as a URL name) never gets here: LocalNextMiddleware drops it."""
    target = request.POST.get("next") or request.GET.get("next") or "/admin/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return "/admin/"
    return target


def is_local_path(value: str) -> bool:
    return value.startswith("/") and not value.startswith(("//", "/\\"))


def _page_the_form_was_on(request) -> str:
    """The page on this site that sent the form (its Referer, without scheme and host), or else the address the
    form was sent to. Never the sign-in or sign-out pages, and never another site."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        page = parts.path + (f"?{parts.query}" if parts.query else "")
        if is_local_path(page) and not page.startswith(("/admin/login/", "/admin/logout/")):
            return page
    page = request.get_full_path()
    return page if is_local_path(page) else "/admin/"


def idle_time() -> str:
    minutes = max(1, round(settings.BEACON_STAFF_IDLE_SECONDS / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def sign_in_again_url(page: str) -> str:
    return f"/admin/login/?next={quote(page)}"


def sent_after_sign_out(request):
    """Answers a form sent after the staff idle time-out (StaffSessionMiddleware has just signed the person out).

    What was sent is neither shown again nor kept: the time-out is there for a desk left unattended, and
    whoever is at it now may not be the person who wrote it."""
    back_to = _page_the_form_was_on(request)
    return render(
        request,
        "accounts/signed_out.html",
        {"sent": True, "idle": idle_time(), "sign_in_url": sign_in_again_url(back_to)},
        status=403,
    )


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=12)
    return image.to_string(encoding="unicode")


@never_cache
def sign_in(request):
    """Where Wagtail sends someone a private page refused (WAGTAIL_FRONTEND_LOGIN_URL; its own password-only
    /_util/login/ leads here too): the staff sign-in, then the second step, then the page. Outside /admin/ and
    /account/ a session that has not passed the second step counts as signed out (StaffSessionMiddleware), so
    a person who has passed both and is still sent here is not in a group the page is for."""
    target = _next_url(request)
    if not request.user.is_authenticated:
        return redirect_to_login(target, settings.LOGIN_URL)
    if not request.user.is_verified():
        return redirect(f"/account/two-factor/verify/?next={quote(target)}")
    raise PermissionDenied


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """First sign-in: every staff account must add an authenticator before it can do anything else."""
    if services.has_second_factor(user=request.user):
        return redirect(f"/account/two-factor/verify/?next={_next_url(request)}")
    device = pending_device(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = services.totp_device_confirm(
            user=request.user, device_id=device.pk, token=form.cleaned_data["token"]
        )
        if confirmed is not None:
            del request.session[PENDING_DEVICE_KEY]
            otp_login(request, confirmed)
            codes = services.recovery_codes_issue(user=request.user)
            return render(
                request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)}
            )
        form.add_error(
            "token", "The code is not right. Check the time on your phone is correct and try the newest code"
        )
    secret_b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": secret_b32,
            "next": _next_url(request),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    if not services.has_second_factor(user=request.user):
        return redirect(f"/account/two-factor/setup/?next={_next_url(request)}")
    if request.user.is_verified():
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        for device in devices_for_user(request.user, confirmed=True):
            if device.verify_is_allowed()[0] and device.verify_token(
                services.second_factor_candidate(device, token)
            ):
                otp_login(request, device)
                return redirect(_next_url(request))
        form.add_error("token", "The code is not right, or it has expired. Enter the newest code")
    return render(request, "accounts/verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    if not request.user.is_verified():
        return redirect(f"/account/two-factor/verify/?next={request.path}")
    form = PasswordCheckForm(request.POST if request.method == "POST" else None, request=request)
    if request.method == "POST" and form.is_valid():
        codes = services.recovery_codes_issue(user=request.user)
        return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/admin/"})
    return render(request, "accounts/recovery_codes_confirm.html", {"form": form})
