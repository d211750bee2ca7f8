"""What accounts adds to the Wagtail admin."""

from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.widgets.button import Button

from . import user_services
from .user_admin import StaffAssignRoleBulkAction, StaffSetActiveStateBulkAction

# In place of Wagtail's own actions of the same type (the registry keeps the last one registered; order=1 puts
# these after wagtail.users' hooks): roles only within what the person may give, and an audit row per change.
hooks.register("register_bulk_action", StaffAssignRoleBulkAction, order=1)
hooks.register("register_bulk_action", StaffSetActiveStateBulkAction, order=1)


@hooks.register("register_user_listing_buttons")
def reset_second_factor_button(user, request_user):
    if user_services.second_factor_resettable(actor=request_user, user=user):
        yield Button(
            "Reset two-factor sign-in",
            url=reverse("wagtailusers_users:reset_two_factor", args=[user.pk]),
            icon_name="key",
            priority=50,
        )


# On the person's own account page (/admin/account/), under "More actions".
@hooks.register("register_account_menu_item")
def replace_authenticator_item(request):
    return {
        "url": reverse("accounts:two_factor_replace"),
        "label": "Replace your authenticator app",
        "help_text": "If you have a new phone or lost your old one. You need your password and the new app.",
    }


@hooks.register("register_account_menu_item")
def recovery_codes_item(request):
    return {
        "url": reverse("accounts:recovery_codes"),
        "label": "Get new recovery codes",
        "help_text": "Codes to sign in with if you lose your phone. Your old codes stop working.",
    }


# The warning before the idle time-out, on every admin page (Beacon's /account/ pages load it from
# accounts/staff_base.html). Files of our own, as the Content-Security-Policy allows no inline script or style.
@hooks.register("insert_global_admin_css")
def timeout_warning_css():
    return format_html('<link rel="stylesheet" href="{}">', static("accounts/timeout-warning.css"))


@hooks.register("insert_global_admin_js")
def timeout_warning_js():
    return render_to_string("accounts/includes/timeout_warning.html")
