from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "beacon.content"
    label = "content"

    def ready(self):
        from . import cache, tasks

        cache.connect_signals()
        tasks.connect_signals()
