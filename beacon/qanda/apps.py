from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_answers_workflow(sender, **kwargs):
    from .services import answers_workflow_ensure

    answers_workflow_ensure()


def _schedule_mailbox_reads(sender, **kwargs):
    # Like the triage purge, the mailbox read books itself on the task queue; every migrate (so every
    # deploy) makes sure a read is waiting. It does nothing when no mailbox is configured.
    from .tasks import schedule_fetch

    schedule_fetch()


class QandAConfig(AppConfig):
    name = "beacon.qanda"
    label = "qanda"
    verbose_name = "Live Q&A"

    def ready(self):
        # After the roles exist (beacon.accounts syncs them on every app's post_migrate, and accounts
        # comes first), give published answers their approval workflow once.
        post_migrate.connect(
            _ensure_answers_workflow, sender=self, dispatch_uid="beacon.qanda.answers_workflow"
        )
        post_migrate.connect(_schedule_mailbox_reads, sender=self, dispatch_uid="beacon.qanda.schedule_fetch")
