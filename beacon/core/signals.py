"""Signals the site shell sends for other apps.

`quick_exit(sender=None, session=session)` is sent by the quick exit (/leave) just before the visitor's
session is flushed, so that an app holding something for that visitor outside the session (the reporting
journey's files) deletes it then, not when it would expire.
"""

from django.dispatch import Signal

quick_exit = Signal()
