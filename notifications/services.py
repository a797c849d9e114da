"""Queue notifications in the caller's transaction; send them after it commits."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from agencies.models import QUEUE_ROLES, Membership

from .models import SUBJECTS, Notice, Notification, NotificationStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def _recipients(*, agency, user_id) -> list[tuple[int | None, str]]:
    """The person who holds the task if there is one, otherwise the agency's shared mailbox."""
    if user_id:
        email = (
            get_user_model()
            .objects.filter(pk=user_id, is_active=True)
            .values_list("email", flat=True)
            .first()
        )
        if email:
            return [(user_id, email)]
    if agency is not None and agency.email:
        return [(None, agency.email)]
    return []


def _queue_rows(*, kind, agency, recipients, notice_user_ids, link: str, key: str) -> int:
    """Write the e-mails (one per address) and the in-app notices (one per person), one statement
    each: a row already written for this event and address (or person) is left as it is, so
    queueing an event twice sends it once. Returns the number of addresses."""
    emails, seen = [], set()
    for recipient_id, email in recipients:
        if not email or email.lower() in seen:
            continue
        seen.add(email.lower())
        emails.append(
            Notification(
                kind=kind,
                recipient_id=recipient_id,
                agency=agency,
                email=email,
                link=link,
                key=key,
            )
        )
    Notification.objects.bulk_create(emails, ignore_conflicts=True)  # unique (key, email)
    notices = [
        Notice(recipient_id=pk, kind=kind, link=link, key=key)
        for pk in dict.fromkeys(notice_user_ids)
    ]
    Notice.objects.bulk_create(notices, ignore_conflicts=True)  # one notice per person per event
    if emails:
        transaction.on_commit(notification_send_pending)
    return len(emails)


def notification_queue(*, kind: str, agency=None, user_id=None, link: str, key: str) -> int:
    """Write outbox rows (idempotent by key and address) and send them once the transaction commits.

    The person (if any) also gets an in-app notice."""
    active = user_id and get_user_model().objects.filter(pk=user_id, is_active=True).exists()
    return _queue_rows(
        kind=kind,
        agency=agency,
        recipients=_recipients(agency=agency, user_id=user_id),
        notice_user_ids=[user_id] if active else [],
        link=link,
        key=key,
    )


def notification_queue_to_agency(*, kind: str, agency, link: str, key: str) -> int:
    """Tell an agency's queue: everyone active who works it (an e-mail if they have an address,
    and an in-app notice), and the agency's shared mailbox if it has one."""
    roles = QUEUE_ROLES.get(agency.kind, frozenset())
    people = list(
        Membership.objects.active()
        .filter(agency=agency, role__in=roles)
        .order_by("user_id")
        .values_list("user_id", "user__email")
        .distinct()
    )
    recipients = [(user_id, email) for user_id, email in people if email]
    if agency.email:
        recipients.append((None, agency.email))
    return _queue_rows(
        kind=kind,
        agency=agency,
        recipients=recipients,
        notice_user_ids=[user_id for user_id, _ in people],
        link=link,
        key=key,
    )


# -- in-app notices -------------------------------------------------------------------------------


def notices_for(user):
    """The person's own notices, newest first."""
    return Notice.objects.filter(recipient=user)


def notice_unread_count(user) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def notice_open(*, notice: Notice, user) -> Notice:
    """The person opens their notice: it is marked read (the first time only)."""
    if notice.recipient_id != user.pk:
        raise PermissionError("A person can open only their own notices")
    if notice.read_at is None:
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())
        notice.refresh_from_db(fields=["read_at"])
    return notice


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
            status = (
                NotificationStatus.FAILED
                if notification.attempts >= MAX_ATTEMPTS
                else NotificationStatus.PENDING
            )
            Notification.objects.filter(pk=pk).update(status=status, last_error=type(exc).__name__)
            continue
        Notification.objects.filter(pk=pk).update(
            status=NotificationStatus.SENT, sent_at=timezone.now()
        )
        sent += 1
    return sent
