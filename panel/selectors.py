"""Reading the panel's records: what a request holds for the rules, an item's whole papers, who is
in the room, the decisions in force and the commitments they make."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connections
from django.db.models import (
    BigIntegerField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least, Round

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
        # The council of the decision and of its request (they are the same): the planner then
        # reads only this council's rows of both.
        .filter(
            council_id__in=list(council_ids),
            request__council_id__in=list(council_ids),
            starts_on__lte=year.ends_on,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=year.starts_on))
        .select_related("request__child", "request__provider")
        # What a row shows and its split needs (a request's status: its state machine reads it).
        .only(
            "request_id",
            "agreed_cost",
            "education_share",
            "health_share",
            "social_care_share",
            "starts_on",
            "ends_on",
            "review_on",
            "request__status",
            "request__kind",
            "request__provider_name",
            "request__child__first_name",
            "request__child__last_name",
            "request__provider__name",
        )
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


class _DaysFrom(Func):
    """Whole days from the second date to the first (``first - second``), an integer on both
    databases (PostgreSQL subtracts dates in days; SQLite through the Julian day number)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


def _whole(value) -> Cast:
    """A column of whole pence (or hundredths of a percent) as an exact integer: ``value * 100``."""
    return Cast(Round(value * Value(100)), BigIntegerField())


def _in_year_pence(year: money.FinancialYear):
    """`money.cost_in_year` in SQL, in pence: the annual pence times the days the package runs
    in the year, over the year's days, rounded half up (integer arithmetic: ``(2ad + Y) div
    2Y`` is ``ad div Y``, plus 1 when twice the remainder reaches ``Y``)."""
    first = Greatest(F("starts_on"), Value(year.starts_on))
    last = Least(Coalesce(F("ends_on"), Value(year.ends_on)), Value(year.ends_on))
    days = Greatest(_DaysFrom(last, first) + Value(1), Value(0))
    return (Value(2) * _whole(F("agreed_cost")) * days + Value(year.days)) / Value(2 * year.days)


_SHARE_FIELDS = {
    Funder.EDUCATION: "education_share",
    Funder.HEALTH: "health_share",
    Funder.SOCIAL_CARE: "social_care_share",
}


def _split_pence_sql() -> tuple[str, str]:
    """`money.split_cost` in SQL over rows of ``pence`` and each funder's share in hundredths of
    a percent (``h0``, ``h1``, ``h2`` in FUNDERS order): two SELECT lists, the second over the
    first. Each funder gets the whole pence of its exact share (``w``: ``pence * h div 10000``,
    its remainder ``r``); the pence left over (0, 1 or 2) go one each to the funders with the
    largest remainders, a tie going to the funder that comes first in FUNDERS."""
    n = range(len(FUNDERS))
    whole = ", ".join(
        f"pence * h{i} / 10000 AS w{i}, pence * h{i} - (pence * h{i} / 10000) * 10000 AS r{i}"
        for i in n
    )
    left_over = "pence - " + " - ".join(f"w{i}" for i in n)
    parts = []
    for i in n:
        # How many funders come before this one when the pence are handed out.
        ahead = " + ".join(
            f"CASE WHEN r{j} {'>=' if j < i else '>'} r{i} THEN 1 ELSE 0 END" for j in n if j != i
        )
        parts.append(f"w{i} + CASE WHEN {ahead} < {left_over} THEN 1 ELSE 0 END AS part{i}")
    return f"pence, funding_kind, {whole}", "pence, funding_kind, " + ", ".join(parts)


def _pounds(pence) -> Decimal:
    return Decimal(int(pence or 0)).scaleb(-2)


def commitment_totals(council_ids, year: money.FinancialYear) -> CommitmentTotals:
    """What the packages in force cost in the financial year, by funder and by kind: one
    aggregate query, summed in the database in whole pence by the same rules as each package's
    row (`money.cost_in_year`, then `money.split_cost` by largest remainder), so the totals are
    exactly the sums of the rows, however many packages there are.

    The rows (each package's pence in the year, its shares and kind) are the ORM's query; the
    split and the sums are plain integer SQL over it, the same on PostgreSQL and SQLite."""
    rows = (
        commitments_in_year(council_ids, year)
        .order_by()
        .annotate(
            pence=_in_year_pence(year),
            funding_kind=F("request__kind"),
            **{f"h{i}": _whole(F(_SHARE_FIELDS[f])) for i, f in enumerate(FUNDERS)},
        )
        .values("pence", "funding_kind", *(f"h{i}" for i in range(len(FUNDERS))))
    )
    rows_sql, rows_params = rows.query.sql_with_params()
    whole, parts = _split_pence_sql()
    kinds = list(FundingKind.values)
    sums = ", ".join(
        ["COUNT(*)", "SUM(pence)"]
        + [f"SUM(part{i})" for i in range(len(FUNDERS))]
        + ["SUM(CASE WHEN funding_kind = %s THEN pence ELSE 0 END)"] * len(kinds)
    )
    # MATERIALIZED (PostgreSQL 12+, SQLite 3.35+): each package's pence is worked out once, not
    # again in every expression that reads it, as it would be if the planner inlined the rows.
    sql = (
        f"WITH packages AS MATERIALIZED ({rows_sql}) SELECT {sums} FROM"
        f" (SELECT {parts} FROM (SELECT {whole} FROM packages) whole_pence) parts"
    )
    with connections[rows.db].cursor() as cursor:  # the database the rows' query reads
        cursor.execute(sql, (*rows_params, *kinds))
        packages, total, *amounts = cursor.fetchone()
    return CommitmentTotals(
        year=year,
        packages=packages,
        by_funder={f: _pounds(amount) for f, amount in zip(FUNDERS, amounts, strict=False)},
        by_kind={
            kind: _pounds(amount)
            for kind, amount in zip(kinds, amounts[len(FUNDERS) :], strict=True)
        },
        total=_pounds(total),
    )
