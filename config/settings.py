"""Settings for the portal, read from environment variables (see README, "Configuration").

One module for every mode: the demo (`make run`, SQLite, eager tasks), the tests (PostgreSQL and
Redis, overridden in tests/conftest.py) and production (`make up`, DEBUG off).
"""

import datetime
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
# Rotating the key: put the old one here (comma-separated), the new one in SECRET_KEY; sessions
# and password-reset links signed with the old key keep working until it is removed.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-demo-key-only-for-DEBUG-mode"  # noqa: S105
# With DEBUG off there is no fallback: a production server with a known key would let anyone
# forge sessions. Servers and workers refuse to start without one (config/startup.py); commands
# that sign nothing, such as makemigrations, still run.

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # django.contrib.admin, with the portal's admin site (staff second factor): config/apps.py
    "config.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_celery_beat",
    "import_export",
    "crispy_forms",
    "crispy_bootstrap5",
    "config.apps.LoginSecurityConfig",
    "django_otp",
    "config.apps.TwoFactorConfig",
    # Before core, whose admin replaces auditlog's own page of the trail (core/admin.py).
    "config.apps.AuditTrailConfig",
    # Lowest first, as they depend: core ← members ← opinions ← residents ← studios,
    # consultations; portal (the demo and scale commands) sits above them all.
    "core",
    "members",
    "opinions",
    "residents",
    "studios",
    "consultations",
    "portal",
]

MIDDLEWARE = [
    "config.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # django-csp's, with the one policy of the site built once (config/middleware.py).
    "config.middleware.CachedPolicyCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "members.sessions.IdleTimeoutMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    # After authentication: each audited change records the request's user (core/audit.py).
    "core.audit.AuditActorMiddleware",
    # A login with an initial password reaches nothing but the password change.
    "members.passwords.ForcePasswordChangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "opinions.context_processors.notifications",
                "core.elder_mode.elder_mode",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# PostgreSQL in tests and production; SQLite only as the embedded default of the demo.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's own connection pool (psycopg 3); CONN_MAX_AGE must stay 0 with it.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DB_POOL_MAX_SIZE", default=10),
        "timeout": 10,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a login name locked out at this address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "members.auth.MobileOrUsernameBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "members:dashboard"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "members.passwords.CharacterKindsValidator", "OPTIONS": {"min_kinds": 3}},
    {"NAME": "members.passwords.NotMobileValidator"},
]

# Lockout (django-axes): 5 wrong passwords for one login name from one address lock that pair
# for 30 minutes; other addresses (and other names at that address) are not affected. Each
# attempt while locked starts the 30 minutes again. Every failure, login and logout is a row
# in the admin ("Access failures", "Access logs"); staff unlock by deleting the "Access attempt".
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "members.access.lockout_username"
AXES_LOCKOUT_CALLABLE = "members.access.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Axes' own log lines hide the login name; members/access.py logs it with a masked mobile.
AXES_SENSITIVE_PARAMETERS = ["username", "otp_token"]
AXES_VERBOSE = False  # members/access.py logs each attempt, with the request id
# Behind a proxy, the header that carries the client's address (shared with the rate limits).
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    env.str("RATELIMIT_IP_META_KEY", default="") or "REMOTE_ADDR",
    "REMOTE_ADDR",
)

# Sessions end after this long without a request (members/sessions.py), by role.
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=30 * 60)
MEMBER_SESSION_IDLE_SECONDS = env.int("MEMBER_SESSION_IDLE_SECONDS", default=8 * 60 * 60)
# The TOTP second factor (members/otp.py): the name the authenticator app shows.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="CPPCC portal")
# The admin never shows a staff member's authenticator secret or its QR code: whoever reads them
# can make that person's codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Language and time ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media files ----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Attachments of reports and proposals: never served as files, only through a checked view.
# Empty: a `private_media` folder beside MEDIA_ROOT.
PRIVATE_MEDIA_ROOT = env.str("PRIVATE_MEDIA_ROOT", default="") or None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Forms ---------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ---------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@cppcc.example.cn")
# A send that hangs must end well before the outbox's lease (DELIVERY_LEASE_SECONDS) runs out,
# or the sweep would claim and send the message a second time.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# core.mail.FileAppendBackend (tests only): the file it appends to, and a pause per message.
EMAIL_APPEND_FILE = env.str("EMAIL_APPEND_FILE", default="")
EMAIL_APPEND_DELAY_SECONDS = env.float("EMAIL_APPEND_DELAY_SECONDS", default=0)
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))

