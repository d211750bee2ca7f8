"""The test suite: fast hashing, tasks run at once, static files from the finders."""

import atexit
import os
import shutil
import tempfile

from beacon.reporting.crypto import generate_keys

from .base import *  # noqa: F403
from .base import STORAGES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
AXES_ENABLED = True
BEACON_DEMO_DATA = True
WHITENOISE_AUTOREFRESH = True  # serve from the finders; no collectstatic before tests

# A fresh key pair for each test run: nothing real is ever encrypted with a key kept in the repository.
_keys = generate_keys()
BEACON_REPORT_PUBLIC_KEY = _keys["BEACON_REPORT_PUBLIC_KEY"]
BEACON_RECEIPT_KEY = _keys["BEACON_RECEIPT_KEY"]
BEACON_REPORT_PRIVATE_KEY = _keys["BEACON_REPORT_PRIVATE_KEY"]
BEACON_BLIND_INDEX_KEY = _keys["BEACON_BLIND_INDEX_KEY"]

# A file, not memory, for the SQLite test database: the browser tests' live server answers requests from
# several threads, and an in-memory database would be one connection shared between them. One file per
# process, so that test runs side by side do not meet.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import os as _os

    DATABASES["default"]["TEST"] = {"NAME": f"/tmp/beacon-test-{_os.getpid()}.sqlite3"}  # noqa: F405, S108

# The rate limits' counts in a folder of this run's own (in memory where there is /dev/shm), whatever CACHE_URL
# says, so that test runs side by side do not share counts; removed when the run ends.
_throttle_folder = tempfile.mkdtemp(
    prefix="beacon-test-throttle-",
    dir="/dev/shm" if os.path.isdir("/dev/shm") else None,  # noqa: S108
)
atexit.register(shutil.rmtree, _throttle_folder, ignore_errors=True)
CACHES = {  # noqa: F405
    **CACHES,  # noqa: F405
    "throttle": {
        "BACKEND": "beacon.core.cache.SharedMemoryCache",
        "LOCATION": os.path.join(_throttle_folder, "throttle.sqlite3"),
    },
}
