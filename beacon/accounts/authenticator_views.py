"""Replacing one's own authenticator app (a new phone, or a lost one after signing in with a recovery code).

The set-up page is for accounts with no authenticator yet; this page is for someone who has passed the second
step (with the app or a recovery code). The new key is set up like the first one (the pending device of this
session, accounts.services) and replaces the old one only once a code from it has been entered.
"""

import base64

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticToken

from . import user_services
from .user_forms import ReplaceAuthenticatorForm
from .views import PENDING_DEVICE_KEY, _qr_svg, pending_device


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def replace(request):
    if not request.user.is_verified():
        return redirect(f"/account/two-factor/verify/?next={request.path}")
    device = pending_device(request)
    form = ReplaceAuthenticatorForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        replaced = user_services.authenticator_replace(
            user=request.user, device_id=device.pk, token=form.cleaned_data["token"]
        )
        if replaced is not None:
            del request.session[PENDING_DEVICE_KEY]
            otp_login(request, replaced)
            update_session_auth_hash(request, request.user)  # this session goes on; the others have ended
            codes_left = StaticToken.objects.filter(device__user=request.user).count()
            return render(request, "accounts/replaced.html", {"codes_left": codes_left})
        form.add_error(
            "token", "The code is not right. Check the time on your phone is correct and try the newest code"
        )
    return render(
        request,
        "accounts/replace.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": base64.b32encode(device.bin_key).decode().rstrip("="),
        },
    )
