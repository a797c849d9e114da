"""Working the queues: start the flow for a request, claim, release, reassign and complete tasks;
chase missing advice and move its chaser when more time is agreed.

Every task operation takes the flow's lock (SELECT ... FOR UPDATE on the process row, in one
transaction) and re-reads the task under it, so when two people click at once exactly one wins
and the other gets a clear message (CD-01). These are the services for the flow's own rows
(`CaseTask`, `TaskReassignment`): like the domain services, each queues the notifications its
change causes in its own transaction.
"""

from collections.abc import Callable
from contextlib import ExitStack
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.status import PROCESS, STATUS
from viewflow.workflow.token import Token

from agencies.access import actor_for
from agencies.queues import may_work_queue
from ehcp.assessments.models import (
    AdviceExtensionRequest,
    AdviceRequest,
    Assessment,
    ExtensionDecision,
)
from ehcp.assessments.services import advice as advice_services
from ehcp.assessments.services import assessment as assessment_services
from ehcp.assessments.services.assessment import advice_page_link
from ehcp.assessments.services.casework import case_caseworker_change as ehcp_case_caseworker_change
from ehcp.common.services import CaseRuleError
from ehcp.reviews.models import Review
from ehcp.reviews.services import review as review_services
from notifications.models import NotificationKind
from notifications.services import notification_queue
from panel.models import FundingRequest

from .closing import case_open_tasks_cancel, tasks_cancel
from .flows import CHASE_AT, FundingFlow, ReviewFlow, StatutoryAssessmentFlow
from .flows.assessment import ADVICE_NODE_OF_KIND, ADVICE_NODES, ADVICE_REVIEW_NODES
from .models import CaseProcess, CaseTask, TaskReassignment
from .selectors import advice_open_task


