from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    from .roles import roles_sync

    roles_sync()


class AccountsConfig(AppConfig):
    name = "beacon.accounts"
    label = "accounts"

    def ready(self):
        post_migrate.connect(_sync_roles, dispatch_uid="beacon.accounts.roles_sync")
