"""Production: refuses to start without its secrets (DJANGO_SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL)."""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from beacon.reporting.crypto import key_pair_problem

# Values in .env count as set, as in every other environment (the shared settings read it too).
environ.Env.read_env(Path(__file__).resolve().parent.parent.parent / ".env", overwrite=False)

# WAGTAILADMIN_BASE_URL is where shared links, crawlers and staff emails are sent (beacon.content.origin):
# its development default, 127.0.0.1:8000, would send them nowhere.
for _required in ("DJANGO_SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "WAGTAILADMIN_BASE_URL"):
    if not os.environ.get(_required):
        raise ImproperlyConfigured(f"Production settings need the environment variable {_required}.")

# Without EMAIL_URL, hand mail to the local MTA (the console backend is for development only).
os.environ.setdefault("EMAIL_URL", "smtp://localhost:25")

from .base import *  # noqa: E402, F403
from .base import env  # noqa: E402

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=63072000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
# Behind nginx, which sets X-Forwarded-Proto; gunicorn trusts it only from 127.0.0.1 (see docs/deploy.md).
# nginx also sets X-Real-IP to the visitor's address: without it every visitor would be 127.0.0.1 to the rate
# limits and to the sign-in lock-out. Beacon keeps it only as a keyed hash, in memory, for minutes.
BEACON_CLIENT_ADDRESS_HEADER = env("BEACON_CLIENT_ADDRESS_HEADER", default="HTTP_X_REAL_IP")
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    (BEACON_CLIENT_ADDRESS_HEADER, "REMOTE_ADDR") if BEACON_CLIENT_ADDRESS_HEADER else ("REMOTE_ADDR",)
)

# Report keys (docs/deploy.md). Every process seals reports and makes or checks receipt codes. The back office
# (its app servers and the task workers) also reads reports and indexes their identifiers, with the private key
# and the blind-index key, which go together: a public web server holding the blind-index key could test
# guesses ("was this phone number, name or postcode reported?") against every report.
if not BEACON_REPORT_PUBLIC_KEY or not BEACON_RECEIPT_KEY:  # noqa: F405
    raise ImproperlyConfigured("Production settings need BEACON_REPORT_PUBLIC_KEY and BEACON_RECEIPT_KEY.")
if bool(BEACON_REPORT_PRIVATE_KEY) != bool(BEACON_BLIND_INDEX_KEY):  # noqa: F405
    raise ImproperlyConfigured(
        "BEACON_REPORT_PRIVATE_KEY and BEACON_BLIND_INDEX_KEY go together, on back-office processes only (the "
        "back office's app servers and the task workers). Give a public web server neither."
    )
if BEACON_RECEIPT_KEY == BEACON_BLIND_INDEX_KEY:  # noqa: F405
    raise ImproperlyConfigured(
        "BEACON_RECEIPT_KEY must not be the blind-index key: the public web servers hold it. Make a new one "
        "(manage.py beacon_keys)."
    )
if _key_problem := key_pair_problem(BEACON_REPORT_PUBLIC_KEY, BEACON_REPORT_PRIVATE_KEY):  # noqa: F405
    raise ImproperlyConfigured(_key_problem)

WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
