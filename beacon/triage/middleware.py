"""Sealed content the back office cannot open is a page that says why, not a server error.

It happens when a report, a message, a file or a note was sealed to a key pair whose private key is not in
BEACON_REPORT_PRIVATE_KEY: the old key taken out during a key change before `reports_rekey --check` passed, or a
backup restored from before a key change (docs/deploy.md). Nothing is changed; the log says which page, never
what it holds, so that an administrator can put the key back."""

import logging

from django.shortcuts import render
from nacl.exceptions import CryptoError

logger = logging.getLogger(__name__)


class UnreadableContentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, CryptoError):
            return None
        logger.error(
            "%s %s: sealed content that no key in BEACON_REPORT_PRIVATE_KEY opens",
            request.method,
            request.path,
        )
        return render(request, "triage/unreadable.html", {"page_title": "This cannot be opened"}, status=503)
