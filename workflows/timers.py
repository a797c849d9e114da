"""Fire due viewflow timers for the case flows (durable: the due moment is a database row).

viewflow's own dispatcher only covers its default Task model; ours keeps the same protocol for
`CaseTask`: each due task is re-checked under its flow lock, and one locked by another dispatcher
is skipped until the next sweep.
"""

import logging
from contextvars import ContextVar
from datetime import date

from django.utils import timezone
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.status import STATUS

from .models import CaseTask

logger = logging.getLogger(__name__)

# The moment the running sweep was asked to fire timers for (the clock is read once per sweep).
_sweep_now = ContextVar("sweep_now", default=None)


def sweep_today() -> date:
    """The date of the sweep that is firing timers; today's date outside a sweep."""
    now = _sweep_now.get()
    return timezone.localdate(now) if now is not None else timezone.localdate()


def fire_due_timers(now=None) -> int:
    now = now or timezone.now()
    token = _sweep_now.set(now)
    try:
        return _fire_due_timers(now)
    finally:
        _sweep_now.reset(token)


def _fire_due_timers(now) -> int:
    fired = 0
    due = CaseTask.objects.filter(
        flow_task_type="TIMER", status=STATUS.SCHEDULED, scheduled__lte=now
    ).order_by("scheduled")
    for task in due:
        try:
            with task.activation() as activation:
                start = getattr(activation, "start", None)
                if start is None:
                    logger.warning("Timer task %s has no node %r; skipped", task.pk, task.flow_task)
                    continue
                if start.can_proceed():
                    activation.start()
                    activation.execute()
                    fired += 1
        except FlowLockFailed:
            logger.info("Timer task %s is locked by another dispatcher; skipped", task.pk)
        except Exception:  # one broken case must not stop the sweep
            logger.exception("Timer task %s failed to fire", task.pk)
    return fired
