"""Receivers for other apps' signals."""

from .services import reports_link


def link_submitted_report(sender, report, **kwargs):
    """Sent by the task worker just after a report is stored (beacon.reporting.signals); idempotent."""
    reports_link(report=report)
