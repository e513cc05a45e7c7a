"""Xuetu settings: one file, driven by environment variables (see .env.example).

SQLite is the embedded default; set DATABASE_URL for PostgreSQL. Celery runs eagerly unless
CELERY_BROKER_URL is set. Every variable is read through `xuetu.config`, which refuses a
malformed value at start-up (`DEBUG=flase` is an error, not "false").
"""

import datetime as dt
import hashlib
import tempfile
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from xuetu.config import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_path,
    env_str,
    env_timezone,
    env_url,
    is_host,
    is_origin,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY: must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug"
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS",
    ["127.0.0.1", "localhost", "testserver"],
    valid=is_host,
    expected="host names separated by commas, without scheme or port (xuetu.example.gov.cn)",
)
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS",
    valid=is_origin,
    expected="origins separated by commas, each with its scheme (https://xuetu.example.gov.cn)",
)
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https")).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "xuetu.core",
    "xuetu.accounts",
    "xuetu.registry",
    "xuetu.programmes",
    "xuetu.certification",
    "xuetu.training",
    "xuetu.subsidies",
    "xuetu.project",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "xuetu.core.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xuetu.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "xuetu.core.middleware.RequestContextMiddleware",
    "xuetu.core.middleware.LoginRequiredMiddleware",
    # Last, so it sees the answer of the sign-in view it replaces with the lock-out page.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Production serves collected static files itself; runserver does it under DEBUG.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "xuetu.urls"
WSGI_APPLICATION = "xuetu.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "xuetu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "xuetu.core.context.navigation",
                "csp.context_processors.nonce",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_url(
            "DATABASE_URL",
            f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            schemes=("sqlite", "postgres", "postgresql"),
        ),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0),
    )
}
TEST_DATABASE_NAME = env_str("TEST_DATABASE_NAME", "")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default under concurrent writers: WAL lets readers go on while one writes;
    # BEGIN IMMEDIATE takes the write lock when a transaction starts, so a second writer waits
    # (up to `timeout` seconds) instead of failing with "database is locked" when it would
    # upgrade a read lock; synchronous=NORMAL is WAL's safe setting (no fsync per commit).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The test database is a file too: an in-memory one has no WAL and no busy timeout, so the
    # race tests could not run on it. One file per checkout, in the temporary folder.
    checkout = hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:12]
    TEST_DATABASE_NAME = TEST_DATABASE_NAME or str(
        Path(tempfile.gettempdir()) / f"xuetu-test-{checkout}.sqlite3"
    )
DATABASES["default"]["TEST"] = {"NAME": TEST_DATABASE_NAME or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a check: Django tells validators when a password has changed, whichever way.
    {"NAME": "xuetu.accounts.auth.RevokeTokensOnPasswordChange"},
]

LANGUAGES = [("zh-hans", "中文"), ("en", "English")]
LANGUAGE_CODE = env_choice("LANGUAGE_CODE", "zh-hans", [code for code, _ in LANGUAGES])
LOCALE_PATHS = [BASE_DIR / "xuetu" / "locale"]
TIME_ZONE = env_timezone("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env_path("STATIC_ROOT", BASE_DIR / "staticfiles")
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "xuetu" / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = env_path("MEDIA_ROOT", BASE_DIR / "media")
# The largest supporting document an enterprise may attach to a filing (programmes).
SUPPORTING_DOCUMENT_MAX_MB = env_int("SUPPORTING_DOCUMENT_MAX_MB", 10, minimum=1)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security: strict by default in production, each switch overridable for a TLS-terminating proxy.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The load balancer's health check speaks plain HTTP to each node.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy (django-csp): scripts and style sheets only from this site, an inline
# <script> or <style> only with the request's nonce ({{ CSP_NONCE }}), no eval. Style
# attributes stay allowed (style-src-attr): they cannot run code, and the progress bars and
# Bootstrap's components set widths and heights with them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy (xuetu.core.middleware): browser features the site never uses are off.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "fullscreen": ["self"],
}

# Sign-in throttling (django-axes): five failed sign-ins for one user name from one address
# lock that pair, and only that pair, for 30 minutes, on the sign-in page and the admin's. A
# lock never follows the user name alone, so nobody can lock the administrator out from
# elsewhere. The city administrator lifts a lock at /accounts/lockouts/.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "xuetu.core.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "xuetu.accounts.views.locked_out"
# No row per successful sign-in with its address and browser: axes keeps the failures it counts.
AXES_DISABLE_ACCESS_LOG = True

# API tokens (xuetu.accounts.auth.ExpiringTokenAuthentication) stop working this many days
# after they were issued; changing the password revokes them.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90, minimum=1)
# Days a printed account activation code stays good (accounts.activation).
ACTIVATION_CODE_DAYS = env_int("ACTIVATION_CODE_DAYS", 14, minimum=1)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "xuetu.accounts.auth.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "xuetu.core.parsers.DepthLimitedJSONParser",  # a nested body is a 400, not a crash
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "xuetu.core.filters.SafeFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "xuetu.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Xuetu API",
    "DESCRIPTION": "Enterprise new apprenticeship system (企业新型学徒制)",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Operation ids and tags without the version ("enrollments_list", not "v1_enrollments_list").
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # A blank or null choice is declared (BlankEnum, NullEnum), so a generated client accepts
    # the `""` of an unset reason.
    "ENUM_ADD_EXPLICIT_BLANK_NULL_CHOICE": True,
    "ENUM_NAME_OVERRIDES": {
        "ModuleKindEnum": "xuetu.training.choices.ModuleKind",
        "HoursStatusEnum": "xuetu.training.choices.HoursStatus",
        "DisputeOutcomeEnum": "xuetu.training.choices.DisputeOutcome",
        "AssessmentOutcomeEnum": "xuetu.training.choices.AssessmentOutcome",
        "ModulePlaceEnum": "xuetu.training.choices.ModulePlace",
        "BlockPlaceEnum": "xuetu.training.choices.BlockPlace",
        "SkillLevelEnum": "xuetu.registry.choices.SkillLevel",
        "CertificateTypeEnum": "xuetu.registry.choices.CertificateType",
        "ClaimKindEnum": "xuetu.subsidies.choices.ClaimKind",
        "ClaimStatusEnum": "xuetu.subsidies.choices.ClaimStatus",
        "CheckResultEnum": "xuetu.subsidies.choices.CheckResult",
        "LineDecisionEnum": "xuetu.subsidies.choices.LineDecision",
        "LedgerKindEnum": "xuetu.subsidies.choices.LedgerKind",
        "RefundStatusEnum": "xuetu.subsidies.choices.RefundStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "xuetu.core.api.document_error_answers",  # the 400, 401, 403 and 404 of every route
    ],
    # Swagger UI from the drf-spectacular-sidecar package: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

CELERY_BROKER_URL = env_url("CELERY_BROKER_URL", "", schemes=("redis", "rediss", "amqp", "amqps"))
CELERY_RESULT_BACKEND = env_url("CELERY_RESULT_BACKEND", "", schemes=("redis", "rediss")) or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE

LOG_LEVEL = env_choice("LOG_LEVEL", "WARNING", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# Roles that see full resident ID numbers; everyone else sees them masked.
XUETU_FULL_ID_ROLES = ("city_admin", "district_reviewer", "enterprise_manager")
