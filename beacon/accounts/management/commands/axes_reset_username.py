"""django-axes' `axes_reset_username`, audited: an unlock from the command line is written to the audit log as the
admin screen's is (user.unlock), with "system" as the actor and the number of wrong passwords forgotten."""

from axes.management.commands.axes_reset_username import Command as AxesCommand
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum

from beacon.core.services import audit_record


class Command(AxesCommand):
    help = "Unlock accounts locked after wrong passwords: forget every wrong password counted for these user names (audited)"

    def handle(self, *args, **options):
        total = 0
        for username in options["username"]:
            with transaction.atomic():
                attempts = AccessAttempt.objects.filter(username=username)
                failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
                removed = attempts.delete()[0]
                if removed:
                    user = get_user_model().objects.filter(username=username).first()
                    audit_record(
                        actor=None,
                        action="user.unlock",
                        object_type="user",
                        object_id=user.pk if user else "",
                        detail={"username": username, "failures": failures, "from": "command line"},
                    )
            total += removed
        self.stdout.write(f"{total} attempts removed." if total else "No attempts found.")
