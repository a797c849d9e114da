"""The review pipeline (read side): every plan in force of a council, by the stage its review is at,
with what is late at each stage.

Every live plan is in exactly one of the plan stages: **due** (no open review, and the review is
due within 3 months, or already past: the reg 18 deadline counts for a child within 12 months of a
phase transfer), one of the **open review** stages (the review's status), or **later** (no open
review, next review more than 3 months away). The **completed** stage lists the reviews finished in
the last 3 months (a worklist of what was just done, not a partition of the plans).

Each stage has one date that matters next (its "due" date, with the statutory period it comes
from) and a database condition saying a row is late against it, so the counts per stage (with
how many are late) are two aggregate queries, and a stage's rows are one keyset-paged query
ordered by a stored date. Nothing here reads the clock: callers pass ``today``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from agencies.access import actor_for
from agencies.models import MANAGER_ROLES, Role
from ehcp.assessments.models import Assessment
from ehcp.assessments.rules import deadlines
from ehcp.assessments.rules.deadlines import DeadlineStatus, StatutoryPeriod
from ehcp.children.models import Child
from ehcp.common.display import agency_label
from ehcp.plans.models import EhcPlan, EhcPlanStatus
from ehcp.reviews.models import OPEN_REVIEW_STATUSES, Review, ReviewDecision, ReviewStatus
from ehcp.reviews.rules import phase
from ehcp.reviews.rules.phase import PhaseTransfer, TransferKind, TransferProgress, TransferRisk
from ehcp.reviews.rules.terms import Term

#: Plans whose review is due within this many months are "due"; reviews completed within this
#: many months are listed as completed.
HORIZON_MONTHS = 3
RECENT_MONTHS = 3
#: Invitations go at least 2 weeks before a meeting held at least 4 weeks before the review is
#: due: a review not started 6 weeks before its date can no longer be done in time.
_START_BY = timedelta(days=-deadlines.REVIEW_MEETING.days - deadlines.REVIEW_INVITATIONS.days)
_TWO_WEEKS = timedelta(days=-deadlines.REVIEW_INVITATIONS.days)


@dataclass(frozen=True)
class Stage:
    """One stage of the pipeline."""

    code: str
    label: str
    next_step: str
    """What is owed next, as a caseworker would say it."""
    key: str
    """The stored date the stage's rows are ordered (and paged) by."""
    due_label: str
    """What the stage's date is."""
    period: StatutoryPeriod | None
    of_plans: bool = False
    """Rows are plans with no open review (else reviews)."""
    descending: bool = False
    status: str = ""


STAGES: tuple[Stage, ...] = (
    Stage(
        "due",
        "Review due in the next 3 months",
        "Start the review",
        "next_review_due_on",
        "Invitations by",
        deadlines.REVIEW_INVITATIONS,
        of_plans=True,
    ),
    Stage(
        "arrange",
        "Review started: meeting to arrange",
        "Arrange the meeting",
        "latest_meeting_on",
        "Invitations by",
        deadlines.REVIEW_INVITATIONS,
        status=ReviewStatus.DUE,
    ),
    Stage(
        "arranged",
        "Meeting arranged",
        "Send the invitations",
        "meeting_on",
        "Invitations by",
        deadlines.REVIEW_INVITATIONS,
        status=ReviewStatus.ARRANGED,
    ),
    Stage(
        "invited",
        "Invitations sent",
        "Gather and circulate the advice",
        "meeting_on",
        "Advice circulated by",
        deadlines.REVIEW_INVITATIONS,
        status=ReviewStatus.INVITED,
    ),
    Stage(
        "advice",
        "Advice in",
        "Hold the meeting",
        "meeting_on",
        "Meeting on",
        deadlines.REVIEW_MEETING,
        status=ReviewStatus.ADVICE_CIRCULATED,
    ),
    Stage(
        "held",
        "Meeting held",
        "Send the review report",
        "report_due_on",
        "Report by",
        deadlines.REVIEW_REPORT,
        status=ReviewStatus.MEETING_HELD,
    ),
    Stage(
        "report",
        "Report in",
        "Decide: keep, amend or cease",
        "decision_due_on",
        "Decision by",
        deadlines.REVIEW_DECISION,
        status=ReviewStatus.REPORTED,
    ),
    Stage(
        "amending",
        "Decision made: amending the plan",
        "Issue the amended plan",
        "amended_plan_due_on",
        "Amended plan by",
        deadlines.AMEND_FINAL,
        status=ReviewStatus.AMENDING,
    ),
    Stage(
        "ceasing",
        "Ceasing",
        "Cease the plan once the appeal window has passed",
        "appeal_window_ends_on",
        "Appeal window ends",
        deadlines.APPEAL,
        status=ReviewStatus.CEASING,
    ),
    Stage(
        "completed",
        "Completed in the last 3 months",
        "",
        "completed_on",
        "Completed on",
        None,
        descending=True,
        status=ReviewStatus.COMPLETE,
    ),
    Stage(
        "later",
        "Next review more than 3 months away",
        "",
        "next_review_due_on",
        "Review due by",
        deadlines.REVIEW_COMPLETE,
        of_plans=True,
    ),
)
STAGES_BY_CODE = {stage.code: stage for stage in STAGES}
REVIEW_STAGES = tuple(stage for stage in STAGES if stage.status and stage.code != "completed")
DEFAULT_STAGE = "due"


