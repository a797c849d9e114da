"""The EHC domain: children and young people, requests for assessment, consent, advice and the case.

The case's legal status is a protected django-fsm-2 field: it only changes through a transition,
and the transitions' conditions are one-line bridges to the pure rules in `ehcp/rules/`.
Statutory due dates are stored next to the facts they come from (so overdue lists are one indexed
query) and always computed by the rule functions, never typed in.
"""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from agencies.models import Agency

from ..rules import consent as consent_rules
from ..rules import deadlines


class Need(models.TextChoices):
    """SEN2 primary and secondary need codes (SEN type, item 5.8a)."""

    SPLD = "SPLD", "Specific learning difficulty"
    MLD = "MLD", "Moderate learning difficulty"
    SLD = "SLD", "Severe learning difficulty"
    PMLD = "PMLD", "Profound and multiple learning difficulty"
    SEMH = "SEMH", "Social, emotional and mental health"
    SLCN = "SLCN", "Speech, language and communication needs"
    HI = "HI", "Hearing impairment"
    VI = "VI", "Visual impairment"
    MSI = "MSI", "Multi-sensory impairment"
    PD = "PD", "Physical disability"
    ASD = "ASD", "Autistic spectrum disorder"
    DS = "DS", "Down syndrome"
    OTH = "OTH", "Other difficulty or disability"


