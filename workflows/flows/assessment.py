"""The statutory assessment, as a viewflow flow that reads like the process map.

The flow decides who does the next step and when to chase them. The legal status lives on
`ehcp.assessments.models.Assessment` (a protected FSM field) and only the ehcp services change it; each human step here
calls one of those services inside the flow's lock and transaction, so the flow and the status
never disagree.
"""

from datetime import date

from viewflow import this
from viewflow.workflow.base import Flow
from viewflow.workflow.nodes import End, Function, If, StartHandle

from agencies.access import actor_for
from agencies.queues import may_work_queue
from ehcp.assessments.models import AdviceKind, AdviceStatus, AssessmentStatus
from ehcp.assessments.rules import deadlines

from ..chasers import task_chase
from ..locking import blocking_row_lock
from ..models import CaseProcess, CaseTask
from ..timers import sweep_today
from .nodes import CHASE_AT, AgencyTask, ForEachSplit, Routing, chase_at

__all__ = [
    "CHASE_AT",
    "AgencyTask",
    "ForEachSplit",
    "Routing",
    "StatutoryAssessmentFlow",
    "chase_at",
]


def _council(activation, *, due_on: date | None, period: deadlines.StatutoryPeriod) -> Routing:
    case = activation.process.case
    return Routing(
        agency=case.council, due_on=due_on, rule_code=period.code, owner_id=case.caseworker_id
    )


def advice_request_id(task) -> int | None:
    """The advice request a task of an advice branch is about: carried in `task.data` from the
    split that asked for it; tasks created before that carry it as their subject; a gateway
    (the review's If) has neither, so it asks the task before it."""
    seen = 0
    while task is not None and seen < 3:
        if (task.data or {}).get("advice_request"):
            return task.data["advice_request"]
        name = task.flow_task.name if task.flow_task else ""
        if task.subject_id and (name in ADVICE_NODES or name in ADVICE_REVIEW_NODES):
            return task.subject_id
        task = task.previous.order_by("-pk").first() if task.pk else None
        seen += 1
    return None


def _advice_carry(prev_task) -> dict:
    """The next step of an advice branch is about the same advice request."""
    return {"advice_request": advice_request_id(prev_task)}


def _advice_of(activation):
    advice_id = (activation.task.data or {}).get("advice_request")
    return activation.process.case.advice_requests.select_related("agency", "submitted_by").get(
        pk=advice_id
    )


def _advice_route(activation) -> Routing:
    """The agency asked for the advice; advice sent back by the council goes back to the person
    who submitted it, if they still work that agency's queue."""
    advice = _advice_of(activation)
    owner = (
        activation.process.case.caseworker_id if advice.kind == AdviceKind.PARENT_VIEWS else None
    )
    if advice.status == AdviceStatus.RETURNED and advice.submitted_by is not None:
        submitter = advice.submitted_by
        if submitter.is_active and may_work_queue(
            actor_for(submitter), advice.agency_id, advice.agency.kind
        ):
            owner = submitter.pk
    return Routing(
        agency=advice.agency,
        due_on=advice.due_on,
        rule_code=deadlines.ADVICE.code,
        owner_id=owner,
        subject_id=advice.pk,
    )


def _advice_review_route(activation) -> Routing:
    """The council reviews each piece of advice: the case's caseworker, or the council's queue."""
    case = activation.process.case
    advice = _advice_of(activation)
    return Routing(
        agency=case.council,
        due_on=None,
        rule_code="",
        owner_id=case.caseworker_id,
        subject_id=advice.pk,
    )


def _advice_accepted(activation) -> bool:
    advice_id = advice_request_id(activation.task)
    return activation.process.case.advice_requests.filter(
        pk=advice_id, status=AdviceStatus.ACCEPTED
    ).exists()


def _open_advice_by_kind(activation) -> dict[str, list[int]]:
    """The case's open advice requests by kind, read once for all the split's branches (the
    split asks each branch in turn, with the same activation)."""
    by_kind = getattr(activation, "open_advice_by_kind", None)
    if by_kind is None:
        by_kind = {}
        requests = (
            activation.process.case.advice_requests.exclude(status=AdviceStatus.CANCELLED)
            .order_by("pk")
            .values_list("pk", "kind")
        )
        for pk, kind in requests:
            by_kind.setdefault(kind, []).append(pk)
        activation.open_advice_by_kind = by_kind
    return by_kind


def _advice_sought(kind: AdviceKind):
    """One adviser's task per open request of this kind, each carrying its request's id."""

    def data_source(activation) -> list[dict]:
        return [{"advice_request": pk} for pk in _open_advice_by_kind(activation).get(kind, [])]

    return data_source


