"""Wagtail's users app with Beacon's user screens (user_admin.py). Installed in place of "wagtail.users" in
config/settings/base.py: Wagtail 8 takes its user viewset from this app config."""

from wagtail.users.apps import WagtailUsersAppConfig


class BeaconUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "beacon.accounts.user_admin.UserViewSet"
