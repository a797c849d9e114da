"""Queue notifications in the caller's transaction; send them after it commits."""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from agencies.models import QUEUE_ROLES, Membership
from agencies.queues import agency_people

from .channels import Channel, DeliveryError, Message, channel_get
from .models import SUBJECTS, Notice, Notification, NotificationKind, NotificationStatus
from .preferences import CHANNEL_FIELDS, channel_annotations, channels_from, channels_get
from .rules.delivery import CLAIM_TIMEOUT, Failure, Next, after_failure
from .rules.digest import digest_lines
from .rules.preferences import EVERY
from .tasks import notification_send_after_commit

logger = logging.getLogger(__name__)


def _recipients(*, agency, user_id, person: dict | None) -> list[tuple[int | None, str]]:
    """The person who holds the task if there is one, otherwise the agency's shared mailbox; none
    if the person switched e-mail off for this kind (they chose in-app). With no address at all,
    one row with none: the sender marks it UNDELIVERABLE ("no-address"), so it is escalated
    rather than lost."""
    if person is not None:
        if not channels_from(person).email:
            return []
        if person["email"]:
            return [(user_id, person["email"])]
    if agency is not None and agency.email:
        return [(None, agency.email)]
    return [(user_id if person is not None else None, "")]


@dataclass(frozen=True)
class Outgoing:
    """One event to tell people about: an e-mail to each address (a person's, or an agency's
    shared mailbox with no person) and an in-app notice to each person. `key` names the event:
    queueing it again (a second sweep, a retried request) writes nothing more. `channels` (person
    id -> Channels) is how each person chose to hear about the kind; read if not given."""

    kind: str
    link: str
    key: str
    recipients: Sequence[tuple[int | None, str]] = ()
    notice_user_ids: Sequence[int] = ()
    agency_id: int | None = None
    # What the message is about (e.g. "task:<public id>"): an undeliverable one is shown there.
    topic: str = ""
    context: dict = field(default_factory=dict)
    channels: dict | None = None


def _channels_of(events: list[Outgoing]) -> dict[str, dict]:
    """The channels of every person in the events that do not carry theirs: one statement per
    kind (notifications.preferences)."""
    wanted: dict[str, set] = {}
    for event in events:
        if event.channels is None:
            people = wanted.setdefault(event.kind, set())
            people.update(pk for pk, _ in event.recipients if pk is not None)
            people.update(event.notice_user_ids)
    return {kind: channels_get(kind=kind, user_ids=people) for kind, people in wanted.items()}


def notifications_queue(events: Iterable[Outgoing], *, send_after_commit: bool = True) -> int:
    """Write the e-mails (one per event and address) and the in-app notices (one per event and
    person) of any number of events, one statement each; they are sent once the caller's
    transaction commits (or, with `send_after_commit=False`, by the sender that runs next: the
    tick's sweeps, which queue batch after batch, leave them to it). A row already written for an
    event and address (or person) is left as it is. Returns the number of e-mails.

    A person gets the e-mail and the notice only by the channels they chose for the kind, within
    what the council requires; an agency's shared mailbox always gets its e-mail. An empty
    address is kept (once per event): the sender marks it UNDELIVERABLE ("no-address") and the
    agency's managers are told, rather than nobody knowing that nothing was sent."""
    events = list(events)
    read = _channels_of(events)
    emails, notices = [], []
    for event in events:
        channels = event.channels if event.channels is not None else read[event.kind]
        seen = set()
        for recipient_id, email in event.recipients:
            email = (email or "").strip()
            if email.lower() in seen or (
                recipient_id is not None and not channels.get(recipient_id, EVERY).email
            ):
                continue
            seen.add(email.lower())
            emails.append(
                Notification(
                    kind=event.kind,
                    recipient_id=recipient_id,
                    agency_id=event.agency_id,
                    email=email,
                    link=event.link,
                    key=event.key,
                    topic=event.topic,
                    context=event.context,
                )
            )
        notices.extend(
            Notice(recipient_id=pk, kind=event.kind, link=event.link, key=event.key)
            for pk in dict.fromkeys(event.notice_user_ids)
            if channels.get(pk, EVERY).in_app
        )
    Notification.objects.bulk_create(emails, ignore_conflicts=True)  # unique (key, email)
    Notice.objects.bulk_create(notices, ignore_conflicts=True)  # one notice per person per event
    if emails and send_after_commit:
        transaction.on_commit(notification_send_after_commit)  # the worker, or here if eager
    return len(emails)