# The advice steps, per kind: (node name, kind, the adviser's task, the council's review task).
# The family's views are recorded by the caseworker, so they need no review.
ADVICE_STEPS = (
    ("parent_views", AdviceKind.PARENT_VIEWS, "Record the family's views", None),
    (
        "educational_advice",
        AdviceKind.EDUCATIONAL,
        "Give educational advice",
        "Review educational advice",
    ),
    ("health_advice", AdviceKind.HEALTH, "Give health advice", "Review health advice"),
    (
        "psychological_advice",
        AdviceKind.PSYCHOLOGICAL,
        "Give psychological advice",
        "Review psychological advice",
    ),
    (
        "social_care_advice",
        AdviceKind.SOCIAL_CARE,
        "Give social care advice",
        "Review social care advice",
    ),
    ("other_advice", AdviceKind.OTHER, "Give advice", "Review advice"),
)
ADVICE_NODES = frozenset(name for name, *_ in ADVICE_STEPS)
ADVICE_REVIEW_NODES = frozenset(f"{name}_review" for name, _, _, review in ADVICE_STEPS if review)
#: The adviser's node for each kind of advice.
ADVICE_NODE_OF_KIND = {kind: name for name, kind, *_ in ADVICE_STEPS}


def _advice_steps(name: str, kind: AdviceKind, title: str, review_title: str | None):
    """One kind of advice: the adviser's task (in their agency's queue, chased when late; submitting
    completes it), then the council's review: accepted advice ends its branch, returned advice
    goes back to the adviser's task. Nothing waits for the branches: the decision whether to issue
    is open from the start (advice that does not come never blocks the council), and the final
    plan cancels the adviser's tasks still open.

    Returns the nodes (adviser, review, gateway); without a review, (adviser, None, None)."""
    adviser = AgencyTask(title=title, route=_advice_route, carry=_advice_carry).OnTimeout(
        chase_at, this.chase, interrupting=False, title="Chase late advice"
    )
    if review_title is None:
        return adviser.Next(this.advice_done), None, None
    adviser.Next(getattr(this, f"{name}_review"))
    review = AgencyTask(title=review_title, route=_advice_review_route, carry=_advice_carry).Next(
        getattr(this, f"{name}_checked")
    )
    checked = If(_advice_accepted).Then(this.advice_done).Else(getattr(this, name))
    return adviser, review, checked