# -- filters -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PipelineFilters:
    caseworker_id: int | None = None
    school: str = ""
    """Part of the name of the child's school or setting."""
    transfer_year: int | None = None
    term: Term | None = None
    """Reviews due in this term."""
    overdue: bool = False


def council_ids_for(user) -> frozenset[int]:
    """The councils whose pipeline this person may read: those they do casework for (and, for an
    administrator, manage)."""
    actor = actor_for(user)
    return actor.council_agency_ids | actor.agency_ids_with_role(*MANAGER_ROLES)


def transfer_years(today: date) -> list[int]:
    """The years of transfer the pipeline can be filtered by: next September's (the children
    listed now, reg 18) and the one after (to plan ahead)."""
    first = phase.school_year_of(today) + 1
    return [first, first + 1]


def _born_in(transfers, *, plans: bool) -> Q:
    """The children who make one of ``transfers``: born in its cohort (and, into Year 3, at an
    infant school). For ``plans``, from the plan's copy of the date of birth, and the few children
    at an infant school from a subquery, so that counting a council's plans does not join every
    child in the database; for reviews, from the review's child."""
    q = Q(pk__in=[])
    for transfer in transfers:
        born = transfer.cohort_born_between()
        infant = transfer.kind is TransferKind.JUNIOR
        if plans:
            makes_it = Q(child_date_of_birth__range=born)
            if infant:
                at_infant_school = Child.objects.filter(
                    date_of_birth__range=born, current_setting__infant_school=True
                )
                makes_it &= Q(child_id__in=at_infant_school.values("pk"))
        else:
            makes_it = Q(child__date_of_birth__range=born)
            if infant:
                makes_it &= Q(child__current_setting__infant_school=True)
        q |= makes_it
    return q


def attends_infant_school(child) -> bool:
    """The child's school is an infant school: they move to a junior school for Year 3."""
    setting = child.current_setting
    return setting is not None and setting.infant_school


def listed_transfers(today: date) -> list[PhaseTransfer]:
    """The transfers whose children are within 12 months of them on ``today``: those of next
    September (into reception, Year 3 from an infant school, Year 7 and Year 12)."""
    return phase.transfers_in_year(phase.school_year_of(today) + 1, infant_school=True)


def _transfer_due_by(day: date, today: date, *, key: str = "due_on") -> Q:
    """Plans whose child is listed for a phase transfer on ``today`` with a reg 18 date (``key``:
    the deadline, or a date of the back plan) on or before ``day``."""
    due = []
    for transfer in listed_transfers(today):
        when = transfer.due_on if key == "due_on" else transfer.back_plan[key]
        if when <= day:
            due.append(transfer)
    return _born_in(due, plans=True)


