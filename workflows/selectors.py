"""The inbox: my tasks, and the unclaimed tasks in the queues I work, soonest due first.

A task is a step of an episode: an assessment (`task.case`) or a review of a plan
(`task.review`); the lists load both with their children in the same query."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from agencies.access import ALL_DATA_TYPES, actor_for, data_types_for
from agencies.models import MANAGER_ROLES, QUEUE_ROLES
from ehcp.assessments.models import AdviceRequest, StatutoryException
from ehcp.assessments.rules import deadlines
from ehcp.assessments.rules.deadlines import DeadlineStatus
from ehcp.common.display import agency_label
from ehcp.governance.access import CaseAccess, case_access, review_access
from ehcp.reviews.models import Review
from panel.models import FundingRequest

from .closing import episode_filter
from .flows import ADVICE_NODES, ADVICE_REVIEW_NODES
from .models import CaseTask, TaskAlert


def queue_agency_ids(actor) -> set[int]:
    return {agency for agency, kind, role in actor.memberships if role in QUEUE_ROLES.get(kind, ())}


def _exception_recorded() -> Exists:
    """Whether an exception that counts is recorded against the task's time limit (its
    `rule_code`; for advice, against the advice the task is about), as the case page reads it.
    One subquery in the task list's own query, so a page of tasks costs no more queries."""
    return Exists(
        StatutoryException.objects.counting()
        .filter(case_id=OuterRef("case_id"), period_code=OuterRef("rule_code"))
        .filter(Q(advice_request__isnull=True) | Q(advice_request_id=OuterRef("subject_id")))
    )


# What a row of a task list reads of the task and each table it joins: the lists draw hundreds
# of rows a minute, and every other column costs time to select, build and convert (issue 12).
_EPISODE_COLUMNS = (
    "status",  # a state field: read when the episode is built
    "council",
    "child__first_name",
    "child__last_name",
    "child__protected_whereabouts",
)
_TASK_LIST_COLUMNS = (
    "public_id",
    "flow_task",
    "flow_task_type",
    "status",
    "due_on",
    "rule_code",
    "subject_id",
    "agency__name",
    "agency__kind",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
    *(
        f"{episode}__{column}"
        for episode in ("case", "review", "funding_request")
        for column in _EPISODE_COLUMNS
    ),
)


def _open_human_tasks() -> QuerySet[CaseTask]:
    return (
        CaseTask.objects.human()
        .open()
        .select_related(
            "case",
            "case__child",
            "review",
            "review__child",
            "funding_request",
            "funding_request__child",
            "agency",
            "owner",
        )
        .only(*_TASK_LIST_COLUMNS)
        .annotate(exception_recorded=_exception_recorded())
        .order_by("due_on", "pk")
    )


def tasks_mine(user) -> QuerySet[CaseTask]:
    return _open_human_tasks().filter(owner=user)


def tasks_in_my_queues(user) -> QuerySet[CaseTask]:
    return _open_human_tasks().filter(
        owner__isnull=True, agency_id__in=queue_agency_ids(actor_for(user))
    )


def tasks_of_case_for_user(case, user) -> QuerySet[CaseTask]:
    """Open tasks on a case held by other people, for the council that holds the case."""
    return tasks_of_episode_for_user(case, user)


def tasks_of_episode_for_user(episode, user) -> QuerySet[CaseTask]:
    """Open tasks of an assessment or a review held by other people, for the council that holds
    it."""
    if episode.council_id not in actor_for(user).council_agency_ids:
        return CaseTask.objects.none()
    return (
        _open_human_tasks()
        .filter(**episode_filter(episode))
        .exclude(owner=user)
        .exclude(owner__isnull=True)
    )


@dataclass(frozen=True)
class TaskRow:
    task: CaseTask
    status: DeadlineStatus | None
    queue_label: str


def task_rows(tasks, *, user, today: date, warn_days: int = 5) -> list[TaskRow]:
    """Rows for a task list. A school's name is withheld where the child's whereabouts are
    protected, unless the viewer works there or holds the whereabouts permission for the council.
    A late task with an exception recorded against its time limit shows "exception recorded"
    (the tasks come from the lists above, which say so in the same query)."""
    actor = actor_for(user)
    rows = []
    for task in tasks:
        episode = task.episode
        whereabouts = (
            not episode.child.protected_whereabouts
            or task.agency_id in actor.agency_ids
            or episode.council_id in actor.whereabouts_agency_ids
        )
        status = (
            deadlines.deadline_status(
                task.due_on,
                today=today,
                exception_recorded=getattr(task, "exception_recorded", False),
                warn_days=warn_days,
            )
            if task.due_on
            else None
        )
        rows.append(TaskRow(task, status, agency_label(task.agency, whereabouts=whereabouts)))
    return rows


