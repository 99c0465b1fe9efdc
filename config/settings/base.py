"""Settings of every deployment; what differs between them comes from the env."""

from pathlib import Path

import dj_database_url

from config.env import BASE_DIR, env_bool, env_int, env_list, env_str

DEBUG = env_bool("CAIRN_DEBUG", default=False)
SECRET_KEY = env_str("CAIRN_SECRET_KEY") or (
    "insecure-development-key-do-not-use-in-production" if DEBUG else ""
)
ALLOWED_HOSTS = env_list("CAIRN_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CAIRN_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("CAIRN_SITE_URL", "http://127.0.0.1:8000")
VENDOR_NAME = env_str("CAIRN_VENDOR_NAME", "Cairn")

VAR_DIR = Path(env_str("CAIRN_VAR_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "cairn.core",
    "cairn.partners",
    "cairn.accounts",
    "cairn.deals",
    "cairn.learning",
    "cairn.lrs",
    "cairn.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cairn.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "cairn.core.context_processors.cairn",
            ],
        },
    },
]

# SQLite with WAL by default, so `make demo` needs nothing but Python; PostgreSQL when
# DATABASE_URL says so.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'cairn.sqlite3'}"),
        conn_max_age=env_int("CAIRN_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the worker write while the web process reads; IMMEDIATE avoids
        # "database is locked" when a read transaction later wants to write.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {
        "NAME": f"{_VALIDATORS}.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: email is the identity; verification is mandatory, logins throttled.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "10/h/ip",
    "reset_password": "5/h/ip,3/h/key",
    "confirm_email": "3/3m/key",
}
ACCOUNT_ADAPTER = "cairn.accounts.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{VENDOR_NAME}] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = VENDOR_NAME

EMAIL_BACKEND = env_str(
    "CAIRN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env_str("CAIRN_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("CAIRN_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("CAIRN_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("CAIRN_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("CAIRN_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("CAIRN_DEFAULT_FROM_EMAIL", "cairn@localhost")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Files learners hand in as evidence: outside MEDIA_ROOT, so that no URL serves
    # them; the learning app sends them through an access-checked view.
    "learning_evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "private" / "evidence"},
    },
    # Imported SCORM and cmi5 packages, extracted: outside MEDIA_ROOT too, served
    # only through the learning app's access-checked view.
    "learning_packages": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "private" / "packages"},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Background work through Django's tasks API. The database backend needs nothing
# more than the database; CAIRN_TASK_BACKEND=rq moves the queue to Redis.
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
TASK_BACKEND = env_str("CAIRN_TASK_BACKEND", "database")
if TASK_BACKEND == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    # Plain `manage.py rqworker default` must run django-tasks jobs.
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
elif TASK_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cairn.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "cairn.core.api.pagination.CairnPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cairn.core.api.problems.problem_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "1200/min"},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cairn API",
    "DESCRIPTION": (
        "Partner relationship management and enablement. Errors are RFC 9457 "
        "problem details (application/problem+json)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # ReDoc is served from our own static files: no CDN, and it works offline.
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "PartnerTypeEnum": "cairn.partners.choices.PartnerType",
        "MembershipStatusEnum": "cairn.partners.choices.MembershipStatus",
        "ImportModeEnum": "cairn.deals.models_import.ImportMode",
        "ImportRequestModeEnum": "cairn.deals.api.views_import.MODES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cairn.core.api.schema.add_problem_responses",
    ],
}

# Content Security Policy: only our own scripts and styles; htmx needs no eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_HSTS_SECONDS = env_int("CAIRN_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("CAIRN_HSTS_PRELOAD", default=True)
    # Load balancers probe health over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^health/"]
    SECURE_SSL_REDIRECT = env_bool("CAIRN_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Structured logs: one JSON object per line in production, readable lines in DEBUG.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "()": "cairn.core.logging.structured_formatter",
            "as_json": env_bool("CAIRN_LOG_JSON", default=not DEBUG),
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "structured"},
    },
    "root": {"handlers": ["console"], "level": env_str("CAIRN_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
    },
}

INVITATION_VALID_DAYS = env_int("CAIRN_INVITATION_VALID_DAYS", 14)
WORKER_HEARTBEAT_MAX_AGE_SECONDS = env_int("CAIRN_WORKER_HEARTBEAT_MAX_AGE", 180)

# The Learning Record Store refuses (413) a request larger than this: statements
# with their attachments.
CAIRN_LRS_MAX_REQUEST_BYTES = env_int("CAIRN_LRS_MAX_REQUEST_BYTES", 20 * 1024 * 1024)
# The xAPI version an answer declares when the request names none (2.0.0 or 1.0.3).
CAIRN_LRS_DEFAULT_VERSION = env_str("CAIRN_LRS_DEFAULT_VERSION", "2.0.0")

# Interactive packages (SCORM 1.2, SCORM 2004, cmi5): what an upload may be. A zip
# past any limit is refused before anything is written (see docs/learning.md).
CAIRN_PACKAGE_MAX_UPLOAD_BYTES = env_int(
    "CAIRN_PACKAGE_MAX_UPLOAD_BYTES", 250 * 1024 * 1024
)
CAIRN_PACKAGE_MAX_UNCOMPRESSED_BYTES = env_int(
    "CAIRN_PACKAGE_MAX_UNCOMPRESSED_BYTES", 1024 * 1024 * 1024
)
CAIRN_PACKAGE_MAX_ENTRIES = env_int("CAIRN_PACKAGE_MAX_ENTRIES", 10_000)
CAIRN_PACKAGE_MAX_RATIO = env_int("CAIRN_PACKAGE_MAX_RATIO", 200)
# How long a cmi5 launch's credentials last, from the launch (minutes).
CAIRN_CMI5_SESSION_MINUTES = env_int("CAIRN_CMI5_SESSION_MINUTES", 240)
