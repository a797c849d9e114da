"""Advice as structured data: the entries an adviser writes, the files they attach, and their
requests for more time.

An `AdviceRequest` (ehcp.models.case) is answered with `AdviceEntry` rows in the shape of the plan
they feed (views A; needs B, C, D; outcomes E; provision F, G, H1, H2, with who and how often),
and up to a few `AdviceAttachment` files. Files are stored under a server-chosen name
(`advice/<uuid4>`), never under anything the browser sent, and are only served through an
access-checked download view (IN-07, IN-08). Every row keeps its history (django-simple-history).
"""

import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from ..rules import advice as rules
from ..rules.deadlines import EXCEPTION_LIMBS
from .case import AdviceRequest, StatutoryException

AdviceStatus = AdviceRequest.Status


class AdviceEntryKind(models.TextChoices):
    VIEWS = "VIEWS", rules.ENTRY_KINDS["VIEWS"]
    NEED = "NEED", rules.ENTRY_KINDS["NEED"]
    OUTCOME = "OUTCOME", rules.ENTRY_KINDS["OUTCOME"]
    PROVISION = "PROVISION", rules.ENTRY_KINDS["PROVISION"]


class AdviceEntry(models.Model):
    """One view, need, outcome sought or piece of provision in an adviser's advice.

    For provision, `text` is what the provision is; `who`, `frequency_count` and
    `frequency_period` quantify it ("twice a week"), with the minutes each time and for how long.
    `links` ties a provision to the needs it meets and the outcomes it serves, in the same advice.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    advice_request = models.ForeignKey(
        AdviceRequest, on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(max_length=10, choices=AdviceEntryKind.choices)
    plan_section = models.CharField(max_length=2, choices=list(rules.PLAN_SECTIONS.items()))
    text = models.TextField()
    who = models.CharField("Who provides it", max_length=200, blank=True)
    frequency_count = models.PositiveSmallIntegerField("How many times", null=True, blank=True)
    frequency_period = models.CharField(
        "Per", max_length=5, choices=list(rules.FREQUENCY_PERIODS.items()), blank=True
    )
    session_minutes = models.PositiveSmallIntegerField("Minutes each time", null=True, blank=True)
    duration = models.CharField("For how long", max_length=200, blank=True)
    links = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="provided_by"
    )
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[links])

    class Meta:
        ordering = ["order", "pk"]
        verbose_name_plural = "advice entries"

    def __str__(self):
        return f"{self.get_kind_display()} ({self.plan_section}): {self.text[:60]}"

    def as_fact(self, *, with_links: bool = False) -> rules.EntryFact:
        return rules.EntryFact(
            kind=self.kind,
            plan_section=self.plan_section,
            text=self.text,
            who=self.who,
            frequency_count=self.frequency_count,
            frequency_period=self.frequency_period,
            session_minutes=self.session_minutes,
            duration=self.duration,
            links=tuple(link.text for link in self.links.all()) if with_links else (),
        )

    @property
    def frequency_text(self) -> str:
        return rules.frequency_text(self.frequency_count, self.frequency_period)

    @property
    def is_quantified(self) -> bool:
        return rules.is_quantified(self.as_fact())


def attachment_path(instance, filename) -> str:
    """A server-chosen name: nothing the browser sent (name, extension, path) reaches storage."""
    return f"advice/{uuid.uuid4()}"


class AdviceAttachment(models.Model):
    """A report or image attached to advice. Its type was checked from its content; the original
    name is kept only as sanitised text for the download's file name."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    advice_request = models.ForeignKey(
        AdviceRequest, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=100)
    original_name = models.CharField(max_length=100)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class ExtensionDecision(models.TextChoices):
    PENDING = "PENDING", "Waiting for the council's decision"
    ACCEPTED = "ACCEPTED", "More time agreed"
    REFUSED = "REFUSED", "More time refused"


ADVICE_EXCEPTION_LIMBS = [
    (limb, f"Reg {limb}: {EXCEPTION_LIMBS[limb]}") for limb in rules.ADVICE_LIMBS
]


class AdviceExtensionRequest(models.Model):
    """An adviser asks for more time. The statutory date never moves (reg 8(1)); if the council
    accepts a reason that is one of the reg 8(2) exceptions, it is recorded as a
    `StatutoryException` on the advice."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    advice_request = models.ForeignKey(
        AdviceRequest, on_delete=models.CASCADE, related_name="extension_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    new_date = models.DateField("Date the advice will be ready")
    reason = models.TextField()
    limb = models.CharField(max_length=10, choices=ADVICE_EXCEPTION_LIMBS, blank=True)
    starts_on = models.DateField("Date the circumstances began", null=True, blank=True)
    ends_on = models.DateField("Date they ended", null=True, blank=True)
    decision = models.CharField(
        max_length=10, choices=ExtensionDecision.choices, default=ExtensionDecision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    exception = models.ForeignKey(
        StatutoryException, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["advice_request"],
                condition=models.Q(decision="PENDING"),
                name="one_pending_extension_per_advice",
            )
        ]

    def __str__(self):
        return f"More time until {self.new_date:%-d %B %Y}: {self.get_decision_display()}"

    @property
    def is_pending(self) -> bool:
        return self.decision == ExtensionDecision.PENDING
