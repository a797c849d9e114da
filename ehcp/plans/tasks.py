"""Celery tasks for the EHC domain: rendering issued plans and letters in the background worker.

`ehcp.plans.services.document_queue` sends `document_render_task` after the commit when
CELERY_TASK_ALWAYS_EAGER is off (production); otherwise it renders in-process. Either way the
frozen content is already committed in a `DocumentRender` row, so nothing is lost if the worker
stops: `document_render_pending_task` (or `manage.py render_documents`) picks it up again.

The tasks call `ehcp.plans.rendering`, which imports no service, so `ehcp.plans.services` imports this
module at its top without a cycle.
"""

from celery import shared_task

from ehcp.plans.rendering import document_render, document_render_pending


@shared_task(ignore_result=True)
def document_render_task(render_id: int) -> None:
    document_render(render_id)


@shared_task
def document_render_pending_task() -> int:
    return document_render_pending()
