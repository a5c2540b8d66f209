"""Attend settings: one file, driven by environment variables (see .env.example)."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ATTEND_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


DEBUG = env_bool("ATTEND_DEBUG", False)
# ATTEND_SECURE=1 is production behind HTTPS: HSTS, HTTPS redirect, secure cookies, a real secret key, 2FA.
SECURE = env_bool("ATTEND_SECURE", False)
# Local demo and tests only: a fixed, public, obviously non-secret key. The web server refuses to start with it
# unless ATTEND_DEBUG is on or `attend demo` is serving (attend/accounts/startup.py, called by attend/wsgi.py).
BUILT_IN_SECRET_KEY = "attend-insecure-local-demo-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("ATTEND_SECRET_KEY", "")
if not SECRET_KEY:
    if SECURE or (not DEBUG and os.environ.get("ATTEND_REQUIRE_SECRET_KEY")):
        raise ImproperlyConfigured("ATTEND_SECRET_KEY must be set in production")
    SECRET_KEY = BUILT_IN_SECRET_KEY
if SECRET_KEY == BUILT_IN_SECRET_KEY and SECURE:
    raise ImproperlyConfigured("ATTEND_SECRET_KEY must be set in production, not to the built-in demo key")
ALLOWED_HOSTS = [
    h for h in os.environ.get("ATTEND_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]

INSTALLED_APPS = [
    "attend.accounts.apps.AttendAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "attend.core",
    "attend.accounts",
    "attend.schools",
    "attend.people",
    "attend.registers",
    "attend.audit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "attend.alerts",
    "attend.casework",
    "attend.stats",
    "attend.demo",
    "attend.web",
    "attend.privacy",
    "attend.jobs",
    "attend.directory",
    "attend.letters",
    "attend.partnership",
    "attend.visits",
    "attend.enforcement",
    "attend.cme",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "attend.api",
]

# Background tasks (stack.md): django-tasks with the database backend, run by `attend db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "attend.audit.services.ClientAddressMiddleware",
    "attend.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "attend.accounts.permissions.PermissionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "attend.urls"
WSGI_APPLICATION = "attend.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "attend.core.context_processors.pinned_today",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'attend.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web app read while an import writes; IMMEDIATE avoids "database is locked" upgrades. 16 KB pages
    # (SQLite's default is 4 KB) take effect only when the file is created, before WAL is set: a 20-million-mark
    # import wrote and committed ~10% faster (fewer pages and WAL frames; December 2026). An existing database keeps
    # its page size until `VACUUM` (docs/import-formats.md).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # A test database per process, so parallel test runs against one server cannot collide.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

# Static files are served by WhiteNoise from the apps' static folders (no collectstatic needed for the demo).
WHITENOISE_USE_FINDERS = True
# GOV.UK Frontend's JavaScript and images, and htmx, come from the npm packages installed by scripts/setup.sh
# (npm ci); never from a CDN. See docs/web.md.
STATICFILES_DIRS = [
    (prefix, path)
    for prefix, path in (
        ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
        ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    )
    if path.is_dir()
]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_AUTOREFRESH = DEBUG

# --- Security (docs/security.md) ---
AUTHENTICATION_BACKENDS = ["attend.accounts.backends.RoleBackend"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("ATTEND_SESSION_SECONDS", 60 * 60 * 8)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: templates link static files only.
ATTEND_CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
if SECURE:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = (
        ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("ATTEND_BEHIND_PROXY", True) else None
    )
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("ATTEND_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ATTEND_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("ATTEND_HSTS_PRELOAD", True)
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("ATTEND_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Sign-in throttling (accounts/throttle.py): this many failures for one username from one address lock that pair.
ATTEND_SIGN_IN_MAX_FAILURES = env_int("ATTEND_SIGN_IN_MAX_FAILURES", 5)
ATTEND_SIGN_IN_LOCK_SECONDS = env_int("ATTEND_SIGN_IN_LOCK_SECONDS", 15 * 60)
# ...and this many failures from one address, over every username, lock that address.
ATTEND_SIGN_IN_MAX_FAILURES_PER_ADDRESS = env_int("ATTEND_SIGN_IN_MAX_FAILURES_PER_ADDRESS", 20)
# Two-factor authentication (accounts/two_factor.py): on by default in production, off for the local demo.
ATTEND_REQUIRE_2FA = env_bool("ATTEND_REQUIRE_2FA", SECURE)
OTP_TOTP_ISSUER = os.environ.get("ATTEND_2FA_ISSUER", "Attend")
# Wrong codes are throttled by count (accounts/two_factor.py code_allowed): this many wrong codes in a row lock
# the prompt for this long. django-otp's own throttle (a doubling wait between any two attempts, so a typo and
# the right code a second later was refused) is off.
ATTEND_2FA_MAX_FAILURES = env_int("ATTEND_2FA_MAX_FAILURES", 5)
ATTEND_2FA_LOCK_SECONDS = env_int("ATTEND_2FA_LOCK_SECONDS", 15 * 60)
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# --- end of security ---

# Where demo import files and analytics copies live.
ATTEND_DATA_DIR = VAR_DIR

# --- REST API (attend/api, docs/api.md): bearer tokens only, deny by default, JSON only ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["attend.api.auth.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["attend.api.auth.TokenScopeAndRole"],
    "DEFAULT_THROTTLE_CLASSES": ["attend.api.auth.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser", "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_PAGINATION_CLASS": "attend.api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "attend.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Attend API",
    "DESCRIPTION": "School attendance: imports from MIS connectors, statistics, alerts, cases. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Casework's support offered and declined share one list of values (one enum, not two names for it).
    "ENUM_NAME_OVERRIDES": {"SupportEnum": "attend.casework.models.chronology.Support.choices"},
}
# A cache shared by every worker process (gunicorn runs several): the API rate limits count there, so they hold
# across workers. The table is made by migration accounts/0004 (`attend createcachetable` makes it too).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "attend_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000, "CULL_FREQUENCY": 4},
    }
}
# Requests per API token: reads, and imports (DRF rate strings: N/second|minute|hour|day).
ATTEND_API_RATES = {
    "read": os.environ.get("ATTEND_API_READ_RATE", "240/minute"),
    "import": os.environ.get("ATTEND_API_IMPORT_RATE", "600/hour"),
}

# --- Uploads (attend/jobs/uploads.py): one limit for the web upload and POST /api/v1/imports/ ---
# The file as sent (a compressed file counts compressed; ATTEND_API_MAX_UPLOAD_MB is the old name, still read),
# and the file as the importer reads it, once decompressed. Larger files are refused, nothing imported.
MB = 1024 * 1024
ATTEND_UPLOAD_MAX_BYTES = env_int("ATTEND_UPLOAD_MAX_MB", env_int("ATTEND_API_MAX_UPLOAD_MB", 500)) * MB
ATTEND_UPLOAD_MAX_EXPANDED_BYTES = env_int("ATTEND_UPLOAD_MAX_EXPANDED_MB", 1000) * MB
FILE_UPLOAD_HANDLERS = [
    "attend.jobs.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Retention (attend/privacy/retention.py, docs/privacy.md): register years can be raised above the legal 6, not lowered.
ATTEND_RETENTION_REGISTER_YEARS = env_int("ATTEND_RETENTION_REGISTER_YEARS", 6)
ATTEND_RETENTION_ALERT_YEARS = env_int("ATTEND_RETENTION_ALERT_YEARS", 2)
# Casework: per LA policy; 0 (the default) means not set, and casework is kept.
ATTEND_RETENTION_CASEWORK_YEARS = env_int("ATTEND_RETENTION_CASEWORK_YEARS", 0)
# Built reports (CSV files under VAR_DIR/reports/) are deleted this many days after they were built.
ATTEND_RETENTION_REPORT_DAYS = env_int("ATTEND_RETENTION_REPORT_DAYS", 7)

# --- Logging: every server error leaves its traceback in the server log (stderr), never in a page ---
# Django logs each 500 to `django.request` with the traceback; the API (attend/api/errors.py) and the job runner
# (attend/jobs/tasks.py) log theirs with the reference they show. Records propagate to the root logger.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "server": {"format": "{asctime} {levelname} {name} {process:d}: {message}", "style": "{"},
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "server"},
    },
    "root": {"handlers": ["stderr"], "level": os.environ.get("ATTEND_LOG_LEVEL", "INFO")},
    "loggers": {
        # Replace Django's defaults (console only when DEBUG, mail to ADMINS): errors go to the root handler.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        # WeasyPrint logs every rendering step at INFO (seven lines per letter): only its warnings matter here.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Letters and messages (attend/letters, docs/letters.md) ---
# Email through Django's email backends: smtp://user:pass@host:587?tls=1, smtps://..., or console:// (the default).
ATTEND_EMAIL_URL = os.environ.get("ATTEND_EMAIL_URL", "console://")
ATTEND_EMAIL_FROM = os.environ.get("ATTEND_EMAIL_FROM", "attendance@attend.invalid")
# GOV.UK Notify: SMS, email and first-class precompiled letters. The SMS and email templates in Notify hold
# ((body)) (and ((subject)) for email): Attend renders the words, Notify only carries them.
ATTEND_NOTIFY_API_KEY = os.environ.get("ATTEND_NOTIFY_API_KEY", "")
ATTEND_NOTIFY_BASE_URL = os.environ.get("ATTEND_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
ATTEND_NOTIFY_SMS_TEMPLATE_ID = os.environ.get("ATTEND_NOTIFY_SMS_TEMPLATE_ID", "")
ATTEND_NOTIFY_EMAIL_TEMPLATE_ID = os.environ.get("ATTEND_NOTIFY_EMAIL_TEMPLATE_ID", "")
# "smtp" sends email through ATTEND_EMAIL_URL; "notify" through GOV.UK Notify.
ATTEND_EMAIL_VIA = os.environ.get("ATTEND_EMAIL_VIA", "smtp")
# --- Partnership: the professional network (attend/partnership/network.py, docs/partnership.md) ---
# The time of day (HH:MM) after which an unexplained absence of a child with a social worker, or looked after, is
# emailed to their network even if the school's first-day call has not failed (yet).
ATTEND_NETWORK_NOTICE_CUTOFF = os.environ.get("ATTEND_NETWORK_NOTICE_CUTOFF", "10:30")
# Where new and changed part-time timetables are reported (attend/partnership/timetables.py); empty: the LA's letterhead email.
ATTEND_LA_NOTIFY_EMAIL = os.environ.get("ATTEND_LA_NOTIFY_EMAIL", "")
ATTEND_NOTIFY_TIMEOUT = env_int("ATTEND_NOTIFY_TIMEOUT_SECONDS", 20)
# Seconds to wait before each retry of a 5xx or a timeout (then the message fails and can be retried later).
ATTEND_NOTIFY_RETRY_DELAYS = [
    float(d) for d in os.environ.get("ATTEND_NOTIFY_RETRY_DELAYS", "1,4,16").split(",") if d.strip()
]
# --- Home visits and lone-worker safety (attend/visits, docs/visits.md) ---
# Minutes after a check-in falls due before the round escalates (missed check-in).
ATTEND_VISITS_GRACE_MINUTES = env_int("ATTEND_VISITS_GRACE_MINUTES", 15)
# Minutes between check-ins when the officer does not say (never past the expected return).
ATTEND_VISITS_CHECK_IN_MINUTES = env_int("ATTEND_VISITS_CHECK_IN_MINUTES", 60)
# Minutes between escalation steps until a person acknowledges.
ATTEND_VISITS_REPEAT_MINUTES = env_int("ATTEND_VISITS_REPEAT_MINUTES", 15)
# The service's address as people reach it (e.g. https://attend.example.gov.uk), so links in escalation messages
# work from a phone; empty: the messages give paths only.
ATTEND_BASE_URL = os.environ.get("ATTEND_BASE_URL", "").rstrip("/")
# Office hours (weekdays, HH:MM-HH:MM): outside them escalations go to the named duty manager.
ATTEND_VISITS_OFFICE_HOURS = os.environ.get("ATTEND_VISITS_OFFICE_HOURS", "08:00-18:00")
# The LA's or trust's policy: lone-worker training and the enhanced DBS check are renewed after these many years
# (the manager's officers page shows expired and missing ones first).
ATTEND_VISITS_TRAINING_YEARS = env_int("ATTEND_VISITS_TRAINING_YEARS", 3)
ATTEND_VISITS_DBS_YEARS = env_int("ATTEND_VISITS_DBS_YEARS", 3)
# The bearer token GOV.UK Notify puts on its received-text-message callbacks (POST /visits/notify/inbound/:
# officers check in by text); empty: every callback is refused.
ATTEND_NOTIFY_INBOUND_TOKEN = os.environ.get("ATTEND_NOTIFY_INBOUND_TOKEN", "")
# The employer's health-and-safety incident log (an email address): an LA officer's report of a visit cancelled
# for safety goes there as well as to the line manager. Empty: the report shows "not sent" for the log.
ATTEND_VISITS_HS_LOG_EMAIL = os.environ.get("ATTEND_VISITS_HS_LOG_EMAIL", "")
# The bearer token GOV.UK Notify puts on its delivery-receipt callbacks (POST /letters/notify/callback/); empty:
# every callback is refused.
ATTEND_NOTIFY_CALLBACK_TOKEN = os.environ.get("ATTEND_NOTIFY_CALLBACK_TOKEN", "")
# Processes that render a batch's letters to PDF (default: one per core; 0 renders in the task worker itself).
ATTEND_LETTERS_PDF_WORKERS = (
    int(os.environ["ATTEND_LETTERS_PDF_WORKERS"]) if os.environ.get("ATTEND_LETTERS_PDF_WORKERS") else None
)
