"""`manage.py tick --loop` as the embedded default runs it beside the server (`make run`): a real
process on the test's PostgreSQL database that sweeps again and again, sends what is due, and
stops cleanly (exit status 0, after the sweep in progress) on SIGTERM or SIGINT."""

import signal
import subprocess
import sys

import pytest
from django.utils import timezone

from notifications.models import Notification, NotificationKind, NotificationStatus
from tests.background.conftest import ROOT, WAIT, process_environment, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_tick_loop_sweeps_until_stopped_by_a_signal(signum, tmp_path):
    Notification.objects.create(
        kind=NotificationKind.TASK_OVERDUE,
        email="adviser@health.example",
        link="/tasks/",
        key="tick:1",
        next_attempt_at=timezone.now(),
    )
    log = tmp_path / "tick.log"
    env = process_environment(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    command = [sys.executable, "manage.py", "tick", "--loop", "--interval", "0.2", "-v", "2"]
    with log.open("w") as out:
        tick = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until(
            lambda: log.read_text().count("Timers fired") >= 3 or tick.poll() is not None,
            "three sweeps",
            logs=[log],
        )
        tick.send_signal(signum)
        assert tick.wait(timeout=WAIT) == 0, log.read_text()
    finally:
        if tick.poll() is None:
            tick.kill()
            tick.wait()
    lines = log.read_text().splitlines()
    sweeps = [line for line in lines if line.startswith("Timers fired")]
    assert "notifications sent: 1;" in sweeps[0]
    assert all("notifications sent: 0;" in line for line in sweeps[1:])
    assert lines[-1] == f"Stopped ({signum.name}) after {len(sweeps)} sweeps."
    assert Notification.objects.get().status == NotificationStatus.SENT
