"""Queue notifications in the caller's transaction; send them after it commits."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import SUBJECTS, Notification, NotificationStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def _recipients(*, agency, user_id) -> list[tuple[int | None, str]]:
    """The person who holds the task if there is one, otherwise the agency's shared mailbox."""
    if user_id:
        email = get_user_model().objects.filter(pk=user_id, is_active=True).values_list("email", flat=True).first()
        if email:
            return [(user_id, email)]
    if agency is not None and agency.email:
        return [(None, agency.email)]
    return []


def notification_queue(*, kind: str, agency=None, user_id=None, link: str, key: str) -> list[Notification]:
    """Write outbox rows (idempotent by key and address) and send them once the transaction commits."""
    queued = []
    for recipient_id, email in _recipients(agency=agency, user_id=user_id):
        try:
            with transaction.atomic():
                queued.append(
                    Notification.objects.create(
                        kind=kind, recipient_id=recipient_id, agency=agency, email=email, link=link, key=key
                    )
                )
        except IntegrityError:
            continue  # already queued for this event
    if queued:
        transaction.on_commit(notification_send_pending)
    return queued


def notification_send_pending(limit: int = 100) -> int:
    """Claim pending rows with a conditional update (so two senders never send one twice) and send."""
    sent = 0
    ids = list(
        Notification.objects.filter(status=NotificationStatus.PENDING, attempts__lt=MAX_ATTEMPTS)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        claimed = Notification.objects.filter(pk=pk, status=NotificationStatus.PENDING).update(
            status=NotificationStatus.SENDING, attempts=F("attempts") + 1
        )
        if not claimed:
            continue
        notification = Notification.objects.get(pk=pk)
        url = settings.SITE_URL.rstrip("/") + notification.link
        body = (
            "There is an update on SEND casework that needs your attention.\n\n"
            f"Sign in to see it: {url}\n\n"
            "This message does not contain any personal details."
        )
        try:
            send_mail(SUBJECTS[notification.kind], body, None, [notification.email])
        except Exception as exc:  # the provider is outside our control: retry later
            logger.warning("Notification %s failed: %s", pk, type(exc).__name__)
            status = NotificationStatus.FAILED if notification.attempts >= MAX_ATTEMPTS else NotificationStatus.PENDING
            Notification.objects.filter(pk=pk).update(status=status, last_error=type(exc).__name__)
            continue
        Notification.objects.filter(pk=pk).update(status=NotificationStatus.SENT, sent_at=timezone.now())
        sent += 1
    return sent
