"""Complete, environment-driven settings. local.py, test.py and production.py only override.

Every variable read here is listed in docs/configuration.md.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "agencies.admin_apps.SupportAdminConfig",  # Django's admin as the support site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "simple_history",
    "axes",
    "viewflow",
    "viewflow.workflow",
    "agencies",
    "ehcp",  # the history tables and the migrations from before the split into rooms
    "ehcp.governance",
    "ehcp.children",
    "ehcp.plans",
    "ehcp.assessments",
    "ehcp.reviews",
    "panel",
    "notifications",
    "workflows",
    "demo",  # demo data on top of the domain apps: nothing imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ehcp.common.middleware.RequestIdMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "agencies.middleware.NoStoreMiddleware",
    "agencies.middleware.SecurityHeadersMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page (AS-04).
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
                "config.context_processors.navigation",
                "notifications.context_processors.notices",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time; wait for the lock rather than failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
# A read replica for the reporting pages (IG reports, review figures): only their reads, only
# outside a transaction (config/routers.py, ehcp/common/replica.py). Unset: everything reads
# from the primary. In tests the alias mirrors the primary's test database.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["config.routers.ReportingReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]

# Sign-in throttling (AS-04): django-axes refuses a username from an IP address after
# SIGN_IN_FAILURE_LIMIT wrong passwords, for SIGN_IN_COOLOFF_MINUTES. The same page shows
# whether or not the account exists; every lockout is logged (agencies/signin.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SIGN_IN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The cool-off runs from the lockout: trying again while locked out does not restart it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "agencies.signin.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False  # no start-up banner; lockouts are still logged

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12  # absolute 12 hours (AS-07)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Background work. The embedded default runs it in-process; production points at Redis.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "send-casework@localhost")
# Django's SMTP backend (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))  # seconds: a hung server is retried
# GOV.UK Notify: with an API key, notifications go through Notify instead of EMAIL_BACKEND, from
# one template whose personalisation is ((subject)), ((body)) and ((link)); a kind may have its
# own template ("KIND=template-id,..."). Notify's delivery receipts come back to
# /notifications/notify-callback/ with NOTIFY_CALLBACK_TOKEN as their bearer token.
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
NOTIFY_TEMPLATE_ID = os.environ.get("NOTIFY_TEMPLATE_ID", "")
NOTIFY_TEMPLATE_IDS = dict(
    item.split("=", 1) for item in env_list("NOTIFY_TEMPLATE_IDS") if "=" in item
)
NOTIFY_CALLBACK_TOKEN = os.environ.get("NOTIFY_CALLBACK_TOKEN", "")

# The council running the service: shown in page headers and letters.
COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Exampleshire County Council")
# The council's logo on plans and letters (an SVG or PNG file). Issued documents are stored on
# the "default" storage in STORAGES (MEDIA_ROOT, or S3-compatible storage when that is configured).
COUNCIL_LOGO = os.environ.get(
    "COUNCIL_LOGO", str(BASE_DIR / "templates" / "ehcp" / "plans" / "pdf" / "council-logo.svg")
)
SERVICE_NAME = "SEND casework"
# AGPL-3.0 section 13: users of the service are offered its source code.
SOURCE_CODE_URL = os.environ.get("SOURCE_CODE_URL", "")
# Days before a statutory date at which work counts as "due soon".
DEADLINE_WARN_DAYS = int(os.environ.get("DEADLINE_WARN_DAYS", "5"))
# The daily sweep starts the review of every plan due within this many weeks (none open yet).
REVIEW_START_WEEKS_AHEAD = int(os.environ.get("REVIEW_START_WEEKS_AHEAD", "16"))
# Information governance: the agreement every disclosure cites, and how long break-glass access lasts.
ISA_REFERENCE = os.environ.get("ISA_REFERENCE", "SEND Information Sharing Agreement v3 (2021)")
BREAK_GLASS_MINUTES = int(os.environ.get("BREAK_GLASS_MINUTES", "60"))
# Break-glass rate limit (AC-07): per person, in any rolling period of BREAK_GLASS_LIMIT_HOURS.
BREAK_GLASS_MAX_GRANTS = int(os.environ.get("BREAK_GLASS_MAX_GRANTS", "3"))
BREAK_GLASS_MAX_FAILED_ATTEMPTS = int(os.environ.get("BREAK_GLASS_MAX_FAILED_ATTEMPTS", "3"))
BREAK_GLASS_LIMIT_HOURS = int(os.environ.get("BREAK_GLASS_LIMIT_HOURS", "24"))
# Files attached to advice (IN-07): the largest file, and how many files one piece of advice may have.
ADVICE_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("ADVICE_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))
)
ADVICE_ATTACHMENTS_MAX = int(os.environ.get("ADVICE_ATTACHMENTS_MAX", "10"))
# The longest a step waits for someone else's step on the same case (workflows.locking), in ms.
WORKFLOW_LOCK_TIMEOUT_MS = int(os.environ.get("WORKFLOW_LOCK_TIMEOUT_MS", "3000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Refused requests (403, 404) log one line, not a traceback; a server error's line carries
    # the reference its error page showed (config/log_filters.py).
    "filters": {"request_errors": {"()": "config.log_filters.RequestErrorFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_errors"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "django.request": {"filters": ["request_errors"]},
    },
}
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

CELERY_BEAT_SCHEDULE = {
    "workflow-tick": {"task": "workflows.tasks.workflow_tick", "schedule": 60.0},
}
