from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "beacon.events"
    label = "events"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import pagecache
        from .models import Event

        post_save.connect(pagecache.forget_generation, sender=Event, dispatch_uid="events-pagecache-save")
        post_delete.connect(pagecache.forget_generation, sender=Event, dispatch_uid="events-pagecache-delete")
