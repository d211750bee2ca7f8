"""Settings shared by every environment. Each value comes from the environment (see .env.example)."""

import hashlib
import tempfile
from pathlib import Path

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="beacon-development-only-key-not-for-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    # Beacon (before Wagtail and Django so our templates win)
    "beacon.core",
    "beacon.accounts",
    "beacon.content",
    "beacon.reporting",
    "beacon.triage",
    "beacon.events",
    "beacon.qanda",
    "beacon.insights",
    "beacon.feedback",
    # Wagtail (without embeds, search promotions, form pages and translation: Beacon fetches nothing from
    # other sites, and its forms are Django forms)
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.sites",
    "beacon.accounts.users_app.BeaconUsersAppConfig",  # "wagtail.users" with Beacon's user screens
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Security and tasks
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks_db",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django.forms",  # Django's own form templates, for the TemplatesSetting renderer
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "beacon.core.middleware.SecurityHeadersMiddleware",
    "beacon.core.middleware.StripNulMiddleware",
    "beacon.core.middleware.LocalNextMiddleware",
    "beacon.core.admin_params.AdminParamsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "beacon.core.sessions.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "beacon.accounts.middleware.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "beacon.triage.middleware.UnreadableContentMiddleware",
    "axes.middleware.AxesMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "beacon" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "beacon.core.context_processors.beacon",
            ],
            "builtins": ["beacon.core.templatetags.beacon", "django.templatetags.static"],
        },
    }
]
# Form templates come from the template engines (so Beacon's GOV.UK field templates in beacon/templates/components/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'beacon.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Any manage.py command may open the database (system checks probe SQLite's JSON support), so the
    # directory must exist even on a fresh clone before `make setup` has run.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers and one writer work side by side; IMMEDIATE takes the write lock at BEGIN so
    # concurrent writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
            " PRAGMA cache_size=-65536;"  # 64 MB page cache: the triage queue at 1M reports needs it
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # Opening a SQLite connection (and running the PRAGMAs) costs ~4 ms: keep it between requests.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
else:
    # Keep connections open: opening one per request costs about 7x the throughput on PostgreSQL.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "beacon",
    }
}
if env("CACHE_URL", default=""):
    CACHES["default"] = env.cache("CACHE_URL")
# The `throttle` cache holds the rate limits' counts (beacon.core.cache.throttle_cache), under keyed hashes of
# clients' addresses that may stay in memory for minutes but never in the database, on disk or in the logs.
# Every process serving requests must share it, or a limit of N lets N through each gunicorn worker. With
# CACHE_URL (needed with several app servers) it is that cache server; otherwise a SQLite file in /dev/shm
# (RAM, emptied at reboot) that every process on this machine opens, named after this checkout and its
# database so that two Beacons on one machine keep apart.
if env("CACHE_URL", default=""):
    CACHES["throttle"] = env.cache("CACHE_URL")
    # The same server as the default cache: a key prefix of its own keeps the counts apart from it.
    CACHES["throttle"]["KEY_PREFIX"] = ":".join(
        p for p in (CACHES["throttle"].get("KEY_PREFIX"), "throttle") if p
    )
