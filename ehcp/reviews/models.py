"""The review episode: a review of a child's EHC plan, and what it decides (keep, amend, cease).

Every plan in force is reviewed at least every 12 months (s.44 CFA 2014; regs 18-22 SEND
Regulations 2014); a review is an episode of the child's plan for life (ADR 0006) with its own
status, statutory clock and tasks. Its flow (`workflows/flows/review.py`) routes each step to
whoever owes it: the school or setting arranges the meeting for a child in one (reg 20), the
council otherwise (reg 21); the council decides.

An amending review edits its own working copy of the plan (`ehcp.plans.models.Plan.review`),
seeded from the version in force, and issues the amended versions and letters as documents of
this episode (`PlanDocument.review`). A cease ends the plan only once the appeal window has
passed or an appeal is decided (s.45; regs 29-31).

The same model carries the other reviews a council may start (an early or interim review, with a
reason) and a cease without a review where the law allows one (reaching 25, moving away).
"""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from agencies.models import Agency
from ehcp.assessments.rules import deadlines
from ehcp.reviews.rules import cease as cease_rules


class ReviewKind(models.TextChoices):
    ANNUAL = "ANNUAL", "Annual review"
    EARLY = "EARLY", "Early review"
    INTERIM = "INTERIM", "Interim review"
    CEASE_ONLY = "CEASE_ONLY", "Ceasing without a review"


class ReviewStatus(models.TextChoices):
    DUE = "DUE", "Meeting to arrange"
    ARRANGED = "ARRANGED", "Meeting arranged"
    INVITED = "INVITED", "Invitations sent"
    ADVICE_CIRCULATED = "ADVICE_CIRCULATED", "Advice circulated"
    MEETING_HELD = "MEETING_HELD", "Meeting held"
    REPORTED = "REPORTED", "Report received"
    AMENDING = "AMENDING", "Amending the plan"
    CEASING = "CEASING", "Ceasing the plan"
    COMPLETE = "COMPLETE", "Complete"
    CANCELLED = "CANCELLED", "Cancelled"


def _stage_index(name: str, key: str, status: str) -> models.Index:
    """The rows of one stage of the reviews pipeline in its order: (council, date, id)."""
    return models.Index(fields=["council", key, "id"], condition=models.Q(status=status), name=name)


OPEN_REVIEW_STATUSES = (
    ReviewStatus.DUE,
    ReviewStatus.ARRANGED,
    ReviewStatus.INVITED,
    ReviewStatus.ADVICE_CIRCULATED,
    ReviewStatus.MEETING_HELD,
    ReviewStatus.REPORTED,
    ReviewStatus.AMENDING,
    ReviewStatus.CEASING,
)
CLOSED_REVIEW_STATUSES = (ReviewStatus.COMPLETE, ReviewStatus.CANCELLED)
#: The review's working copy of the plan can be written once the report is in (the proposed
#: amendments go with the decision, R (L, M and P) v Devon CC [2022]) and while amending.
PLAN_EDITABLE_REVIEW_STATUSES = (ReviewStatus.REPORTED, ReviewStatus.AMENDING)


class ArrangedUnder(models.TextChoices):
    """Who arranges the meeting, and so which regulation the steps follow."""

    SETTING = "SETTING", "The school or setting (reg 20)"
    COUNCIL = "COUNCIL", "The council (reg 21)"


class Recommendation(models.TextChoices):
    """The review report's recommendation."""

    MAINTAIN = "MAINTAIN", "Keep the plan as it is"
    AMEND = "AMEND", "Amend the plan"
    CEASE = "CEASE", "Cease the plan"


class ReviewDecision(models.TextChoices):
    """The council's decision after the review (regs 20, 21, 22; s.45)."""

    MAINTAIN = "MAINTAIN", "Keep the plan as it is"
    AMEND = "AMEND", "Amend the plan"
    NOT_AMEND = "NOT_AMEND", "Not to amend the plan (amendments were recommended)"
    CEASE = "CEASE", "Cease to maintain the plan"


