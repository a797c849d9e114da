"""The assessment episode: the request for an EHC needs assessment (`Assessment`, called a case
on the pages), the advice asked for and given, setting consultations and lawful exceptions.

The assessment's legal status is a protected django-fsm-2 field: it only changes through a
transition, and the transitions' conditions are one-line bridges to the pure rules in `rules/`.
Statutory due dates are stored next to the facts they come from (so overdue lists are one indexed
query) and always computed by the rule functions, never typed in.

The tables keep the names they had before the rooms (`ehcp_case` ...): see ADR 0007.
"""

import uuid
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from agencies.models import Agency
from ehcp.assessments.rules import advice as rules
from ehcp.assessments.rules import breaches as breach_rules
from ehcp.assessments.rules import consultation as consultation_rules
from ehcp.assessments.rules import deadlines
from ehcp.assessments.rules import exceptions as exception_rules
from ehcp.assessments.rules import notices as notice_rules
from ehcp.assessments.rules.deadlines import EXCEPTION_LIMBS
from ehcp.children.models import Child
from ehcp.children.rules import consent as consent_rules
from ehcp.common.prefetch import is_prefetched
from ehcp.governance.models import AppendOnlyModel


class Requester(models.TextChoices):
    PARENT = "PARENT", "Parent or carer"
    YOUNG_PERSON = "YOUNG_PERSON", "Young person"
    SETTING = "SETTING", "School or setting"
    HEALTH_BODY = "HEALTH_BODY", "Health commissioning body (a re-assessment only)"
    OTHER = "OTHER", "Someone else (the council became responsible under s.24)"


#: Who may ask for a re-assessment of a child or young person with a plan (SEND Regulations
#: 2014, reg 24(1)): the parent, the young person, the governing body, proprietor or principal of
#: the setting attended, or the health commissioning body.
REASSESSMENT_REQUESTERS = (
    Requester.PARENT,
    Requester.YOUNG_PERSON,
    Requester.SETTING,
    Requester.HEALTH_BODY,
)


class AssessmentKind(models.TextChoices):
    INITIAL = "INITIAL", "EHC needs assessment"
    REASSESSMENT = "REASSESSMENT", "Re-assessment of a child or young person with an EHC plan"


class AssessmentStatus(models.TextChoices):
    REQUESTED = "REQUESTED", "Request received"
    REFUSED = "REFUSED", "Assessment refused"
    ASSESSING = "ASSESSING", "Assessing"
    NOT_ISSUED = "NOT_ISSUED", "Decided not to issue a plan"
    DRAFTING = "DRAFTING", "Drafting the plan"
    DRAFT_ISSUED = "DRAFT_ISSUED", "Draft plan issued"
    CONSULTING = "CONSULTING", "Consulting settings"
    FINAL_ISSUED = "FINAL_ISSUED", "Final plan issued"
    WITHDRAWN = "WITHDRAWN", "Request withdrawn"


class Withdrawer(models.TextChoices):
    """Who withdrew the request: the party, that is the parent of a child or the young person
    (or their parent acting for a young person who lacks capacity, recorded)."""

    PARENT = "PARENT", "Parent or carer"
    YOUNG_PERSON = "YOUNG_PERSON", "Young person"


OPEN_STATUSES = (
    AssessmentStatus.REQUESTED,
    AssessmentStatus.ASSESSING,
    AssessmentStatus.DRAFTING,
    AssessmentStatus.DRAFT_ISSUED,
    AssessmentStatus.CONSULTING,
)
CLOSED_STATUSES = (
    AssessmentStatus.REFUSED,
    AssessmentStatus.NOT_ISSUED,
    AssessmentStatus.FINAL_ISSUED,
    AssessmentStatus.WITHDRAWN,
)
#: The plan's working copy can be written while the case is assessed, drafted and consulted on.
PLAN_EDITABLE_STATUSES = (
    AssessmentStatus.ASSESSING,
    AssessmentStatus.DRAFTING,
    AssessmentStatus.DRAFT_ISSUED,
    AssessmentStatus.CONSULTING,
)


class AssessmentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class Assessment(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """One request for an EHC needs assessment, from receipt to the final plan (or a refusal)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cases")
    council = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="cases",
        limit_choices_to={"kind": "SEN_TEAM"},
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    status = FSMField(
        max_length=20,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.REQUESTED,
        protected=True,
    )

    # A first assessment, or a re-assessment of a child or young person with a plan in force
    # (SEND Regulations 2014, regs 24-27: other time limits, see `timetable`).
    kind = models.CharField(
        max_length=20, choices=AssessmentKind.choices, default=AssessmentKind.INITIAL
    )
    # For a re-assessment: the day the child's last EHC needs assessment was completed, as known
    # when the request was received (a refusal may rely on it within 6 months, reg 24).
    previous_assessment_on = models.DateField(null=True, blank=True)

    # The request (day 0 is the date the council received it, in any format).
    requested_by = models.CharField(max_length=20, choices=Requester.choices)
    requester_name = models.CharField(max_length=200, blank=True)
    request_received_on = models.DateField()
    request_reasons = models.TextField()

    # Statutory due dates, computed from request_received_on by ehcp.assessments.rules.deadlines.
    decision_to_assess_due_on = models.DateField(db_index=True)
    decision_not_to_issue_due_on = models.DateField()
    final_plan_due_on = models.DateField(db_index=True)

    # Decision whether to assess (regs 4, 5).
    assessment_decided_on = models.DateField(null=True, blank=True)
    refusal_reasons = models.TextField(blank=True)

    # Decision whether to issue a plan (reg 10).
    issue_decided_on = models.DateField(null=True, blank=True)
    not_issuing_reasons = models.TextField(blank=True)

    # Draft plan and the 15-day comment period (reg 13(1)).
    draft_issued_on = models.DateField(null=True, blank=True)
    draft_comments_due_on = models.DateField(null=True, blank=True)
    comments_received_on = models.DateField(null=True, blank=True)
    # The day the parent or young person said in writing that they have nothing more to add on the
    # draft: the only thing that ends the 15 days for representations early (reg 13(1)).
    no_further_comments_on = models.DateField(null=True, blank=True)
    comments_summary = models.TextField(blank=True)
    requested_setting = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    meeting_requested = models.BooleanField(default=False)

    # Final plan (reg 13(2)).
    final_issued_on = models.DateField(null=True, blank=True)
    named_setting = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Where no school or setting is named, the type of setting section I names (s.40(2) CFA 2014).
    named_setting_type = models.CharField(max_length=200, blank=True)

    # The child's EHC plan this assessment made (its first) or changed (a re-assessment):
    # set when the final plan is issued.
    ehc_plan = models.ForeignKey(
        "plans.EhcPlan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )

    # Withdrawal of the request by the parent or young person: the episode closes with the
    # reasons, and the child is free for a later request.
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_by_whom = models.CharField(max_length=20, choices=Withdrawer.choices, blank=True)
    withdrawal_reasons = models.TextField(blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The earliest statutory date the open case is working towards or owes (its step's date, or
    # advice still owed), None once closed: `ehcp.assessments.rules.breaches`, kept by the
    # services (`case_breaches_refresh`) so that the caseload's overdue filter is one indexed
    # comparison. Derived, so not in the history.
    breaches_on = models.DateField(null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()
    history = HistoricalRecords(app="ehcp", excluded_fields=["breaches_on"])

    class Meta:
        db_table = "ehcp_case"
        # The open cases' lists, each walked in its order and stopped after a page: the
        # caseload (by council, with or without a status), "your cases" (by caseworker), and the
        # caseload's overdue filter (`breaches_on`).
        indexes = [
            models.Index(fields=["status", "final_plan_due_on"]),
            models.Index(
                fields=["council", "final_plan_due_on", "id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="case_open_council_due",
            ),
            models.Index(
                fields=["council", "status", "final_plan_due_on", "id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="case_open_status_due",
            ),
            models.Index(
                fields=["caseworker", "final_plan_due_on", "id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="case_open_caseworker_due",
            ),
            models.Index(
                fields=["council", "breaches_on"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="case_open_council_breach",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="one_open_request_per_child",
            )
        ]

    def __str__(self):
        return f"{self.reference} {self.child}"

    @property
    def reference(self) -> str:
        return f"EHC{self.pk:06d}" if self.pk else "EHC (new)"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    # -- statutory dates -------------------------------------------------------------------

    @property
    def is_reassessment(self) -> bool:
        return self.kind == AssessmentKind.REASSESSMENT

    @property
    def timetable(self) -> deadlines.Timetable:
        """The time limits this episode runs on: a first assessment's 20 weeks from the request,
        or a re-assessment's 15 days then 14 weeks from the decision (regs 25(1), 27(2))."""
        if self.is_reassessment:
            return deadlines.REASSESSMENT_TIMETABLE
        return deadlines.INITIAL_TIMETABLE

    @property
    def exception_periods(self) -> tuple[deadlines.StatutoryPeriod, ...]:
        """The time limits of this episode that allow exceptions: the advice (reg 8(2)), and the
        timetable's own (regs 5(4) and 10(4) via 13(3); or reg 27(3) for a re-assessment)."""
        own = {self.timetable.decide, self.timetable.not_issue, self.timetable.final}
        return tuple(
            period
            for period in deadlines.ALL_PERIODS
            if period.exception_limbs and (period is deadlines.ADVICE or period in own)
        )

    @property
    def final_plan_due_is_provisional(self) -> bool:
        """A re-assessment's final plan is due 14 weeks from the decision to re-assess: before
        that decision the stored date is the latest it can be (decision on its due date)."""
        return self.is_reassessment and self.assessment_decided_on is None

    @property
    def draft_recommended_on(self) -> date | None:
        """The product's target for the draft: 14 weeks from the request, or 8 weeks from the
        decision to re-assess (unknown until then)."""
        if self.is_reassessment:
            if self.assessment_decided_on is None:
                return None
            return deadlines.due_on(deadlines.REASSESS_DRAFT, self.assessment_decided_on)
        return deadlines.due_on(deadlines.DRAFT_RECOMMENDED, self.request_received_on)

    @property
    def current_due_on(self) -> date | None:
        """The statutory date of the step the case is at; None once it is closed."""
        return breach_rules.current_due_on(
            self.status,
            decision_to_assess_due_on=self.decision_to_assess_due_on,
            decision_not_to_issue_due_on=self.decision_not_to_issue_due_on,
            final_plan_due_on=self.final_plan_due_on,
        )

    def breaches_on_with(self, advice: Iterable[breach_rules.AdviceOwedFact]) -> date | None:
        """The breach date of the case as it is now, given its advice requests."""
        return breach_rules.breaches_on(
            self.status,
            decision_to_assess_due_on=self.decision_to_assess_due_on,
            decision_not_to_issue_due_on=self.decision_not_to_issue_due_on,
            final_plan_due_on=self.final_plan_due_on,
            advice=advice,
        )

    def set_statutory_dates(self) -> None:
        """Recompute the stored due dates from the date the request was received (and, for a
        re-assessment, the date of the decision to re-assess)."""
        if self.is_reassessment:
            due = deadlines.reassessment_deadlines(
                self.request_received_on,
                decided_on=self.assessment_decided_on
                if self.status != AssessmentStatus.REFUSED
                else None,
            )
        else:
            due = deadlines.assessment_deadlines(self.request_received_on)
        self.decision_to_assess_due_on = due["decision_to_assess_due"].due_on
        self.decision_not_to_issue_due_on = due["decision_not_to_issue_due"].due_on
        self.final_plan_due_on = due["final_plan_due"].due_on

    # -- conditions: one-line bridges to the rules -----------------------------------------

    def consent_records(self) -> list:
        """Consent given for this request, or recorded for the child without a request (with
        the agencies each covers). Consent given for an earlier request does not carry over to a
        new one.

        When the child's `consents` are prefetched (with their `agencies`) they are picked from
        those, newest first as ever, without a query: the case page reads them once for its
        access check and its consent list (`case_consents_prefetch`), and a service that checks
        the consent gate and then logs the shares it allows reads them once
        (`Child.consents_read_once`)."""
        child = self.child
        if is_prefetched(child, "consents"):
            return [record for record in child.consents.all() if record.case_id in (None, self.pk)]
        return list(
            child.consents.filter(
                models.Q(case=self) | models.Q(case__isnull=True)
            ).prefetch_related("agencies")
        )

    def consent_facts(self) -> list[consent_rules.ConsentFact]:
        return [record.as_fact() for record in self.consent_records()]

    def advice_agency_ids(self) -> set[int]:
        """Partner agencies the advice requests share information with (not the council itself)."""
        return set(
            self.advice_requests.exclude(agency_id=self.council_id).values_list(
                "agency_id", flat=True
            )
        )

    def has_consent_override(self, step: consent_rules.Step) -> bool:
        if getattr(self, "has_consent_overrides", None) is False:
            return False  # read with the case page's annotations: it has none
        if is_prefetched(self, "consent_overrides"):
            return any(o.step == step for o in self.consent_overrides.all())
        return self.consent_overrides.filter(step=step).exists()

    def missing_consent_to_request_advice(
        self, on: date, *, agency_ids: set[int] | None = None
    ) -> consent_rules.MissingConsent | None:
        """Consent missing on `on` to ask these agencies for advice (by default, every agency
        the case's advice requests went to)."""
        if self.has_consent_override(consent_rules.Step.REQUEST_ADVICE):
            return None
        return consent_rules.missing_consent(
            consent_rules.Step.REQUEST_ADVICE,
            self.consent_facts(),
            agency_ids=self.advice_agency_ids() if agency_ids is None else agency_ids,
            on=on,
            who=self.child.who_consents(),
        )

    def has_consent_to_request_advice(self) -> bool:
        """Consent must be current on the day the advice requests go out."""
        sent_on = self.advice_requests.aggregate(on=models.Max("requested_on"))["on"]
        return sent_on is not None and self.missing_consent_to_request_advice(sent_on) is None

    def has_requested_advice(self) -> bool:
        return self.advice_requests.exists()

    def advice_facts(self) -> list[rules.RequestFact]:
        return [request.as_fact() for request in self.advice_requests.select_related("agency")]

    def has_settled_advice(self) -> bool:
        """Every advice request is accepted, cancelled, or recorded as decided without once it
        was overdue (ADVICE-PROCEED, reg 8(1)): a silent adviser never blocks the decision."""
        return rules.advice_settled(self.advice_facts())

    def consultation_facts(self) -> list[consultation_rules.ConsultationFact]:
        return [consultation.as_fact() for consultation in self.consultations.all()]

    def has_every_consultation_settled(self) -> bool:
        """At least one setting consulted, and each has replied or its silence is recorded (the
        service records it once the 15 days have passed: `consultation_rules.silent_on`).
        s.39/s.40 CFA 2014; CoP 9.83."""
        consultations = list(self.consultations.all())
        return bool(consultations) and all(
            c.replied_on is not None or c.closed_without_reply_on is not None for c in consultations
        )

    # -- transitions: domain verbs; bodies only set fields on self --------------------------

    @transition(
        field=status,
        source=AssessmentStatus.REQUESTED,
        target=AssessmentStatus.ASSESSING,
        conditions=[has_requested_advice, has_consent_to_request_advice],
        custom={"label": "Decide to assess"},
    )
    def decide_to_assess(self, *, on: date) -> None:
        self.assessment_decided_on = on
        if self.is_reassessment:  # the 14 weeks run from the decision (reg 27(2))
            self.set_statutory_dates()

    @transition(
        field=status,
        source=AssessmentStatus.REQUESTED,
        target=AssessmentStatus.REFUSED,
        custom={"label": "Refuse to assess"},
    )
    def refuse_to_assess(self, *, on: date, reasons: str) -> None:
        self.assessment_decided_on = on
        self.refusal_reasons = reasons
        self.closed_on = on

    @transition(
        field=status,
        source=AssessmentStatus.ASSESSING,
        target=AssessmentStatus.DRAFTING,
        conditions=[has_settled_advice],
        custom={"label": "Decide to issue a plan"},
    )
    def decide_to_issue(self, *, on: date) -> None:
        self.issue_decided_on = on

    @transition(
        field=status,
        source=AssessmentStatus.ASSESSING,
        target=AssessmentStatus.NOT_ISSUED,
        conditions=[has_settled_advice],
        custom={"label": "Decide not to issue a plan"},
    )
    def decide_not_to_issue(self, *, on: date, reasons: str) -> None:
        self.issue_decided_on = on
        self.not_issuing_reasons = reasons
        self.closed_on = on

    @transition(
        field=status,
        source=AssessmentStatus.DRAFTING,
        target=AssessmentStatus.DRAFT_ISSUED,
        custom={"label": "Issue the draft plan"},
    )
    def issue_draft(self, *, on: date, served_on: date | None = None) -> None:
        """The 15 days for representations begin with the day the draft is served (reg 13(1));
        until its sending is recorded they have not begun."""
        self.draft_issued_on = on
        self.draft_comments_due_on = (
            deadlines.due_on(deadlines.DRAFT_COMMENTS, served_on) if served_on else None
        )

    @transition(
        field=status,
        source=AssessmentStatus.DRAFT_ISSUED,
        target=AssessmentStatus.CONSULTING,
        custom={"label": "Record comments on the draft"},
    )
    def record_comments(
        self,
        *,
        received_on: date | None,
        summary: str,
        requested_setting,
        meeting_requested: bool,
        no_further_comments_on: date | None = None,
    ) -> None:
        self.comments_received_on = received_on
        self.no_further_comments_on = no_further_comments_on
        self.comments_summary = summary
        self.requested_setting = requested_setting
        self.meeting_requested = meeting_requested

    @transition(
        field=status,
        source=AssessmentStatus.CONSULTING,
        target=AssessmentStatus.FINAL_ISSUED,
        conditions=[has_every_consultation_settled],
        custom={"label": "Issue the final plan"},
    )
    def issue_final(self, *, on: date, named_setting, named_setting_type: str = "") -> None:
        self.final_issued_on = on
        self.named_setting = named_setting
        self.named_setting_type = named_setting_type
        self.closed_on = on

    @transition(
        field=status,
        source=list(OPEN_STATUSES),
        target=AssessmentStatus.WITHDRAWN,
        custom={"label": "Record that the request was withdrawn"},
    )
    def withdraw(self, *, on: date, by_whom: str, reasons: str, recorded_by) -> None:
        self.withdrawn_on = on
        self.withdrawn_by_whom = by_whom
        self.withdrawal_reasons = reasons
        self.withdrawal_recorded_by = recorded_by
        self.closed_on = on


class AdviceKind(models.TextChoices):
    """The advice the council must seek (SEND Regulations 2014, reg 6(1))."""

    PARENT_VIEWS = "PARENT_VIEWS", "Views of the parent or young person (reg 6(1)(a))"
    EDUCATIONAL = "EDUCATIONAL", "Educational advice (reg 6(1)(b))"
    HEALTH = "HEALTH", "Medical advice (reg 6(1)(c))"
    PSYCHOLOGICAL = "PSYCHOLOGICAL", "Psychological advice (reg 6(1)(d))"
    SOCIAL_CARE = "SOCIAL_CARE", "Social care advice (reg 6(1)(e))"
    OTHER = "OTHER", "Other advice (reg 6(1)(f)-(h))"


# Which kind of agency gives each kind of advice (PARENT_VIEWS is gathered by the council).
ADVICE_AGENCY_KIND = {
    AdviceKind.PARENT_VIEWS: "SEN_TEAM",
    AdviceKind.EDUCATIONAL: "SCHOOL",
    AdviceKind.HEALTH: "HEALTH",
    AdviceKind.PSYCHOLOGICAL: "EP_SERVICE",
    AdviceKind.SOCIAL_CARE: "SOCIAL_CARE",
    AdviceKind.OTHER: "OTHER",
}


class AdviceRequest(models.Model):
    """A request for advice sent to an agency, due 6 weeks after they receive it (reg 8(1))."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="advice_requests")
    kind = models.CharField(max_length=20, choices=AdviceKind.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="advice_requests")
    requested_on = models.DateField()
    due_on = models.DateField(db_index=True)
    received_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Status(models.TextChoices):
        """Where the advice is: being written, with the council, accepted, or sent back."""

        DRAFT = "DRAFT", "Not submitted yet"
        SUBMITTED = "SUBMITTED", "Submitted, waiting for the council's review"
        ACCEPTED = "ACCEPTED", "Accepted by the council"
        RETURNED = "RETURNED", "Returned to the adviser"
        CANCELLED = "CANCELLED", "Cancelled by the council"

    # The advice portal (ehcp.assessments.services.advice): structured entries, attachments and review.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.TextField(blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    # The council cancelled the request (ADVICE-CANCEL): it is no longer owed nor missing.
    cancelled_reason = models.TextField(blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_on = models.DateField(null=True, blank=True)
    # The council decided without it once it was overdue (ADVICE-PROCEED): still asked for and
    # chased, and added if it comes before the final plan.
    proceeded_without_reason = models.TextField(blank=True)
    proceeded_without_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proceeded_without_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords(app="ehcp")

    class Meta:
        db_table = "ehcp_advicerequest"
        ordering = ["due_on", "kind"]
        # The advice list of an adviser's agency, newest first (`workflows.advice_views`).
        indexes = [
            models.Index(
                fields=["agency", "-requested_on", "-id"],
                condition=~models.Q(kind="PARENT_VIEWS"),
                name="advice_agency_requested",
            ),
        ]
        constraints = [
            # A second request of a kind (a second "other" adviser, or one asked again after a
            # cancellation) is allowed; the same agency is not asked twice at once.
            models.UniqueConstraint(
                fields=["case", "kind", "agency"],
                condition=~models.Q(status="CANCELLED"),
                name="one_open_advice_request_per_kind_and_agency",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.agency}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_outstanding(self) -> bool:
        """Asked for and still owed: neither accepted nor cancelled."""
        return self.status not in (self.Status.ACCEPTED, self.Status.CANCELLED)

    @property
    def short_label(self) -> str:
        """The kind without its regulation ("Medical advice")."""
        return self.get_kind_display().split(" (")[0]

    def as_owed_fact(self) -> breach_rules.AdviceOwedFact:
        return breach_rules.AdviceOwedFact(
            due_on=self.due_on,
            received_on=self.received_on,
            cancelled=self.is_cancelled,
            proceeded_without_on=self.proceeded_without_on,
        )

    def as_fact(self) -> rules.RequestFact:
        return rules.RequestFact(
            key=self.pk,
            label=self.short_label,
            status=self.status,
            due_on=self.due_on,
            proceed_reason=self.proceeded_without_reason,
        )

    @property
    def is_editable(self) -> bool:
        """The adviser may still change it: not yet submitted, or sent back by the council."""
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class AdviceDecision(models.TextChoices):
    """The council's steps that record the advice still missing when they were taken."""

    ISSUE = "ISSUE", "Decision to issue a plan"
    NOT_ISSUE = "NOT_ISSUE", "Decision not to issue a plan"
    FINAL = "FINAL", "Final plan issued"


class DecisionAdviceGap(models.Model):
    """Advice still missing when the council took a step (ADVICE-PROCEED), and why it went on
    without it. Append-only: one row per missing advice per step, written with the step."""

    case = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="advice_gaps")
    decision = models.CharField(max_length=10, choices=AdviceDecision.choices)
    advice_request = models.ForeignKey(
        AdviceRequest, on_delete=models.PROTECT, related_name="decision_gaps"
    )
    decided_on = models.DateField()
    overdue_since = models.DateField(help_text="The advice's reg 8(1) date")
    reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ehcp_decisionadvicegap"
        ordering = ["recorded_at", "pk"]

    def __str__(self):
        return f"{self.get_decision_display()} without {self.advice_request}"


