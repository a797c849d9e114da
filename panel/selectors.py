"""Reading the panel's records: what a request holds for the rules, an item's whole papers, who is
in the room, the decisions in force and the commitments they make."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet

from agencies.access import actor_for
from agencies.models import Agency, AgencyKind
from panel.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    ConflictOfInterest,
    Decision,
    FundingKind,
    FundingRequest,
    Meeting,
    Panel,
    PanelMember,
    RequestStatus,
)
from panel.rules import money
from panel.rules.money import FUNDERS, Funder
from panel.rules.requests import RequestFacts


def panel_partner_agency_ids(panel: Panel) -> frozenset[int]:
    """The partner agencies a panel's papers go to: its current members' agencies and the
    funders of the health and social care shares, but not the council itself."""
    ids = set(PanelMember.objects.current().filter(panel=panel).values_list("agency_id", flat=True))
    ids |= {panel.health_funder_id, panel.social_care_funder_id}
    ids.discard(None)
    ids.discard(panel.council_id)
    return frozenset(ids)


def request_facts(request: FundingRequest) -> RequestFacts:
    return RequestFacts(
        summary=request.summary,
        options_tried=request.options_tried,
        proposed_cost=request.proposed_cost,
        starts_on=request.starts_on,
        ends_on=request.ends_on,
        shares=request.shares(),
        plan_entries=len(request.plan_entries),
        plan_version_known=request.plan_version is not None,
        evidence_advice=len(request.evidence_advice),
        evidence_notes=request.evidence_notes,
        provider=request.provider_label,
        deferred=request.status == RequestStatus.DEFERRED,
        information_provided=request.information_provided,
    )


#: How a protected child's school or setting is named to someone who may not see it (DM-02).
WITHHELD_SETTING = "The child's school or setting (whereabouts protected)"


def sees_whereabouts(user, council_id: int, child) -> bool:
    """Whether this person may see the child's school named: a child whose whereabouts are not
    protected, or a member of the council with the explicit permission."""
    return not child.protected_whereabouts or council_id in actor_for(user).whereabouts_agency_ids


def providers_for(user, ehc_plan) -> list[Agency]:
    """The partner agencies a request can name as its provider. For a child whose whereabouts
    are protected, and a reader without the permission, no school is listed by name: the child's
    own setting is offered as such (listing the others would name it by leaving it out)."""
    agencies = list(
        Agency.objects.filter(is_active=True)
        .exclude(kind=AgencyKind.SEN_TEAM)
        .order_by("name")
        .only("pk", "public_id", "name", "kind")
    )
    child = ehc_plan.child
    if sees_whereabouts(user, ehc_plan.council_id, child):
        return agencies
    providers = [a for a in agencies if a.kind != AgencyKind.SCHOOL]
    setting = next((a for a in agencies if a.pk == child.current_setting_id), None)
    if setting is not None:
        setting.name = WITHHELD_SETTING
        providers.insert(0, setting)
    return providers


def provider_label_for(user, funding: FundingRequest) -> str:
    """The provider as this reader may see it."""
    if (
        funding.provider_id
        and funding.provider.kind == AgencyKind.SCHOOL
        and not sees_whereabouts(user, funding.council_id, funding.child)
    ):
        return WITHHELD_SETTING
    return funding.provider_label


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _money(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def item_content(item: AgendaItem) -> dict:
    """The whole item, as frozen into the papers (dates and money as strings). Each member's pack
    keeps only what their agency may see (`panel.rules.papers.item_for_member`)."""
    request = item.request
    child = request.child
    return {
        "reference": request.reference,
        "position": item.position,
        "child": {"name": child.full_name, "date_of_birth": _iso(child.date_of_birth)},
        "request": {
            "kind": request.kind,
            "kind_label": request.get_kind_display(),
            "summary": request.summary,
            "provider": request.provider_label
            if not (child.protected_whereabouts and request.provider_id)
            else WITHHELD_SETTING,
            "options_tried": request.options_tried,
            "evidence_notes": request.evidence_notes,
            "proposed_cost": _money(request.proposed_cost),
            "starts_on": _iso(request.starts_on),
            "ends_on": _iso(request.ends_on),
            "shares": {f.value: _money(v) for f, v in request.shares().items()},
            "plan_version": request.plan_version,
            "information_requested": request.information_requested,
            "information_provided": request.information_provided,
            "raised_on": _iso(request.raised_on),
        },
        "plan_entries": list(request.plan_entries),
        "advice": list(request.evidence_advice),
    }


def decision_facts(decision: Decision) -> dict:
    """A decision as frozen into the minutes and letters (money and dates as strings)."""
    shares = decision.shares()
    funded = decision.is_funded
    return {
        "outcome": decision.outcome,
        "outcome_label": decision.get_outcome_display(),
        "reasons": decision.reasons,
        "changes": decision.changes,
        "information_requested": decision.information_requested,
        "agreed_cost": str(decision.agreed_cost) if funded else None,
        "shares": {f.value: str(shares[f]) for f in FUNDERS} if funded else {},
        "annual_by_funder": {
            f.value: str(v) for f, v in money.split_cost(decision.agreed_cost, shares).items()
        }
        if funded
        else {},
        "starts_on": decision.starts_on.isoformat() if decision.starts_on else None,
        "ends_on": decision.ends_on.isoformat() if decision.ends_on else None,
        "review_on": decision.review_on.isoformat() if decision.review_on else None,
        "supersedes": decision.supersedes.request.reference if decision.supersedes_id else "",
    }


# -- who is in the room --------------------------------------------------------------------------


def meeting_attendance(meeting: Meeting) -> list[Attendance]:
    return list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("member__user", "member__agency")
        .order_by("member__role", "member__user__last_name", "pk")
    )


def in_the_room(meeting: Meeting) -> list[PanelMember]:
    """The members present and not yet gone: who counts towards the quorum now."""
    return [
        a.member
        for a in Attendance.objects.filter(
            meeting=meeting, status=AttendanceStatus.PRESENT, left_at__isnull=True
        ).select_related("member__user", "member__agency")
    ]


def item_conflicted_member_ids(item: AgendaItem) -> set[int]:
    return set(ConflictOfInterest.objects.filter(item=item).values_list("member_id", flat=True))


def request_version(request: FundingRequest) -> str:
    """What a form that changes the request carries: the version of it the person was shown, so
    the service can refuse a change made over someone else's (`request_update(seen=...)`)."""
    return request.updated_at.isoformat() if request.updated_at else ""