class CeaseReason(models.TextChoices):
    """SEN2 cease reasons (item 4.6, `<CeaseReason>`; send-rules.md section 8.3). The same codes
    and labels as ehcp.reviews.rules.cease.Reason and REASON_LABELS."""

    MAX_AGE = "1", "Reached the maximum age"
    NEEDS_MET = "2", "Needs met without a plan (ongoing education or training)"
    HIGHER_EDUCATION = "3", "Moved into higher education"
    PAID_EMPLOYMENT = "4", "Moved into paid employment"
    TRANSFERRED_LA = "5", "Moved to another council in England"
    NOT_ENGAGING = "6", "No longer engaging in education or training"
    MOVED_OUT = "7", "Moved outside England"
    DECEASED = "8", "Died"
    OTHER = "9", "Left for other reasons"


#: A plan may cease without a review only where the law leaves nothing to review: the council is
#: no longer responsible (moved away, s.45(1)(a)), the young person has reached the maximum age,
#: or the child has died.
CEASE_WITHOUT_REVIEW_REASONS = (
    CeaseReason.MAX_AGE,
    CeaseReason.TRANSFERRED_LA,
    CeaseReason.MOVED_OUT,
    CeaseReason.DECEASED,
)


class ReturnFinding(models.TextChoices):
    """What the review found about a young person of 18 or over who stopped attending (reg 30)."""

    NOT_WISHING = (
        cease_rules.ReturnFinding.NOT_WISHING.value,
        cease_rules.RETURN_FINDING_LABELS[cease_rules.ReturnFinding.NOT_WISHING],
    )
    NOT_APPROPRIATE = (
        cease_rules.ReturnFinding.NOT_APPROPRIATE.value,
        cease_rules.RETURN_FINDING_LABELS[cease_rules.ReturnFinding.NOT_APPROPRIATE],
    )
    WISHES_TO_RETURN = (
        cease_rules.ReturnFinding.WISHES_TO_RETURN.value,
        cease_rules.RETURN_FINDING_LABELS[cease_rules.ReturnFinding.WISHES_TO_RETURN],
    )


class ReviewQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_REVIEW_STATUSES)


