from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "beacon.content"
    label = "content"

    def ready(self):
        from . import cache, services, tasks

        cache.connect_signals()
        services.connect_signals()
        tasks.connect_signals()
