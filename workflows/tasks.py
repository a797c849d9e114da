"""Celery tasks (production runs them from beat; the embedded default uses `manage.py tick`)."""

from celery import shared_task
from django.utils import timezone

from ehcp.governance.partitions import audit_partitions_ensure
from ehcp.plans.rendering import document_render_pending
from notifications.services import notification_send_pending

from .alerts import alerts_sweep
from .digest import digest_send
from .pipeline_services import reviews_start_due
from .timers import fire_due_timers


@shared_task
def workflow_tick() -> dict:
    today = timezone.localdate()
    return {
        "timers_fired": fire_due_timers(),
        "reviews_started": len(reviews_start_due(today=today).started),
        "alerts_sent": alerts_sweep(today=today).alerts,
        "weekly_digests": digest_send(today=today),
        "notifications_sent": notification_send_pending(),
        "documents_rendered": document_render_pending(),
        "audit_partitions_created": len(audit_partitions_ensure().created),
    }