def _plan_due_q(today: date) -> Q:
    """A plan (with no open review) whose review is due within 3 months, is past, or has no date."""
    horizon = deadlines.add_months(today, HORIZON_MONTHS)
    return (
        Q(next_review_due_on__lte=horizon)
        | Q(next_review_due_on__isnull=True)
        | _transfer_due_by(horizon, today)
    )


def _plan_late_q(today: date) -> Q:
    """A plan whose review is not started and can no longer be done in time at the statutory
    pace: invitations 2 weeks before a meeting 4 weeks before the date are already due."""
    return (
        Q(next_review_due_on__lt=today + _START_BY)
        | Q(next_review_due_on__isnull=True)
        | _transfer_due_by(today - timedelta(days=1), today, key="invitations_by")
    )


def _review_late_q(stage: Stage, today: date) -> Q:
    """A review at ``stage`` whose next step is past its date."""
    status = stage.status
    if status == ReviewStatus.DUE:
        return Q(latest_meeting_on__lt=today + _TWO_WEEKS)
    if status in (ReviewStatus.ARRANGED, ReviewStatus.INVITED):
        return Q(meeting_on__lt=today + _TWO_WEEKS)
    if status == ReviewStatus.ADVICE_CIRCULATED:
        return Q(meeting_on__lt=today)
    if status == ReviewStatus.MEETING_HELD:
        return Q(report_due_on__lt=today)
    if status == ReviewStatus.REPORTED:
        return Q(decision_due_on__lt=today)
    if status == ReviewStatus.AMENDING:
        return Q(amended_plan_due_on__lt=today)
    if status == ReviewStatus.CEASING:
        return Q(appeal_window_ends_on__lt=today, appeal_lodged_on__isnull=True)
    if status == ReviewStatus.COMPLETE:  # completed after the date it was due
        return Q(decided_on__gt=F("review_due_on"))
    return Q(pk__in=[])


def _recent_q(today: date) -> Q:
    return Q(
        status=ReviewStatus.COMPLETE, completed_on__gte=deadlines.add_months(today, -RECENT_MONTHS)
    )


def stage_late_q(stage: Stage, today: date) -> Q:
    """The rows of ``stage`` that are late against the stage's date."""
    if stage.code == "due":
        return _plan_late_q(today)
    if stage.code == "later":
        return Q(pk__in=[])
    return _review_late_q(stage, today)


def _open_review(council_ids=None) -> Exists:
    """The plan has an open review. Given the plans' councils, only those councils' reviews are
    read (a review is its plan's council's: `review_start`), so the database can hash a council's
    open reviews instead of probing them plan by plan (half of England: 19 -> 10 ms)."""
    reviews = Review.objects.open().filter(ehc_plan=OuterRef("pk"))
    if council_ids is not None:
        reviews = reviews.filter(council_id__in=council_ids)
    return Exists(reviews)


def _plan_caseworker() -> Coalesce:
    """The caseworker of a plan with no open review: its last review's, or else the last
    assessment's (as `review_start` picks the caseworker of the next review)."""
    review = (
        Review.objects.filter(ehc_plan=OuterRef("pk"), caseworker__isnull=False)
        .order_by("-started_on", "-pk")
        .values("caseworker_id")[:1]
    )
    case = (
        Assessment.objects.filter(ehc_plan=OuterRef("pk"), caseworker__isnull=False)
        .order_by("-final_issued_on", "-pk")
        .values("caseworker_id")[:1]
    )
    return Coalesce(Subquery(review), Subquery(case))


def _school_q(actor, school: str, prefix: str = "child__") -> Q:
    """Children at a school whose name contains ``school``. Filtering by school would say which
    school a protected child is at: for a reader without the whereabouts permission of the
    plan's council, those children never match (DM-02)."""
    return Q(**{f"{prefix}current_setting__name__icontains": school}) & ~(
        Q(**{f"{prefix}protected_whereabouts": True})
        & ~Q(council_id__in=actor.whereabouts_agency_ids)
    )


def _term_q(term: Term, today: date, *, key: str, plans: bool) -> Q:
    in_term = Q(**{f"{key}__range": (term.starts_on, term.ends_on)})
    deadlines_in_term = [t for t in listed_transfers(today) if term.contains(t.due_on)]
    return in_term | _born_in(deadlines_in_term, plans=plans)


