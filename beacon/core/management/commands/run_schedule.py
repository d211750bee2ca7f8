"""Run Beacon's periodic jobs that do not book themselves on the task queue (BEACON_SCHEDULE).

`make run` starts this beside the task worker. In production use one instance of it (or systemd timers /
cron running the same management commands); see docs/deploy.md. The jobs and their intervals are the
BEACON_SCHEDULE setting: (management command, seconds between runs). A failing job is logged and retried at
its next turn; it never stops the others.
"""

import logging
import signal
import time

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

logger = logging.getLogger("beacon.schedule")


class Command(BaseCommand):
    help = "Run the periodic jobs in BEACON_SCHEDULE until stopped (or once each with --once)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once, then exit.")

    def handle(self, *args, once=False, **options):
        available = get_commands()
        jobs = [(name, seconds) for name, seconds in settings.BEACON_SCHEDULE if name in available]
        for name, _ in settings.BEACON_SCHEDULE:
            if name not in available:
                logger.warning("scheduled job %s is not a management command; skipped", name)
        stopping = []
        signal.signal(signal.SIGTERM, lambda *a: stopping.append(True))
        due = dict.fromkeys((name for name, _ in jobs), 0.0)
        while not stopping:
            now = time.monotonic()
            for name, seconds in jobs:
                if now >= due[name]:
                    self.run_job(name)
                    due[name] = now + seconds
            if once:
                return
            time.sleep(1)

    def run_job(self, name: str) -> None:
        try:
            call_command(name, stdout=self.stdout, stderr=self.stderr)
        except Exception:  # one failing job must not stop the others
            logger.exception("scheduled job %s failed", name)