class ConsultationResponse(models.TextChoices):
    AGREES = "AGREES", "The setting can meet the child's needs"
    DECLINES = "DECLINES", "The setting says it cannot meet the child's needs"
    NO_REPLY = "NO_REPLY", "No reply"


class SettingConsultation(models.Model):
    """The council consults a school or college about being named in the plan (s.39; CoP 9.83)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="consultations")
    setting = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="consultations")
    sent_on = models.DateField()
    reply_due_on = models.DateField()
    replied_on = models.DateField(null=True, blank=True)
    response = models.CharField(max_length=20, choices=ConsultationResponse.choices, blank=True)
    response_notes = models.TextField(blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The setting the parent or young person asked for (s.39(2) CFA 2014), or one of the council's
    # alternatives (s.40(2)).
    requested_by_family = models.BooleanField(default=False)
    # The final plan was issued on this day without the setting's reply: its 15 days had passed
    # (CoP 9.83); `response` is NO_REPLY.
    closed_without_reply_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords(app="ehcp")

    class Meta:
        db_table = "ehcp_settingconsultation"
        ordering = ["sent_on", "pk"]

    def __str__(self):
        return f"Consultation with {self.setting}"

    def as_fact(self) -> consultation_rules.ConsultationFact:
        return consultation_rules.ConsultationFact(
            setting_id=self.setting_id,
            sent_on=self.sent_on,
            reply_due_on=self.reply_due_on,
            replied_on=self.replied_on,
        )

    @property
    def is_awaiting_reply(self) -> bool:
        return self.replied_on is None and self.closed_without_reply_on is None

    @property
    def role_display(self) -> str:
        return "Family's preference" if self.requested_by_family else "Council's alternative"

    @property
    def outcome_display(self) -> str:
        """The reply, or the silence: "No reply by 3 June 2027"."""
        if self.closed_without_reply_on is not None:
            return f"No reply by {self.reply_due_on:%-d %B %Y}"
        if self.replied_on is not None:
            return self.get_response_display()
        return "Waiting for a reply"


class StatutoryExceptionQuerySet(models.QuerySet):
    def counting(self):
        """The exceptions that count: the database's reading of `rules.exception_counts` (an end
        date, or recorded with evidence as still going on)."""
        return self.filter(models.Q(ends_on__isnull=False) | models.Q(ongoing=True))


class StatutoryException(models.Model):
    """A lawful exception to a time limit (regs 5(4), 8(2), 10(4), 13(3)). The statutory date does
    not move: the case shows "late, exception recorded" rather than "late".

    The exception counts once its circumstances have an end date, or are recorded (with
    evidence) as still going on; the end date can be recorded later. One recorded with neither
    (possible before the product asked) does not count until it is completed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="exceptions")
    period_code = models.CharField(
        max_length=40, choices=[(p.code, p.text) for p in deadlines.ALL_PERIODS]
    )
    advice_request = models.ForeignKey(
        AdviceRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="exceptions"
    )
    limb = models.CharField(max_length=10, choices=sorted(deadlines.EXCEPTION_LIMBS.items()))
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    ongoing = models.BooleanField(
        default=False, help_text="The circumstances are still going on (no end date yet)"
    )
    ongoing_evidence = models.TextField(
        blank=True, help_text="The evidence that the circumstances are still going on"
    )
    evidence = models.TextField()
    reasoning = models.TextField(help_text="Why the exception made the time limit impractical")
    # Required for every exception recorded since issue 9; empty only on older rows.
    family_told_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(app="ehcp")
    objects = StatutoryExceptionQuerySet.as_manager()

    class Meta:
        db_table = "ehcp_statutoryexception"
        ordering = ["starts_on", "pk"]
        constraints = [
            # Still going on means no end date yet, and says why the council believes it.
            models.CheckConstraint(
                condition=models.Q(ongoing=False) | models.Q(ends_on__isnull=True),
                name="exception_ongoing_has_no_end_date",
            ),
            models.CheckConstraint(
                condition=models.Q(ongoing=False) | ~models.Q(ongoing_evidence=""),
                name="exception_ongoing_has_evidence",
            ),
        ]

    def __str__(self):
        return f"Exception reg {self.limb} on {self.case.reference}"

    @property
    def counts(self) -> bool:
        """Whether this exception counts ("late, exception recorded"): `rules.exception_counts`."""
        return exception_rules.exception_counts(ends_on=self.ends_on, ongoing=self.ongoing)

    @property
    def needs_completing(self) -> bool:
        """Something is still to record: the date the circumstances ended (or, for an older row,
        that they are still going on), or the date the family was told."""
        return self.ends_on is None or self.family_told_on is None


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

    history = HistoricalRecords(app="ehcp", m2m_fields=[links])

    class Meta:
        db_table = "ehcp_adviceentry"
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

    history = HistoricalRecords(app="ehcp")

    class Meta:
        db_table = "ehcp_adviceattachment"
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

    history = HistoricalRecords(app="ehcp")

    class Meta:
        db_table = "ehcp_adviceextensionrequest"
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