def plans_queryset(
    council_ids, filters: PipelineFilters, *, today: date, actor, caseworker: bool = True
) -> QuerySet:
    """Live plans of the councils with no open review, with their caseworker, filtered (not by
    stage). Without ``caseworker`` (for counting) the caseworker is worked out only to filter by
    it: an annotation the count does not use still costs Django time to strip from every
    aggregate's condition."""
    qs = (
        EhcPlan.objects.live().filter(council_id__in=council_ids).exclude(_open_review(council_ids))
    )
    if caseworker or filters.caseworker_id:
        qs = qs.annotate(plan_caseworker_id=_plan_caseworker())
    if filters.caseworker_id:
        qs = qs.filter(plan_caseworker_id=filters.caseworker_id)
    if filters.school:
        qs = qs.filter(_school_q(actor, filters.school))
    if filters.transfer_year:
        transfers = phase.transfers_in_year(filters.transfer_year, infant_school=True)
        qs = qs.filter(_born_in(transfers, plans=True))
    if filters.term:
        qs = qs.filter(_term_q(filters.term, today, key="next_review_due_on", plans=True))
    return qs


def reviews_queryset(council_ids, filters: PipelineFilters, *, today: date, actor) -> QuerySet:
    """Reviews of the councils (open, or completed recently), filtered (not by stage)."""
    qs = Review.objects.filter(council_id__in=council_ids).filter(
        Q(status__in=OPEN_REVIEW_STATUSES) | _recent_q(today)
    )
    if filters.caseworker_id:
        qs = qs.filter(caseworker_id=filters.caseworker_id)
    if filters.school:
        qs = qs.filter(_school_q(actor, filters.school))
    if filters.transfer_year:
        qs = qs.filter(
            Q(transfer_year=filters.transfer_year)
            | (
                Q(transfer_year__isnull=True)
                & _born_in(
                    phase.transfers_in_year(filters.transfer_year, infant_school=True),
                    plans=False,
                )
            )
        )
    if filters.term:
        qs = qs.filter(_term_q(filters.term, today, key="review_due_on", plans=False))
    return qs


# -- counts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageCount:
    stage: Stage
    total: int
    late: int


def stage_counts(council_ids, filters: PipelineFilters, *, today: date, actor) -> list[StageCount]:
    """How many rows each stage has, and how many are late: two aggregate queries."""
    due, late = _plan_due_q(today), _plan_late_q(today)
    plans = plans_queryset(
        council_ids, filters, today=today, actor=actor, caseworker=False
    ).aggregate(
        due=Count("pk", filter=due),
        due_late=Count("pk", filter=due & late),
        later=Count("pk", filter=~due),
    )
    aggregates = {}
    for stage in (*REVIEW_STAGES, STAGES_BY_CODE["completed"]):
        where = _recent_q(today) if stage.code == "completed" else Q(status=stage.status)
        aggregates[stage.code] = Count("pk", filter=where)
        aggregates[f"{stage.code}_late"] = Count("pk", filter=where & _review_late_q(stage, today))
    reviews = reviews_queryset(council_ids, filters, today=today, actor=actor).aggregate(
        **aggregates
    )
    counts = {**plans, "later_late": 0, **reviews}
    return [StageCount(stage, counts[stage.code], counts[f"{stage.code}_late"]) for stage in STAGES]


def stage_total(counts: list[StageCount], stage: Stage, filters: PipelineFilters) -> int:
    """How many rows `stage_rows_queryset` gives for ``stage`` and ``filters``, read from the
    stage's count (its late ones when only those are asked for): the page need not count them
    again."""
    count = next(count for count in counts if count.stage == stage)
    return count.late if filters.overdue else count.total