else:
    _folder = Path("/dev/shm")  # noqa: S108 (tmpfs; beacon.core.cache makes the file owner-only)
    if not _folder.is_dir():  # not Linux: a development machine
        _folder = Path(tempfile.gettempdir())
    _this_site = hashlib.sha256(f"{BASE_DIR}|{DATABASES['default']['NAME']}".encode()).hexdigest()[:12]
    CACHES["throttle"] = {
        "BACKEND": "beacon.core.cache.SharedMemoryCache",
        # BEACON_THROTTLE_FILE names the file instead (the benchmarks give each server its own, then delete it).
        "LOCATION": env(
            "BEACON_THROTTLE_FILE", default=str(_folder / f"beacon-throttle-{_this_site}.sqlite3")
        ),
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"

# Lock out after repeated failed sign-ins (django-axes, beacon.accounts.lockout). 5 for a user name from one
# address lock that address out of the account; 20 for a user name from all addresses together lock the
# account, except from addresses it has signed in from before. Each lock ends after an hour; someone who
# manages accounts can unlock one sooner (Settings → Users → Locked accounts, docs/staff-sign-in.md).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
BEACON_ACCOUNT_FAILURE_LIMIT = env.int("BEACON_ACCOUNT_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "beacon.accounts.lockout.StaffLockoutHandler"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # only passwords checked count; a lock ends on time
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# django-axes' records of staff sign-ins and wrong passwords (user name, address, browser) are deleted this many
# days after the try, and its counts of wrong passwords once they no longer count towards a lock (`manage.py
# accounts_purge`, hourly from run_schedule). Only sign-ins in this window make an address one an account "has
# signed in from before".
BEACON_SIGN_IN_RECORDS_DAYS = env.int("BEACON_SIGN_IN_RECORDS_DAYS", default=90)
# How long backups are kept (manage.py backup_database --prune; the privacy notice says so): what Beacon has
# deleted stays in them until then.
BEACON_BACKUP_DAYS = env.int("BEACON_BACKUP_DAYS", default=30)

# Sessions: the public reporting journey keeps answers for 60 idle minutes; staff sessions end after
# 30 idle minutes (beacon.accounts.middleware.StaffSessionMiddleware).
SESSION_COOKIE_AGE = 60 * 60
SESSION_ENGINE = "beacon.core.sessions"
# Idle expiry slides without a write per request: a session is re-saved when it changed, or when its stored
# expiry lags a full SESSION_COOKIE_AGE by more than SESSION_TOUCH_SECONDS (beacon.core.sessions).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = 60
# The journey's pages warn this long before a reporter's answers are deleted (core/timeout-warning.js).
BEACON_REPORT_IDLE_WARNING_SECONDS = 2 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Both cookies are browser-session cookies (no Max-Age or Expires): closing the browser deletes them, so a
# shared family device keeps no cookie from a visit. The answers held server-side still end after
# SESSION_COOKIE_AGE idle seconds. Staff sign-ins already end with the browser unless Wagtail's "remember
# me" is ticked. The cookies page (/cookies/) describes both from these settings.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_AGE = None
BEACON_STAFF_IDLE_SECONDS = env.int("BEACON_STAFF_IDLE_SECONDS", default=30 * 60)
BEACON_STAFF_IDLE_WARNING_SECONDS = 2 * 60  # staff pages warn this long before (core/timeout-warning.js)
CSRF_FAILURE_VIEW = "beacon.core.views.csrf_failure"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "beacon" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # WhiteNoise's hashed, compressed files, with script modules' imports rewritten to the hashed names too.
    "staticfiles": {"BACKEND": "beacon.core.storage.BeaconStaticStorage"},
}
WHITENOISE_MAX_AGE = 3600

# Request size limits: the reporting journey takes files of up to 20 MB, one per request.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [  # the first only notices a file cut short (beacon/core/uploads.py)
    "beacon.core.uploads.InterruptionWatcher",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400

# Security headers (the rest are in beacon.core.middleware.SecurityHeadersMiddleware).
SECURE_CONTENT_TYPE_NOSNIFF = True
# "same-origin": nothing is sent to other sites. ("no-referrer" would make Chromium send "Origin: null"
# with form POSTs, which Django's CSRF check rightly refuses.)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
BEACON_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)

# Email (Django 6.1 MAILERS): the console in development; production sets EMAIL_URL, e.g.
# smtp+tls://user:password@smtp.example.org:587.
_email = env.email("EMAIL_URL", default="consolemail://")
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": {}}}
if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": _email.get("EMAIL_HOST"),
        "port": _email.get("EMAIL_PORT"),
        "username": _email.get("EMAIL_HOST_USER"),
        "password": _email.get("EMAIL_HOST_PASSWORD"),
        "use_tls": _email.get("EMAIL_USE_TLS", False),
        "use_ssl": _email.get("EMAIL_USE_SSL", False),
        "timeout": 20,
    }
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Beacon <no-reply@beacon.invalid>")
BEACON_TRIAGE_EMAIL = env("BEACON_TRIAGE_EMAIL", default="triage@beacon.invalid")