class NoticeMethod(models.TextChoices):
    """How a notice to a partner was sent."""

    EMAIL = "EMAIL", "Secure e-mail"
    POST = "POST", "Post"
    PORTAL = "PORTAL", "Secure portal"
    HAND = "HAND", "By hand"


#: The disclosure channel each method of sending a notice is (governance.models.Channel).
NOTICE_METHOD_CHANNEL = {
    NoticeMethod.EMAIL: "SECURE_EMAIL",
    NoticeMethod.POST: "POST",
    NoticeMethod.PORTAL: "PORTAL",
    NoticeMethod.HAND: "HAND",
}


class StatutoryNotice(AppendOnlyModel):
    """A notice the council sent a partner about the request (SEND Regulations 2014, regs 4(2),
    5(2), 10(2)): under which regulation, to whom, when and how, and who recorded it.

    Written once (`AppendOnlyModel`): a mistake is corrected by a new notice that names the one
    it corrects (`corrects`), with the reason; the corrected one then no longer counts. A notice
    to an agency in the system is also a disclosure of the child's identity to it, logged with
    its lawful basis (`disclosure`)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="notices")
    regulation = models.CharField(
        max_length=6, choices=[(str(k), v) for k, v in notice_rules.REGULATION_LABELS.items()]
    )
    recipient = models.CharField(
        max_length=20, choices=[(str(k), v) for k, v in notice_rules.RECIPIENT_LABELS.items()]
    )
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_name = models.CharField(
        max_length=200, help_text="The agency or person told (the agency's name when it has one)"
    )
    sent_on = models.DateField()
    method = models.CharField(max_length=10, choices=NoticeMethod.choices)
    disclosure = models.ForeignKey(
        "governance.Disclosure", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    correction_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta(AppendOnlyModel.Meta):
        db_table = "ehcp_statutorynotice"
        ordering = ["sent_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(recipient_name=""), name="notice_names_its_recipient"
            ),
            models.CheckConstraint(
                condition=models.Q(corrects__isnull=True) | ~models.Q(correction_reason=""),
                name="notice_correction_has_reason",
            ),
        ]

    def __str__(self):
        return f"Reg {self.regulation} notice to {self.recipient_name} on {self.sent_on:%-d %B %Y}"

    @property
    def is_to_a_setting(self) -> bool:
        """To the child's school, early years provider or college (a whereabouts detail)."""
        return self.recipient in notice_rules.EDUCATION

    def as_fact(self) -> notice_rules.SentNotice:
        return notice_rules.SentNotice(self.regulation, self.recipient, self.sent_on)
