from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    from .roles import roles_sync

    roles_sync()


def _forget_pending_authenticator(sender, request, user, **kwargs):
    """Each sign-in is shown a new key on the set-up page, even in a browser that set one up before."""
    from .views import PENDING_DEVICE_KEY

    session = getattr(request, "session", None)
    if session is not None:
        session.pop(PENDING_DEVICE_KEY, None)


class AccountsConfig(AppConfig):
    name = "beacon.accounts"
    label = "accounts"

    def ready(self):
        post_migrate.connect(_sync_roles, dispatch_uid="beacon.accounts.roles_sync")
        user_logged_in.connect(_forget_pending_authenticator, dispatch_uid="beacon.accounts.pending_key")