class Child(models.Model):
    """A child or young person (0 to 25) known to the SEND service."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    upn = models.CharField("UPN", max_length=13, blank=True, help_text="Unique pupil number")
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    protected_whereabouts = models.BooleanField(
        default=False,
        help_text="Address, setting and contact details are shown only to those allowed to see them.",
    )
    current_setting = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pupils",
        limit_choices_to={"kind": "SCHOOL"},
    )
    primary_need = models.CharField(max_length=4, choices=Need.choices, blank=True)
    secondary_need = models.CharField(max_length=4, choices=Need.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "children"
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, on: date) -> int:
        return consent_rules.age_on(self.date_of_birth, on)


class ParentCarer(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="parents")
    name = models.CharField(max_length=200)
    relationship = models.CharField(
        max_length=60, help_text="For example mother, father, foster carer"
    )
    has_parental_responsibility = models.BooleanField(default=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)

    history = HistoricalRecords()

    def __str__(self):
        return f"{self.name} ({self.relationship})"


class Requester(models.TextChoices):
    PARENT = "PARENT", "Parent or carer"
    YOUNG_PERSON = "YOUNG_PERSON", "Young person"
    SETTING = "SETTING", "School or setting"
    OTHER = "OTHER", "Someone else (the council became responsible under s.24)"


class CaseStatus(models.TextChoices):
    REQUESTED = "REQUESTED", "Request received"
    REFUSED = "REFUSED", "Assessment refused"
    ASSESSING = "ASSESSING", "Assessing"
    NOT_ISSUED = "NOT_ISSUED", "Decided not to issue a plan"
    DRAFTING = "DRAFTING", "Drafting the plan"
    DRAFT_ISSUED = "DRAFT_ISSUED", "Draft plan issued"
    CONSULTING = "CONSULTING", "Consulting settings"
    FINAL_ISSUED = "FINAL_ISSUED", "Final plan issued"


OPEN_STATUSES = (
    CaseStatus.REQUESTED,
    CaseStatus.ASSESSING,
    CaseStatus.DRAFTING,
    CaseStatus.DRAFT_ISSUED,
    CaseStatus.CONSULTING,
)
CLOSED_STATUSES = (CaseStatus.REFUSED, CaseStatus.NOT_ISSUED, CaseStatus.FINAL_ISSUED)
#: The plan's working copy can be written while the case is assessed, drafted and consulted on.
PLAN_EDITABLE_STATUSES = (
    CaseStatus.ASSESSING,
    CaseStatus.DRAFTING,
    CaseStatus.DRAFT_ISSUED,
    CaseStatus.CONSULTING,
)


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class Case(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
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
        max_length=20, choices=CaseStatus.choices, default=CaseStatus.REQUESTED, protected=True
    )

    # The request (day 0 is the date the council received it, in any format).
    requested_by = models.CharField(max_length=20, choices=Requester.choices)
    requester_name = models.CharField(max_length=200, blank=True)
    request_received_on = models.DateField()
    request_reasons = models.TextField()

    # Statutory due dates, computed from request_received_on by ehcp.rules.deadlines.
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

    # The child's EHC plan this assessment made (its first) or changed (a re-assessment):
    # set when the final plan is issued.
    ehc_plan = models.ForeignKey(
        "ehcp.EhcPlan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )

    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["status", "final_plan_due_on"])]
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

    def set_statutory_dates(self) -> None:
        """Recompute the stored due dates from the date the request was received."""
        due = deadlines.assessment_deadlines(self.request_received_on)
        self.decision_to_assess_due_on = due["decision_to_assess_due"].due_on
        self.decision_not_to_issue_due_on = due["decision_not_to_issue_due"].due_on
        self.final_plan_due_on = due["final_plan_due"].due_on

    # -- conditions: one-line bridges to the rules -----------------------------------------

    def consent_facts(self) -> list[consent_rules.ConsentFact]:
        """Consent given for this request, or recorded for the child without a request.
        Consent given for an earlier request does not carry over to a new one."""
        records = self.child.consents.filter(models.Q(case=self) | models.Q(case__isnull=True))
        return [record.as_fact() for record in records.prefetch_related("agencies")]

    def advice_agency_ids(self) -> set[int]:
        """Partner agencies the advice requests share information with (not the council itself)."""
        return set(
            self.advice_requests.exclude(agency_id=self.council_id).values_list(
                "agency_id", flat=True
            )
        )

    def has_consent_override(self, step: consent_rules.Step) -> bool:
        return self.consent_overrides.filter(step=step).exists()

    def missing_consent_to_request_advice(self, on: date) -> consent_rules.MissingConsent | None:
        if self.has_consent_override(consent_rules.Step.REQUEST_ADVICE):
            return None
        return consent_rules.missing_consent(
            consent_rules.Step.REQUEST_ADVICE,
            self.consent_facts(),
            agency_ids=self.advice_agency_ids(),
            on=on,
        )

    def has_consent_to_request_advice(self) -> bool:
        """Consent must be current on the day the advice requests go out."""
        sent_on = self.advice_requests.aggregate(on=models.Max("requested_on"))["on"]
        return sent_on is not None and self.missing_consent_to_request_advice(sent_on) is None

    def has_requested_advice(self) -> bool:
        return self.advice_requests.exists()

    def has_all_advice(self) -> bool:
        """Every piece of advice is in and accepted by the council (as the flow's join requires)."""
        return not self.advice_requests.exclude(status=AdviceRequest.Status.ACCEPTED).exists()

    def has_consulted_a_setting(self) -> bool:
        return self.consultations.exists()

    # -- transitions: domain verbs; bodies only set fields on self --------------------------

    @transition(
        field=status,
        source=CaseStatus.REQUESTED,
        target=CaseStatus.ASSESSING,
        conditions=[has_requested_advice, has_consent_to_request_advice],
        custom={"label": "Decide to assess"},
    )
    def decide_to_assess(self, *, on: date) -> None:
        self.assessment_decided_on = on

    @transition(
        field=status,
        source=CaseStatus.REQUESTED,
        target=CaseStatus.REFUSED,
        custom={"label": "Refuse to assess"},
    )
    def refuse_to_assess(self, *, on: date, reasons: str) -> None:
        self.assessment_decided_on = on
        self.refusal_reasons = reasons
        self.closed_on = on

    @transition(
        field=status,
        source=CaseStatus.ASSESSING,
        target=CaseStatus.DRAFTING,
        conditions=[has_all_advice],
        custom={"label": "Decide to issue a plan"},
    )
    def decide_to_issue(self, *, on: date) -> None:
        self.issue_decided_on = on

    @transition(
        field=status,
        source=CaseStatus.ASSESSING,
        target=CaseStatus.NOT_ISSUED,
        conditions=[has_all_advice],
        custom={"label": "Decide not to issue a plan"},
    )
    def decide_not_to_issue(self, *, on: date, reasons: str) -> None:
        self.issue_decided_on = on
        self.not_issuing_reasons = reasons
        self.closed_on = on

    @transition(
        field=status,
        source=CaseStatus.DRAFTING,
        target=CaseStatus.DRAFT_ISSUED,
        custom={"label": "Issue the draft plan"},
    )
    def issue_draft(self, *, on: date) -> None:
        self.draft_issued_on = on
        self.draft_comments_due_on = deadlines.due_on(deadlines.DRAFT_COMMENTS, on)

    @transition(
        field=status,
        source=CaseStatus.DRAFT_ISSUED,
        target=CaseStatus.CONSULTING,
        custom={"label": "Record comments on the draft"},
    )
    def record_comments(
        self, *, received_on: date | None, summary: str, requested_setting, meeting_requested: bool
    ) -> None:
        self.comments_received_on = received_on
        self.comments_summary = summary
        self.requested_setting = requested_setting
        self.meeting_requested = meeting_requested

    @transition(
        field=status,
        source=CaseStatus.CONSULTING,
        target=CaseStatus.FINAL_ISSUED,
        conditions=[has_consulted_a_setting],
        custom={"label": "Issue the final plan"},
    )
    def issue_final(self, *, on: date, named_setting) -> None:
        self.final_issued_on = on
        self.named_setting = named_setting
        self.closed_on = on


class ConsentMethod(models.TextChoices):
    WRITTEN = "WRITTEN", "Signed form or letter"
    EMAIL = "EMAIL", "E-mail"
    PORTAL = "PORTAL", "Online portal"
    VERBAL = "VERBAL", "Verbally, recorded by an officer"


class ConsentGiver(models.TextChoices):
    PARENT = "PARENT", "Parent or carer"
    YOUNG_PERSON = "YOUNG_PERSON", "The young person (16 or over)"


class ConsentRecord(models.Model):
    """Consent to share information for a purpose with named agencies. Never overwritten:
    a withdrawal is recorded on it, and a change of scope is a new record."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="consents")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="consents"
    )
    purpose = models.CharField(
        max_length=30, choices=[(p.value, p.label) for p in consent_rules.Purpose]
    )
    agencies = models.ManyToManyField(Agency, related_name="consents")
    given_by = models.CharField(max_length=20, choices=ConsentGiver.choices)
    given_by_name = models.CharField(max_length=200)
    given_on = models.DateField()
    method = models.CharField(max_length=20, choices=ConsentMethod.choices)
    notes = models.TextField(
        blank=True, help_text="Capacity or competence, and anything else relevant"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(m2m_fields=[agencies])

    class Meta:
        ordering = ["-given_on", "-pk"]

    def __str__(self):
        return f"{self.get_purpose_display()} consent from {self.given_by_name} on {self.given_on}"

    def as_fact(self) -> consent_rules.ConsentFact:
        return consent_rules.ConsentFact(
            purpose=self.purpose,
            agency_ids=frozenset(a.pk for a in self.agencies.all()),
            given_on=self.given_on,
            withdrawn_on=self.withdrawn_on,
        )


class ConsentOverride(models.Model):
    """An authorised, justified decision to let a consent-gated step go ahead without consent."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consent_overrides")
    step = models.CharField(max_length=30, choices=[(s.value, s.label) for s in consent_rules.Step])
    legal_condition = models.CharField(
        max_length=120,
        default="DPA 2018 Sch 1 para 18 (safeguarding of children and individuals at risk)",
    )
    justification = models.TextField()
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    authorised_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    def __str__(self):
        return f"Consent override for {self.get_step_display()} on {self.case.reference}"


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
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="advice_requests")
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

    # The advice portal (ehcp.services.advice): structured entries, attachments and review.
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

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="one_advice_request_per_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.agency}"

    @property
    def is_editable(self) -> bool:
        """The adviser may still change it: not yet submitted, or sent back by the council."""
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class ConsultationResponse(models.TextChoices):
    AGREES = "AGREES", "The setting can meet the child's needs"
    DECLINES = "DECLINES", "The setting says it cannot meet the child's needs"


