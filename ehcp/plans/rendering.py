"""Rendering issued documents after the commit: claim a queued `DocumentRender` row, render its
frozen content to PDF (`ehcp.plans.documents`) and store the result as an immutable `PlanDocument`.

`ehcp.plans.services.document_queue` writes the row in the issuing transaction and asks for it
to be rendered once that commits: here and now, or in the Celery worker (`ehcp.plans.tasks`). This
module imports no service and no task, so `ehcp.plans.tasks` can import it without a cycle.
"""

import logging
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ehcp.plans import documents
from ehcp.plans.models import DocumentRender, PlanDocument, RenderStatus, document_path

logger = logging.getLogger(__name__)

MAX_RENDER_ATTEMPTS = 5
STALE_RENDER = timedelta(minutes=15)


def document_render(render_id: int) -> PlanDocument | None:
    """Render one queued document and store it. Claims the row with a conditional update, so two
    workers never render it twice; a failure is retried up to 5 times by `document_render_pending`."""
    claimed = DocumentRender.objects.filter(pk=render_id, status=RenderStatus.PENDING).update(
        status=RenderStatus.RENDERING, attempts=F("attempts") + 1, claimed_at=timezone.now()
    )
    if not claimed:
        return None
    render = DocumentRender.objects.select_related("case", "review").get(pk=render_id)
    try:
        pdf = documents.render_document(render.kind, render.content, version=render.version)
    except Exception as exc:  # a template or font problem: keep the row and retry later
        logger.exception("Rendering document %s failed", render.public_id)
        status = (
            RenderStatus.FAILED if render.attempts >= MAX_RENDER_ATTEMPTS else RenderStatus.PENDING
        )
        DocumentRender.objects.filter(pk=render.pk).update(
            status=status, last_error=type(exc).__name__[:200]
        )
        return None
    with transaction.atomic():
        document = PlanDocument(
            case=render.case,
            review=render.review,
            kind=render.kind,
            version=render.version,
            content=render.content,
            sha256=documents.sha256(pdf),
            size=len(pdf),
            issued_on=render.issued_on,
            issued_at=render.requested_at,
            issued_by_id=render.issued_by_id,
        )
        document.file.save(document_path(document, ""), ContentFile(pdf), save=False)
        document.save()
        DocumentRender.objects.filter(pk=render.pk).update(
            status=RenderStatus.DONE, document=document, last_error=""
        )
    return document


def document_render_pending(limit: int = 50) -> int:
    """Render what is waiting (and what a stopped worker left half done). Returns how many."""
    stale = timezone.now() - STALE_RENDER
    DocumentRender.objects.filter(status=RenderStatus.RENDERING, claimed_at__lt=stale).update(
        status=RenderStatus.PENDING
    )
    ids = list(
        DocumentRender.objects.filter(status=RenderStatus.PENDING, attempts__lt=MAX_RENDER_ATTEMPTS)
        .order_by("requested_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in ids if document_render(pk) is not None)