# Background tasks: Django's tasks on the django-tasks-db backend; `manage.py db_worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Periodic jobs run by `manage.py run_schedule` (started by `make run`): (management command, seconds).
# Jobs that book themselves on the task queue are not listed: scheduled publishing (content.tasks, queued
# for each page's go-live time), the Q&A mailbox (qanda.tasks.fetch_questions_every) and the retention
# purge (triage.tasks.purge_expired_reports, booked daily after migrate).
BEACON_SCHEDULE: list[tuple[str, int]] = [
    # Expired sessions (sealed answers in progress, old staff sign-ins) are deleted, not left in the table;
    # Django's `clearsessions` deletes rows by expiry, which works on the digest-keyed table too.
    ("clearsessions", 15 * 60),
    # django-axes' sign-in records older than BEACON_SIGN_IN_RECORDS_DAYS (beacon.accounts.services).
    ("accounts_purge", 60 * 60),
]

# Wagtail
WAGTAIL_SITE_NAME = "Beacon"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "txt", "xlsx"]
WAGTAILIMAGES_IMAGE_FORM_BASE = "beacon.content.image_forms.ImageForm"  # an unreadable upload is a form error
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no calls to outside services
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no staff avatars from gravatar.com (a third party; img-src 'self')
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILADMIN_LOGIN_URL = "wagtailadmin_login"
# Private pages ("signed-in users", groups) need both sign-in steps (beacon.accounts.middleware): Wagtail
# sends whoever they refuse to Beacon's sign-in step, not to its own password-only form. No page gets a
# shared password: no one owns it, and nothing limits guessing it (docs/staff-sign-in.md).
WAGTAIL_FRONTEND_LOGIN_URL = "/account/sign-in/"
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}

# Report keys (beacon.reporting.crypto, docs/deploy.md). Every process: the public key (to seal reports) and the
# receipt key (to make and check receipt codes). The back office only (its app servers and the task workers):
# the private key (to read reports) and the blind-index key (to index and look up identifiers).
BEACON_REPORT_PUBLIC_KEY = env("BEACON_REPORT_PUBLIC_KEY", default="")
BEACON_RECEIPT_KEY = env("BEACON_RECEIPT_KEY", default="")
BEACON_REPORT_PRIVATE_KEY = env("BEACON_REPORT_PRIVATE_KEY", default="")
BEACON_BLIND_INDEX_KEY = env("BEACON_BLIND_INDEX_KEY", default="")

# Benchmarks (bench/) only: adds two baseline views at /bench/ to measure against in the same run.
BEACON_BENCH_BASELINES = env.bool("BEACON_BENCH_BASELINES", default=False)

# Beacon
BEACON_FORCE_NAME = env("BEACON_FORCE_NAME", default="Nene Valley Police")
# Where the privacy notice tells people to write to use their data protection rights.
BEACON_DATA_PROTECTION_EMAIL = env("BEACON_DATA_PROTECTION_EMAIL", default="data.protection@beacon.invalid")
BEACON_NEUTRAL_URL = env("BEACON_NEUTRAL_URL", default="https://www.bbc.co.uk/weather")
BEACON_PHASE = env("BEACON_PHASE", default="Beta")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # Request lines can carry an address or a path that identifies a reporter: never log them.
        "django.server": {"handlers": [], "propagate": False},
        # Django's default config gives this logger its own handlers, one of them AdminEmailHandler, which
        # emails the request's addresses and user agent (DisallowedHost, oversized posts) once ADMINS is set.
        # No handlers of its own: its records go to the console through the root logger, as all others do.
        "django": {"handlers": [], "level": "INFO"},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "axes": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        # These log a failed email to a member of staff, with their address (in the message or smtplib's exception)
        # or a subject that can hold one.
        "django.contrib.auth": {"filters": ["no_mail_recipients"]},
        "wagtail.admin": {"filters": ["no_mail_recipients"]},
        "beacon.core.mail": {"filters": ["no_mail_recipients"]},  # Wagtail's staff notifications not sent
    },
    "filters": {"no_mail_recipients": {"()": "beacon.core.mail.RecipientFreeMailLog"}},
}

