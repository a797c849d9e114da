"""`manage.py tick` (and the Celery beat task) run the seven sweeps: timers, the reviews falling
due, reminders and escalations, the weekly digest (nobody has anything to count), outbox, documents, and the read audit's partitions ahead (none to
make: the migration made this month's and the next 12, and SQLite has none). `--loop` repeats
until SIGTERM or SIGINT; beat's schedule names tasks the worker registers."""

import os
import signal
import threading
import time
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from config.celery import app
from workflows.tasks import workflow_tick

pytestmark = pytest.mark.django_db


def test_tick_runs_every_sweep_once_and_reports_it():
    out = StringIO()
    call_command("tick", stdout=out)
    assert out.getvalue().strip() == (
        "Timers fired: 0; reviews started: 0; reminders and escalations: 0; weekly digests: 0; "
        "notifications sent: 0; documents rendered: 0; audit partitions created: 0"
    )


def test_beat_task_reports_the_same_sweeps():
    assert workflow_tick() == {
        "timers_fired": 0,
        "reviews_started": 0,
        "alerts_sent": 0,
        "weekly_digests": 0,
        "notifications_sent": 0,
        "documents_rendered": 0,
        "audit_partitions_created": 0,
    }


class NotStopped(Exception):
    """Raised by the test's own handler if the command left a stop signal unhandled."""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_loop_repeats_until_a_stop_signal_then_stops_cleanly(signum):
    """`tick --loop` sweeps again and again; SIGTERM (a service manager) or SIGINT (Ctrl-C) lets
    the sweep finish and ends the loop, with the signal handlers as they were before."""

    def not_stopped(*_):
        raise NotStopped

    before = signal.signal(signum, not_stopped)
    out = StringIO()

    def stop_after_three_sweeps():
        deadline = time.monotonic() + 20
        while out.getvalue().count("Timers fired") < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(os.getpid(), signum)

    watcher = threading.Thread(target=stop_after_three_sweeps)
    watcher.start()
    try:
        call_command("tick", loop=True, interval=0.05, verbosity=2, stdout=out)
        watcher.join()
        assert signal.getsignal(signum) is not_stopped
    finally:
        signal.signal(signum, before)
    lines = out.getvalue().splitlines()
    sweeps = [line for line in lines if line.startswith("Timers fired: 0;")]
    assert len(sweeps) >= 3
    assert lines[-1] == f"Stopped ({signum.name}) after {len(sweeps)} sweeps."


def test_loop_prints_only_sweeps_that_did_something_by_default():
    out = StringIO()
    threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGTERM)).start()
    call_command("tick", loop=True, interval=0.05, stdout=out)
    assert out.getvalue().splitlines()[-1].startswith("Stopped (SIGTERM) after ")
    assert "Timers fired" not in out.getvalue()


def test_interval_must_be_positive():
    with pytest.raises(CommandError, match="--interval must be a positive number of seconds"):
        call_command("tick", loop=True, interval=0)


def test_beat_runs_tasks_the_worker_registers():
    """Every task in CELERY_BEAT_SCHEDULE is one the worker knows after autodiscovery (a typo in a
    task's name would be sent every minute and dropped by the worker as unregistered)."""
    app.loader.import_default_modules()  # what the worker does at start: autodiscover tasks
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "workflows.tasks.workflow_tick" in scheduled
    assert scheduled <= set(app.tasks), scheduled - set(app.tasks)
    assert "notifications.tasks.notifications_send" in app.tasks
    assert app.conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE
