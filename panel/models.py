"""The Joint Agency Panel: funding requests, standing panels, meetings and recorded decisions.

The regulations create no panel: the council decides, and for section G the health commissioner
agrees (reg 12(2)). Councils use multi-agency panels to decide joint education, health and
social care funding consistently (send-rules.md section 6). A funding request is an episode of
the child's plan (ADR 0006): raised by the council, gated by consent for its purpose, listed on a
meeting's agenda when its evidence is complete, and decided by the panel. The chair confirms a
meeting's decisions; a confirmed decision is never edited, only superseded by a later one.

Money is `Decimal` in pounds and pence (`panel.rules.money`), never a float. A decision's shares
per funder (education, health, social care) add up to exactly 100%, in the database as well.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Round
from django.db.models.lookups import Exact
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from agencies.models import Agency, AgencyKind
from ehcp.children.rules.consent import Purpose
from panel.rules import quorum as quorum_rules
from panel.rules.decisions import FUNDED_OUTCOMES, OUTCOME_LABELS, Outcome
from panel.rules.money import FUNDER_LABELS, FUNDERS, Funder


class ImmutableDecisionError(Exception):
    """A confirmed decision is never edited: a later decision supersedes it."""


FunderChoices = models.TextChoices(
    "FunderChoices", [(f.name, (f.value, FUNDER_LABELS[f])) for f in FUNDERS]
)
OutcomeChoices = models.TextChoices(
    "OutcomeChoices", [(o.name, (o.value, OUTCOME_LABELS[o])) for o in Outcome]
)

#: Which funder a member of each kind of agency speaks for at the panel.
FUNDER_FOR_AGENCY_KIND = {
    AgencyKind.SEN_TEAM: Funder.EDUCATION,
    AgencyKind.EP_SERVICE: Funder.EDUCATION,
    AgencyKind.SCHOOL: Funder.EDUCATION,
    AgencyKind.HEALTH: Funder.HEALTH,
    AgencyKind.SOCIAL_CARE: Funder.SOCIAL_CARE,
}

_MONEY = {"max_digits": 12, "decimal_places": 2}
_SHARE = {
    "max_digits": 5,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
}


# The three shares add up to exactly 100% (rounded to the 2 places they are stored with, so that
# SQLite's floating-point sum of 33.33 + 33.33 + 33.34 compares equal too).
_SHARES_ADD_UP = models.Q(
    Exact(
        Round(
            models.F("education_share") + models.F("health_share") + models.F("social_care_share"),
            2,
        ),
        Decimal("100"),
    )
)


class Cadence(models.TextChoices):
    WEEKLY = "WEEKLY", "Weekly"
    FORTNIGHTLY = "FORTNIGHTLY", "Every two weeks"
    MONTHLY = "MONTHLY", "Monthly"


class Panel(models.Model):
    """A standing panel and its terms of reference: who sits on it, who chairs it, what makes a
    quorum and how often it meets. Edited in the support admin; every change is kept."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    council = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="panels",
        limit_choices_to={"kind": AgencyKind.SEN_TEAM},
    )
    name = models.CharField(max_length=200, unique=True)
    remit = models.TextField(help_text="What the panel decides: its terms of reference")
    cadence = models.CharField(max_length=12, choices=Cadence.choices, default=Cadence.MONTHLY)
    papers_days_before = models.PositiveSmallIntegerField(
        default=7, help_text="How many days before a meeting its papers go to the members"
    )
    # The quorum rule (panel.rules.quorum.QuorumRule).
    quorum_min_members = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1)]
    )
    quorum_chair_required = models.BooleanField(default=True)
    quorum_education = models.BooleanField("Quorum needs education", default=True)
    quorum_health = models.BooleanField("Quorum needs health", default=True)
    quorum_social_care = models.BooleanField("Quorum needs social care", default=True)
    # Who pays each share: education is the council's high-needs block.
    health_funder = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": AgencyKind.HEALTH},
        help_text="The health body that pays the health share (the ICB or its provider)",
    )
    social_care_funder = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": AgencyKind.SOCIAL_CARE},
        help_text="Children's social care, which pays the social care share",
    )
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def quorum_rule(self) -> quorum_rules.QuorumRule:
        required = {
            Funder.EDUCATION: self.quorum_education,
            Funder.HEALTH: self.quorum_health,
            Funder.SOCIAL_CARE: self.quorum_social_care,
        }
        return quorum_rules.QuorumRule(
            min_members=self.quorum_min_members,
            chair_required=self.quorum_chair_required,
            funders_required=frozenset(f for f, needed in required.items() if needed),
        )

    def funder_agency_ids(self) -> dict[str, int | None]:
        """Which agency pays each funder's share."""
        return {
            Funder.EDUCATION: self.council_id,
            Funder.HEALTH: self.health_funder_id,
            Funder.SOCIAL_CARE: self.social_care_funder_id,
        }


class PanelRole(models.TextChoices):
    CHAIR = "CHAIR", "Chair"
    VICE_CHAIR = "VICE_CHAIR", "Vice-chair"
    MEMBER = "MEMBER", "Member"


CHAIRING_ROLES = (PanelRole.CHAIR, PanelRole.VICE_CHAIR)


class PanelMemberQuerySet(models.QuerySet):
    def current(self):
        return self.filter(left_on__isnull=True, user__is_active=True)


class PanelMember(models.Model):
    """A person who sits on a panel for an agency: the papers they receive, and the quorum, follow
    the agency they represent (what the information sharing agreement lets it see)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_seats"
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="panel_seats",
        help_text="The agency they represent on the panel",
    )
    role = models.CharField(max_length=12, choices=PanelRole.choices, default=PanelRole.MEMBER)
    funder = models.CharField(
        max_length=12,
        choices=FunderChoices.choices,
        help_text="Which funder they speak for: counts towards the quorum",
    )
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    objects = PanelMemberQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["panel", "role", "user__last_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "user"],
                condition=models.Q(left_on__isnull=True),
                name="one_current_seat_per_person_per_panel",
            ),
        ]

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.username} ({self.get_role_display()}, {self.agency})"

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.username

    @property
    def chairs(self) -> bool:
        return self.role in CHAIRING_ROLES

    @property
    def seat(self) -> quorum_rules.Seat:
        return quorum_rules.Seat(member_id=self.pk, funder=Funder(self.funder), chairs=self.chairs)


class FundingKind(models.TextChoices):
    HIGH_NEEDS_TOP_UP = "HIGH_NEEDS_TOP_UP", "High-needs top-up"
    JOINT_PLACEMENT = "JOINT_PLACEMENT", "Joint-funded placement"
    RESIDENTIAL_PLACEMENT = "RESIDENTIAL_PLACEMENT", "Residential placement"
    CONTINUING_CARE = "CONTINUING_CARE", "Children's continuing care"
    SHORT_BREAKS = "SHORT_BREAKS", "Short breaks"
    PERSONAL_BUDGET = "PERSONAL_BUDGET", "Personal budget (s.49)"
    OTHER = "OTHER", "Other"


def consent_purpose(kind: str) -> Purpose:
    """The consent a request needs: continuing care has its own purpose; the rest is high-needs
    funding (information sharing agreement, section 2)."""
    if kind == FundingKind.CONTINUING_CARE:
        return Purpose.CONTINUING_CARE
    return Purpose.HIGH_NEEDS_FUNDING


class RequestStatus(models.TextChoices):
    DRAFT = "DRAFT", "Evidence to complete"
    READY = "READY", "Ready for panel"
    LISTED = "LISTED", "On an agenda"
    DEFERRED = "DEFERRED", "Deferred: information asked for"
    DECIDED = "DECIDED", "Decided"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"


OPEN_REQUEST_STATUSES = (
    RequestStatus.DRAFT,
    RequestStatus.READY,
    RequestStatus.LISTED,
    RequestStatus.DEFERRED,
)


class PlanUpdate(models.TextChoices):
    AMENDING = "AMENDING", "The plan is being amended: a review of it is open"
    IN_PLAN = "IN_PLAN", "The plan already provides for it"


class FundingRequest(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """A request to a panel to fund provision or a placement: an episode of the child's plan."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ehc_plan = models.ForeignKey(
        "plans.EhcPlan", on_delete=models.PROTECT, related_name="funding_requests"
    )
    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="funding_requests"
    )
    council = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="funding_requests",
        limit_choices_to={"kind": AgencyKind.SEN_TEAM},
    )
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="requests")
    status = FSMField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.DRAFT, protected=True
    )
    # Where it was raised from: an assessment or a review of the plan, or neither (any time).
    raised_from_case = models.ForeignKey(
        "assessments.Assessment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funding_requests",
    )
    raised_from_review = models.ForeignKey(
        "reviews.Review",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funding_requests",
    )
    # A later request that reviews or changes an agreed package names the one it follows.
    follows = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="followed_by"
    )

    kind = models.CharField(max_length=24, choices=FundingKind.choices)
    summary = models.TextField(help_text="The provision or placement the funding pays for")
    provider = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The school, setting or service that provides it, where it is a partner",
    )
    provider_name = models.CharField(
        max_length=200, blank=True, help_text="The provider, where it is not a partner agency"
    )
    # The version of the plan it serves, and the entries of sections F, G, H1, H2 (and I) it pays
    # for, as that version states them (frozen: the version in force may change later).
    plan_version = models.PositiveIntegerField(null=True, blank=True)
    plan_entries = models.JSONField(default=list, blank=True)
    # The evidence: accepted advice (section K of that version) and anything else.
    evidence_advice = models.JSONField(default=list, blank=True)
    evidence_notes = models.TextField(blank=True)
    options_tried = models.TextField(
        blank=True, help_text="What was tried or considered locally first"
    )
    proposed_cost = models.DecimalField("Proposed cost a year", null=True, blank=True, **_MONEY)
    starts_on = models.DateField("Proposed start", null=True, blank=True)
    ends_on = models.DateField("Proposed end", null=True, blank=True)
    education_share = models.DecimalField(null=True, blank=True, **_SHARE)
    health_share = models.DecimalField(null=True, blank=True, **_SHARE)
    social_care_share = models.DecimalField(null=True, blank=True, **_SHARE)
    # A deferral asks for information; the caseworker answers it before it goes back.
    information_requested = models.TextField(blank=True)
    information_provided = models.TextField(blank=True)

    # The consent gate: the consent it was raised under, or an authorised override.
    consent = models.ForeignKey(
        "children.ConsentRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funding_requests",
    )
    override_justification = models.TextField(blank=True)
    override_legal_condition = models.CharField(max_length=120, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)

    raised_on = models.DateField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)
    # After an approval that changes the provision, how the plan was brought into line: through
    # an amending review's plan editor, or the plan already provides for it.
    plan_update = models.CharField(max_length=10, choices=PlanUpdate.choices, blank=True)
    plan_update_note = models.TextField(blank=True)
    plan_updated_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_on", "-pk"]
        # The council's requests, newest first (`panel.views.request_list`, paged by keyset);
        # a panel's requests ready for its agenda, oldest first (the meeting page).
        indexes = [
            models.Index(fields=["council", "-raised_on", "-id"], name="funding_council_raised"),
            models.Index(fields=["panel", "status", "raised_on", "id"], name="funding_panel_ready"),
            # The commitments' totals read a council's requests' kinds from the index alone.
            models.Index(fields=["council", "kind", "id"], name="funding_council_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(education_share__isnull=True)
                | models.Q(health_share__isnull=True)
                | models.Q(social_care_share__isnull=True)
                | _SHARES_ADD_UP,
                name="request_shares_add_up_to_100",
                violation_error_message="The shares must add up to exactly 100%",
            ),
            models.CheckConstraint(
                condition=models.Q(consent__isnull=False)
                | ~models.Q(override_justification="")
                | models.Q(status="WITHDRAWN"),
                name="request_has_consent_or_override",
                violation_error_message="Record consent, or an authorised override",
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.get_kind_display()} for {self.child}"

    @property
    def reference(self) -> str:
        return f"JAP{self.pk:06d}" if self.pk else "JAP (new)"

    @property
    def consent_purpose(self) -> Purpose:
        return consent_purpose(self.kind)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES

    @property
    def changes_the_plan(self) -> bool:
        """Whether an approval must be carried into the plan: the panel changed what was asked,
        or the request names no provision of the plan it pays for."""
        return not self.plan_entries

    @property
    def provider_label(self) -> str:
        return self.provider.name if self.provider_id else self.provider_name

    def shares(self) -> dict[Funder, Decimal | None]:
        return {
            Funder.EDUCATION: self.education_share,
            Funder.HEALTH: self.health_share,
            Funder.SOCIAL_CARE: self.social_care_share,
        }

    # -- transitions: bodies only set fields on self -----------------------------------------

    @transition(
        field=status,
        source=[RequestStatus.DRAFT, RequestStatus.DEFERRED],
        target=RequestStatus.READY,
    )
    def mark_ready(self) -> None:
        """The evidence is complete (checked by the service, with the same rule the page shows)."""

    @transition(field=status, source=RequestStatus.READY, target=RequestStatus.DRAFT)
    def reopen(self) -> None:
        """The caseworker takes it back to change it before it is listed."""

    @transition(field=status, source=RequestStatus.READY, target=RequestStatus.LISTED)
    def list_on_agenda(self) -> None:
        pass

    @transition(field=status, source=RequestStatus.LISTED, target=RequestStatus.READY)
    def unlist(self) -> None:
        """Taken off an agenda before it was decided: ready for another meeting."""

    @transition(field=status, source=RequestStatus.LISTED, target=RequestStatus.DEFERRED)
    def defer(self, *, information_requested: str) -> None:
        self.information_requested = information_requested
        self.information_provided = ""

    @transition(field=status, source=RequestStatus.LISTED, target=RequestStatus.DECIDED)
    def decide(self) -> None:
        pass

    @transition(
        field=status,
        source=[RequestStatus.DRAFT, RequestStatus.READY, RequestStatus.DEFERRED],
        target=RequestStatus.WITHDRAWN,
    )
    def withdraw(self, *, reason: str) -> None:
        self.withdrawn_reason = reason


class MeetingStatus(models.TextChoices):
    PLANNED = "PLANNED", "Planned"
    PAPERS_SENT = "PAPERS_SENT", "Papers sent"
    IN_SESSION = "IN_SESSION", "In session"
    CLOSED = "CLOSED", "Awaiting the chair's confirmation"
    CONFIRMED = "CONFIRMED", "Decisions confirmed"
    CANCELLED = "CANCELLED", "Cancelled"


#: A meeting whose agenda can still change.
AGENDA_OPEN_STATUSES = (MeetingStatus.PLANNED, MeetingStatus.PAPERS_SENT)


class Meeting(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """One meeting of a panel: its agenda, who came, and the decisions the chair confirms."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="meetings")
    meets_on = models.DateField(db_index=True)
    starts_at = models.TimeField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    status = FSMField(
        max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED, protected=True
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    papers_sent_at = models.DateTimeField(null=True, blank=True)
    papers_sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-meets_on", "-pk"]
        indexes = [models.Index(fields=["panel", "meets_on"])]

    def __str__(self):
        return f"{self.panel} on {self.meets_on:%d %B %Y}"

    @property
    def reference(self) -> str:
        return f"{self.panel.name}, {self.meets_on.day} {self.meets_on:%B %Y}"

    @transition(field=status, source=MeetingStatus.PLANNED, target=MeetingStatus.PAPERS_SENT)
    def send_papers(self, *, at, by) -> None:
        self.papers_sent_at = at
        self.papers_sent_by = by

    @transition(field=status, source=MeetingStatus.PAPERS_SENT, target=MeetingStatus.IN_SESSION)
    def open(self, *, at) -> None:
        self.opened_at = at

    @transition(field=status, source=MeetingStatus.IN_SESSION, target=MeetingStatus.CLOSED)
    def close(self, *, at) -> None:
        self.closed_at = at

    @transition(field=status, source=MeetingStatus.CLOSED, target=MeetingStatus.IN_SESSION)
    def reopen(self) -> None:
        """Back in session before the chair confirms (an item was missed)."""
        self.closed_at = None

    @transition(field=status, source=MeetingStatus.CLOSED, target=MeetingStatus.CONFIRMED)
    def confirm(self, *, at, by) -> None:
        self.confirmed_at = at
        self.confirmed_by = by

    @transition(field=status, source=AGENDA_OPEN_STATUSES, target=MeetingStatus.CANCELLED)
    def cancel(self, *, reason: str) -> None:
        self.cancelled_reason = reason


class AttendanceStatus(models.TextChoices):
    PRESENT = "PRESENT", "Present"
    APOLOGIES = "APOLOGIES", "Apologies"


class Attendance(models.Model):
    """Who took part in a meeting. A member present may leave (and come back) mid-meeting: the
    quorum is checked at the moment of each decision from who is in the room then."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(PanelMember, on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(max_length=10, choices=AttendanceStatus.choices)
    arrived_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "member__role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance_per_member")
        ]

    def __str__(self):
        return f"{self.member.name}: {self.get_status_display()}"

    @property
    def in_the_room(self) -> bool:
        return self.status == AttendanceStatus.PRESENT and self.left_at is None


class AgendaItem(models.Model):
    """A funding request on a meeting's agenda."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    request = models.ForeignKey(
        FundingRequest, on_delete=models.PROTECT, related_name="agenda_items"
    )
    position = models.PositiveSmallIntegerField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "request"], name="request_listed_once"),
        ]

    def __str__(self):
        return f"Item {self.position}: {self.request.reference}"


class ConflictOfInterest(models.Model):
    """A member's declared interest in an item: they take no part in deciding it, do not count
    towards its quorum, and the minutes say so. Never withdrawn once declared."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="conflicts")
    member = models.ForeignKey(PanelMember, on_delete=models.PROTECT, related_name="conflicts")
    interest = models.TextField(help_text="The interest declared")
    declared_at = models.DateTimeField()
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["item", "declared_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="one_declaration_per_item"),
        ]

    def __str__(self):
        return f"{self.member.name} declared an interest in {self.item}"


class DecisionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def funded(self):
        return self.filter(outcome__in=sorted(o.value for o in FUNDED_OUTCOMES))


class Decision(models.Model):
    """The panel's decision on an item. Until the chair confirms the meeting it may be recorded
    again (each version is kept in its history); once confirmed it is never changed, only
    superseded by a later confirmed decision on the same request (`supersedes`)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="decision")
    request = models.ForeignKey(FundingRequest, on_delete=models.PROTECT, related_name="decisions")
    # The request's council, kept on the decision (it never changes): a council's commitments
    # are read from its own decisions' index, not every council's found through the requests.
    council = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", editable=False
    )
    outcome = models.CharField(max_length=22, choices=OutcomeChoices.choices)
    reasons = models.TextField()
    changes = models.TextField(blank=True, help_text="What the panel changed from the request")
    information_requested = models.TextField(blank=True)
    agreed_cost = models.DecimalField("Agreed cost a year", null=True, blank=True, **_MONEY)
    education_share = models.DecimalField(null=True, blank=True, **_SHARE)
    health_share = models.DecimalField(null=True, blank=True, **_SHARE)
    social_care_share = models.DecimalField(null=True, blank=True, **_SHARE)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    recorded_by_member = models.ForeignKey(
        PanelMember, on_delete=models.PROTECT, related_name="decisions_recorded"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    # Who was in the room and took part at the moment it was recorded (member ids).
    quorum_members = models.JSONField(default=list)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = DecisionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        indexes = [
            # The commitments page: a council's funded, confirmed decisions in the order they
            # are reviewed, read from the start of the order (a page of 25) rather than sorting
            # them all, and the year's totals from that council's alone.
            models.Index(
                fields=["council", "review_on", "id"],
                name="decision_funded_review",
                condition=models.Q(
                    confirmed_at__isnull=False,
                    outcome__in=sorted(o.value for o in FUNDED_OUTCOMES),
                ),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outcome__in=sorted(o.value for o in FUNDED_OUTCOMES))
                | (
                    models.Q(agreed_cost__gt=0, starts_on__isnull=False, review_on__isnull=False)
                    & _SHARES_ADD_UP
                ),
                name="funded_decision_has_cost_dates_and_shares",
                violation_error_message="An approval needs a cost, dates and shares adding up to 100%",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=sorted(o.value for o in FUNDED_OUTCOMES))
                | models.Q(agreed_cost__isnull=True),
                name="unfunded_decision_has_no_cost",
            ),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.request.reference}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_funded(self) -> bool:
        return self.outcome in FUNDED_OUTCOMES

    def shares(self) -> dict[Funder, Decimal | None]:
        return {
            Funder.EDUCATION: self.education_share,
            Funder.HEALTH: self.health_share,
            Funder.SOCIAL_CARE: self.social_care_share,
        }

    def save(self, *args, **kwargs):
        if self.council_id is None:
            self.council_id = self.request.council_id
        if self.pk is not None:
            stored = Decision.objects.filter(pk=self.pk).values_list("confirmed_at", flat=True)
            if stored and stored[0] is not None:
                raise ImmutableDecisionError(
                    "A confirmed decision cannot be changed: record a later decision that "
                    "supersedes it"
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.confirmed_at is not None:
            raise ImmutableDecisionError("A confirmed decision is never deleted")
        return super().delete(*args, **kwargs)


class PaymentSetup(models.Model):
    """A funding agency has set up the payment of its share of a confirmed decision: the task the
    flow gave its queue, done (`panel.services.funding.payment_setup_record`)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="payments")
    funder = models.CharField(max_length=12, choices=FunderChoices.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    set_up_on = models.DateField()
    reference = models.CharField(
        max_length=100, blank=True, help_text="The funder's own reference: order or contract"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["decision", "funder"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "funder"], name="one_payment_per_funder")
        ]

    def __str__(self):
        return f"{self.get_funder_display()} payment for {self.decision}"


