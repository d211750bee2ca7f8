from django.apps import AppConfig
from django.core import checks


class ContentConfig(AppConfig):
    name = "beacon.content"
    label = "content"

    def ready(self):
        from . import cache, origin, rich_text, services, tasks

        cache.connect_signals(self)
        origin.connect_signals(self)
        checks.register(origin.check_base_url)
        rich_text.register_hooks()
        services.connect_signals()
        tasks.connect_signals()
