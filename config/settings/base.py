"""Settings shared by every environment, read from the environment.

Nothing set gives the embedded default a new user can run at once: SQLite and
media under var/, and a Celery broker on kombu's filesystem transport, which
needs no server but still runs tasks in a real worker process. DATABASE_URL and
REDIS_URL switch to PostgreSQL and Redis (CI and production).
"""

from pathlib import Path
from urllib.parse import urlsplit

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
    # CAS ticket ↔ session table (single sign-out); only used when CAS_SERVER_URL is set.
    "django_cas_ng",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Our apps, by floor (ground first): each imports only its own floor or lower (import-linter).
    "core",
    "org",
    "indicators",
    "campaign",
    "assignments",
    "evidence",
    "assessment",
    "inspection",
    "reports",
    "review",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses what every inner middleware wrote (static files never reach it: whitenoise
    # answers them, precompressed). Off with DJANGO_GZIP=false.
    "core.middleware.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "core.middleware.RefuseNulBytesMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The campaign chosen in the header's switcher, for campaign_current(user).
    "campaign.middleware.CampaignChoiceMiddleware",
    # The absolute session lifetime and the second step of the login, before the password page.
    "core.middleware.AccountSecurityMiddleware",
    "core.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into our own page.
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
]

# HTML compressed in the app, with Django's BREACH padding (core.middleware.TextGZipMiddleware).
if not env_bool("DJANGO_GZIP", True):
    MIDDLEWARE.remove("core.middleware.TextGZipMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "core.User"

# Widgets: plain inputs and textareas written in Python (core.forms.FormRenderer says why).
FORM_RENDERER = "core.forms.FormRenderer"

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

# Covering indexes (evidence's, issue 20) carry an included column on PostgreSQL; on the
# embedded SQLite they are plain indexes, which is all a demo's data needs: no warning for it.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

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
# Password policy (GB/T 22239 level 3): length, three character classes, not one of the last five,
# changed every 90 days (PASSWORD_MAX_AGE_DAYS=0 switches expiry off). core.passwords.
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 8, minimum=6)
PASSWORD_MIN_CLASSES = env_int("PASSWORD_MIN_CLASSES", 3, minimum=1)
PASSWORD_HISTORY_COUNT = env_int("PASSWORD_HISTORY_COUNT", 5, minimum=0)
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90, minimum=0)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "core.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": PASSWORD_MIN_CLASSES}},
    {"NAME": "core.passwords.PasswordHistoryValidator", "OPTIONS": {"count": PASSWORD_HISTORY_COUNT}},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
# Idle expiry: the cookie's age is renewed on every request, so a session dies
# SESSION_COOKIE_AGE seconds after the last activity, not after login.
SESSION_SAVE_EVERY_REQUEST = True
# Absolute lifetime: however active, a session ends this long after its password login (0: none).
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 3600, minimum=0)

# Second factor (django-otp, core.security): a TOTP app on the phone plus one-time recovery
# codes. Required for these roles when OTP_REQUIRED is on (production: on unless switched off;
# `make run`'s demo: off, one-step logins); anyone else may enrol on their own.
OTP_REQUIRED = env_bool("OTP_REQUIRED", False)
OTP_REQUIRED_ROLES = env.list(
    "OTP_REQUIRED_ROLES", default=["office_admin", "city_reviewer", "province_reviewer", "it"]
)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="法治政府示范创建")

# The audit trail is kept at least this long (网络安全法 §21: six months); `manage.py
# purge_audit` refuses anything younger, and on PostgreSQL a trigger refuses it too.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180, minimum=180)

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

# --- single sign-on (core/sso.py) ------------------------------------------------------
# Each way in is on when its first variable is set; the login page offers exactly those on.
# SSO matches a person to an EXISTING account by user name (or the claim/attribute named
# below) and never creates accounts or roles: the office still creates people and grants roles.
SSO_BUTTON_LABEL_OIDC = env.str("OIDC_LABEL", default="")
SSO_BUTTON_LABEL_CAS = env.str("CAS_LABEL", default="")
# OpenID Connect (mozilla-django-oidc): the province's unified identity service (统一身份认证).
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
if OIDC_RP_CLIENT_ID:
    OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET")  # no default: refuse to start without it
    OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="") or None
    OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
    if OIDC_RP_SIGN_ALGO.startswith("RS") and not OIDC_OP_JWKS_ENDPOINT:
        raise ImproperlyConfigured("OIDC_RP_SIGN_ALGO=RS… needs OIDC_OP_JWKS_ENDPOINT (the provider's keys).")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid profile")
