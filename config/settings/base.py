"""Settings shared by every environment, read from the environment.

Nothing set gives the embedded default a new user can run at once: SQLite and
media under var/, and a Celery broker on kombu's filesystem transport, which
needs no server but still runs tasks in a real worker process. DATABASE_URL and
REDIS_URL switch to PostgreSQL and Redis (CI and production).
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A .env file is read only when present (development); production sets real
# environment variables. Values already in the environment win.
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"), overwrite=False)


def env_bool(name, default):
    """A strict boolean reader.

    django-environ reads any unknown word ("ture", "maybe") as False without a
    word; a typo in a security switch must stop the start-up instead.
    """
    raw = env.str(name, default="")
    if raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use true/false, yes/no, on/off or 1/0.")


def env_int(name, default, minimum=None):
    """An integer reader that names the variable when the value is wrong."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

# --- core -------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-dev-key-only-for-local-use")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "import_export",
    "django_filters",
    "django_celery_beat",
    "axes",
    # Our apps, by floor (ground first): each imports only its own floor or lower (import-linter).
    "core",
    "org",
    "indicators",
    "campaign",
    "assignments",
    "evidence",
    "assessment",
    "reports",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "core.middleware.RefuseNulBytesMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into our own page.
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "core.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
            ],
        },
    },
]

# --- database -----------------------------------------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process and the worker write to the same file: wait for the lock
    # rather than failing at once. A deferred transaction that reads and then writes
    # (update_or_create, select_for_update) cannot wait: SQLite answers "database is
    # locked" at once to avoid a deadlock, which lost beat entries at the first start
    # (issue 21). IMMEDIATE takes the write lock at BEGIN, where the timeout applies.
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth ---------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # django-axes must come first so a locked-out login never reaches the others.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
# Idle expiry: the cookie's age is renewed on every request, so a session dies
# SESSION_COOKIE_AGE seconds after the last activity, not after login.
SESSION_SAVE_EVERY_REQUEST = True

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30, minimum=1) / 60  # hours
# An account is locked from the address that failed, not the address for everyone: behind
# the proxy every user shares its address, and one person's typos must not lock the county out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# How many proxies in front of Django rewrite X-Forwarded-For (nginx: 1). 0 = none: the
# header is whatever the client sends and is ignored. Used for the lockout and the audit trail.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
if TRUSTED_PROXY_COUNT:
    # Each proxy appends the address it saw; the last one is REMOTE_ADDR itself, so the header
    # holds the client and TRUSTED_PROXY_COUNT - 1 proxies. ipware (strict) takes the client from
    # a header of exactly that length and falls back to REMOTE_ADDR otherwise: a client who adds
    # its own X-Forwarded-For gets the proxy's address, never the one it wrote.
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1
    AXES_IPWARE_PROXY_ORDER = "left-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: anonymous users see nothing

# Content Security Policy (django-csp): our pages load script only from our own
# static files and never need inline script. Inline style stays allowed for the
# style attributes of a few templates and htmx's indicator style.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "frame-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- i18n ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- static and media -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Media is never served from a public URL: downloads go through views that
# check permissions (evidence issue). MEDIA_URL exists only for Django's checks.
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads stream to a temporary file on disk, hashed on the way (core.uploads).
FILE_UPLOAD_HANDLERS = ["core.uploads.HashingUploadHandler"]
FILE_UPLOAD_TEMP_DIR = env.str("FILE_UPLOAD_TEMP_DIR", default="") or None
EVIDENCE_MAX_UPLOAD_MB = env_int("EVIDENCE_MAX_UPLOAD_MB", 50, minimum=1)
# Largest photo accepted, in megapixels (a phone's is 12–50): a small PNG of 12,600 × 12,600
# pixels would take a worker's memory to over a gigabyte to decode.
EVIDENCE_MAX_IMAGE_MEGAPIXELS = env_int("EVIDENCE_MAX_IMAGE_MEGAPIXELS", 50, minimum=1)

