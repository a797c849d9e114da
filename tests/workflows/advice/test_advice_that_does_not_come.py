"""Advice that does not come (issue 9): nothing a partner fails to do may block the council.

The decision whether to issue a plan (reg 10(1), 16 weeks) may be made without advice that is
overdue under reg 8(1) (6 weeks), with a reason per piece (ADVICE-PROCEED); the advice stays asked
for and is chased, and the final plan (reg 13(2), 20 weeks) ends its task. A request may be
cancelled with a reason (ADVICE-CANCEL), or a new one added later, behind the same consent gate.
"""

from datetime import timedelta

import pytest
from viewflow.workflow.status import PROCESS, STATUS

from ehcp.assessments.models import (
    AdviceDecision,
    AdviceKind,
    AdviceRequest,
    AdviceStatus,
    AssessmentStatus,
    DecisionAdviceGap,
)
from ehcp.assessments.services import assessment as assessment_services
from ehcp.common.services import CaseRuleError
from notifications.models import Notification
from tests.factories import Calendar, CaseWalk
from workflows import repairs
from workflows import services as wf
from workflows.flows import StatutoryAssessmentFlow
from workflows.models import CaseTask
from workflows.steps import step_for

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
REASON = "Health chased three times; the council will not hold the decision back"


def assessing_without_health(cast) -> CaseWalk:
    """Assessing (decided on day 24, advice due day 66): every adviser but health has answered."""
    walk = CaseWalk(cast)
    walk.to(AssessmentStatus.ASSESSING)
    walk.submit_advice(AdviceKind.PARENT_VIEWS)
    walk.submit_advice(AdviceKind.PSYCHOLOGICAL)
    return walk


def decide(walk, on, *, issue=True, reasons=None):
    walk.complete(
        walk.task("decide_to_issue"),
        lambda case: assessment_services.case_issue_decide(
            case=case,
            issue=issue,
            decided_on=on,
            reasons="" if issue else "Needs can be met without a plan",
            advice_reasons=reasons or {},
            by=walk.cast.caseworker,
            today=on,
        ),
        user=walk.cast.caseworker,
    )
    return walk.refresh()


def test_silent_health_adviser_never_blocks_the_decision_nor_the_final_plan(cast):
    walk = assessing_without_health(cast)
    health = walk.advice_request(AdviceKind.HEALTH)
    assert health.due_on == walk.when.decided_on + 42 * DAY

    # Not yet due (reg 8(1)): the decision waits, and nothing changes.
    with pytest.raises(CaseRuleError, match=r"not due until .* \(reg 8\(1\)\)"):
        decide(walk, health.due_on, reasons={health.pk: REASON})
    assert walk.refresh().status == AssessmentStatus.ASSESSING
    # Overdue, without a reason: refused with a clear message.
    after = health.due_on + DAY
    with pytest.raises(CaseRuleError, match="Give the reason for deciding without the medical"):
        decide(walk, after)
    assert not DecisionAdviceGap.objects.exists()

    # Overdue, with a reason: the council decides (reg 10(1)), within 16 weeks.
    decide(walk, after, reasons={health.pk: REASON})
    case = walk.refresh()
    assert case.status == AssessmentStatus.DRAFTING
    assert after <= case.decision_not_to_issue_due_on
    health.refresh_from_db()
    assert health.status == AdviceStatus.DRAFT  # still asked for
    assert (
        health.proceeded_without_reason,
        health.proceeded_without_by,
        health.proceeded_without_on,
    ) == (
        REASON,
        cast.caseworker,
        after,
    )
    assert health.history.first().history_change_reason == "Decided without this advice, overdue"
    gap = DecisionAdviceGap.objects.get()
    assert (gap.decision, gap.advice_request, gap.reason, gap.overdue_since) == (
        AdviceDecision.ISSUE,
        health,
        REASON,
        health.due_on,
    )
    # The health task stays open, in health's queue, and is still chased.
    task = walk.advice_task(AdviceKind.HEALTH)
    assert task.agency == cast.health
    assert CaseTask.objects.filter(previous=task, flow_task_type="TIMER").exists()

    # The plan goes on to the final plan with health still silent (reg 13(2)).
    walk.when = Calendar(late_by=(after - walk.when.issue_decided_on).days)
    walk.issue_draft()
    walk.record_comments()
    walk.reply_to_consultation()
    # The final plan's step (as the task page runs it) ends the advice still open.
    final = walk.task("issue_final")
    on = walk.when.final_on
    walk.complete(
        final,
        lambda case: step_for(final).perform(
            case, final, {"issued_on": on, "named_setting": cast.school}, cast.caseworker, on
        ),
        user=cast.caseworker,
    )
    case = walk.refresh()
    assert case.status == AssessmentStatus.FINAL_ISSUED
    assert case.final_issued_on <= case.final_plan_due_on
    task.refresh_from_db()
    assert task.status == STATUS.CANCELED
    assert task.data["cancelled"]["reason"] == wf.FINAL_WITHOUT_ADVICE
    assert not CaseTask.objects.filter(previous=task, status=STATUS.SCHEDULED).exists()
    assert case.processes.get().status == PROCESS.DONE
    final_gap = DecisionAdviceGap.objects.get(decision=AdviceDecision.FINAL)
    assert final_gap.advice_request == health and final_gap.reason == REASON