class StatutoryAssessmentFlow(Flow):
    """EHC needs assessment

    From the request for an assessment to the final EHC plan, on the 20-week statutory timeline.
    """

    process_class = CaseProcess
    task_class = CaseTask
    lock_impl = blocking_row_lock

    start = StartHandle(this.start_process).Next(this.decide_to_assess)

    decide_to_assess = (
        AgencyTask(title="Decide whether to assess", route=this.route_decide_to_assess)
        .OnTimeout(chase_at, this.chase, interrupting=False, title="Chase late decision")
        .Next(this.assessing)
    )
    assessing = (
        If(lambda activation: activation.process.case.status == AssessmentStatus.ASSESSING)
        .Then(this.request_advice)
        .Else(this.refused)
    )
    request_advice = (
        ForEachSplit()
        .Next(this.decide_to_issue)
        .Next(this.parent_views, data_source=_advice_sought(AdviceKind.PARENT_VIEWS))
        .Next(this.educational_advice, data_source=_advice_sought(AdviceKind.EDUCATIONAL))
        .Next(this.health_advice, data_source=_advice_sought(AdviceKind.HEALTH))
        .Next(this.psychological_advice, data_source=_advice_sought(AdviceKind.PSYCHOLOGICAL))
        .Next(this.social_care_advice, data_source=_advice_sought(AdviceKind.SOCIAL_CARE))
        .Next(this.other_advice, data_source=_advice_sought(AdviceKind.OTHER))
    )
    # Each: the adviser's task -> "Review ... advice" (council) -> accepted? end : back to the adviser.
    parent_views = _advice_steps(*ADVICE_STEPS[0])[0]
    educational_advice, educational_advice_review, educational_advice_checked = _advice_steps(
        *ADVICE_STEPS[1]
    )
    health_advice, health_advice_review, health_advice_checked = _advice_steps(*ADVICE_STEPS[2])
    psychological_advice, psychological_advice_review, psychological_advice_checked = _advice_steps(
        *ADVICE_STEPS[3]
    )
    social_care_advice, social_care_advice_review, social_care_advice_checked = _advice_steps(
        *ADVICE_STEPS[4]
    )
    other_advice, other_advice_review, other_advice_checked = _advice_steps(*ADVICE_STEPS[5])
    # The join `advice_gathered` is gone: processes that waited there were given their
    # decide_to_issue task by workflows/migrations/0006_advice_no_longer_joins.
    advice_done = End()

    decide_to_issue = (
        AgencyTask(title="Decide whether to issue a plan", route=this.route_decide_to_issue)
        .OnTimeout(chase_at, this.chase, interrupting=False, title="Chase late decision")
        .Next(this.issuing)
    )
    issuing = (
        If(lambda activation: activation.process.case.status == AssessmentStatus.DRAFTING)
        .Then(this.issue_draft)
        .Else(this.not_issued)
    )
    issue_draft = AgencyTask(title="Issue the draft plan", route=this.route_issue_draft).Next(
        this.record_comments
    )
    record_comments = AgencyTask(
        title="Record comments on the draft and consult settings", route=this.route_record_comments
    ).Next(this.consult)
    # Each setting consulted gets its own task (its own 15 days, CoP 9.83); the final plan's task
    # is there from the start: a setting that does not reply does not hold it back (s.39/s.40 CFA
    # 2014). Settings consulted later get their task from `workflows.services`.
    consult = (
        ForEachSplit()
        .Next(this.reply_to_consultation, data_source=this.consultations_to_send)
        .Next(this.issue_final)
    )
    reply_to_consultation = (
        AgencyTask(title="Reply to the consultation", route=this.route_consultation)
        .OnTimeout(chase_at, this.chase, interrupting=False, title="Chase consultation reply")
        .Next(this.replied)
    )
    # A process started before settings were consulted in parallel waits at its one consultation
    # with no final plan task yet: the reply creates it.
    replied = If(this.final_task_missing).Then(this.issue_final).Else(this.consulted)
    consulted = End()
    issue_final = (
        AgencyTask(title="Issue the final plan", route=this.route_issue_final)
        .OnTimeout(chase_at, this.chase, interrupting=False, title="Chase final plan")
        .Next(this.plan_issued)
    )

    chase = Function(this.send_chaser).Next(this.chased)
    chased = End()
    refused = End()
    not_issued = End()
    plan_issued = End()

    # -- start --------------------------------------------------------------------------

    def start_process(self, activation, case):
        activation.process.case = case
        return activation.process

    # -- routing ------------------------------------------------------------------------

    def route_decide_to_assess(self, activation) -> Routing:
        case = activation.process.case
        return _council(
            activation, due_on=case.decision_to_assess_due_on, period=case.timetable.decide
        )

    def route_decide_to_issue(self, activation) -> Routing:
        case = activation.process.case
        return _council(
            activation,
            due_on=case.decision_not_to_issue_due_on,
            period=case.timetable.not_issue,
        )

    def route_issue_draft(self, activation) -> Routing:
        case = activation.process.case
        return _council(activation, due_on=case.draft_recommended_on, period=case.timetable.draft)

    def route_record_comments(self, activation) -> Routing:
        case = activation.process.case
        return _council(
            activation, due_on=case.draft_comments_due_on, period=deadlines.DRAFT_COMMENTS
        )

    def consultations_to_send(self, activation) -> list[dict]:
        """One reply task per setting consulted and still to reply, routed by its id."""
        return [
            {"consultation": pk}
            for pk in activation.process.case.consultations.filter(
                replied_on__isnull=True, closed_without_reply_on__isnull=True
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        ]

    def final_task_missing(self, activation) -> bool:
        return not self.task_class._default_manager.filter(
            process=activation.process, flow_task=self.issue_final
        ).exists()

    def route_consultation(self, activation) -> Routing:
        consultations = activation.process.case.consultations.select_related("setting")
        consultation_id = (activation.task.data or {}).get("consultation")
        consultation = (
            consultations.get(pk=consultation_id)
            if consultation_id is not None
            else consultations.latest("pk")
        )
        return Routing(
            agency=consultation.setting,
            due_on=consultation.reply_due_on,
            rule_code=deadlines.SETTING_CONSULTATION.code,
            subject_id=consultation.pk,
        )

    def route_issue_final(self, activation) -> Routing:
        case = activation.process.case
        return _council(activation, due_on=case.final_plan_due_on, period=case.timetable.final)

    # -- chasing ------------------------------------------------------------------------

    def send_chaser(self, activation):
        """A step is overdue: tell its agency's queue (and the person who claimed it)."""
        timer = activation.task.previous.get()
        host = timer.previous.select_related("agency").get()
        task_chase(task=host, today=sweep_today())
