"""The one settings module for kentsoc: the demo and production differ only by environment.

DATABASE_URL unset  -> SQLite file (demo). REDIS_URL unset -> Celery runs tasks eagerly (demo).
DEBUG off           -> SECRET_KEY is required and the secure defaults apply.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url

from kentsoc.env import ImproperEnvironment, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperEnvironment(
            "SECRET_KEY is not set. kentsoc refuses to start without it when DEBUG is off; "
            "set SECRET_KEY (or SECRET_KEY_FILE), or DEBUG=true for the local demo."
        )
    # Only reachable with DEBUG on: the demo gets a fixed, obviously-unsafe key.
    SECRET_KEY = "kentsoc-demo-insecure-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # The trigram and full-text lookups the search uses (on PostgreSQL; harmless on SQLite).
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "django_filters",
    "django_htmx",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "kentsoc.org",
    "kentsoc.audit",
    "kentsoc.accounts",
    "kentsoc.web",
    "kentsoc.trail",
    "kentsoc.intel",
    "kentsoc.matrix",
    "ocg",
    "kentsoc.lifetime",
    "countylines",
    "kentsoc.gangs",
    "kentsoc.prevention",
    "disruptions",
    "kentsoc.sharing",
    "kentsoc.search",
    "kentsoc.people",
    "kentsoc.dashboard",
    "kentsoc.demo",
]

MIDDLEWARE = [
    # Outermost, so it also sees the 404 of an address no URL pattern matches (acts with DEBUG on).
    "kentsoc.web.debug_pages.OwnNotFoundPageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kentsoc.audit.middleware.RequestContextMiddleware",
    # Oversized bodies (413) and NUL characters in the address (400), before anything reads them.
    "kentsoc.web.guards.RequestGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Reference data (divisions, teams, officers...) is the signed-in officer's force's.
    "kentsoc.org.scoping.ForceContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kentsoc.web.middleware.ContentSecurityPolicyMiddleware",
    # An officer whose password an administrator set is held at /account/password/.
    "kentsoc.org.middleware.PasswordChangeRequiredMiddleware",
    # Axes must come last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kentsoc.urls"
WSGI_APPLICATION = "kentsoc.wsgi.application"

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
                "kentsoc.web.context_processors.navigation",
                "kentsoc.search.context.search_box",
            ],
        },
    },
]
# Django's form renderer with the select widget's options written inline (kentsoc/web/renderers.py).
FORM_RENDERER = "kentsoc.web.renderers.FormRenderer"

# --- Database -----------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
# The database owner's login, used only by `migrate` (kentsoc/audit/database.py): the app's own
# login (DATABASE_URL) then cannot alter, truncate or disable triggers on the audit trail. Unset,
# migrations run as DATABASE_URL (the SQLite demo, a one-login setup).
MIGRATE_DATABASE_URL = env_str("MIGRATE_DATABASE_URL")
# The owner's password, when it is kept out of the URL (docker-compose: a secret only `migrate`
# is given, as MIGRATE_DATABASE_PASSWORD_FILE).
MIGRATE_DATABASE_PASSWORD = env_str("MIGRATE_DATABASE_PASSWORD")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "kentsoc-demo.sqlite3")),
        }
    }
# Several people (or test runs) on one server need their own test database.
_test_db_name = env_str("TEST_DATABASE_NAME")
if _test_db_name:
    DATABASES["default"]["TEST"] = {"NAME": _test_db_name}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The dashboard prepares its statements once per connection (kentsoc/dashboard/compiled.py): false
# behind a pooler that shares connections between transactions (PgBouncer in transaction mode).
DASHBOARD_PREPARED_STATEMENTS = env_bool("DASHBOARD_PREPARED_STATEMENTS", True)

# --- Celery -------------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without a broker the demo runs tasks in the web process. The test suite sets it explicitly:
# eager everywhere except the tests that start a real worker.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish to a Redis that is down or hung gives up after BROKER_TIMEOUT_SECONDS per attempt
# (one retry), so a write that committed still answers at once (kentsoc/broker.py); its subjects
# stay stale and the worker's own sweep re-enqueues them when Redis is back.
BROKER_TIMEOUT_SECONDS = env_int("CELERY_BROKER_TIMEOUT", 1)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 300),
    "socket_timeout": BROKER_TIMEOUT_SECONDS,
    "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
}
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT_SECONDS
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# The worker waits for Redis however long it is away (Celery's default gives up after 100 tries).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# The worker's stale sweep (kentsoc/matrix/sweeper.py), beat or no beat: at start and then every
# MATRIX_SWEEP_INTERVAL seconds (0: at start only), subjects stale for over
# MATRIX_SWEEP_STALE_AFTER seconds are enqueued again.
MATRIX_SWEEP_INTERVAL_SECONDS = env_int("MATRIX_SWEEP_INTERVAL", 30)
MATRIX_SWEEP_STALE_AFTER_SECONDS = env_int("MATRIX_SWEEP_STALE_AFTER", 60)
CELERY_TIMEZONE = "Europe/London"

# --- Auth, sessions, lockout --------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "kentsoc.org.backends.LockoutBackend",
    "kentsoc.org.backends.DemoPasswordGuard",
    # ModelBackend without its superuser shortcut: permissions come from the officer's role only.
    "kentsoc.org.permissions.RoleBackend",
]
# New hashes are Django's Argon2id at Django's parameters (memory-hard, and half PBKDF2's CPU a
# sign-in); PBKDF2 at its full strength still verifies the hashes written before, each replaced
# by an Argon2 hash when its officer next signs in. Both hash at a lower CPU priority, so a shift
# signing in does not take the cores from the pages (kentsoc/accounts/hashers.py). The others
# verify hashes written by them, as Django's default list does.
PASSWORD_HASHERS = [
    "kentsoc.accounts.hashers.LowPriorityArgon2PasswordHasher",
    "kentsoc.accounts.hashers.LowPriorityPBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
# Django's database sessions, the read every request makes written once
# (kentsoc/accounts/sessions.py).
SESSION_ENGINE = "kentsoc.accounts.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "kentsoc.web.views.csrf_failure"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
# Lock a username *from one address*: a stranger guessing from elsewhere cannot lock an officer
# out, while brute force from one address is still stopped. Locking an address alone would lock a
# whole station behind a force proxy, so there is no address-only lock. The address is the one the
# audit trail records (PROXY_COUNT decides which X-Forwarded-For hop is the client).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "kentsoc.audit.middleware.client_ip"
# The one-time code typed at the second step is never kept in axes' logs.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The demo's SQLite builds the dashboard's covering indexes without their INCLUDE columns,
    # which only PostgreSQL reads; every `make run` command would say so.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# JSON for the API's sign-in, the template for the web's.
AXES_LOCKOUT_CALLABLE = "kentsoc.web.errors.lockout_response"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)

# Second factor (django-otp TOTP, recovery codes) for signing in to the web and for API tokens.
# The demo (DEBUG on) keeps one-step logins.
REQUIRE_2FA = env_bool("REQUIRE_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = "kentsoc"
# API tokens (django-rest-knox): stored hashed, shown once, expire after one shift by default.
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 8)
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105 (a model name)
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_TTL_HOURS),
    "AUTH_HEADER_PREFIX": "Token",
}

# --- Security headers (production) --------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- I18N / static ------------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves hashed, compressed files that `collectstatic` wrote to STATIC_ROOT. The demo
# and the test suite serve the source tree through the finders instead: they never collect, so
# they have no STATIC_ROOT for WhiteNoise to look for (and warn about).
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", default=not DEBUG)
if STATIC_MANIFEST:
    STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
else:
    WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "kentsoc.web.storage.StaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- REST API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: DRF answers an unauthenticated request with the first class's challenge, so
    # a missing or bad token is a 401 with `WWW-Authenticate: Token`, not a bare 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kentsoc.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON bodies only, with size, nesting and NUL limits (kentsoc/web/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["kentsoc.web.parsers.BoundedJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_PAGINATION_CLASS": "kentsoc.web.api.StandardPagination",
    "PAGE_SIZE": 50,
    # drf-spectacular's, plus every operation's error responses (kentsoc/web/schema.py).
    "DEFAULT_SCHEMA_CLASS": "kentsoc.web.schema.AutoSchema",
    "EXCEPTION_HANDLER": "kentsoc.web.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "kentsoc API",
    "DESCRIPTION": "OCGs, county lines, intelligence and the TRH matrix.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Domain -------------------------------------------------------------------------------------
KENTSOC_FORCE_NAME = env_str("KENTSOC_FORCE_NAME", "Kent-shire Constabulary (fictional)")
# Demo logins exist only while DEBUG is on; seed_demo gives them unusable passwords otherwise.
KENTSOC_DEMO_PASSWORD = "demo-password-123"  # noqa: S105

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors": {"()": "kentsoc.web.log_filters.ClientErrorsOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler would print every message a second time with DEBUG on;
        # everything goes through the root handler instead.
        "django": {"level": "INFO"},
        "django.db.backends": {"level": "WARNING"},
    },
}