def _queue_rows(
    *,
    kind,
    agency,
    recipients,
    notice_user_ids,
    link: str,
    key: str,
    topic: str = "",
    channels=None,
) -> int:
    return notifications_queue(
        [
            Outgoing(
                kind=kind,
                link=link,
                key=key,
                recipients=recipients,
                notice_user_ids=notice_user_ids,
                agency_id=agency.pk if agency is not None else None,
                topic=topic,
                channels=channels,
            )
        ]
    )


def notification_queue(
    *, kind: str, agency=None, user_id=None, link: str, key: str, topic: str = ""
) -> int:
    """Write outbox rows (idempotent by key and address) and send them once the transaction commits.

    The person (if any) also gets an in-app notice; each by the channels they chose for the kind.
    The person, their address and their choices are one statement."""
    person = None
    if user_id:
        person = (
            get_user_model()
            .objects.filter(pk=user_id, is_active=True)
            .annotate(**channel_annotations(kind=kind))
            .values("email", *CHANNEL_FIELDS)
            .first()
        )
    return _queue_rows(
        kind=kind,
        agency=agency,
        recipients=_recipients(agency=agency, user_id=user_id, person=person),
        notice_user_ids=[user_id] if person is not None else [],
        link=link,
        key=key,
        topic=topic,
        channels={user_id: channels_from(person)} if person is not None else {},
    )