# Scaled out: evidence files in an S3-compatible store (MinIO, a cloud's object
# storage) through django-storages (`pip install ".[s3]"`). Files stay private:
# downloads still go through our permission-checking views.
S3_BUCKET = env.str("S3_BUCKET", default="")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("S3_SECRET_KEY", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# --- Celery ---------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
    # A message taken but not acknowledged (acks_late) goes back to the queue after this long:
    # longer than any task may run (CELERY_TASK_TIME_LIMIT), so a live task is never delivered
    # twice. A dead worker's report job does not wait for it: its heartbeat stops and the
    # sweeper sends it again within a minute or two (REPORT_STALE_SECONDS).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600 + 600}
else:
    # kombu's filesystem transport: producer and worker exchange messages as
    # files in one folder. No server, but a real worker process, so a new user
    # sees background jobs exactly as in production (~0.5 s polling latency).
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=f"file://{CELERY_BROKER_DIR / 'results'}")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        # Exchange tables too (kombu's default is ./control in whatever folder the process started in).
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.5,
    }
    if CELERY_BROKER_URL.startswith("filesystem"):
        # The transport expects its folders to exist; the web process and the
        # worker both load these settings, so whichever starts first makes them.
        for _folder in ("queue", "processed", "results", "control"):
            (CELERY_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
# The cache holds the dashboard's aggregates between changes. With Redis every
# web process shares it (and so sees an invalidation at once); without, each
# process keeps its own.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env.str("CACHE_URL", default=REDIS_URL),
            "KEY_PREFIX": "fazhi",
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fazhi"}
    )
}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60)
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- e-mail -----------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@localhost")

# --- logging ------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# --- product ---------------------------------------------------------------------------
COUNTY_NAME = env.str("COUNTY_NAME", default="示范县")
# `manage.py load_demo` creates logins with a published password: never in production.
DEMO_ALLOWED = True
# Largest task table accepted for import, in megabytes.
TABLE_MAX_UPLOAD_MB = env_int("TABLE_MAX_UPLOAD_MB", 10, minimum=1)
# The site's address, for links in e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# A running report job writes a heartbeat every REPORT_HEARTBEAT_SECONDS; one without a beat
# for REPORT_STALE_SECONDS has lost its worker (killed, machine gone) and is sent again.
REPORT_HEARTBEAT_SECONDS = env_int("REPORT_HEARTBEAT_SECONDS", 10, minimum=1)
REPORT_STALE_SECONDS = env_int("REPORT_STALE_SECONDS", 60, minimum=1)
# Split the evidence package into volumes of at most this many megabytes for portals
# with an upload limit (0: one file). The whole package is always kept too.
PACKAGE_VOLUME_MB = env_int("PACKAGE_VOLUME_MB", 0, minimum=0)
# Days overdue after which a share is escalated to the office (督办).
ESCALATION_DAYS = env_int("ESCALATION_DAYS", 7, minimum=1)
# Unread messages older than this many days leave the badge (still listed, marked expired).
NOTIFICATION_UNREAD_DAYS = env_int("NOTIFICATION_UNREAD_DAYS", 30, minimum=1)

from celery.schedules import crontab  # noqa: E402

# django-celery-beat's database scheduler picks these up; admins can change the time in the admin.
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {"task": "assignments.send_reminders", "schedule": crontab(hour=8, minute=0)},
    "take-snapshots": {"task": "assessment.take_snapshots", "schedule": crontab(hour=23, minute=30)},
    # Every 20 s: with REPORT_STALE_SECONDS (60) a killed worker's job is running again within 80 s.
    "requeue-stale-reports": {"task": "reports.requeue_stale", "schedule": 20.0},
    "sweep-stashed-uploads": {"task": "core.sweep_stashes", "schedule": crontab(hour=3, minute=15)},
    # Background work the broker could not take when it was queued (it was down): sent when it is back.
    "relay-outbox": {"task": "core.relay_outbox", "schedule": 30.0},
}
