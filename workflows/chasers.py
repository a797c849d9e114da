"""The morning chaser: a step has fallen due and its timer fires.

Kept apart from `workflows.services` (which imports the flows) so that the flow's timer node can
import it at the top of `flows.py` without a cycle.
"""

from datetime import date

from django.db import transaction

from notifications.models import NotificationKind
from notifications.services import notification_queue

from .models import CaseTask


def task_chase(*, task: CaseTask, today: date) -> bool:
    """A step is overdue: tell its agency's queue (and the person who claimed it), once, and
    record the day it was chased. Nothing happens if the step was done in the meantime; returns
    whether it was chased."""
    with transaction.atomic():
        if not task.is_open:
            return False
        task.last_chased_on = today
        task.save(update_fields=["last_chased_on"])
        notification_queue(
            kind=NotificationKind.TASK_OVERDUE,
            agency=task.agency,
            user_id=task.owner_id,
            link=f"/tasks/{task.public_id}/",
            key=f"chase:{task.pk}",
            topic=f"task:{task.public_id}",
        )
    return True