def stage_rows_queryset(
    stage: Stage, council_ids, filters: PipelineFilters, *, today: date, actor
) -> QuerySet:
    """The rows of one stage, filtered, ready to be paged by ``stage.key``."""
    if stage.of_plans:
        qs = plans_queryset(council_ids, filters, today=today, actor=actor)
        due = _plan_due_q(today)
        qs = qs.filter(due if stage.code == "due" else ~due)
        qs = qs.select_related("child", "child__current_setting", "council")
    else:
        qs = reviews_queryset(council_ids, filters, today=today, actor=actor)
        qs = qs.filter(_recent_q(today) if stage.code == "completed" else Q(status=stage.status))
        qs = qs.select_related(
            "child", "child__current_setting", "council", "caseworker", "ehc_plan"
        )
    if filters.overdue:
        qs = qs.filter(stage_late_q(stage, today))
    return qs


# -- rows ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PipelineRow:
    """One row of a stage: the plan (and its review, if one is open or just completed), the
    stage's date and where it stands, the review's own date, the phase transfer if the child is
    within 12 months of one, and who holds it."""

    plan: EhcPlan
    review: Review | None
    child: object
    stage: Stage
    due_on: date | None
    status: DeadlineStatus | None
    review_due_on: date | None
    transfer: PhaseTransfer | None
    transfer_risk: TransferRisk | None
    school: str
    caseworker: str
    whereabouts: bool
    """Whether the reader may see where the child is (a protected child's school is withheld)."""
    next_task: object = field(default=None, compare=False)
    """The review's next open task (filled in by the workflow layer, which owns tasks)."""
    task_queue: str = ""
    """Whose queue the next task is in (a protected child's school withheld)."""
    selectable: bool = False
    """Whether the page's bulk action may be applied to the row (set by the workflow layer)."""
    not_selectable_reason: str = ""

    @property
    def late(self) -> bool:
        return self.status is not None and self.status.is_late

    def with_task(self, task, queue: str) -> PipelineRow:
        return replace(self, next_task=task, task_queue=queue)

    def with_selection(self, selectable: bool, reason: str = "") -> PipelineRow:
        return replace(self, selectable=selectable, not_selectable_reason=reason)


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _transfer_for(child, today: date, review: Review | None) -> PhaseTransfer | None:
    """The phase transfer the child is within 12 months of: the one the review records (a move
    between post-16 institutions on its date; or its year, the kind from the date of birth where
    it matches), or else the one the date of birth gives (into reception, Year 7 or Year 12)."""
    if review is not None and review.transfer_on is not None:
        return phase.Post16Move(review.transfer_on)
    if review is None or review.transfer_year is None:
        return phase.transfer_within_12_months(
            child.date_of_birth, today, infant_school=attends_infant_school(child)
        )
    year, post16 = review.transfer_year, review.transfer_post16
    for kind in TransferKind:
        if kind.post16 == post16 and phase.transfer_of(child.date_of_birth, kind).year == year:
            return PhaseTransfer(kind, year)
    return PhaseTransfer(TransferKind.POST16 if post16 else TransferKind.SECONDARY, year)


def _progress(review: Review | None) -> TransferProgress:
    if review is None:
        return TransferProgress()
    return TransferProgress(
        invitations_sent_on=review.invitations_sent_on,
        meeting_on=review.meeting_on,
        meeting_held_on=review.meeting_held_on,
        decided_on=review.decided_on,
        amending=review.decision == ReviewDecision.AMEND,
        amendment_notice_on=review.amendment_notice_on,
        amended_plan_issued_on=review.amended_plan_issued_on,
    )


def _stage_due(stage: Stage, row, today: date, transfer) -> date | None:
    """The stage's date for a row (a plan for the plan stages, else a review)."""
    if stage.code == "due":
        due = phase.effective_review_due(row.next_review_due_on, transfer)
        if due is None:
            return None
        start_by = due - _START_BY
        if transfer is not None:
            start_by = min(start_by, transfer.back_plan["invitations_by"])
        return start_by
    if stage.code == "later":
        return row.next_review_due_on
    status = stage.status
    if status == ReviewStatus.DUE:
        return row.latest_meeting_on - _TWO_WEEKS
    if status in (ReviewStatus.ARRANGED, ReviewStatus.INVITED):
        return row.invitations_due_on
    if status == ReviewStatus.ADVICE_CIRCULATED:
        return row.meeting_on
    return getattr(row, stage.key)


