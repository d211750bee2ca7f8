from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "beacon.triage"
    label = "triage"
