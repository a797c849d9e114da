"""Two sweeps at once, and a sweep that dies half-way (PostgreSQL, real commits): every reminder,
escalation and warning is written and queued exactly once, and none is lost."""

from datetime import date
from unittest import mock

import pytest

from notifications.models import Notice, Notification
from tests.concurrency import POSTGRES_ONLY, outcome, race
from tests.factories import Calendar, CaseWalk
from workflows import alerts
from workflows.alerts import alerts_sweep
from workflows.models import StepAlertRule, TaskAlert

pytestmark = POSTGRES_ONLY

# Each late case's decision whether to assess is due on Monday 12 April 2027; on the 13th it is
# missed (the SEN managers are told) and one working day overdue (escalated to the council's
# managers, who are the same people): two alerts a case.
DAY = date(2027, 4, 13)
CASES = 8
ALERTS = 2 * CASES


@pytest.fixture
def late_cases(cast):
    StepAlertRule.objects.all().delete()  # one rule for every step, whatever was seeded
    StepAlertRule.objects.create(
        step="", remind_days_before=2, escalate_days_overdue=1, warn_days_before=3
    )
    for _ in range(CASES):
        CaseWalk(cast, when=Calendar(late_by=20)).receive()
    Notification.objects.all().delete()
    Notice.objects.all().delete()


def _each_once():
    keys = list(TaskAlert.objects.values_list("task_id", "kind", "due_on"))
    assert len(keys) == len(set(keys))
    rows = list(Notification.objects.values_list("key", "email"))
    assert len(rows) == len(set(rows))
    return len(keys)


def test_two_sweeps_at_once_tell_each_step_once(cast, late_cases):
    wins, errors = outcome(
        race(
            lambda: lambda: alerts_sweep(today=DAY, batch=2),
            lambda: lambda: alerts_sweep(today=DAY, batch=2),
        )
    )

    assert errors == []
    assert _each_once() == ALERTS
    assert sum(result.alerts for result in wins) == ALERTS
    emails = sorted(Notification.objects.values_list("email", flat=True))
    assert emails == [cast.manager.email] * ALERTS


def test_a_sweep_that_dies_half_way_loses_nothing_and_sends_nothing_twice(cast, late_cases):
    real = alerts.notifications_queue
    calls = []

    def dies_on_the_third_batch(events, **options):
        calls.append(1)
        if len(calls) == 3:
            raise SystemExit("the worker was killed")
        return real(events, **options)

    with mock.patch.object(alerts, "notifications_queue", dies_on_the_third_batch):
        with pytest.raises(SystemExit):
            alerts_sweep(today=DAY, batch=2)
    # Two whole batches were committed; the third rolled back with its alerts.
    assert TaskAlert.objects.count() == 4

    alerts_sweep(today=DAY, batch=2)

    assert _each_once() == ALERTS
    assert Notification.objects.count() == ALERTS