def test_advice_that_arrives_after_the_decision_is_added_as_usual(cast):
    walk = assessing_without_health(cast)
    health = walk.advice_request(AdviceKind.HEALTH)
    decide(walk, health.due_on + DAY, reasons={health.pk: REASON})
    walk.submit_advice(AdviceKind.HEALTH)  # submitted, then accepted by the caseworker
    health.refresh_from_db()
    assert health.status == AdviceStatus.ACCEPTED
    assert not [t for t in walk.open_tasks() if t.subject_id == health.pk]
    assert walk.case.processes.get().status == PROCESS.NEW  # the plan goes on


def test_a_cancelled_request_ends_its_tasks_tells_its_agency_and_stops_counting(cast):
    walk = assessing_without_health(cast)
    health = walk.advice_request(AdviceKind.HEALTH)
    task = walk.advice_task(AdviceKind.HEALTH)
    with pytest.raises(CaseRuleError, match="Enter the reason"):
        wf.advice_cancel(advice=health, reason="  ", by=cast.caseworker)
    with pytest.raises(CaseRuleError, match="Only the council"):
        wf.advice_cancel(advice=health, reason="Not needed", by=cast.health_adviser)

    wf.advice_cancel(
        advice=health, reason="Existing health advice is enough (reg 6(4))", by=cast.caseworker
    )
    health.refresh_from_db()
    assert health.status == AdviceStatus.CANCELLED
    assert health.cancelled_by == cast.caseworker
    assert health.cancelled_reason == "Existing health advice is enough (reg 6(4))"
    task.refresh_from_db()
    assert task.status == STATUS.CANCELED
    assert not CaseTask.objects.filter(previous=task, status=STATUS.SCHEDULED).exists()
    assert Notification.objects.filter(kind="ADVICE_CANCELLED", agency=cast.health).exists()
    # Not due yet, but cancelled: the decision goes ahead without a reason for it.
    decide(walk, walk.when.issue_decided_on)
    assert walk.case.status == AssessmentStatus.DRAFTING
    assert not DecisionAdviceGap.objects.exists()


