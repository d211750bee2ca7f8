from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "beacon.content"
    label = "content"

    def ready(self):
        from . import cache, rich_text, services, tasks

        cache.connect_signals()
        rich_text.register_hooks()
        services.connect_signals()
        tasks.connect_signals()
