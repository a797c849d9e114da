"""Production: PostgreSQL, Redis-backed Celery, HTTPS only. No defaults for secrets."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env_bool

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set SECRET_KEY to a random value of at least 50 characters.")
DEMO_DATA_ALLOWED = False

if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("Set DATABASE_URL: production runs on PostgreSQL.")
if not os.environ.get("CELERY_BROKER_URL"):
    raise ImproperlyConfigured(
        "Set CELERY_BROKER_URL: production runs background work on Celery with Redis."
    )

CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
if NOTIFY_API_KEY and not NOTIFY_TEMPLATE_ID:  # noqa: F405
    raise ImproperlyConfigured(
        "Set NOTIFY_TEMPLATE_ID: NOTIFY_API_KEY sends through GOV.UK Notify."
    )

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_NAME = "__Host-csrftoken"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "config.storage.StaticFilesStorage"},  # see config/storage.py
}
