from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _schedule_purge(sender, **kwargs):
    from .tasks import purge_schedule_ensure

    purge_schedule_ensure()


class TriageConfig(AppConfig):
    name = "beacon.triage"
    label = "triage"

    def ready(self):
        from beacon.reporting.signals import report_submitted

        from .signals import link_submitted_report

        report_submitted.connect(link_submitted_report, dispatch_uid="beacon.triage.link_submitted_report")
        post_migrate.connect(_schedule_purge, sender=self, dispatch_uid="beacon.triage.schedule_purge")