# The claim that carries our user name (the province's account name, a staff number...).
OIDC_USERNAME_CLAIM = env.str("OIDC_USERNAME_CLAIM", default="preferred_username")
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "core:sso_oidc_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10, minimum=1)
# Logging out ends the session at the provider too when it offers an end_session_endpoint (its
# /.well-known/openid-configuration says): core.sso.oidc_logout_url sends the person there with
# the ID token as hint, which is kept in the session for that (and only when there is an endpoint).
OIDC_OP_END_SESSION_ENDPOINT = env.str("OIDC_OP_END_SESSION_ENDPOINT", default="")
OIDC_STORE_ID_TOKEN = bool(OIDC_OP_END_SESSION_ENDPOINT)
OIDC_OP_LOGOUT_URL_METHOD = "core.sso.oidc_logout_url"
# CAS (django-cas-ng): e.g. https://ids.example.gov.cn/cas/
CAS_SERVER_URL = env.str("CAS_SERVER_URL", default="")
CAS_VERSION = env.str("CAS_VERSION", default="3")
# The CAS attribute with our user name; empty: the CAS user itself.
CAS_USERNAME_ATTRIBUTE = env.str("CAS_USERNAME_ATTRIBUTE", default="") or "cas_user"
CAS_CREATE_USER = False
CAS_APPLY_ATTRIBUTES_TO_USER = False
CAS_REDIRECT_URL = "portal:home"
CAS_IGNORE_REFERER = True
CAS_LOGIN_MSG = None  # our login is audited; no English flash message
CAS_LOGGED_MSG = None
CAS_LOGOUT_COMPLETELY = True
CAS_LOGOUT_NEXT_PAGE = "/accounts/login/"
# LDAP (django-auth-ldap, `pip install ".[ldap]"`) for offices with a directory: the login form's password is checked
# against the directory. Local passwords keep working (IT's own account, people not in it).
AUTH_LDAP_SERVER_URI = env.str("LDAP_SERVER_URI", default="")
AUTH_LDAP_BIND_DN = env.str("LDAP_BIND_DN", default="")
AUTH_LDAP_BIND_PASSWORD = env.str("LDAP_BIND_PASSWORD", default="")
AUTH_LDAP_START_TLS = env_bool("LDAP_START_TLS", False)
AUTH_LDAP_NO_NEW_USERS = True
AUTH_LDAP_ALWAYS_UPDATE_USER = False  # the directory never rewrites an account
AUTH_LDAP_USER_SEARCH_BASE = env.str("LDAP_USER_SEARCH_BASE", default="")
# The attribute matched against the user name typed, e.g. (sAMAccountName=%(user)s) for Active Directory.
AUTH_LDAP_USER_FILTER = env.str("LDAP_USER_FILTER", default="(uid=%(user)s)")
if AUTH_LDAP_SERVER_URI:
    if not AUTH_LDAP_USER_SEARCH_BASE:
        raise ImproperlyConfigured("LDAP_SERVER_URI is set: LDAP_USER_SEARCH_BASE is needed too.")
    import ldap  # noqa: E402
    from django_auth_ldap.config import LDAPSearch  # noqa: E402

    AUTH_LDAP_USER_SEARCH = LDAPSearch(AUTH_LDAP_USER_SEARCH_BASE, ldap.SCOPE_SUBTREE, AUTH_LDAP_USER_FILTER)
# After django-axes (a locked-out login stops there) and before the local password.
AUTHENTICATION_BACKENDS[1:1] = [
    path
    for on, path in (
        (AUTH_LDAP_SERVER_URI, "core.sso_ldap.LDAPBackend"),
        (OIDC_RP_CLIENT_ID, "core.sso.OIDCBackend"),
        (CAS_SERVER_URL, "core.sso.CASBackend"),
    )
    if on
]

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: anonymous users see nothing

# Content Security Policy (django-csp): our pages load script only from our own
# static files and never need inline script. Inline style stays allowed for the
# style attributes of a few templates and htmx's indicator style.
from csp.constants import NONE, SELF  # noqa: E402


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


# Logging out through CAS or the OpenID Connect provider submits our logout form, which answers
# with a redirect to their logout page; browsers hold that redirect to form-action as well, so
# without their origins here the logout button would do nothing.
SSO_LOGOUT_ORIGINS = sorted({o for o in (_origin(CAS_SERVER_URL), _origin(OIDC_OP_END_SESSION_ENDPOINT)) if o})
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "frame-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, *SSO_LOGOUT_ORIGINS],
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
