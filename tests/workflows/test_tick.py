"""`manage.py tick` (and the Celery beat task) run the six sweeps: timers, the reviews falling
due, reminders and escalations, outbox, documents, and the read audit's partitions ahead (none to make: the migration made
this month's and the next 12, and SQLite has none)."""

from io import StringIO

import pytest
from django.core.management import call_command

from workflows.tasks import workflow_tick

pytestmark = pytest.mark.django_db


def test_tick_runs_every_sweep_once_and_reports_it():
    out = StringIO()
    call_command("tick", stdout=out)
    assert out.getvalue().strip() == (
        "Timers fired: 0; reviews started: 0; reminders and escalations: 0; "
        "notifications sent: 0; documents rendered: 0; audit partitions created: 0"
    )


def test_beat_task_reports_the_same_sweeps():
    assert workflow_tick() == {
        "timers_fired": 0,
        "reviews_started": 0,
        "alerts_sent": 0,
        "notifications_sent": 0,
        "documents_rendered": 0,
        "audit_partitions_created": 0,
    }
