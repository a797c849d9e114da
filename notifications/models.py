"""The outbox: a notification is a row written in the same transaction as the change that caused
it, and delivered after the commit by the sender. Notifications carry no names or health details,
only a link to sign in and see (DM-03)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from agencies.models import Agency

from .rules.delivery import failure_text


class NotificationStatus(models.TextChoices):
    """Where a message is. Only SENT and DELIVERED mean it left; UNDELIVERABLE and FAILED both
    mean nobody was reached (notification_undeliverable is called for either)."""

    PENDING = "PENDING", "Waiting to be sent"
    SENDING = "SENDING", "Being sent"
    SENT = "SENT", "Sent"
    DELIVERED = "DELIVERED", "Delivered"  # the provider's receipt says it reached the inbox
    # No address, a bounce, or the provider's permanent refusal: never tried again.
    UNDELIVERABLE = "UNDELIVERABLE", "Cannot be delivered"
    FAILED = "FAILED", "Failed"  # given up after retries, or our set-up was refused


class NotificationKind(models.TextChoices):
    TASK_OVERDUE = "TASK_OVERDUE", "A task is overdue"
    TASK_ASSIGNED = "TASK_ASSIGNED", "A task was assigned to you"
    ADVICE_CANCELLED = "ADVICE_CANCELLED", "The council cancelled a request for advice"
    ADVICE_CHASED = "ADVICE_CHASED", "The council chased advice"
    ADVICE_RETURNED = "ADVICE_RETURNED", "The council returned advice"
    ADVICE_MORE_TIME = "ADVICE_MORE_TIME", "An adviser asked for more time"
    ADVICE_MORE_TIME_DECIDED = (
        "ADVICE_MORE_TIME_DECIDED",
        "The council decided a request for more time",
    )
    ADVICE_REQUESTED = "ADVICE_REQUESTED", "The council asked for advice"
    ADVICE_SUBMITTED = "ADVICE_SUBMITTED", "Advice was submitted"
    BREAK_GLASS_GRANTED = "BREAK_GLASS_GRANTED", "Someone was given emergency access to a case"
    BREAK_GLASS_STOPPED = (
        "BREAK_GLASS_STOPPED",
        "Someone was stopped after failed emergency access attempts",
    )
    SIGN_IN_LOCKED_OUT = (
        "SIGN_IN_LOCKED_OUT",
        "Sign-in to the account was locked after wrong passwords",
    )
    TASK_DUE_SOON = "TASK_DUE_SOON", "A task is due soon"
    TASK_ESCALATED = "TASK_ESCALATED", "A task in your agency's queue is overdue"
    STATUTORY_AT_RISK = "STATUTORY_AT_RISK", "A statutory date is about to be missed"
    STATUTORY_MISSED = "STATUTORY_MISSED", "A statutory date has been missed"
    MESSAGE_UNDELIVERABLE = (
        "MESSAGE_UNDELIVERABLE",
        "A message about a task could not be delivered",
    )
    WEEKLY_DIGEST = "WEEKLY_DIGEST", "Your weekly summary"


SUBJECTS = {
    NotificationKind.TASK_OVERDUE: "A SEND casework task is overdue",
    NotificationKind.TASK_ASSIGNED: "A SEND casework task has been assigned to you",
    NotificationKind.ADVICE_CANCELLED: "The council no longer needs advice it asked you for",
    NotificationKind.ADVICE_CHASED: "The council is waiting for advice for an EHC needs assessment",
    NotificationKind.ADVICE_RETURNED: "The council has returned advice for you to change",
    NotificationKind.ADVICE_MORE_TIME: "An adviser has asked for more time to give advice",
    NotificationKind.ADVICE_MORE_TIME_DECIDED: "The council has decided your request for more time",
    NotificationKind.ADVICE_REQUESTED: "The council has asked for advice for an EHC needs assessment",
    NotificationKind.ADVICE_SUBMITTED: "Advice for an EHC needs assessment has been submitted",
    NotificationKind.BREAK_GLASS_GRANTED: "Emergency access to a SEND case needs your review",
    NotificationKind.BREAK_GLASS_STOPPED: "Repeated failed requests for emergency access to SEND cases",
    NotificationKind.SIGN_IN_LOCKED_OUT: "Someone has entered the wrong password for your SEND casework account",
    NotificationKind.TASK_DUE_SOON: "A SEND casework task is due soon",
    NotificationKind.TASK_ESCALATED: "A SEND casework task in your agency's queue is overdue",
    NotificationKind.STATUTORY_AT_RISK: "A statutory date for an EHC case is about to be missed",
    NotificationKind.STATUTORY_MISSED: "A statutory date for an EHC case has been missed",
    NotificationKind.MESSAGE_UNDELIVERABLE: "A message about SEND casework could not be delivered",
    NotificationKind.WEEKLY_DIGEST: "Your weekly summary of SEND casework",
}


class Notification(models.Model):
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    # Exactly what to send; the sender never reads case data.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField()
    link = models.CharField(max_length=200)
    # What the message is about, for the page that shows it (e.g. "task:<public id>"): an
    # undeliverable message is shown on its task. Opaque ids only.
    topic = models.CharField(max_length=60, blank=True)
    # Figures a kind's text needs (the weekly digest's counts): numbers only, never personal data.
    context = models.JSONField(default=dict, blank=True)
    # Idempotency: the same event never queues two messages to the same address.
    key = models.CharField(max_length=200)
    status = models.CharField(
        max_length=20, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # A PENDING row is sent once this time has come (now, or later after a failed attempt:
    # notifications.rules.delivery).
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # When it became UNDELIVERABLE or FAILED.
    failed_at = models.DateTimeField(null=True, blank=True)
    # A short code (e.g. "smtp-recipient-550", "notify-429", "no-address"), never personal data.
    last_error = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=20, blank=True)  # "email" or "notify", once sent
    # The provider's id for the message (Notify's notification id, or the e-mail's Message-ID):
    # delivery receipts find the row by it.
    provider_id = models.CharField(max_length=200, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "email"], name="unique_notification_per_address"
            ),
        ]
        # The sender's query: PENDING rows whose time has come, oldest due first.
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx"),
            # The messages about one task (or other topic) that did not reach anyone.
            models.Index(
                fields=["topic"],
                condition=~models.Q(topic=""),
                name="notification_topic_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.email}"

    @property
    def failure_text(self) -> str:
        return failure_text(self.last_error)


class Notice(models.Model):
    """An in-app notice: the same event as an e-mail, shown to one person when they sign in.

    Like the e-mail, it says only what happened and links to the page where the work is (DM-03):
    the text is the kind's subject, never a name. A person sees only their own notices; opening
    one marks it read."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    link = models.CharField(max_length=200)
    # Idempotency, as for e-mails: one event gives one notice per person.
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient"], name="unique_notice_per_person"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient}"

    @property
    def text(self) -> str:
        return SUBJECTS[self.kind]

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationRequirement(models.Model):
    """What the council requires for one kind of message: a required channel is used whatever a
    person chose (notifications.rules.preferences). Edited in the support site, with history."""

    kind = models.CharField(max_length=30, choices=NotificationKind.choices, unique=True)
    email_required = models.BooleanField(
        "E-mail required",
        default=False,
        help_text="Everyone this kind of message is for gets it by e-mail, whatever they chose.",
    )
    in_app_required = models.BooleanField(
        "In-app notification required",
        default=False,
        help_text="Everyone this kind of message is for sees it in the service, whatever they chose.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()


class NotificationPreference(models.Model):
    """A person's choice of channels for one kind of message. No row: both channels. Every
    change is kept (history): who changed it and when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    email = models.BooleanField("By e-mail", default=True)
    in_app = models.BooleanField("In the service", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="unique_preference_per_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.user}"
