"""Receivers for other apps' signals."""

from .services import reports_link


def link_submitted_report(sender, report, **kwargs):
    """Sent inside the submit transaction: links commit or roll back with the report."""
    reports_link(report=report)