def _row_status(stage: Stage, obj, due: date | None, *, today: date, warn_days: int):
    """Where the row stands against the stage's date; for a completed review, whether it was
    decided by the date the review was due."""
    if stage.code == "completed":
        if obj.decided_on is None:
            return None
        return deadlines.deadline_status(obj.review_due_on, today=today, done_on=obj.decided_on)
    if stage.code == "later" or due is None:
        return None
    if stage.status == ReviewStatus.CEASING and obj.appeal_lodged_on is not None:
        return None  # the plan stays until the tribunal decides
    return deadlines.deadline_status(due, today=today, warn_days=warn_days)


def rows_for(stage: Stage, objects, *, today: date, actor, warn_days: int = 5) -> list[PipelineRow]:
    """Rows for a page of a stage (plans or reviews, as `stage_rows_queryset` gave them): one
    query for the caseworkers' names of plan rows, none for review rows."""
    objects = list(objects)
    names = {}
    if stage.of_plans:
        ids = {plan.plan_caseworker_id for plan in objects} - {None}
        if ids:
            names = {user.pk: _name(user) for user in get_user_model().objects.filter(pk__in=ids)}
    rows = []
    for obj in objects:
        review = None if stage.of_plans else obj
        plan = obj if stage.of_plans else obj.ehc_plan
        child = obj.child
        transfer = _transfer_for(child, today, review)
        due = _stage_due(stage, obj, today, transfer)
        status = _row_status(stage, obj, due, today=today, warn_days=warn_days)
        whereabouts = not child.protected_whereabouts or plan.council_id in (
            actor.whereabouts_agency_ids
        )
        setting = child.current_setting
        rows.append(
            PipelineRow(
                plan=plan,
                review=review,
                child=child,
                stage=stage,
                due_on=due,
                status=status,
                review_due_on=phase.effective_review_due(
                    review.review_due_on if review is not None else plan.next_review_due_on,
                    transfer,
                ),
                transfer=transfer,
                transfer_risk=phase.transfer_risk(transfer, today=today, progress=_progress(review))
                if transfer is not None
                else None,
                school=agency_label(setting, whereabouts=whereabouts, child=child)
                if setting is not None
                else "",
                caseworker=_name(review.caseworker)
                if review is not None
                else names.get(obj.plan_caseworker_id, ""),
                whereabouts=whereabouts,
            )
        )
    return rows


def caseworkers_of(council_ids) -> QuerySet:
    """The people a pipeline can be filtered by: the councils' caseworkers and SEN managers."""
    return (
        get_user_model()
        .objects.filter(
            memberships__agency_id__in=council_ids,
            memberships__role__in=[Role.CASEWORKER, Role.SEN_MANAGER],
            memberships__is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )


def caseworker_choices(council_ids) -> list[tuple[str, str]]:
    """The pipeline's caseworker filter: (id, name) of `caseworkers_of`, the name as
    `get_full_name` gives it (or the username), read as values (hundreds of people)."""
    return [
        (str(pk), f"{first_name} {last_name}".strip() or username)
        for pk, first_name, last_name, username in caseworkers_of(council_ids).values_list(
            "pk", "first_name", "last_name", "username"
        )
    ]


# -- the daily sweep -----------------------------------------------------------------------------


def plans_due_to_start(*, today: date, weeks_ahead: int) -> QuerySet:
    """Plans in force with no open review whose review is due within ``weeks_ahead`` weeks of
    ``today`` (or already past, or with no date), counting the reg 18 deadline for a child within
    12 months of a phase transfer: the reviews the daily sweep starts. Soonest first."""
    if weeks_ahead < 0:
        raise ValueError("weeks_ahead cannot be negative")
    until = today + timedelta(weeks=weeks_ahead)
    return (
        EhcPlan.objects.filter(status=EhcPlanStatus.IN_FORCE)
        .exclude(_open_review())
        .filter(
            Q(next_review_due_on__lte=until)
            | Q(next_review_due_on__isnull=True)
            | _transfer_due_by(until, today)
        )
        .annotate(plan_caseworker_id=_plan_caseworker())
        .select_related("child", "child__current_setting", "council")
        .order_by(F("next_review_due_on").asc(nulls_first=True), "pk")
    )
