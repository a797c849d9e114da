"""The EHC plan as structured, versioned data, and the documents issued from it.

`EhcPlan` is the child's plan for life: one per child at a time, from the day the first final
plan is issued until it ceases. Episodes change it over the years (today the statutory assessment,
`Assessment`; later annual reviews, amendments, re-assessments and ceasing); each episode that
makes or changes the plan points at it (`Assessment.ehc_plan`). The plan's versions are the draft and final
plan documents its episodes issued; letters belong to the episode that sent them.

An assessment has one `Plan`: the working copy that episode edits. Its needs (sections B, C, D), outcomes (E) and
provision (F, G, H1, H2) are entries, each linked to the advice it came from; provision is also
linked to the needs it meets and the outcomes it serves. Every change is kept by
django-simple-history, with who made it and why.

Entries pre-filled from the advice are `SUGGESTED` until the caseworker accepts (or edits) them;
only accepted entries are checked, shown in the plan and frozen when it is issued. Removing an
entry never deletes it: it is marked `DROPPED` (a suggestion not taken) or `REMOVED`, so the
history and the links stay readable.

An issued draft or final plan, and every decision letter, is a `PlanDocument`: the frozen JSON
of what was issued, the rendered PDF and its SHA-256 checksum. It is written once and never
changed (`save()` refuses an update); a later change to the plan makes a new version.
Rendering runs after the commit from a `DocumentRender` row (an outbox, like notifications), in
the background worker when there is one.
"""

import uuid

from django.conf import settings
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from ehcp.assessments.models import AdviceRequest, Assessment
from ehcp.children.models import Need
from ehcp.reviews.rules import cease as cease_rules


class ImmutableDocumentError(Exception):
    """An issued document is never changed or deleted: issue a new version instead."""


class PlanEntryStatus(models.TextChoices):
    SUGGESTED = "SUGGESTED", "Suggested from the advice"
    ACCEPTED = "ACCEPTED", "In the plan"
    DROPPED = "DROPPED", "Suggestion dropped"
    REMOVED = "REMOVED", "Removed from the plan"


class NeedSection(models.TextChoices):
    B = "B", "B: special educational needs"
    C = "C", "C: health care needs"
    D = "D", "D: social care needs"


class ProvisionSection(models.TextChoices):
    F = "F", "F: special educational provision"
    G = "G", "G: health provision"
    H1 = "H1", "H1: social care provision (s.2 CSDPA 1970)"
    H2 = "H2", "H2: other social care provision"


class FrequencyPeriod(models.TextChoices):
    DAY = "DAY", "a day"
    WEEK = "WEEK", "a week"
    MONTH = "MONTH", "a month"
    TERM = "TERM", "a term"
    YEAR = "YEAR", "a year"


class HealthAgreementSource(models.TextChoices):
    HEALTH_BODY = "HEALTH_BODY", "Agreed in this service by the health body"
    WRITTEN = "WRITTEN", "Written agreement from the health body, recorded by the council"


class EhcPlanStatus(models.TextChoices):
    IN_FORCE = "IN_FORCE", "In force"
    CEASING = "CEASING", "Proposed to cease"
    CEASED = "CEASED", "Ceased"


EHC_PLAN_LIVE_STATUSES = (EhcPlanStatus.IN_FORCE, EhcPlanStatus.CEASING)


class EhcPlanQuerySet(models.QuerySet):
    def live(self):
        """Plans that have not ceased: at most one per child."""
        return self.filter(status__in=EHC_PLAN_LIVE_STATUSES)