def notification_queue_to_agency(*, kind: str, agency, link: str, key: str) -> int:
    """Tell an agency's queue: everyone active who works it (an e-mail if they have an address,
    and an in-app notice, each as they chose for the kind), and the agency's shared mailbox if it
    has one. If no e-mail could go to anyone (nobody has an address and there is no mailbox), one
    row with no address, so that it is escalated."""
    roles = QUEUE_ROLES.get(agency.kind, frozenset())
    people = list(
        Membership.objects.active()
        .filter(agency=agency, role__in=roles)
        .annotate(**channel_annotations(kind=kind, user_ref="user_id"))
        .order_by("user_id")
        .values("user_id", "user__email", *CHANNEL_FIELDS)
        .distinct()
    )
    channels = {person["user_id"]: channels_from(person) for person in people}
    recipients = [(p["user_id"], p["user__email"]) for p in people if p["user__email"]]
    if agency.email:
        recipients.append((None, agency.email))
    if not recipients and all(channels[p["user_id"]].email for p in people):
        recipients.append((None, ""))
    return _queue_rows(
        kind=kind,
        agency=agency,
        recipients=recipients,
        notice_user_ids=[person["user_id"] for person in people],
        link=link,
        key=key,
        channels=channels,
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


def notifications_undelivered(topic: str) -> list[Notification]:
    """The messages about `topic` (e.g. a task) that reached nobody, oldest first."""
    if not topic:
        return []
    return list(
        Notification.objects.filter(
            topic=topic,
            status__in=[NotificationStatus.UNDELIVERABLE, NotificationStatus.FAILED],
        ).order_by("failed_at", "pk")
    )


# -- delivery ------------------------------------------------------------------------------------


def notification_message(notification: Notification) -> Message:
    """What is sent for a row: the kind's subject and a sign-in link, nothing about anyone. The
    weekly digest adds its counts (notifications.rules.digest), never what they count."""
    url = settings.SITE_URL.rstrip("/") + notification.link
    body = (
        "There is an update on SEND casework that needs your attention.\n\n"
        f"Sign in to see it: {url}\n\n"
        "This message does not contain any personal details."
    )
    if notification.kind == NotificationKind.WEEKLY_DIGEST:
        lines = "".join(f"- {line}\n" for line in digest_lines(notification.context or {}))
        body = (
            f"Your SEND casework this week:\n\n{lines}\n"
            f"Sign in to see your tasks: {url}\n\n"
            "This message does not contain any personal details."
        )
    return Message(
        to=notification.email,
        kind=notification.kind,
        subject=SUBJECTS[notification.kind],
        body=body,
        link=url,
        reference=f"notification-{notification.pk}",
    )


# Not escalated: a message about a message that did not arrive (no loops), and the security
# alerts, which are about a person's own account (nobody else is told).
NOT_ESCALATED = frozenset(
    {
        NotificationKind.MESSAGE_UNDELIVERABLE,
        NotificationKind.SIGN_IN_LOCKED_OUT,
        NotificationKind.BREAK_GLASS_GRANTED,
        NotificationKind.BREAK_GLASS_STOPPED,
    }
)


def notification_undeliverable(notification: Notification) -> int:
    """A message will not reach its recipient: UNDELIVERABLE (no address, a bounce, a permanent
    refusal) or FAILED (given up after retries, or our set-up refused). The agency it was sent
    for is told through its managers (an e-mail and an in-app notice each; its shared mailbox
    if it names none), with a link to the same page, so that somebody acts on the work; the
    task's page shows the message (by its topic). Logged with the code, never the address.
    Returns the number of e-mails queued."""
    logger.warning(
        "Notification %s (%s) not delivered: %s %s",
        notification.pk,
        notification.kind,
        notification.status,
        notification.last_error,
    )
    if notification.kind in NOT_ESCALATED or notification.agency_id is None:
        return 0
    people = agency_people([notification.agency_id]).get(notification.agency_id)
    if people is None:
        return 0
    recipients = [(pk, email) for pk, email in people.managers if email]
    if not recipients and people.mailbox:
        recipients = [(None, people.mailbox)]
    # Not to the address that just failed.
    failed = notification.email.lower()
    recipients = [(pk, email) for pk, email in recipients if email.lower() != failed]
    with transaction.atomic():
        return notifications_queue(
            [
                Outgoing(
                    kind=NotificationKind.MESSAGE_UNDELIVERABLE,
                    link=notification.link,
                    key=f"undeliverable:{notification.pk}",
                    recipients=recipients,
                    notice_user_ids=[pk for pk, _ in people.managers],
                    agency_id=notification.agency_id,
                    topic=notification.topic,
                )
            ]
        )


def _record_failure(pk: int, error: DeliveryError, *, attempt: int, now) -> None:
    decision = after_failure(error.failure, attempt=attempt, now=now)
    row = Notification.objects.filter(pk=pk, status=NotificationStatus.SENDING)
    if decision.next is Next.RETRY:
        row.update(
            status=NotificationStatus.PENDING,
            next_attempt_at=decision.next_attempt_at,
            last_error=error.code,
        )
        return
    status = (
        NotificationStatus.UNDELIVERABLE
        if decision.next is Next.UNDELIVERABLE
        else NotificationStatus.FAILED
    )
    if row.update(status=status, last_error=error.code, failed_at=now):
        notification_undeliverable(Notification.objects.get(pk=pk))


def notification_send_pending(limit: int = 100, *, now=None, channel: Channel | None = None) -> int:
    """Send the PENDING rows whose time has come; returns how many were sent.

    Each row is claimed with a conditional update (PENDING -> SENDING), so two senders never send
    one twice; a claim whose sender died is taken again after CLAIM_TIMEOUT. A row with no address
    is UNDELIVERABLE without trying; a failed attempt is retried with back-off, or is UNDELIVERABLE
    or FAILED (notifications.rules.delivery). Never SENT unless the channel took it."""
    now = now or timezone.now()
    sent = 0
    # Due: PENDING rows whose time has come, and SENDING rows whose sender died (claim expired).
    due = Notification.objects.filter(
        status__in=[NotificationStatus.PENDING, NotificationStatus.SENDING],
        next_attempt_at__lte=now,
    )
    ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    if ids and channel is None:
        try:
            channel = channel_get()
        except Exception as exc:  # noqa: BLE001 - e.g. a malformed NOTIFY_API_KEY
            # The rows stay PENDING, to go once the settings are right; the tick goes on.
            logger.error("No notification channel (%s): check the settings", type(exc).__name__)
            return 0
    for pk in ids:
        # The claim: only one sender's conditional update finds the row still due.
        claimed = due.filter(pk=pk).update(
            status=NotificationStatus.SENDING,
            attempts=F("attempts") + 1,
            next_attempt_at=now + CLAIM_TIMEOUT,
        )
        if not claimed:
            continue
        notification = Notification.objects.get(pk=pk)
        if not notification.email.strip():
            error = DeliveryError("no-address", Failure.UNDELIVERABLE)
            _record_failure(pk, error, attempt=notification.attempts, now=now)
            continue
        try:
            provider_id = channel.send(notification_message(notification))
        except DeliveryError as error:
            logger.warning("Notification %s failed: %s", pk, error.code)
            _record_failure(pk, error, attempt=notification.attempts, now=now)
            continue
        except Exception as exc:  # noqa: BLE001 - the outside world: try again later
            logger.warning("Notification %s failed: %s", pk, type(exc).__name__)
            error = DeliveryError(f"error-{type(exc).__name__}", Failure.TRANSIENT)
            _record_failure(pk, error, attempt=notification.attempts, now=now)
            continue
        Notification.objects.filter(pk=pk, status=NotificationStatus.SENDING).update(
            status=NotificationStatus.SENT,
            sent_at=now,
            channel=channel.name,
            provider_id=provider_id[:200],
            last_error="",
        )
        sent += 1
    return sent


# Notify's delivery receipt statuses (https://docs.notifications.service.gov.uk, "Callbacks").
RECEIPT_DELIVERED = "delivered"
RECEIPT_FAILURES = {
    "permanent-failure": Failure.UNDELIVERABLE,
    "temporary-failure": Failure.TRANSIENT,
    "technical-failure": Failure.TRANSIENT,
}
RECEIPT_STATUSES = {RECEIPT_DELIVERED, *RECEIPT_FAILURES}


def notification_receipt_record(*, provider_id: str, status: str, now=None) -> Notification | None:
    """A provider's delivery receipt for the message it knows as `provider_id`: delivered marks
    the row DELIVERED; a permanent failure makes it UNDELIVERABLE; a temporary or technical one
    sends it again after the back-off (or FAILED after the last attempt). Returns the row, or None
    if no sent message has that id (nothing changes)."""
    if status not in RECEIPT_STATUSES:
        raise ValueError(f"Unknown delivery status {status!r}")
    now = now or timezone.now()
    notification = (
        Notification.objects.filter(
            provider_id=provider_id,
            status__in=[NotificationStatus.SENT, NotificationStatus.DELIVERED],
        )
        .exclude(provider_id="")
        .first()
    )
    if notification is None:
        return None
    if status == RECEIPT_DELIVERED:
        Notification.objects.filter(pk=notification.pk, status=NotificationStatus.SENT).update(
            status=NotificationStatus.DELIVERED, delivered_at=now
        )
    elif Notification.objects.filter(pk=notification.pk, status=NotificationStatus.SENT).update(
        status=NotificationStatus.SENDING, next_attempt_at=now + CLAIM_TIMEOUT
    ):
        error = DeliveryError(f"notify-{status}", RECEIPT_FAILURES[status])
        _record_failure(notification.pk, error, attempt=notification.attempts, now=now)
    notification.refresh_from_db()
    return notification