def decision_version(decision: Decision | None) -> str:
    """The version of an item's decision a member was shown ("none": not yet recorded), so
    `decision_record(seen=...)` can refuse to replace a decision they have not read."""
    if decision is None:
        return "none"
    return f"{decision.pk}:{decision.recorded_at.isoformat()}"


def current_seat(panel_id: int, user) -> PanelMember | None:
    """The person's current seat on the panel, or None."""
    if user is None or not user.is_authenticated:
        return None
    return (
        PanelMember.objects.current()
        .filter(panel_id=panel_id, user=user)
        .select_related("agency", "user")
        .first()
    )


# -- decisions in force and commitments -----------------------------------------------------------


def _superseded():
    return Exists(Decision.objects.filter(supersedes=OuterRef("pk"), confirmed_at__isnull=False))


def decisions_in_force() -> QuerySet[Decision]:
    """Confirmed funded decisions that no later confirmed decision has superseded."""
    return Decision.objects.confirmed().funded().exclude(_superseded())


def decision_in_force_for(request: FundingRequest) -> Decision | None:
    """The decision in force on a request, or on the one it follows (a review of the funding)."""
    ids = [request.pk] + ([request.follows_id] if request.follows_id else [])
    return decisions_in_force().filter(request_id__in=ids).order_by("-confirmed_at", "-pk").first()


@dataclass(frozen=True)
class Commitment:
    decision: Decision
    annual: dict[Funder, Decimal]  # the annual cost per funder
    in_year: Decimal  # what falls in the financial year
    in_year_by_funder: dict[Funder, Decimal]


@dataclass
class CommitmentTotals:
    year: money.FinancialYear
    packages: int = 0
    by_funder: dict[Funder, Decimal] = field(default_factory=dict)
    by_kind: dict[str, Decimal] = field(default_factory=dict)
    total: Decimal = Decimal("0.00")


def commitments_in_year(council_ids, year: money.FinancialYear) -> QuerySet[Decision]:
    """The packages in force in any day of the financial year, for these councils, in the order
    they are reviewed."""
    return (
        decisions_in_force()
        .filter(request__council_id__in=list(council_ids), starts_on__lte=year.ends_on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=year.starts_on))
        .select_related("request__child", "request__provider", "request__panel")
        .order_by("review_on", "pk")
    )


def commitment(decision: Decision, year: money.FinancialYear) -> Commitment:
    shares = decision.shares()
    in_year = money.cost_in_year(decision.agreed_cost, decision.starts_on, decision.ends_on, year)
    return Commitment(
        decision=decision,
        annual=money.split_cost(decision.agreed_cost, shares),
        in_year=in_year,
        in_year_by_funder=money.split_cost(in_year, shares),
    )


def commitment_totals(council_ids, year: money.FinancialYear) -> CommitmentTotals:
    """What the packages in force cost in the financial year, by funder and by kind. Reads only
    the numbers (one query), however many packages there are."""
    totals = CommitmentTotals(
        year=year,
        by_funder={f: Decimal("0.00") for f in FUNDERS},
        by_kind={k: Decimal("0.00") for k in FundingKind.values},
    )
    rows = (
        commitments_in_year(council_ids, year)
        .order_by()  # summed: no need to sort them
        .values_list(
            "agreed_cost",
            "starts_on",
            "ends_on",
            "education_share",
            "health_share",
            "social_care_share",
            "request__kind",
        )
    )
    for cost, starts_on, ends_on, education, health, social_care, kind in rows:
        in_year = money.cost_in_year(cost, starts_on, ends_on, year)
        parts = money.split_cost(
            in_year,
            {Funder.EDUCATION: education, Funder.HEALTH: health, Funder.SOCIAL_CARE: social_care},
        )
        for funder, amount in parts.items():
            totals.by_funder[funder] += amount
        totals.by_kind[kind] += in_year
        totals.total += in_year
        totals.packages += 1
    return totals