def test_advice_can_be_asked_for_later_and_again_after_a_cancellation(cast):
    walk = assessing_without_health(cast)
    health = walk.advice_request(AdviceKind.HEALTH)
    wf.advice_cancel(advice=health, reason="Wrong team asked", by=cast.caseworker)
    later = walk.when.decided_on + 10 * DAY

    again = wf.advice_add(
        case=walk.case,
        kind=AdviceKind.HEALTH,
        agency=cast.health,
        requested_on=later,
        by=cast.caseworker,
        today=later,
    )
    assert again.pk != health.pk and again.due_on == later + 42 * DAY  # reg 8(1)
    task = CaseTask.objects.human().open().get(case=walk.case, subject_id=again.pk)
    assert task.flow_task.name == "health_advice" and task.agency == cast.health
    assert task.due_on == again.due_on and task.data["advice_request"] == again.pk
    assert CaseTask.objects.filter(previous=task, flow_task_type="TIMER").exists()  # chased
    assert Notification.objects.filter(
        kind="ADVICE_REQUESTED", key__startswith=f"advice-requested:{again.pk}"
    ).exists()
    with pytest.raises(CaseRuleError, match="already been asked"):
        wf.advice_add(
            case=walk.case,
            kind=AdviceKind.HEALTH,
            agency=cast.health,
            requested_on=later,
            by=cast.caseworker,
            today=later,
        )

    # The new request goes through the review like any other, routed by its own id.
    user = cast.health_adviser
    from ehcp.assessments.services import advice as advice_services
    from tests.factories import advice_entries

    on = later + DAY
    advice_services.advice_draft_save(
        advice=again, entries=advice_entries(AdviceKind.HEALTH), by=user, today=on
    )
    walk.complete(
        task,
        lambda case: advice_services.advice_submit(advice=again, received_on=on, by=user, today=on),
        user=user,
    )
    review = walk.task("health_advice_review")
    assert review.subject_id == again.pk


def test_advice_asked_for_later_needs_consent_covering_the_agency(cast):
    walk = assessing_without_health(cast)
    with pytest.raises(CaseRuleError) as refused:
        wf.advice_add(
            case=walk.case,
            kind=AdviceKind.SOCIAL_CARE,
            agency=cast.social_care,
            requested_on=walk.when.decided_on,
            by=cast.caseworker,
            today=walk.when.decided_on,
        )
    assert "consent" in str(refused.value).lower()
    assert not AdviceRequest.objects.filter(kind=AdviceKind.SOCIAL_CARE).exists()
    assert not [t for t in walk.open_tasks() if t.flow_task.name == "social_care_advice"]


def test_a_process_waiting_at_the_old_join_gets_its_decision_task(cast):
    """workflows.repairs (was migrations/0006): a process written before the redesign, waiting
    at the join."""
    walk = assessing_without_health(cast)
    process = walk.case.processes.get()
    decision = walk.task("decide_to_issue")
    # As the old flow left it: no decision task yet, a join waiting for the health branch.
    CaseTask.objects.filter(previous=decision).delete()
    decision.delete()
    split = CaseTask.objects.get(process=process, flow_task_type="PARALLEL_GATEWAY")
    join = CaseTask.objects.create(
        process=process,
        flow_task=StatutoryAssessmentFlow.instance.node("advice_done"),
        flow_task_type="PARALLEL_GATEWAY",
        token=split.token,
        status=STATUS.STARTED,
    )
    CaseTask.objects.filter(pk=join.pk).update(flow_task=repairs.OLD_ADVICE_JOIN)

    assert repairs.run_repairs() == {
        "advice_no_longer_joins": 1,
        "consulting_without_final_plan_task": 0,
    }

    join = CaseTask.objects.filter(pk=join.pk).values("status", "finished").get()
    assert join["status"] == STATUS.CANCELED and join["finished"] is not None
    decision = walk.task("decide_to_issue")
    assert decision.agency == cast.council
    assert decision.due_on == walk.case.decision_not_to_issue_due_on
    assert CaseTask.objects.filter(previous=decision, flow_task_type="TIMER").exists()
    # Run again: nothing more is made.
    assert repairs.advice_no_longer_joins() == 0
    assert len([t for t in walk.open_tasks() if t.flow_task.name == "decide_to_issue"]) == 1
    # The old health branch carries on and the decision goes ahead.
    walk.submit_advice(AdviceKind.HEALTH)
    decide(walk, walk.when.issue_decided_on)
    assert walk.case.status == AssessmentStatus.DRAFTING
