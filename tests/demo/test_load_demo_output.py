"""What `manage.py load_demo` prints: progress while it loads, then any e-mails, and the demo
logins last (so `make run` does not scroll them away)."""

import sys
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from demo import generator as demo
from notifications.models import Notification, NotificationKind, NotificationStatus

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 28)


def load(*args: str, children: int = 3) -> str:
    out = StringIO()
    call_command(
        "load_demo",
        "--children",
        str(children),
        "--seed",
        "7",
        "--today",
        TODAY.isoformat(),
        "--no-reviews",  # the reviews' lines are tests/demo/test_load_demo_reviews.py's
        *args,
        stdout=out,
    )
    return out.getvalue()


def test_progress_is_shown_while_loading_and_the_logins_come_last(settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    lines = load(children=3).splitlines()
    assert (
        lines[0]
        == "Loading the demo data: 3 children, each with a case driven through the workflow."
    )
    assert lines[1].startswith("  Agencies and people created (") and lines[1].endswith(" s)")
    assert [line.split(" (")[0] for line in lines[2:5]] == [
        "  1 of 3 cases",
        "  2 of 3 cases",
        "  3 of 3 cases",
    ]
    logins = lines.index("Demo logins:")
    assert lines[logins + 1].split() == ["Username", "Role", "Agency", "Password"]
    assert lines[-1] == "Sign in at http://127.0.0.1:8123/sign-in/"
    usernames = [line.split()[0] for line in lines[logins + 3 : -1]]
    assert usernames == [username for username, *_ in demo.DEMO_USERS]


def test_progress_is_shown_for_every_tenth_of_the_children():
    out = load(children=20)
    shown = [line.split(" (")[0].strip() for line in out.splitlines() if " of 20 cases (" in line]
    assert shown == [f"{n} of 20 cases" for n in range(2, 21, 2)]


def test_emails_waiting_to_go_are_printed_before_the_logins(settings, capsys):
    load(children=1)
    Notification.objects.create(
        kind=NotificationKind.TASK_OVERDUE,
        email="caseworker@example.org",
        link="/tasks/",
        key="waiting",
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    call_command("load_demo", stdout=sys.stdout)  # already loaded: the e-mail, then the logins
    out = capsys.readouterr().out
    assert "Demo data already loaded." in out
    assert "Subject: A SEND casework task is overdue" in out
    assert out.index("Subject: A SEND casework task is overdue") < out.index("Demo logins:")
    summary = next(line for line in out.splitlines() if line.startswith("Chasers fired: "))
    assert int(summary.split("e-mails sent: ")[1].rstrip(".")) >= 1
    assert out.rstrip().splitlines()[-1].startswith("Sign in at ")
    assert Notification.objects.get(key="waiting").status == NotificationStatus.SENT


def test_quiet_load_prints_no_progress():
    out = StringIO()
    call_command(
        "load_demo",
        "--children",
        "2",
        "--today",
        TODAY.isoformat(),
        "--no-reviews",
        "--verbosity",
        "0",
        stdout=out,
    )
    assert " of 2 cases" not in out.getvalue() and "Loading the demo data" not in out.getvalue()