class PanelDocumentKind(models.TextChoices):
    PAPERS = "PAPERS", "Papers for the meeting"
    MINUTES = "MINUTES", "Minutes"
    FAMILY_LETTER = "FAMILY_LETTER", "Decision letter to the family"
    PROVIDER_LETTER = "PROVIDER_LETTER", "Decision letter to the provider"


class PanelDocument(models.Model):
    """A document of a meeting, frozen when it is issued: a member's papers pack (only what their
    agency may see), the minutes, the decision letters. The PDF is rendered from the frozen
    content on download, so what was sent is what is read, byte for byte the same text."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=16, choices=PanelDocumentKind.choices)
    member = models.ForeignKey(
        PanelMember, null=True, blank=True, on_delete=models.PROTECT, related_name="papers"
    )
    request = models.ForeignKey(
        FundingRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    content = models.JSONField()
    sha256 = models.CharField(max_length=64)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=models.Q(kind="PAPERS"),
                name="one_papers_pack_per_member",
            ),
            models.UniqueConstraint(
                fields=["meeting"], condition=models.Q(kind="MINUTES"), name="one_minutes"
            ),
            models.UniqueConstraint(
                fields=["decision", "kind"],
                condition=models.Q(kind__in=["FAMILY_LETTER", "PROVIDER_LETTER"]),
                name="one_letter_of_a_kind_per_decision",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.meeting}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableDecisionError("An issued panel document is never changed")
        super().save(*args, **kwargs)
