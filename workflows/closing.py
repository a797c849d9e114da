"""End steps that are no longer owed: a request withdrawn, a plan finalised without a late reply,
a review cancelled.

viewflow cancels a task's boundary timers only when the task *finishes*; a cancelled task would
leave its chaser scheduled. Here both go together, and each cancelled task records why and by
whom (in `CaseTask.data["cancelled"]`), so a queue never shows work nobody owes and nobody is
chased for it. The caller holds the flow's lock (or the case row's) and the transaction.
"""

from django.utils import timezone
from viewflow.workflow.status import STATUS

from ehcp.reviews.models import Review
from panel.models import FundingRequest

from .models import OPEN_TASK_STATUSES, CaseTask

#: Timer rows that have not fired yet.
PENDING_TIMER_STATUSES = (STATUS.NEW, STATUS.SCHEDULED)


def _cancel(task: CaseTask, *, reason: str, by) -> None:
    """Cancel one human task and the chasers armed on it."""
    for timer in CaseTask.objects.filter(
        previous=task, flow_task_type="TIMER", status__in=PENDING_TIMER_STATUSES
    ):
        timer.flow_task.activation_class(timer).cancel()
    task.data = {
        **(task.data or {}),
        "cancelled": {
            "reason": reason,
            "by": getattr(by, "pk", None),
            "at": timezone.now().isoformat(),
        },
    }
    task.save(update_fields=["data"])
    task.flow_task.activation_class(task).cancel()


def tasks_cancel(tasks, *, reason: str, by) -> list[CaseTask]:
    """Cancel these open human tasks (and their chasers), in the caller's transaction.

    Returns the tasks cancelled; tasks already finished are left as they are."""
    cancelled = []
    for task in tasks:
        if task.flow_task_type != "HUMAN" or task.status not in OPEN_TASK_STATUSES:
            continue
        _cancel(task, reason=reason, by=by)
        cancelled.append(task)
    return cancelled


def episode_open_tasks_cancel(*, episode, reason: str, by, keep=()) -> list[CaseTask]:
    """Cancel every open human task of an episode's flows (an assessment's or a review's) except
    those in `keep` (for example the task being completed), with their chasers. Returns the tasks
    cancelled."""
    keep_ids = {task.pk for task in keep}
    tasks = (
        CaseTask.objects.human()
        .open()
        .filter(**episode_filter(episode))
        .exclude(pk__in=keep_ids)
        .select_related("process")
        .order_by("pk")
    )
    return tasks_cancel(tasks, reason=reason, by=by)


def case_open_tasks_cancel(*, case, reason: str, by, keep=()) -> list[CaseTask]:
    """Cancel every open human task of the case's flows except those in `keep`."""
    return episode_open_tasks_cancel(episode=case, reason=reason, by=by, keep=keep)


def episode_filter(episode) -> dict:
    """The filter of the rows (processes, tasks) of an episode: an assessment, a review or a
    funding request."""
    if isinstance(episode, Review):
        return {"review": episode}
    if isinstance(episode, FundingRequest):
        return {"funding_request": episode}
    return {"case": episode}