def task_get_for_user(*, task_id, user) -> CaseTask:
    """A task the person holds, may claim or manage, or whose episode their council holds;
    else 404. (The page then checks how they may see the episode: `episode_access`.)"""
    task = (
        CaseTask.objects.human()
        .select_related(
            "case",
            "case__child",
            "case__council",
            "review",
            "review__child",
            "review__council",
            "review__arranged_by",
            "funding_request",
            "funding_request__child",
            "funding_request__council",
            "agency",
            "owner",
            "process",
        )
        .annotate(exception_recorded=_exception_recorded())
        .filter(public_id=task_id)
        .first()
    )
    if task is None:
        raise Http404("No such task")
    actor = actor_for(user)
    if not (
        task.owner_id == user.pk
        or task.agency_id in actor.agency_ids
        or task.episode.council_id in actor.council_agency_ids
    ):
        raise Http404("No such task")
    return task


def episode_access(actor, episode, *, task: CaseTask | None = None) -> CaseAccess | None:
    """How this person may see an assessment (`case_access`) or a review (`review_access`: the
    council, the agency arranging the meeting, the agencies invited, and the agency whose queue
    holds `task`), or None."""
    if isinstance(episode, Review):
        return review_access(
            actor, episode, task_agency_ids={task.agency_id} if task is not None else set()
        )
    if isinstance(episode, FundingRequest):
        return funding_access(actor, episode, task=task)
    return case_access(actor, episode)


def funding_access(actor, funding: FundingRequest, *, task: CaseTask | None) -> CaseAccess | None:
    """The council sees a funding request whole; a funding agency sees it through its payment
    task, what the agreement lets its kind see for the request's purpose."""
    if funding.council_id in actor.council_agency_ids:
        return CaseAccess(
            relationship="council",
            data_types=ALL_DATA_TYPES,
            whereabouts=not funding.child.protected_whereabouts
            or funding.council_id in actor.whereabouts_agency_ids,
            related_agency_ids=frozenset({funding.council_id}),
        )
    if task is None or task.agency_id not in queue_agency_ids(actor):
        return None
    return CaseAccess(
        relationship="partner",
        data_types=data_types_for([task.agency.kind], funding.consent_purpose),
        whereabouts=not funding.child.protected_whereabouts,
        related_agency_ids=frozenset({task.agency_id}),
    )


def managed_agency_ids(user) -> frozenset[int]:
    """The agencies whose queues this person manages (SEN managers, administrators)."""
    return actor_for(user).agency_ids_with_role(*MANAGER_ROLES)


def team_tasks(user, *, holder: str = "") -> QuerySet[CaseTask]:
    """Every open task in the queues this person manages, claimed or not; `holder` is a user id,
    "none" for tasks nobody has claimed, or "" for all."""
    qs = _open_human_tasks().filter(agency_id__in=managed_agency_ids(user))
    if holder == "none":
        qs = qs.filter(owner__isnull=True)
    elif holder.isdigit():
        qs = qs.filter(owner_id=int(holder))
    return qs


@dataclass(frozen=True)
class Holder:
    value: str  # the filter value: a user id or "none"
    label: str
    count: int


def team_holders(user) -> list[Holder]:
    """Who holds the team's open tasks and how many each (one query): the filter's choices."""
    rows = (
        CaseTask.objects.human()
        .open()
        .filter(agency_id__in=managed_agency_ids(user))
        .values("owner", "owner__first_name", "owner__last_name", "owner__username")
        .annotate(count=Count("pk"))
        .order_by()
    )
    holders, unclaimed = [], 0
    for row in rows:
        if row["owner"] is None:
            unclaimed = row["count"]
            continue
        name = (
            f"{row['owner__first_name']} {row['owner__last_name']}".strip()
            or row["owner__username"]
        )
        holders.append(Holder(str(row["owner"]), name, row["count"]))
    holders.sort(key=lambda h: h.label.lower())
    if unclaimed:
        holders.append(Holder("none", "Not claimed", unclaimed))
    return holders


def advice_open_task(advice: AdviceRequest, *, review: bool) -> CaseTask | None:
    """The open adviser's (or council's review) task for this advice, if there is one."""
    names = ADVICE_REVIEW_NODES if review else ADVICE_NODES
    tasks = CaseTask.objects.human().open().filter(case_id=advice.case_id, subject_id=advice.pk)
    for task in tasks.select_related("agency", "owner", "case", "process"):
        if task.flow_task.name in names:
            return task
    return None


def advice_escalations(asked: QuerySet) -> dict[int, int]:
    """Per agency, how many of the `asked` requests for advice had their step escalated to the
    agency's managers for being late (`workflows.alerts`): its repeated lateness. One query."""
    rows = (
        TaskAlert.objects.filter(
            kind=TaskAlert.Kind.ESCALATION,
            task__rule_code=deadlines.ADVICE.code,
            task__subject_id__in=asked.values("pk"),
        )
        .values("task__agency_id")
        .annotate(requests=Count("task__subject_id", distinct=True))
        .order_by()
    )
    return {row["task__agency_id"]: row["requests"] for row in rows}