# --- triage ---
# How long a closed report is kept, in days, by its outcome; a daily task then purges it and keeps only a
# statistical row (category, area, month, outcome). Open reports are never purged.
BEACON_RETENTION_DAYS = {
    "intelligence_recorded": env.int("BEACON_RETENTION_INTELLIGENCE_DAYS", default=365),
    "safeguarding_referral": env.int("BEACON_RETENTION_SAFEGUARDING_DAYS", default=730),
    "crime_recorded": env.int("BEACON_RETENTION_CRIME_DAYS", default=365),
    "no_further_action": env.int("BEACON_RETENTION_NFA_DAYS", default=180),
    "duplicate": env.int("BEACON_RETENTION_DUPLICATE_DAYS", default=90),
}
# Response targets: time from receipt to first assessment, by the lowest priority score each applies to
# (immediate danger scores 1000 or more, a child involved 500 or more, linked reports 100 or more).
BEACON_TRIAGE_TARGETS = [
    (1000, env.int("BEACON_TARGET_DANGER_MINUTES", default=15)),
    (500, env.int("BEACON_TARGET_CHILD_MINUTES", default=4 * 60)),
    (100, env.int("BEACON_TARGET_LINKED_MINUTES", default=24 * 60)),
    (-10_000, env.int("BEACON_TARGET_OTHER_MINUTES", default=72 * 60)),
]
# How a THRIVE assessment's overall risk moves a report's priority score.
BEACON_TRIAGE_RISK_PRIORITY = {"high": 200, "medium": 0, "low": -50}
BEACON_TRIAGE_QUEUE_PAGE_SIZE = 50

# --- reporting ---
# Limits and wording for the "report a concern" journey (beacon.reporting).
BEACON_REPORT_MAX_FILES = env.int("BEACON_REPORT_MAX_FILES", default=10)
BEACON_REPORT_MAX_FILE_BYTES = env.int("BEACON_REPORT_MAX_FILE_BYTES", default=20 * 1024 * 1024)
BEACON_REPORT_MAX_IMAGE_PIXELS = env.int("BEACON_REPORT_MAX_IMAGE_PIXELS", default=50_000_000)
BEACON_REPORT_REPLY_MAX_FILES = env.int("BEACON_REPORT_REPLY_MAX_FILES", default=3)
BEACON_REPORT_TEXT_MAX = env.int("BEACON_REPORT_TEXT_MAX", default=5000)  # characters per free-text answer
# What the start page promises about what happens next (plain words, changeable per force).
BEACON_REPORT_RESPONSE_TIME = env(
    "BEACON_REPORT_RESPONSE_TIME",
    default="A member of our team reads every report, usually within 24 hours.",
)
# Rate limits: (attempts per client, attempts in total) per window of seconds. Clients are told apart by a
# keyed hash of their address, kept only in the cache for the window, never in the database or logs.
BEACON_RATE_LIMITS = {
    "submit": (
        env.int("BEACON_REPORT_SUBMIT_PER_CLIENT", default=10),
        env.int("BEACON_REPORT_SUBMIT_GLOBAL", default=2000),
        600,
    ),
    "upload": (
        env.int("BEACON_REPORT_UPLOAD_PER_CLIENT", default=40),
        env.int("BEACON_REPORT_UPLOAD_GLOBAL", default=1000),
        600,
    ),
    "followup": (
        env.int("BEACON_REPORT_FOLLOWUP_PER_CLIENT", default=5),
        env.int("BEACON_REPORT_FOLLOWUP_GLOBAL", default=200),
        900,
    ),
    # Replies sent with a valid receipt code (each one emails the triage team).
    "reply": (
        env.int("BEACON_REPORT_REPLY_PER_CLIENT", default=10),
        env.int("BEACON_REPORT_REPLY_GLOBAL", default=500),
        900,
    ),
    # The beta banner's feedback form (beacon.feedback): each one is a row staff read.
    "feedback": (
        env.int("BEACON_FEEDBACK_PER_CLIENT", default=10),
        env.int("BEACON_FEEDBACK_GLOBAL", default=300),
        900,
    ),
    # School workshop requests (beacon.events): each one emails the address typed in.
    "workshop": (
        env.int("BEACON_EVENTS_WORKSHOP_PER_CLIENT", default=5),
        env.int("BEACON_EVENTS_WORKSHOP_GLOBAL", default=60),
        900,
    ),
    # Q&A questions by the web form (beacon.qanda): the total caps a flood from many addresses.
    "question": (
        env.int("BEACON_QANDA_ASK_PER_CLIENT", default=10),
        env.int("BEACON_QANDA_ASK_GLOBAL", default=500),
        600,
    ),
}
# Which request header holds the visitor's address behind a proxy (e.g. "HTTP_X_REAL_IP"); empty: REMOTE_ADDR.
# Production defaults to X-Real-IP, which the nginx configuration in docs/deploy.md sets.
BEACON_CLIENT_ADDRESS_HEADER = env("BEACON_CLIENT_ADDRESS_HEADER", default="")
# `manage.py seed_demo` creates demo staff with a published password: never on a real site (production).
BEACON_DEMO_DATA = env.bool("BEACON_DEMO_DATA", default=False)
# Files chosen in journeys that were never sent (abandoned, expired, quick exit) are deleted by age.
BEACON_SCHEDULE.append(("reporting_purge_pending", 15 * 60))
# Reports whose identifiers the back office has not indexed yet (its task failed, or was lost) are queued again.
BEACON_SCHEDULE.append(("reports_index", 15 * 60))

