"""Celery app for production (PostgreSQL + Redis).

The embedded default runs background work in-process (CELERY_TASK_ALWAYS_EAGER) so a fresh
machine needs no broker; production sets CELERY_BROKER_URL and runs a worker and beat.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("send_casework")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
