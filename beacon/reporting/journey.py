"""A reporting journey in progress, held server-side in the visitor's Django session.

The session holds the answers per page and a random token naming the files held for this journey in
`PendingUpload`. Nothing is put in the browser's storage: the browser holds only the session cookie.
Sessions end after 60 idle minutes (SESSION_COOKIE_AGE), on quick exit (/leave flushes the session and
the files go with it, see signals.py), and when the report is sent (the session key is changed and the journey is removed).
"""

import time

from . import services

KEY = "report_journey"
DONE_KEY = "report_done"
# How often a journey with files marks them as still in use (pending_uploads_purge deletes files untouched
# for SESSION_COOKIE_AGE + 10 minutes, so they always outlive the session).
PENDING_TOUCH_SECONDS = 5 * 60


class Journey:
    def __init__(self, session, data: dict):
        self.session = session
        self.data = data

    @classmethod
    def load(cls, session) -> "Journey | None":
        data = session.get(KEY)
        return cls(session, data) if isinstance(data, dict) else None

    @classmethod
    def begin(cls, session) -> "Journey":
        data = {"answers": {}, "token": services.pending_token_new(), "uploads": []}
        session[KEY] = data
        return cls(session, data)

    @property
    def answers(self) -> dict:
        return self.data["answers"]

    @property
    def token(self) -> str:
        return self.data.get("token", "")

    @property
    def uploads(self) -> list[dict]:
        return self.data.setdefault("uploads", [])

    def save(self) -> None:
        self.session[KEY] = self.data
        self.session.modified = True

    def set_answer(self, slug: str, value) -> None:
        self.answers[slug] = value
        self.save()

    def forget(self, slug: str) -> None:
        self.answers.pop(slug, None)
        self.save()

    def keep_files(self) -> None:
        """The reporter is on a page of the journey: keep their files from being purged as abandoned (one
        UPDATE every PENDING_TOUCH_SECONDS, and only for a journey that has files)."""
        if not self.uploads:
            return
        now = int(time.time())
        if now - self.data.get("files_touched", 0) >= PENDING_TOUCH_SECONDS:
            services.pending_uploads_touch(token=self.token)
            self.data["files_touched"] = now
            self.save()

    def end(self) -> None:
        """Forget the journey and any files held for it (none to look for if no file was ever added)."""
        if self.data.get("uploads_seen"):
            services.pending_uploads_discard(token=self.token)
        self.session.pop(KEY, None)
        self.session.modified = True


def forget_on_quick_exit(sender, session, **kwargs) -> None:
    """Quick exit (beacon.core.signals.quick_exit): the journey's files are deleted with its answers."""
    journey = Journey.load(session)
    if journey is not None:
        journey.end()