# --- Celery --------------------------------------------------------------------------------
# With no broker configured (the demo), tasks run eagerly in the web process.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A task's message is acknowledged when the task ends, not when it starts, and given back to
# the queue when the worker process running it dies: a task is never lost with its worker.
# Every task is safe to run twice (a unique key or a claimed row decides who does the work).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message at a time per process: nothing waits, unacknowledged, behind a long task.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis hands an unacknowledged message to another worker after this many seconds. It must be
# longer than the longest task and the longest countdown (a delivery retry waits at most
# DELIVERY_RETRY_MAX_SECONDS, an hour), or the message runs twice while its worker still holds
# it; the cost of a long timeout is that the message of a worker killed outright comes back
# late, which deliveries do not wait for: the sweep sends their rows within minutes.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 3600)
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Outbox (core/delivery.py) -------------------------------------------------------------
# A message being sent is left alone for this long; after it, its worker is taken for dead and
# the sweep sends it again. Keep it well above EMAIL_TIMEOUT.
DELIVERY_LEASE_SECONDS = env.int("DELIVERY_LEASE_SECONDS", default=300)
DELIVERY_MAX_ATTEMPTS = env.int("DELIVERY_MAX_ATTEMPTS", default=5)
# Retries wait base × 2^(attempt − 1) seconds: 1, 2, 4, 8 minutes by default, an hour at most.
DELIVERY_RETRY_BASE_SECONDS = env.float("DELIVERY_RETRY_BASE_SECONDS", default=60)
DELIVERY_RETRY_MAX_SECONDS = 3600
DELIVERY_SWEEP_LIMIT = 500
SMS_BACKEND = env.str("SMS_BACKEND", default="core.sms.LoggingSmsBackend")
# Activity reminders also go by SMS to members with a mobile number.
SMS_REMINDERS = env.bool("SMS_REMINDERS", default=False)

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }

# --- Security (production) -----------------------------------------------------------------
# Content-Security-Policy (django-csp): scripts and styles only from the portal's own static
# files, no inline code anywhere. Bootstrap draws its form controls with data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# No page uses the camera API, location, the microphone or payments.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
# /healthz shows each service's status to callers sending this in X-Healthz-Token.
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # On by default so that `check --deploy` is clean; the header only allows the domain to be
    # submitted to the browsers' preload list. Set it to 0 if some subdomain must stay HTTP.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if env.bool("BEHIND_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# One JSON object per line, each with the request id (config/logs.py); LOG_FORMAT=text for
# plain lines when reading a terminal.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "config.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": env.str("LOG_FORMAT", default="json"),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own loggers write through the same handler instead of their plain-text ones.
    "loggers": {
        name: {"handlers": ["console"], "level": "INFO", "propagate": False}
        for name in ("django", "django.server")
    },
}

# --- Audit trail (core/audit.py) ------------------------------------------------------------
# Who changed what and when is kept this many days, never fewer than 183 (six months).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)
# Loading fixtures is not a change anybody made.
AUDITLOG_DISABLE_ON_RAW_SAVE = True
# Each change is filed under the request id of the log lines (config/middleware.py).
AUDITLOG_CID_GETTER = "config.logs.current_request_id"

# --- Portal --------------------------------------------------------------------------------
PORTAL_NAME = env.str("PORTAL_NAME", default="")
# Absolute links in emails (no request at hand in a Celery worker).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# --- Resident issues (residents app): anti-robot check, rate limits, time limits, retention --
# Everything the public issue form needs, kept together. Rates are django-ratelimit strings
# ("5/h", "60/m"); an empty value switches that limit off (tests, benchmarks).
# Test mode accepts the answer "passed" for the anti-robot check: only for tests, browser
# journeys and benchmarks.
CAPTCHA_TEST_MODE = env.bool("CAPTCHA_TEST_MODE", default=False)
# The proof of work (residents/antirobot.py): the browser searches up to this many SHA-256
# hashes (a second or two on an old phone); a challenge can be answered within this time.
ANTIROBOT_MAX_COUNTER = env.int("ANTIROBOT_MAX_COUNTER", default=50_000)
ANTIROBOT_EXPIRES_SECONDS = env.int("ANTIROBOT_EXPIRES_SECONDS", default=2 * 60 * 60)
# The committee office's phone number, given on the "too many requests" page.
OFFICE_PHONE = env.str("OFFICE_PHONE", default="0000-12345678")
# django-ratelimit counts in the default cache (Redis whenever REDIS_URL is set). It is not an
# installed app: its system check warns about Django's own RedisCache, which increments
# atomically; residents/checks.py refuses a per-process cache when DEBUG is off instead.
RESIDENT_ISSUE_SUBMIT_RATE = env.str("RESIDENT_ISSUE_SUBMIT_RATE", default="5/h") or None
RESIDENT_ISSUE_TRACK_RATE = env.str("RESIDENT_ISSUE_TRACK_RATE", default="30/h") or None
# Submissions through the no-JavaScript question (a word to type), whose answer a robot can
# learn: a stricter limit of their own, on top of the one above.
RESIDENT_ISSUE_NOSCRIPT_RATE = env.str("RESIDENT_ISSUE_NOSCRIPT_RATE", default="2/d") or None
# Behind a reverse proxy, the header that carries the client's address (e.g. HTTP_X_REAL_IP).
RATELIMIT_IP_META_KEY = env.str("RATELIMIT_IP_META_KEY", default="") or None
RESIDENT_ISSUE_PHOTO_MAX_COUNT = 3
RESIDENT_ISSUE_PHOTO_MAX_BYTES = env.int("RESIDENT_ISSUE_PHOTO_MAX_BYTES", default=8 * 1024 * 1024)
# Working days (core.workdays: public holidays and make-up days counted) allowed in each state.
RESIDENT_ISSUE_TIME_LIMITS = {"submitted": 3, "accepted": 5, "in_progress": 15, "answered": 5}
# Name and phone of issues closed longer ago than this are erased by a nightly task.
RESIDENT_ISSUE_RETENTION_DAYS = env.int("RESIDENT_ISSUE_RETENTION_DAYS", default=730)
# --- end of resident issues ----------------------------------------------------------------
