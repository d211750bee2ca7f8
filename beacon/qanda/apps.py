from django.apps import AppConfig


class QandAConfig(AppConfig):
    name = "beacon.qanda"
    label = "qanda"
