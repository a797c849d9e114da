"""Links in e-mails are built from settings.SITE_URL, and `make run` sets it from HOST and PORT."""

import os
import subprocess
from pathlib import Path

import pytest
from django.core import mail

from notifications.models import Notification, NotificationKind, NotificationStatus
from notifications.services import notification_send_pending

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
@pytest.mark.parametrize("site_url", ["http://127.0.0.1:8123", "https://send.example.gov.uk/"])
def test_email_links_follow_site_url(settings, site_url):
    settings.SITE_URL = site_url
    Notification.objects.create(
        kind=NotificationKind.TASK_ASSIGNED,
        email="someone@example.org",
        link="/tasks/abc/",
        key="k1",
    )
    assert notification_send_pending() == 1
    [message] = mail.outbox
    assert f"Sign in to see it: {site_url.rstrip('/')}/tasks/abc/\n" in message.body
    assert Notification.objects.get().status == NotificationStatus.SENT


def make_dry_run(*args: str, **env: str) -> str:
    environment = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
    environment.update(env)
    result = subprocess.run(
        ["make", "--dry-run", "run", "VENV=/nonexistent-venv", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_make_run_sets_site_url_from_host_and_port():
    out = make_dry_run("HOST=0.0.0.0", "PORT=8123")
    assert "SITE_URL=http://0.0.0.0:8123 /nonexistent-venv/bin/python manage.py load_demo" in out
    assert "SITE_URL=http://127.0.0.1:8000 " in make_dry_run()


def test_make_run_keeps_a_site_url_that_is_already_set():
    out = make_dry_run("PORT=8123", SITE_URL="https://send.example.gov.uk")
    assert (
        "SITE_URL=https://send.example.gov.uk /nonexistent-venv/bin/python manage.py load_demo"
        in out
    )