class EhcPlan(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """A child's EHC plan: the long-lived record that episodes make and change.

    Made when an assessment issues its final plan (`ehcp.plans.services`); the database
    refuses a second live plan for one child. Reviewed at least every 12 months
    (`next_review_due_on`, from the issue date or the last review decision); ceased only by a
    review's decision (s.45; regs 29-31) once the appeal window has passed or an appeal is
    decided, or without a review where the law allows it (`ehcp.reviews`)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="ehc_plans")
    council = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="ehc_plans",
        limit_choices_to={"kind": "SEN_TEAM"},
    )
    status = FSMField(
        max_length=10,
        choices=EhcPlanStatus.choices,
        default=EhcPlanStatus.IN_FORCE,
        protected=True,
    )
    first_issued_on = models.DateField(help_text="The day the first final plan was issued")
    last_reviewed_on = models.DateField(
        null=True, blank=True, help_text="The day of the last review decision"
    )
    next_review_due_on = models.DateField(
        null=True,
        blank=True,
        help_text="The next review must be complete by (12 months, or 6 for a child under 5)",
    )
    ceased_on = models.DateField(null=True, blank=True)
    cease_reason = models.CharField(max_length=2, blank=True, help_text="SEN2 cease reason code")
    child_date_of_birth = models.DateField(
        editable=False,
        help_text=(
            "The child's date of birth, kept equal to it by Child.save: the review pipeline "
            "finds a council's plans whose child makes a phase transfer without reading every "
            "child in the database"
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EhcPlanQuerySet.as_manager()
    # The child's history records their date of birth; the plan's copy of it is not a change to
    # the plan.
    history = HistoricalRecords(app="ehcp", excluded_fields=["child_date_of_birth"])

    class Meta:
        db_table = "ehcp_ehcplan"
        ordering = ["-first_issued_on", "-pk"]
        indexes = [
            models.Index(fields=["council", "status", "next_review_due_on"]),
            # The review pipeline's plan stages: a council's live plans in the order their
            # reviews are due, read from the start of the order (a page of 25), not sorted.
            models.Index(
                fields=["council", "next_review_due_on", "id"],
                condition=models.Q(status__in=EHC_PLAN_LIVE_STATUSES),
                name="plan_live_review_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(status__in=EHC_PLAN_LIVE_STATUSES),
                name="one_live_ehc_plan_per_child",
            ),
        ]

    def __str__(self):
        return f"{self.reference} for {self.child}"

    def save(self, *args, **kwargs):
        if self.child_date_of_birth is None:
            self.child_date_of_birth = self.child.date_of_birth
        super().save(*args, **kwargs)

    @property
    def reference(self) -> str:
        return f"PLAN{self.pk:06d}" if self.pk else "PLAN (new)"

    @property
    def is_live(self) -> bool:
        return self.status in EHC_PLAN_LIVE_STATUSES

    @property
    def cease_reason_label(self) -> str:
        """Why the plan ceased, in words (the SEN2 cease reason); empty while it is live."""
        if not self.cease_reason:
            return ""
        return cease_rules.REASON_LABELS.get(cease_rules.Reason(self.cease_reason), "")

    # -- transitions: bodies only set fields on self -----------------------------------------

    @transition(field=status, source=EhcPlanStatus.IN_FORCE, target=EhcPlanStatus.CEASING)
    def propose_cease(self) -> None:
        """The cease notice is served: the plan stays in force until the appeal window has
        passed or an appeal is decided."""

    @transition(field=status, source=EhcPlanStatus.CEASING, target=EhcPlanStatus.IN_FORCE)
    def keep_in_force(self) -> None:
        """An appeal against ceasing succeeded (or the council withdrew the notice)."""

    @transition(
        field=status,
        source=[EhcPlanStatus.IN_FORCE, EhcPlanStatus.CEASING],
        target=EhcPlanStatus.CEASED,
    )
    def cease(self, *, on, reason: str) -> None:
        self.ceased_on = on
        self.cease_reason = reason
        self.next_review_due_on = None


def _one_episode(name: str) -> models.CheckConstraint:
    """A row belongs to exactly one episode: an assessment (`case`) or a review (`review`)."""
    return models.CheckConstraint(
        condition=(
            models.Q(case__isnull=False, review__isnull=True)
            | models.Q(case__isnull=True, review__isnull=False)
        ),
        name=name,
    )


class Plan(models.Model):
    """The working copy of a case's EHC plan. Sections A, I (type of setting) and J are text;
    B to H2 are entries; K (the advice) is the case's advice, added when the plan is issued."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The episode that edits it: an assessment, or a review that amends the plan (seeded from
    # the version in force). Exactly one of the two.
    case = models.OneToOneField(
        Assessment, null=True, blank=True, on_delete=models.CASCADE, related_name="plan"
    )
    review = models.OneToOneField(
        "reviews.Review", null=True, blank=True, on_delete=models.CASCADE, related_name="plan"
    )
    views = models.TextField("Section A: views, interests and aspirations", blank=True)
    placement_type = models.CharField(
        "Section I: type of school or setting", max_length=200, blank=True
    )
    personal_budget = models.TextField("Section J: personal budget", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(app="ehcp")

    def __str__(self):
        return f"EHC plan for {self.episode}"

    class Meta:
        db_table = "ehcp_plan"
        constraints = [_one_episode("plan_has_one_episode")]

    @property
    def episode(self):
        return self.case if self.case_id is not None else self.review


class PlanEntry(models.Model):
    """What needs, outcomes and provision share: where they came from and whether they are in."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        max_length=12, choices=PlanEntryStatus.choices, default=PlanEntryStatus.ACCEPTED
    )
    order = models.PositiveIntegerField(default=0)
    advice = models.ManyToManyField(AdviceRequest, blank=True, related_name="+")
    source_key = models.CharField(
        max_length=80, blank=True, help_text="Which part of which advice a suggestion was made from"
    )
    carried_from = models.UUIDField(
        null=True,
        blank=True,
        help_text="The entry of the earlier version this one was copied from (a review's working "
        "copy): versions are compared entry by entry through it",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    @property
    def key(self) -> str:
        """The entry as the plan's versions know it: the same key in every version it was carried
        into (the first entry's id), so versions are compared entry by entry."""
        return str(self.carried_from or self.public_id)

    @property
    def is_suggestion(self) -> bool:
        return self.status == PlanEntryStatus.SUGGESTED

    @property
    def is_in_plan(self) -> bool:
        return self.status == PlanEntryStatus.ACCEPTED


# Kept so a service can write exactly one history row for a row and its links together
# (`ehcp.plans.services`), rather than one per save and one per link change.
need_history = HistoricalRecords(app="ehcp", m2m_fields=["advice"])
outcome_history = HistoricalRecords(app="ehcp", m2m_fields=["advice", "needs"])
provision_history = HistoricalRecords(app="ehcp", m2m_fields=["advice", "needs", "outcomes"])


class PlanNeed(PlanEntry):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="needs")
    section = models.CharField(max_length=2, choices=NeedSection.choices, default=NeedSection.B)
    text = models.TextField()
    need_code = models.CharField("SEN2 need type", max_length=4, choices=Need.choices, blank=True)

    history = need_history

    class Meta(PlanEntry.Meta):
        db_table = "ehcp_planneed"
        pass

    def __str__(self):
        return self.text


class PlanOutcome(PlanEntry):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="outcomes")
    text = models.TextField()
    by_when = models.CharField(
        max_length=200, blank=True, help_text="For example, by the end of Year 6"
    )
    needs = models.ManyToManyField(PlanNeed, blank=True, related_name="outcomes")

    history = outcome_history

    class Meta(PlanEntry.Meta):
        db_table = "ehcp_planoutcome"
        pass

    def __str__(self):
        return self.text


class PlanProvision(PlanEntry):
    """What, who, how often and for how long; the needs it meets, the outcomes it serves and
    the advice it came from. Health provision (G) also records the health body's agreement."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="provisions")
    section = models.CharField(
        max_length=2, choices=ProvisionSection.choices, default=ProvisionSection.F
    )
    what = models.TextField()
    who = models.CharField("Who provides it", max_length=200, blank=True)
    frequency_count = models.PositiveSmallIntegerField(null=True, blank=True)
    frequency_period = models.CharField(max_length=5, choices=FrequencyPeriod.choices, blank=True)
    session_minutes = models.PositiveSmallIntegerField("Minutes each time", null=True, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField("End or review date", null=True, blank=True)
    needs = models.ManyToManyField(PlanNeed, blank=True, related_name="provisions")
    outcomes = models.ManyToManyField(PlanOutcome, blank=True, related_name="provisions")

    # Section G: agreed by the responsible commissioning body (reg 12(2)).
    health_agreed_on = models.DateField(null=True, blank=True)
    health_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    health_agreement_source = models.CharField(
        max_length=12, choices=HealthAgreementSource.choices, blank=True
    )
    health_agreement_note = models.TextField(blank=True)

    history = provision_history

    class Meta(PlanEntry.Meta):
        db_table = "ehcp_planprovision"
        pass

    def __str__(self):
        return self.what

    @property
    def health_agreed(self) -> bool:
        return self.health_agreed_on is not None

    @property
    def frequency_text(self) -> str:
        if not self.frequency_count or not self.frequency_period:
            return ""
        times = (
            "once"
            if self.frequency_count == 1
            else "twice"
            if self.frequency_count == 2
            else f"{self.frequency_count} times"
        )
        return f"{times} {self.get_frequency_period_display()}"


# -- issued documents ---------------------------------------------------------------------------


class DocumentKind(models.TextChoices):
    DRAFT_PLAN = "DRAFT_PLAN", "Draft EHC plan"
    FINAL_PLAN = "FINAL_PLAN", "Final EHC plan"
    # A review that amends the plan (reg 22): the notice of the proposed amendments, sent with
    # the proposed amended plan (a DRAFT_PLAN of the review), and the letter that sends the final
    # amended plan (a FINAL_PLAN of the review) with the right to appeal.
    AMENDMENT_NOTICE = "AMENDMENT_NOTICE", "Letter: the proposed amendments to the plan"
    AMENDED_PLAN_LETTER = "AMENDED_PLAN_LETTER", "Letter: sending the final amended plan"
    REFUSAL_LETTER = "REFUSAL_LETTER", "Letter: decision not to carry out an assessment"
    NOT_ISSUING_LETTER = "NOT_ISSUING_LETTER", "Letter: decision not to issue an EHC plan"
    DRAFT_LETTER = "DRAFT_LETTER", "Letter: sending the draft plan"
    FINAL_LETTER = "FINAL_LETTER", "Letter: sending the final plan"
    # Ceasing a plan (SEND Regulations 2014, reg 31): telling the family that ceasing is being
    # considered (31(1)), then the decision with the right to appeal (31(2)-(3)).
    CEASE_CONSULT_LETTER = "CEASE_CONSULT_LETTER", "Letter: ceasing the plan is being considered"
    CEASE_WITHDRAWN_LETTER = "CEASE_WITHDRAWN", "Letter: the plan will not cease"
    CEASE_NOTICE = "CEASE_NOTICE", "Letter: decision to cease to maintain the plan"
    REVIEW_DECISION_LETTER = (
        "REVIEW_DECISION",
        "Letter: the decision after a review (keep the plan, or not amend it)",
    )


PLAN_DOCUMENT_KINDS = (DocumentKind.DRAFT_PLAN, DocumentKind.FINAL_PLAN)


def document_path(instance, filename) -> str:
    """Opaque storage names: nothing about the child in the path."""
    return f"documents/{instance.episode.public_id}/{instance.public_id}.pdf"


class EpisodeOwned:
    """A row of an episode's: an assessment's (`case`) or a review's (`review`)."""

    @property
    def episode(self):
        return self.case if self.case_id is not None else self.review


class PlanDocumentQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableDocumentError("Issued documents are never changed")

    def delete(self):
        raise ImmutableDocumentError("Issued documents are never deleted")


class PlanDocument(EpisodeOwned, models.Model):
    """An issued draft or final plan, or a decision letter: written once, never changed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    review = models.ForeignKey(
        "reviews.Review",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    version = models.PositiveIntegerField()
    content = models.JSONField(help_text="The frozen content the PDF was rendered from")
    file = models.FileField(upload_to=document_path, max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    issued_on = models.DateField()
    issued_at = models.DateTimeField(help_text="When the content was frozen")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rendered_at = models.DateTimeField(auto_now_add=True)

    objects = PlanDocumentQuerySet.as_manager()

    class Meta:
        db_table = "ehcp_plandocument"
        ordering = ["issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "version"], name="one_document_per_kind_version"
            ),
            models.UniqueConstraint(
                fields=["review", "kind", "version"], name="one_review_document_per_kind_version"
            ),
            _one_episode("plan_document_has_one_episode"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} (version {self.version})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableDocumentError(
                "An issued document is never changed: issue a new version instead"
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableDocumentError("An issued document is never deleted")

    @property
    def is_plan(self) -> bool:
        return self.kind in PLAN_DOCUMENT_KINDS

    @property
    def filename(self) -> str:
        """The name offered on download: no personal details."""
        return f"{self.episode.reference}-{self.kind.lower().replace('_', '-')}-v{self.version}.pdf"


class RenderStatus(models.TextChoices):
    PENDING = "PENDING", "Waiting to be rendered"
    RENDERING = "RENDERING", "Rendering"
    DONE = "DONE", "Rendered"
    FAILED = "FAILED", "Failed"


class DocumentRender(EpisodeOwned, models.Model):
    """The outbox for documents: the frozen content is written with the decision, in the same
    transaction; the PDF is rendered after the commit and becomes a `PlanDocument`."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        Assessment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="document_renders",
    )
    review = models.ForeignKey(
        "reviews.Review",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="document_renders",
    )
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    version = models.PositiveIntegerField()
    content = models.JSONField()
    issued_on = models.DateField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=RenderStatus.choices, default=RenderStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    document = models.OneToOneField(
        PlanDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="render"
    )

    class Meta:
        db_table = "ehcp_documentrender"
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "version"], name="one_render_per_kind_version"
            ),
            models.UniqueConstraint(
                fields=["review", "kind", "version"], name="one_review_render_per_kind_version"
            ),
            _one_episode("document_render_has_one_episode"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.version}: {self.get_status_display()}"