class Review(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """One review of a child's EHC plan, from starting it to the decision carried out."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ehc_plan = models.ForeignKey("plans.EhcPlan", on_delete=models.PROTECT, related_name="reviews")
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="reviews")
    council = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="reviews",
        limit_choices_to={"kind": "SEN_TEAM"},
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviews",
    )
    kind = models.CharField(max_length=12, choices=ReviewKind.choices, default=ReviewKind.ANNUAL)
    status = FSMField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DUE, protected=True
    )
    started_on = models.DateField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True, help_text="Why an early or interim review was started")

    # The statutory clock (ehcp.assessments.rules.deadlines.review_deadlines).
    period_starts_on = models.DateField(
        help_text="The day the plan was issued or the last review decision: the 12 months run from it"
    )
    under_five = models.BooleanField(default=False)
    review_due_on = models.DateField(db_index=True, help_text="The review must be complete by")
    latest_meeting_on = models.DateField()

    # Phase transfer (reg 18): the year of transfer and the date any amended plan is due.
    transfer_year = models.PositiveSmallIntegerField(null=True, blank=True)
    transfer_post16 = models.BooleanField(default=False)
    # A move between post-16 institutions at another time (reg 18(2)): the day of the move.
    transfer_on = models.DateField(null=True, blank=True)
    phase_transfer_due_on = models.DateField(null=True, blank=True)
    next_setting = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # The meeting.
    arranged_under = models.CharField(max_length=10, choices=ArrangedUnder.choices)
    arranged_by = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="reviews_arranged",
        help_text="The school or setting (reg 20), or the council (reg 21)",
    )
    meeting_on = models.DateField(null=True, blank=True)
    meeting_arranged_on = models.DateField(null=True, blank=True)
    invitations_sent_on = models.DateField(null=True, blank=True)
    invitations_late_reason = models.TextField(
        blank=True,
        help_text="Why the invitations gave less than 2 weeks' notice (regs 20(3), 21(3))",
    )
    advice_circulated_on = models.DateField(null=True, blank=True)
    advice_late_reason = models.TextField(
        blank=True,
        help_text="Why the advice went out less than 2 weeks before the meeting (regs 20(4), 21(4))",
    )
    meeting_held_on = models.DateField(null=True, blank=True)
    attendance = models.TextField(blank=True, help_text="Who attended the meeting")
    family_views = models.TextField(blank=True)
    report_due_on = models.DateField(null=True, blank=True)
    decision_due_on = models.DateField(null=True, blank=True, db_index=True)

    # The report.
    report_received_on = models.DateField(null=True, blank=True)
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices, blank=True)
    report_summary = models.TextField(blank=True)
    differences_of_opinion = models.TextField(blank=True)

    # The council's decision.
    decision = models.CharField(max_length=10, choices=ReviewDecision.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decision_reasons = models.TextField(blank=True)

    # Amending (reg 22).
    amendment_notice_on = models.DateField(null=True, blank=True)
    amendment_served_on = models.DateField(null=True, blank=True)
    amendment_comments_due_on = models.DateField(null=True, blank=True)
    amended_plan_due_on = models.DateField(null=True, blank=True)
    comments_received_on = models.DateField(null=True, blank=True)
    comments_summary = models.TextField(blank=True)
    no_further_comments_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day the parent or young person said in writing they have nothing more to "
        "add: only that ends the 15 days for comments early (reg 22(2)(c))",
    )
    amended_plan_issued_on = models.DateField(null=True, blank=True)
    named_setting = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The school or setting the final amended plan names in section I",
    )
    named_setting_type = models.CharField(
        max_length=200,
        blank=True,
        help_text="The type of school or setting the final amended plan names, if no setting",
    )

    # Ceasing (s.45; regs 29-31).
    cease_reason = models.CharField(max_length=2, choices=CeaseReason.choices, blank=True)
    cease_return_finding = models.CharField(
        max_length=16,
        choices=ReturnFinding.choices,
        blank=True,
        help_text="For a young person of 18 or over who stopped attending: what the review found "
        "(reg 30)",
    )
    cease_consulted_on = models.DateField(
        null=True,
        blank=True,
        help_text="The family was told that ceasing is being considered, and consulted with the "
        "school or college (reg 31(1))",
    )
    cease_consulted_setting = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The school or college named in the plan, consulted (reg 31(1)(c))",
    )
    cease_replied_on = models.DateField(null=True, blank=True)
    cease_consultation_reply = models.TextField(blank=True)
    cease_notice_on = models.DateField(null=True, blank=True)
    # Having consulted (reg 31(1)), the council decided not to cease: the plan stays as it is.
    cease_withdrawn_on = models.DateField(null=True, blank=True)
    cease_withdrawn_reasons = models.TextField(blank=True)
    cease_notice_sent_on = models.DateField(
        null=True,
        blank=True,
        help_text="The cease notice was sent: the time to appeal runs from it",
    )
    mediation_certificate_on = models.DateField(
        null=True,
        blank=True,
        help_text="A mediation certificate was issued: the appeal may come up to 1 month after it",
    )
    appeal_window_ends_on = models.DateField(null=True, blank=True, db_index=True)
    appeal_lodged_on = models.DateField(null=True, blank=True)
    appeal_late_admitted = models.BooleanField(
        default=False, help_text="The Tribunal allowed the appeal to be made after the time limit"
    )
    appeal_decided_on = models.DateField(null=True, blank=True)
    appeal_upheld = models.BooleanField(null=True, blank=True)
    ceased_on = models.DateField(null=True, blank=True)

    completed_on = models.DateField(null=True, blank=True)
    cancelled_on = models.DateField(null=True, blank=True)
    cancelled_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()
    history = HistoricalRecords(app="ehcp")

    class Meta:
        db_table = "ehcp_review"
        ordering = ["review_due_on", "pk"]
        # Each stage of the reviews pipeline (`ehcp.reviews.pipeline`) is one status (three for
        # the arranged meeting) paged by its own date then id: one small partial index a stage,
        # walked in the list's order and stopped after a page.
        indexes = [
            models.Index(fields=["council", "status", "review_due_on"]),
            _stage_index("review_stage_arrange", "latest_meeting_on", ReviewStatus.DUE),
            models.Index(
                fields=["council", "status", "meeting_on", "id"],
                condition=models.Q(
                    status__in=[
                        ReviewStatus.ARRANGED,
                        ReviewStatus.INVITED,
                        ReviewStatus.ADVICE_CIRCULATED,
                    ]
                ),
                name="review_stage_meeting",
            ),
            _stage_index("review_stage_held", "report_due_on", ReviewStatus.MEETING_HELD),
            _stage_index("review_stage_reported", "decision_due_on", ReviewStatus.REPORTED),
            _stage_index("review_stage_amending", "amended_plan_due_on", ReviewStatus.AMENDING),
            _stage_index("review_stage_ceasing", "appeal_window_ends_on", ReviewStatus.CEASING),
            # Completed, newest first with no date last (the order keyset paging asks for):
            # PostgreSQL only, as SQLite has no NULLS LAST in an index (migration 0007).
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ehc_plan"],
                condition=models.Q(status__in=OPEN_REVIEW_STATUSES),
                name="one_open_review_per_plan",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.child}"

    @property
    def reference(self) -> str:
        return f"REV{self.pk:06d}" if self.pk else "REV (new)"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REVIEW_STATUSES

    @property
    def is_phase_transfer(self) -> bool:
        return self.transfer_year is not None

    @property
    def plan_editable(self) -> bool:
        """The review's working copy of the plan can be changed: once the report is in (the
        proposed amendments are prepared before the decision) and while the plan is amended."""
        return self.status in PLAN_EDITABLE_REVIEW_STATUSES

    @property
    def is_amending(self) -> bool:
        """The council decided to amend and the final amended plan is not yet issued."""
        return self.status == ReviewStatus.AMENDING

    # -- statutory dates -------------------------------------------------------------------

    def set_statutory_dates(self) -> None:
        """The review's dates from the facts recorded so far (review_deadlines; phase transfer)."""
        found = deadlines.review_deadlines(
            self.period_starts_on,
            meeting_on=self.meeting_on,
            amendment_notice_on=self.amendment_served_on or self.amendment_notice_on,
            under_five=self.under_five,
        )
        self.review_due_on = found["review_complete_by"].due_on
        self.latest_meeting_on = found["latest_meeting"].due_on
        self.report_due_on = found["report_due"].due_on if "report_due" in found else None
        self.decision_due_on = found["decision_due"].due_on if "decision_due" in found else None
        if self.amendment_notice_on is not None:
            notice = deadlines.review_deadlines(
                self.period_starts_on,
                meeting_on=self.meeting_on,
                amendment_notice_on=self.amendment_notice_on,
                under_five=self.under_five,
            )
            self.amended_plan_due_on = notice["amended_plan_due"].due_on
            served = self.amendment_served_on or self.amendment_notice_on
            self.amendment_comments_due_on = deadlines.due_on(deadlines.AMEND_COMMENTS, served)
        if self.transfer_on is not None:
            self.phase_transfer_due_on = deadlines.post16_move_deadline(self.transfer_on)
        elif self.transfer_year is not None:
            self.phase_transfer_due_on = deadlines.phase_transfer_deadline(
                self.transfer_year, post16=self.transfer_post16
            )

    @property
    def phase_transfer_period(self) -> deadlines.StatutoryPeriod:
        """The reg 18 time limit of the review's transfer (its code and source)."""
        if self.transfer_on is not None:
            return deadlines.PHASE_TRANSFER_POST16_MOVE
        if self.transfer_post16:
            return deadlines.PHASE_TRANSFER_POST16
        return deadlines.PHASE_TRANSFER_SCHOOL

    @property
    def cease_dates(self) -> cease_rules.CeaseDates:
        """The appeal window and the day the plan ceases, from the facts recorded so far."""
        return cease_rules.cease_dates(
            notice_sent_on=self.cease_notice_sent_on,
            mediation_certificate_on=self.mediation_certificate_on,
            appeal_lodged_on=self.appeal_lodged_on,
            appeal_decided_on=self.appeal_decided_on,
            appeal_upheld=self.appeal_upheld,
        )

    def set_appeal_window(self) -> None:
        """The stored end of the time to appeal, from the notice's sending and any mediation
        certificate (so that lists of windows ending are one indexed query)."""
        self.appeal_window_ends_on = self.cease_dates.window_ends_on

    @property
    def is_cease_only(self) -> bool:
        return self.kind == ReviewKind.CEASE_ONLY

    @property
    def invitations_due_on(self) -> date:
        return deadlines.due_on(
            deadlines.REVIEW_INVITATIONS, self.meeting_on or self.latest_meeting_on
        )

    @property
    def arranged_by_setting(self) -> bool:
        return self.arranged_under == ArrangedUnder.SETTING

    @property
    def invitations_late(self) -> bool:
        """The invitations gave less than 2 weeks' notice of the meeting."""
        return self.invitations_sent_on is not None and self.invitations_sent_on > (
            self.invitations_due_on
        )

    @property
    def advice_late(self) -> bool:
        """The advice went out less than 2 weeks before the meeting."""
        return self.advice_circulated_on is not None and self.advice_circulated_on > (
            self.invitations_due_on
        )

    @property
    def report_late(self) -> bool:
        """The report came more than 2 weeks after the meeting."""
        return (
            self.report_received_on is not None
            and self.report_due_on is not None
            and self.report_received_on > self.report_due_on
        )

    @property
    def decision_late(self) -> bool:
        """The council's decision came more than 4 weeks after the meeting."""
        return (
            self.decided_on is not None
            and self.decision_due_on is not None
            and self.decided_on > self.decision_due_on
        )

    # -- transitions: domain verbs; bodies only set fields on self --------------------------

    @transition(field=status, source=ReviewStatus.DUE, target=ReviewStatus.ARRANGED)
    def arrange(self, *, meeting_on: date, on: date) -> None:
        self.meeting_on = meeting_on
        self.meeting_arranged_on = on
        self.set_statutory_dates()

    @transition(field=status, source=ReviewStatus.ARRANGED, target=ReviewStatus.INVITED)
    def send_invitations(self, *, on: date, late_reason: str = "") -> None:
        self.invitations_sent_on = on
        self.invitations_late_reason = late_reason

    @transition(field=status, source=ReviewStatus.INVITED, target=ReviewStatus.ADVICE_CIRCULATED)
    def circulate_advice(self, *, on: date, late_reason: str = "") -> None:
        self.advice_circulated_on = on
        self.advice_late_reason = late_reason

    @transition(
        field=status,
        source=[ReviewStatus.ARRANGED, ReviewStatus.INVITED, ReviewStatus.ADVICE_CIRCULATED],
        target=ReviewStatus.MEETING_HELD,
    )
    def hold_meeting(self, *, on: date, attendance: str, family_views: str) -> None:
        self.meeting_held_on = on
        self.meeting_on = on
        self.attendance = attendance
        self.family_views = family_views
        self.set_statutory_dates()

    @transition(field=status, source=ReviewStatus.MEETING_HELD, target=ReviewStatus.REPORTED)
    def report(self, *, on: date, recommendation: str, summary: str, differences: str = "") -> None:
        self.report_received_on = on
        self.recommendation = recommendation
        self.report_summary = summary
        self.differences_of_opinion = differences

    @transition(field=status, source=ReviewStatus.REPORTED, target=ReviewStatus.COMPLETE)
    def keep(self, *, on: date, decision: str, reasons: str) -> None:
        """Maintain the plan as it is, or decide not to amend it: the review is complete."""
        self.decision = decision
        self.decided_on = on
        self.decision_reasons = reasons
        self.completed_on = on

    @transition(field=status, source=ReviewStatus.REPORTED, target=ReviewStatus.AMENDING)
    def amend(self, *, on: date, reasons: str, notice_on: date, served_on: date) -> None:
        self.decision = ReviewDecision.AMEND
        self.decided_on = on
        self.decision_reasons = reasons
        self.amendment_notice_on = notice_on
        self.amendment_served_on = served_on
        self.set_statutory_dates()

    @transition(field=status, source=ReviewStatus.AMENDING, target=ReviewStatus.COMPLETE)
    def issue_amended_plan(self, *, on: date) -> None:
        self.amended_plan_issued_on = on
        self.completed_on = on

    @transition(field=status, source=ReviewStatus.REPORTED, target=ReviewStatus.CEASING)
    def propose_cease(
        self, *, on: date, reason: str, reasons: str, return_finding: str = ""
    ) -> None:
        """After the review, the council proposes to cease the plan: it tells the family and
        consults them and the school or college (reg 31(1))."""
        self.decision = ReviewDecision.CEASE
        self.decided_on = on
        self.cease_reason = reason
        self.decision_reasons = reasons
        self.cease_return_finding = return_finding
        self.cease_consulted_on = on

    @transition(
        field=status,
        source=ReviewStatus.DUE,
        target=ReviewStatus.CEASING,
        conditions=[lambda review: review.kind == ReviewKind.CEASE_ONLY],
        custom={"label": "Cease without a review"},
    )
    def propose_cease_only(self, *, on: date, reason: str, reasons: str) -> None:
        """A cease without a review, where the law allows one (ehcp.reviews.rules.cease)."""
        self.decision = ReviewDecision.CEASE
        self.decided_on = on
        self.cease_reason = reason
        self.decision_reasons = reasons

    @transition(
        field=status,
        source=ReviewStatus.CEASING,
        target=ReviewStatus.COMPLETE,
        conditions=[lambda review: review.cease_notice_on is None],
    )
    def withdraw_cease(self, *, on: date, reasons: str) -> None:
        """Having heard the family and the school or college (reg 31(1)), the council decides not
        to cease the plan, before any notice: the plan stays in force as it is. After a review,
        the review's outcome becomes keeping the plan as it is (the decision it started from is
        in the history)."""
        self.cease_withdrawn_on = on
        self.cease_withdrawn_reasons = reasons
        if not self.is_cease_only:
            self.decision = ReviewDecision.MAINTAIN
        self.completed_on = on

    @transition(field=status, source=ReviewStatus.CEASING, target=ReviewStatus.COMPLETE)
    def close_cease(self, *, on: date) -> None:
        """The cease is carried out (the plan ceased) or an appeal kept the plan."""
        self.completed_on = on

    @transition(field=status, source=OPEN_REVIEW_STATUSES, target=ReviewStatus.CANCELLED)
    def cancel(self, *, on: date, reason: str) -> None:
        self.cancelled_on = on
        self.cancelled_reason = reason


