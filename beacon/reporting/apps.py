from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "beacon.reporting"
    label = "reporting"
