"""Signals other apps listen to.

`report_submitted(sender=Report, report=report)` is sent by the back-office task worker soon after a new report
has been stored, once its identifiers' blind indexes are written (`tasks.report_index`, enqueued in the
transaction that stores the report, so it runs if and only if the report exists), inside a transaction of its
own: a receiver (the triage app links reports by their blind indexes) commits or rolls back as a whole, and the
reporter never waits for it. Receivers must be idempotent: a task can run again after a crash.
"""

from django.dispatch import Signal

report_submitted = Signal()