class InviteeRole(models.TextChoices):
    """Who must be invited to a review meeting (reg 20(2), reg 21(2)), and anyone else."""

    FAMILY = "FAMILY", "The parent, or the young person"
    SETTING = "SETTING", "The head teacher, principal or early years provider"
    SEN_OFFICER = "SEN_OFFICER", "A council SEN officer"
    HEALTH = "HEALTH", "A health care professional (from the health body)"
    SOCIAL_CARE = "SOCIAL_CARE", "A council social care officer"
    OTHER = "OTHER", "Someone else the council or setting considers appropriate"


class ReviewInvitee(models.Model):
    """Someone invited to a review meeting: whether they were invited in time, whether their
    advice came, and whether they attended."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="invitees")
    role = models.CharField(max_length=12, choices=InviteeRole.choices)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200, blank=True)
    invited_on = models.DateField(null=True, blank=True)
    advice_received_on = models.DateField(null=True, blank=True)
    attended = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(app="ehcp")

    class Meta:
        db_table = "ehcp_reviewinvitee"
        ordering = ["pk"]

    def __str__(self):
        return self.label(whereabouts=False)

    def label(self, *, whereabouts: bool) -> str:
        """Who was invited, in words: the role, and the person or agency. The school or setting
        is named only to a reader who may see the child's whereabouts (it is the child's own)."""
        who = [self.name] if self.name else []
        if self.agency is not None and (whereabouts or self.agency.kind != "SCHOOL"):
            who.append(self.agency.name)
        return f"{self.get_role_display()}: {', '.join(who)}" if who else self.get_role_display()
