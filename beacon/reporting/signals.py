"""Signals other apps listen to.

`report_submitted(sender=Report, report=report)` is sent inside the transaction that stores a new
report, so a receiver (the triage app links reports by their blind indexes) commits or rolls back with it.
"""

from django.dispatch import Signal

report_submitted = Signal()