class DocumentDownload(models.Model):
    """Who downloaded which issued document, and when."""

    document = models.ForeignKey(PlanDocument, on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    downloaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ehcp_documentdownload"
        ordering = ["-downloaded_at", "-pk"]

    def __str__(self):
        return f"{self.document} downloaded by {self.user} at {self.downloaded_at:%Y-%m-%d %H:%M}"


# -- sending letters ----------------------------------------------------------------------------


LETTER_KINDS = (
    DocumentKind.AMENDMENT_NOTICE,
    DocumentKind.AMENDED_PLAN_LETTER,
    DocumentKind.REFUSAL_LETTER,
    DocumentKind.NOT_ISSUING_LETTER,
    DocumentKind.DRAFT_LETTER,
    DocumentKind.FINAL_LETTER,
    DocumentKind.CEASE_CONSULT_LETTER,
    DocumentKind.CEASE_WITHDRAWN_LETTER,
    DocumentKind.CEASE_NOTICE,
    DocumentKind.REVIEW_DECISION_LETTER,
)
#: Letters that carry the right to mediation and to appeal (reg 33; Tribunal rule 20(1)(c)).
APPEALABLE_LETTER_KINDS = (
    DocumentKind.AMENDED_PLAN_LETTER,
    DocumentKind.REFUSAL_LETTER,
    DocumentKind.NOT_ISSUING_LETTER,
    DocumentKind.FINAL_LETTER,
    DocumentKind.CEASE_NOTICE,
    DocumentKind.REVIEW_DECISION_LETTER,
)


class SendingMethod(models.TextChoices):
    """The values of ehcp.plans.rules.letters.SendingMethod, with the words caseworkers use."""

    EMAIL = "EMAIL", "By e-mail"
    POST = "POST", "By first class post"
    HAND = "HAND", "By hand"


class LetterSendingQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableDocumentError("A record of sending is never changed: record a correction")

    def delete(self):
        raise ImmutableDocumentError("A record of sending is never deleted: record a correction")


class LetterSending(EpisodeOwned, models.Model):
    """How and when a letter (and the plan it encloses) was sent to the family, and the day it
    was served (ehcp.plans.rules.letters.served_on). Written once, never changed: a correction is
    a new row that names the one it corrects and why, so nothing is lost. The letter's sending is
    its newest row.

    The letter is its `DocumentRender` (written with the decision, in the same transaction; the
    PDF, `render.document`, comes after the commit)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        Assessment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letter_sendings",
    )
    review = models.ForeignKey(
        "reviews.Review",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letter_sendings",
    )
    letter = models.ForeignKey(DocumentRender, on_delete=models.PROTECT, related_name="sendings")
    enclosure = models.ForeignKey(
        DocumentRender,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The plan sent with the letter, if any",
    )
    sent_on = models.DateField()
    method = models.CharField(max_length=5, choices=SendingMethod.choices)
    served_on = models.DateField(help_text="The day the letter was served (LETTER-SERVED)")
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by"
    )
    reason = models.TextField(blank=True, help_text="Why the earlier record was corrected")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = LetterSendingQuerySet.as_manager()

    class Meta:
        db_table = "ehcp_lettersending"
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(corrects__isnull=True) | ~models.Q(reason=""),
                name="letter_sending_correction_has_reason",
            ),
            _one_episode("letter_sending_has_one_episode"),
        ]

    def __str__(self):
        return f"{self.letter} sent {self.get_method_display().lower()} on {self.sent_on}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableDocumentError(
                "A record of sending is never changed: record a correction instead"
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableDocumentError("A record of sending is never deleted")