# --- events ---
# "Near me" shows upcoming public events within this many miles of the postcode entered.
BEACON_EVENTS_NEAR_ME_MILES = env.float("BEACON_EVENTS_NEAR_ME_MILES", default=25.0)
# Events per calendar feed: every upcoming public one first, then those that ended in the last 30 days.
BEACON_EVENTS_FEED_LIMIT = env.int("BEACON_EVENTS_FEED_LIMIT", default=500)
# Where staff hear about new school workshop requests (empty: nobody is emailed).
BEACON_EVENTS_TEAM_EMAIL = env("BEACON_EVENTS_TEAM_EMAIL", default="")
# Keep the rendered listing page for up to a minute per process; any change to an event shows at once.
BEACON_EVENTS_LIST_CACHE = env.bool("BEACON_EVENTS_LIST_CACHE", default=True)
# A school workshop request's contact name, email, phone and accessibility notes, and the reason staff gave
# for declining it, are deleted this many days after it was decided and its workshop (if any) ended; one
# never decided, this many days after it was sent once the dates it asked for have passed
# (`manage.py events_purge`, hourly). The privacy notice states both.
BEACON_EVENTS_WORKSHOP_CONTACT_DAYS = env.int("BEACON_EVENTS_WORKSHOP_CONTACT_DAYS", default=90)
BEACON_EVENTS_WORKSHOP_UNDECIDED_DAYS = env.int("BEACON_EVENTS_WORKSHOP_UNDECIDED_DAYS", default=180)
# The notes staff write about an event afterwards (free text: they can name a pupil or hold what someone told
# the team) are deleted this many days after they were written or last changed (`manage.py events_purge`,
# hourly); the outcome's figures stay. The privacy notice states it.
BEACON_EVENTS_OUTCOME_NOTES_DAYS = env.int("BEACON_EVENTS_OUTCOME_NOTES_DAYS", default=90)
BEACON_SCHEDULE.append(("events_purge", 60 * 60))

