from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "beacon.reporting"
    label = "reporting"

    def ready(self):
        from beacon.core.signals import quick_exit

        from .journey import forget_on_quick_exit

        quick_exit.connect(forget_on_quick_exit, dispatch_uid="reporting.forget_on_quick_exit")