class SettingConsultation(models.Model):
    """The council consults a school or college about being named in the plan (s.39; CoP 9.83)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consultations")
    setting = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="consultations")
    sent_on = models.DateField()
    reply_due_on = models.DateField()
    replied_on = models.DateField(null=True, blank=True)
    response = models.CharField(max_length=20, choices=ConsultationResponse.choices, blank=True)
    response_notes = models.TextField(blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["sent_on", "pk"]

    def __str__(self):
        return f"Consultation with {self.setting}"


class StatutoryException(models.Model):
    """A lawful exception to a time limit (regs 5(4), 8(2), 10(4), 13(3)). The statutory date does
    not move: the case shows "late, exception recorded" rather than "late"."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exceptions")
    period_code = models.CharField(
        max_length=40, choices=[(p.code, p.text) for p in deadlines.ALL_PERIODS]
    )
    advice_request = models.ForeignKey(
        AdviceRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="exceptions"
    )
    limb = models.CharField(max_length=10, choices=sorted(deadlines.EXCEPTION_LIMBS.items()))
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    evidence = models.TextField()
    reasoning = models.TextField(help_text="Why the exception made the time limit impractical")
    family_told_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_on", "pk"]

    def __str__(self):
        return f"Exception reg {self.limb} on {self.case.reference}"