# --- qanda ---
# The Q&A mailbox read by `manage.py fetch_questions` (and the task worker every
# BEACON_QANDA_FETCH_INTERVAL seconds). TLS (IMAP4_SSL) is required unless the host is this machine.
BEACON_QANDA_IMAP_HOST = env("BEACON_QANDA_IMAP_HOST", default="")
BEACON_QANDA_IMAP_PORT = env.int("BEACON_QANDA_IMAP_PORT", default=993)
BEACON_QANDA_IMAP_USER = env("BEACON_QANDA_IMAP_USER", default="")
BEACON_QANDA_IMAP_PASSWORD = env("BEACON_QANDA_IMAP_PASSWORD", default="")
BEACON_QANDA_IMAP_FOLDER = env("BEACON_QANDA_IMAP_FOLDER", default="INBOX")
BEACON_QANDA_IMAP_TLS = env.bool("BEACON_QANDA_IMAP_TLS", default=True)
# The address people send questions to; a session's own address adds "+<slug>" (qanda+slug@…).
BEACON_QANDA_EMAIL_ADDRESS = env("BEACON_QANDA_EMAIL_ADDRESS", default="qanda@beacon.invalid")
BEACON_QANDA_FETCH_INTERVAL = env.int("BEACON_QANDA_FETCH_INTERVAL", default=300)
# Reply addresses (kept only for sessions that allow replies) are deleted this many days after the session's
# end, whatever its state (`manage.py qanda_purge`, hourly from run_schedule). The session page states it.
BEACON_QANDA_REPLY_ADDRESS_DAYS = env.int("BEACON_QANDA_REPLY_ADDRESS_DAYS", default=7)
# A question's words and name as sent are kept for staff until the session's answers are published or this
# many days after the session's end: then an approved question keeps only its published words and name, and
# one never published keeps none (`qanda_purge`). The privacy notice states it.
BEACON_QANDA_ORIGINAL_DAYS = env.int("BEACON_QANDA_ORIGINAL_DAYS", default=30)
BEACON_SCHEDULE.append(("qanda_purge", 60 * 60))

# --- content ---
# Page cache for anonymous visitors (beacon/content/cache.py): only pages the content app marks, only GETs
# without a query string, session cookie or credentials, never a response that sets a cookie or carries a
# CSRF token. Invalidated in the same transaction as any publish, unpublish, move or delete.
BEACON_PAGE_CACHE = env.bool("BEACON_PAGE_CACHE", default=True)
BEACON_PAGE_CACHE_SECONDS = env.int("BEACON_PAGE_CACHE_SECONDS", default=600)
# Models (besides pages and the content snippets) whose changes campaign pages show.
BEACON_PAGE_CACHE_DEPENDENCIES = ["events.Event", "qanda.QandASession"]
# Per-process memory by default; set PAGE_CACHE_URL (e.g. redis://…) to share pages between servers.
CACHES["pages"] = env.cache("PAGE_CACHE_URL", default="locmemcache://beacon-pages")
CACHES["pages"].setdefault("OPTIONS", {})["MAX_ENTRIES"] = 2000
# Pages the cache stores are also written here as files for nginx to serve without reaching Python
# (beacon/content/pagefiles.py, docs/deploy.md). Off unless set; `manage.py page_cache_nginx` prints the
# nginx configuration that serves them, and `page_cache_rollover` (run every minute) follows the date.
BEACON_PAGE_CACHE_DIR = env("BEACON_PAGE_CACHE_DIR", default="")
if BEACON_PAGE_CACHE_DIR:
    BEACON_SCHEDULE.append(("page_cache_rollover", 60))
# Wagtail looks image renditions up in this cache before the database (it keeps it in step itself).
CACHES["renditions"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "beacon-renditions",
}
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "beacon.content.cache.PageCacheMiddleware",
)
MIDDLEWARE.insert(0, "beacon.content.pagefiles.PageFileMiddleware")  # writes pages once all headers are set
# The libraries that parse reporters' files (beacon/reporting/uploads.py) log pieces of them: Pillow every EXIF
# tag it reads (GPS positions included), pypdf the bytes around any damage it reads past (an author, an address,
# a page's text). None of it may reach the logs. Their level, 51, is above CRITICAL, so no record is ever made; a
# NullHandler and no propagation as well, because a logger with no handler at all falls back to
# logging.lastResort, which prints warnings and errors to stderr, whatever the handlers say.
LOGGING["handlers"]["discard"] = {"class": "logging.NullHandler"}
for _parser in ("PIL", "pillow_heif", "pypdf"):
    LOGGING["loggers"][_parser] = {"handlers": ["discard"], "level": 51, "propagate": False}
