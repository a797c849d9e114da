"""Test settings: fast hashing, locmem e-mail, eager tasks. DATABASE_URL picks PostgreSQL."""

import os

from .base import *  # noqa: F401,F403

SECRET_KEY = "test-only-not-secret"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Never GOV.UK Notify from a test run, whatever the environment says (its tests use a fake).
NOTIFY_API_KEY = ""
NOTIFY_CALLBACK_TOKEN = ""
CELERY_TASK_ALWAYS_EAGER = True
DEMO_DATA_ALLOWED = True
ALLOWED_HOSTS = ["*"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if "DATABASE_URL" not in os.environ:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
# No persistent connections in tests: the live server's request threads must not hold the test
# database open when pytest-django drops it.
for _database in DATABASES.values():  # noqa: F405
    _database["CONN_MAX_AGE"] = 0
