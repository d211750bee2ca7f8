"""Noticing an upload cut short.

When a connection drops in the middle of a file, the request body can still end cleanly for the server (a proxy
that buffered it, or a Content-Length that matches what arrived). Django's multipart parser then leaves the
unfinished file out of `request.FILES` and calls each upload handler's `upload_interrupted()`: without a
handler that listens, the page would carry on as if no file had been chosen, and the reporter would believe
their photo was sent. `InterruptionWatcher` runs first among the upload handlers, passes every chunk on
untouched, and marks the request; views that take files call `upload_was_cut(request)`.
"""

from django.core.files.uploadhandler import FileUploadHandler


class InterruptionWatcher(FileUploadHandler):
    def receive_data_chunk(self, raw_data, start):
        return raw_data  # the next handler keeps the data

    def file_complete(self, file_size):
        return None  # the next handler makes the file

    def upload_interrupted(self):
        self.request.beacon_upload_cut = True


def upload_was_cut(request) -> bool:
    """Whether a file in this request's body ended before its closing boundary (the body was cut short)."""
    if request.method != "POST":
        return False
    request.FILES  # noqa: B018 - parsing the body is what calls the handlers
    return getattr(request, "beacon_upload_cut", False)