class TaskConflict(Exception):
    """The task changed hands or moved on: the user's action was not applied."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def assessment_request_receive(**kwargs) -> Assessment:
    """Record a request for assessment and start the statutory assessment flow, atomically."""
    with transaction.atomic():
        case = assessment_services.case_request_receive(**kwargs)
        StatutoryAssessmentFlow.start.run(case=case)
    return case


def review_start(*, ehc_plan, kind, reason: str = "", by, today: date, **kwargs) -> Review:
    """Start a review of the plan (`ehcp.reviews.services.review.review_start`: an annual review,
    or an early or interim one with a reason) and its flow, atomically: the meeting's first task
    goes to the school or setting that arranges it, or to the council."""
    with transaction.atomic():
        review = review_services.review_start(
            ehc_plan=ehc_plan, kind=kind, reason=reason, by=by, today=today, **kwargs
        )
        ReviewFlow.start.run(review=review)
    return review


def funding_flows_start(sender, *, meeting, decisions, by, **kwargs) -> None:
    """`panel.signals.decisions_confirmed` receiver: each confirmed approval starts what follows
    it (`FundingFlow`: the funders' payment tasks and the funding review), in the confirming
    transaction, so a confirmation never stands without its tasks."""
    for decision in decisions:
        if decision.is_funded:
            FundingFlow.start.run(decision=decision)


WITHDRAWN_REASON = "The request was withdrawn"


def case_withdraw(*, case: Assessment, by, today: date | None = None, **withdrawal) -> Assessment:
    """The parent or young person withdrew the request: record it on the case
    (`ehcp.assessments.services.assessment.case_withdraw`), cancel every open task of the case with
    its chasers (recording why and by whom), and end the flow. viewflow's word for a process
    ended before it reached an End node is CANCELED, with `finished` set (as `Flow.cancel` does).
    All of it, under the flow's lock, or nothing."""
    processes = list(
        CaseProcess.objects.filter(case=case).exclude(status=PROCESS.CANCELED).order_by("pk")
    )
    try:
        with ExitStack() as locks:
            for process in processes:  # every run of the case's flow, in a fixed order
                locks.enter_context(StatutoryAssessmentFlow.lock(process.pk))
            with transaction.atomic():
                case = Assessment.objects.select_related("child", "council").get(pk=case.pk)
                case = assessment_services.case_withdraw(
                    case=case, by=by, today=today, **withdrawal
                )
                case_open_tasks_cancel(case=case, reason=WITHDRAWN_REASON, by=by)
                for process in processes:
                    _process_end(process)
    except FlowLockFailed as exc:
        raise TaskConflict("Someone else is working on this case right now. Try again.") from exc
    return case


def _process_end(process: CaseProcess) -> None:
    """End a run of the flow whose case was closed outside it: every task still active (a join
    waiting for advice, a gateway) is cancelled, and the process is CANCELED, finished now."""
    process.refresh_from_db()
    if process.status != PROCESS.NEW:
        return
    for task in CaseTask.objects.filter(process=process).exclude(
        status__in=[STATUS.DONE, STATUS.CANCELED, STATUS.REVIVED]
    ):
        task.flow_task.activation_class(task).cancel()
    process.status = PROCESS.CANCELED
    process.finished = timezone.now()
    process.save(update_fields=["status", "finished"])


def _run(task: CaseTask, action: Callable[[CaseTask], None]) -> CaseTask:
    try:
        with task.flow_task.flow_class.lock(task.process_id):
            task.refresh_from_db()
            action(task)
    except FlowLockFailed as exc:
        raise TaskConflict("Someone else is working on this case right now. Try again.") from exc
    return task


def task_claim(*, task: CaseTask, user) -> CaseTask:
    """Take a task from the agency's queue. One claimant at a time."""

    def claim(task):
        if task.owner_id == user.pk and task.is_open:
            return
        if not task.is_open:
            raise TaskConflict("This task has already been completed")
        if task.owner_id is not None:
            raise TaskConflict(
                f"This task has already been claimed by {task.owner.get_full_name() or task.owner}"
            )
        if not task.flow_task.can_assign(user, task):
            raise TaskConflict("You cannot claim tasks from this queue")
        activation = task.flow_task.activation_class(task)
        activation.assign(user)
        task.assigned = timezone.now()
        task.save(update_fields=["assigned"])

    return _run(task, claim)


def task_release(*, task: CaseTask, user) -> CaseTask:
    """Put a claimed task back in the agency's queue (its holder, or a manager of the agency)."""

    def release(task):
        if task.status != STATUS.ASSIGNED:
            raise TaskConflict("This task is not claimed by anyone")
        if not task.flow_task.can_unassign(user, task):
            raise TaskConflict(
                "Only the person who claimed this task, or a manager, can release it"
            )
        activation = task.flow_task.activation_class(task)
        activation.unassign()
        task.assigned = None
        task.save(update_fields=["assigned"])

    return _run(task, release)


REASSIGN_REASON_MAX = 500


def _clean_reason(reason: str, *, what: str, limit: int) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise TaskConflict(f"Enter the reason for {what}")
    if len(reason) > limit:
        raise TaskConflict(f"The reason must be {limit} characters or fewer")
    return reason


def _give(task: CaseTask, *, to_user, by, reason: str) -> None:
    """Give an open task to `to_user`, under the flow's lock the caller holds; record who, when
    and why, and tell the new holder."""
    from_user_id = task.owner_id
    activation = task.flow_task.activation_class(task)
    if task.owner_id is None:
        activation.assign(to_user)
    else:
        activation.reassign(to_user)
    task.assigned = timezone.now()
    task.save(update_fields=["assigned"])
    TaskReassignment.objects.create(
        task=task,
        from_user_id=from_user_id,
        to_user=to_user,
        by=by,
        reason=reason,
        at=task.assigned,
    )
    notification_queue(
        kind="TASK_ASSIGNED",
        user_id=to_user.pk,
        link=f"/tasks/{task.public_id}/",
        key=f"assigned:{task.pk}:{to_user.pk}:{task.assigned.isoformat()}",
    )


def task_reassign(*, task: CaseTask, user, to_user, reason: str) -> CaseTask:
    """A manager of the agency gives the task to another member who works its queue, with a
    reason that is recorded (TaskReassignment)."""
    actor = actor_for(user)
    reason = _clean_reason(
        reason, what="giving the task to someone else", limit=REASSIGN_REASON_MAX
    )

    def reassign(task):
        if not task.is_open:
            raise TaskConflict("This task has already been completed")
        if not actor.can_manage_agency(task.agency_id):
            raise TaskConflict("Only a manager of this agency can reassign its tasks")
        if not may_work_queue(actor_for(to_user), task.agency_id, task.agency.kind):
            raise TaskConflict(f"{to_user.get_full_name() or to_user} does not work this queue")
        if task.owner_id == to_user.pk:
            raise TaskConflict(f"{to_user.get_full_name() or to_user} already has this task")
        _give(task, to_user=to_user, by=user, reason=reason)

    return _run(task, reassign)


def case_caseworker_change(*, case: Assessment, caseworker, reason: str, by) -> list[CaseTask]:
    """An SEN manager gives the case to another caseworker (recorded in the case's history with
    the reason). The case's open tasks in the council's queue that the old caseworker held, or
    that nobody held, follow the new caseworker, each recorded as a reassignment; tasks a manager
    gave to someone else stay with them. All or nothing: if a task is locked, nothing changes."""
    with transaction.atomic():
        old_id = (
            Assessment.objects.select_for_update()
            .values_list("caseworker_id", flat=True)
            .get(pk=case.pk)
        )
        case = ehcp_case_caseworker_change(case=case, caseworker=caseworker, reason=reason, by=by)
        tasks = list(
            CaseTask.objects.human()
            .open()
            .filter(case=case, agency_id=case.council_id)
            .filter(Q(owner__isnull=True) | Q(owner_id=old_id))
            .select_related("agency", "owner")
            .order_by("pk")
        )
        moved = []
        for task in tasks:

            def follow(task):
                if task.is_open and task.owner_id in (None, old_id):
                    _give(
                        task,
                        to_user=caseworker,
                        by=by,
                        reason=f"Caseworker changed: {reason.strip()}",
                    )
                    moved.append(task)

            _run(task, follow)
    return moved


def episode_lock(task: CaseTask):
    """The task's episode (its assessment, review or funding request) as it is now, its row locked
    until the end of the transaction."""
    if task.case_id is not None:
        return Assessment.objects.select_for_update().get(pk=task.case_id)
    if task.review_id is not None:
        return Review.objects.select_for_update().get(pk=task.review_id)
    return FundingRequest.objects.select_for_update().get(pk=task.funding_request_id)


def task_complete(*, task: CaseTask, user, perform: Callable[[object], object]) -> CaseTask:
    """Do the step: call the domain service with the task's episode (its assessment, review or
    funding request, locked), then move the flow on, all in one transaction.

    If the service refuses (a rule, a consent gate), nothing changes: neither the episode nor the
    flow.
    """

    def complete(task):
        if not task.is_open:
            raise TaskConflict("This task has already been completed")
        if not task.flow_task.can_execute(user, task):
            if task.owner_id != user.pk:
                raise TaskConflict("Claim this task before you complete it")
            raise TaskConflict("You cannot complete tasks from this queue")
        perform(episode_lock(task))
        activation = task.flow_task.activation_class(task)
        activation.start(None)
        activation.execute()

    return _run(task, complete)


# -- chasing advice ----------------------------------------------------------------------------


def advice_chase(*, advice: AdviceRequest, by, today: date | None = None) -> CaseTask:
    """The caseworker chases missing advice: the adviser who holds the task (or their agency's
    mailbox) is told, once a day at most, and the task records when it was last chased."""
    today = today or timezone.localdate()
    if advice.case.council_id not in actor_for(by).council_agency_ids:
        raise CaseRuleError("Only the council's SEN team can chase advice")
    with transaction.atomic():
        advice = AdviceRequest.objects.select_related("case").get(pk=advice.pk)  # as it is now
        task = advice_open_task(advice, review=False)
        if task is None or not advice.is_editable:
            raise CaseRuleError("This advice is not missing: there is nothing to chase")
        CaseTask.objects.filter(pk=task.pk).update(last_chased_on=today)
        notification_queue(
            kind=NotificationKind.ADVICE_CHASED,
            agency=task.agency,
            user_id=task.owner_id,
            link=advice_page_link(advice),
            key=f"advice-chase:{task.pk}:{today.isoformat()}",
        )
    return task


def advice_chaser_reschedule(*, advice: AdviceRequest, new_date: date) -> int:
    """More time agreed: the adviser's next chaser goes the morning after the agreed date, not
    before. Returns how many scheduled chasers moved (none when the advice has no open task)."""
    task = advice_open_task(advice, review=False)
    if task is None:
        return 0
    moment = timezone.make_aware(datetime.combine(new_date + timedelta(days=1), CHASE_AT))
    return CaseTask.objects.filter(
        flow_task_type="TIMER", status=STATUS.SCHEDULED, previous=task
    ).update(scheduled=moment)


def advice_extension_decide(
    *, extension: AdviceExtensionRequest, by, **decision
) -> AdviceExtensionRequest:
    """The council agrees more time or refuses it (`ehcp.assessments.services.advice.extension_decide`, which tells
    the adviser); agreed, the adviser's chaser moves to the new date. All of it, or nothing."""
    with transaction.atomic():
        decided = advice_services.extension_decide(extension=extension, by=by, **decision)
        if decided.decision == ExtensionDecision.ACCEPTED:
            advice_chaser_reschedule(advice=decided.advice_request, new_date=decided.new_date)
    return decided


def users_who_work_queue(task: CaseTask):
    """People a manager may reassign the task to."""
    from agencies.models import QUEUE_ROLES, Membership

    roles = QUEUE_ROLES.get(task.agency.kind, frozenset())
    user_ids = (
        Membership.objects.active()
        .filter(agency_id=task.agency_id, role__in=roles)
        .values_list("user_id", flat=True)
    )
    return get_user_model().objects.filter(pk__in=user_ids).order_by("first_name", "last_name")


# -- cancelling advice, asking for more ----------------------------------------------------------

#: The reason recorded on an adviser's task still open when the final plan is issued.
FINAL_WITHOUT_ADVICE = "final plan issued without this advice"
NOT_ISSUED_WITHOUT_ADVICE = "decided not to issue a plan: the assessment is over"


def advice_open_tasks(case: Assessment, *, advice_id: int | None = None) -> list[CaseTask]:
    """The open adviser's and review tasks of the case's advice (of one request, if given)."""
    tasks = CaseTask.objects.human().open().filter(case=case, subject_id__isnull=False)
    if advice_id is not None:
        tasks = tasks.filter(subject_id=advice_id)
    return [
        task
        for task in tasks.select_related("process").order_by("pk")
        if task.flow_task.name in ADVICE_NODES or task.flow_task.name in ADVICE_REVIEW_NODES
    ]


def advice_tasks_close(*, case: Assessment, reason: str, by) -> list[CaseTask]:
    """End the advice tasks still open (and their chasers), with the reason: called by the step
    that issues the final plan, or decides not to issue one, inside its transaction."""
    return tasks_cancel(advice_open_tasks(case), reason=reason, by=by)


def _case_process(case: Assessment):
    return CaseProcess.objects.filter(case=case, flow_class=StatutoryAssessmentFlow).first()


def _locked(case: Assessment, action: Callable[[], object]):
    process = _case_process(case)
    if process is None:
        raise CaseRuleError("This case has no running assessment")
    try:
        with StatutoryAssessmentFlow.lock(process.pk):
            return action()
    except FlowLockFailed as exc:
        raise TaskConflict("Someone else is working on this case right now. Try again.") from exc


def advice_cancel(
    *, advice: AdviceRequest, reason: str, by, today: date | None = None
) -> AdviceRequest:
    """The council cancels a request for advice with a reason (ADVICE-CANCEL): the request is
    marked cancelled and its agency told (ehcp), and its adviser's and review tasks end with their
    chasers. All of it, or nothing."""

    def cancel():
        cancelled = advice_services.advice_request_cancel(
            advice=advice, reason=reason, by=by, today=today
        )
        tasks_cancel(
            advice_open_tasks(cancelled.case, advice_id=cancelled.pk),
            reason=f"Request for advice cancelled: {cancelled.cancelled_reason}",
            by=by,
        )
        return cancelled

    return _locked(advice.case, cancel)


def advice_add(
    *, case: Assessment, kind: str, agency, requested_on: date, by, today: date | None = None
) -> AdviceRequest:
    """The council asks for more advice after the decision to assess (reg 6(1), due in 6 weeks
    under reg 8(1)): the request is recorded behind the consent gate (ehcp), and the agency's
    queue gets the adviser's task, chased when late, as if the split had asked for it."""

    def add():
        advice = advice_services.advice_request_add(
            case=case, kind=kind, agency=agency, requested_on=requested_on, by=by, today=today
        )
        process = _case_process(case)
        split = CaseTask.objects.get(
            process=process, flow_task=StatutoryAssessmentFlow.instance.node("request_advice")
        )
        node = StatutoryAssessmentFlow.instance.node(ADVICE_NODE_OF_KIND[advice.kind])
        token = Token(f"{split.token.token}/{split.pk}_a{advice.pk}")
        activation = node._create(
            prev_activation=split.flow_task.activation_class(split),
            token=token,
            data={"advice_request": advice.pk},
        )
        if activation.activate.can_proceed():
            activation.activate()
        return advice

    return _locked(case, add)


# -- consulting settings -----------------------------------------------------------------------


def setting_consult(*, case: Assessment, setting, by, today: date | None = None):
    """Consult one more setting while the council is consulting (for example after the first
    declined): the consultation, with its own 15 days (CoP 9.83), and its reply task in the
    setting's queue, chased when late; all or nothing, under the flow's lock."""
    today = today or timezone.localdate()
    flow = StatutoryAssessmentFlow.instance
    process = CaseProcess.objects.filter(case=case).order_by("-pk").first()
    if process is None:
        raise CaseRuleError("This case has no assessment flow to add the consultation to")
    try:
        with flow.lock(process.pk), transaction.atomic():
            case = Assessment.objects.get(pk=case.pk)
            consultation = assessment_services.setting_consult(
                case=case, setting=setting, by=by, today=today
            )
            # The new task follows the split that sent the first consultations (a process
            # started before they ran in parallel has none: its comments step instead).
            tasks = CaseTask.objects.filter(process=process).order_by("-pk")
            prev = (
                tasks.filter(flow_task=flow.consult).first()
                or tasks.filter(flow_task=flow.record_comments).first()
            )
            if prev is None:
                raise CaseRuleError("The comments on the draft have not been recorded yet")
            activation = flow.reply_to_consultation._create(
                prev_activation=prev.flow_task.activation_class(prev),
                token=Token(f"{prev.token}/{prev.pk}_c{consultation.pk}"),
                data={"consultation": consultation.pk},
            )
            if activation.activate.can_proceed():
                activation.activate()
    except FlowLockFailed as exc:
        raise TaskConflict("Someone else is working on this case right now. Try again.") from exc
    return consultation


def consultation_tasks_close(*, case: Assessment, consultations, by) -> list[CaseTask]:
    """The final plan was issued without these settings' replies: end their open reply tasks and
    chasers, recording "no reply by <due date>" as the reason. In the caller's transaction."""
    flow = StatutoryAssessmentFlow.instance
    cancelled = []
    for consultation in consultations:
        tasks = (
            CaseTask.objects.human()
            .open()
            .filter(case=case, flow_task=flow.reply_to_consultation, subject_id=consultation.pk)
        )
        cancelled += tasks_cancel(
            tasks,
            reason=(
                f"No reply by {consultation.reply_due_on:%-d %B %Y}: the final plan was issued on "
                f"{consultation.closed_without_reply_on:%-d %B %Y}"
            ),
            by=by,
        )
    return cancelled
