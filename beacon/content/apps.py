from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "beacon.content"
    label = "content"
