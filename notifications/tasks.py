"""Sending the outbox after a commit: in the Celery worker when there is a broker, here otherwise.

`notifications.services` registers `notification_send_after_commit` with `transaction.on_commit`
whenever it writes outbox rows. With a real broker (production: CELERY_TASK_ALWAYS_EAGER off) it
only enqueues `notifications_send`, so no e-mail or Notify call happens in the web request; with
the embedded default (eager) it sends at once, in this process, as it always has. Either way the
rows are already committed, so nothing depends on the message reaching the worker: every tick
(beat's `workflow_tick`, or `manage.py tick --loop`) sends whatever is still due. That is why a
broker that cannot be reached is logged and does not fail the user's request.
"""

import logging

from celery import shared_task
from django.conf import settings

logger = logging.getLogger(__name__)

# Publishing waits for the broker at most about a second (three quick tries), not kombu's
# default, so a broker that is down costs the user's request little; the tick sends the rows.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}


@shared_task(ignore_result=True)
def notifications_send() -> int:
    """Send the outbox rows that are due (the claim makes two workers at once safe)."""
    # Imported here: notifications.services imports this module to register the hook below.
    from .services import notification_send_pending

    return notification_send_pending()


def notification_send_after_commit() -> None:
    """Run by transaction.on_commit after outbox rows were written: enqueue the worker's send, or
    send now when tasks run eagerly (no broker)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        notifications_send()
        return
    try:
        notifications_send.apply_async(retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception as exc:  # noqa: BLE001 - the broker is the outside world
        # The rows are committed and PENDING: the next tick sends them.
        logger.error(
            "Could not queue the notification send (%s: %s); the next tick will send them",
            type(exc).__name__,
            exc,
        )
