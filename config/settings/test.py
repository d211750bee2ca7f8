"""The test suite: fast hashing, tasks run at once, static files from the finders."""

from beacon.reporting.crypto import generate_keys

from .base import *  # noqa: F403
from .base import STORAGES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
AXES_ENABLED = True
WHITENOISE_AUTOREFRESH = True  # serve from the finders; no collectstatic before tests

# A fresh key pair for each test run: nothing real is ever encrypted with a key kept in the repository.
_keys = generate_keys()
BEACON_REPORT_PUBLIC_KEY = _keys["BEACON_REPORT_PUBLIC_KEY"]
BEACON_REPORT_PRIVATE_KEY = _keys["BEACON_REPORT_PRIVATE_KEY"]
BEACON_BLIND_INDEX_KEY = _keys["BEACON_BLIND_INDEX_KEY"]

# A file, not memory, for the SQLite test database: the browser tests' live server answers requests from
# several threads, and an in-memory database would be one connection shared between them. One file per
# process, so that test runs side by side do not meet.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import os as _os

    DATABASES["default"]["TEST"] = {"NAME": f"/tmp/beacon-test-{_os.getpid()}.sqlite3"}  # noqa: F405, S108
