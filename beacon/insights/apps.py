from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "beacon.insights"
    label = "insights"
