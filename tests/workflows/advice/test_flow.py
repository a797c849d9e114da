"""Advice in the flow: the adviser's task, the council's review, and the loop back when advice is
returned. The decision whether to issue is open from the start, beside the advice (a silent adviser
never holds it back), and the service refuses it while advice is still owed and not yet overdue."""

import pytest
from viewflow.workflow.status import STATUS

from agencies.models import Role
from ehcp.assessments.models import AdviceStatus, AssessmentStatus
from ehcp.common.services import CaseRuleError
from tests.factories import CaseWalk, member
from workflows.models import CaseTask
from workflows.services import task_claim

pytestmark = pytest.mark.django_db


def open_names(walk) -> list[str]:
    return sorted(t.flow_task.name for t in walk.open_tasks())


@pytest.fixture
def health_walk(cast):
    """Only health advice asked for: the health provider's queue has the one task."""
    return CaseWalk(cast, advice=("HEALTH",)).to(AssessmentStatus.ASSESSING)


def test_submitted_advice_waits_for_the_caseworkers_review(cast, health_walk):
    health_walk.submit_advice("HEALTH", accept=False)

    assert open_names(health_walk) == ["decide_to_issue", "health_advice_review"]
    review = health_walk.task("health_advice_review")
    advice = health_walk.advice_request("HEALTH")
    assert (review.agency, review.owner, review.subject_id, review.due_on) == (
        cast.council,
        cast.caseworker,
        advice.pk,
        None,
    )
    assert advice.status == AdviceStatus.SUBMITTED


def test_accepted_advice_goes_on_to_the_decision_whether_to_issue(cast, health_walk):
    health_walk.submit_advice("HEALTH", accept=False)

    health_walk.review_advice("HEALTH", accept=True)

    assert open_names(health_walk) == ["decide_to_issue"]
    assert health_walk.advice_request("HEALTH").status == AdviceStatus.ACCEPTED


def test_returned_advice_goes_back_to_the_person_who_submitted_it(cast, health_walk):
    first = health_walk.advice_task("HEALTH")
    health_walk.submit_advice("HEALTH", accept=False)

    health_walk.review_advice("HEALTH", accept=False, reasons="Say how long the programme lasts")

    assert open_names(health_walk) == ["decide_to_issue", "health_advice"]
    again = health_walk.advice_task("HEALTH")
    assert again.pk != first.pk
    assert (again.agency, again.owner, again.status) == (
        cast.health,
        cast.health_adviser,
        STATUS.ASSIGNED,
    )
    assert again.due_on == first.due_on  # the statutory date does not move
    advice = health_walk.advice_request("HEALTH")
    assert (advice.status, advice.received_on) == (AdviceStatus.RETURNED, None)
    # The chaser stays on the adviser's task: the new task has its own timer.
    assert CaseTask.objects.filter(
        flow_task_type="TIMER", previous=again, status=STATUS.SCHEDULED
    ).exists()
    review = CaseTask.objects.get(
        case=health_walk.case, flow_task_type="HUMAN", status=STATUS.DONE, rule_code=""
    )
    assert review.flow_task.name == "health_advice_review"
    assert not CaseTask.objects.filter(flow_task_type="TIMER", previous=review).exists()

    health_walk.submit_advice("HEALTH")  # resubmitted and, this time, accepted

    assert open_names(health_walk) == ["decide_to_issue"]


def test_returned_advice_goes_to_the_queue_when_the_submitter_no_longer_works_it(cast, health_walk):
    health_walk.submit_advice("HEALTH", accept=False)
    cast.health_adviser.memberships.update(is_active=False)

    health_walk.review_advice("HEALTH", accept=False)

    again = health_walk.advice_task("HEALTH")
    assert (again.agency, again.owner, again.status) == (cast.health, None, STATUS.NEW)
    colleague = member(cast.health, Role.HEALTH_ADVISER)
    task_claim(task=again, user=colleague)


def test_the_decision_whether_to_issue_waits_for_every_review(cast):
    walk = CaseWalk(cast).to(AssessmentStatus.ASSESSING)  # family's views, health, psychology
    walk.submit_advice("PARENT_VIEWS")
    walk.submit_advice("HEALTH", accept=False)
    walk.submit_advice("PSYCHOLOGICAL")

    assert open_names(walk) == ["decide_to_issue", "health_advice_review"]
    # Health advice is with the council and not overdue: the decision is refused (reg 8(1)).
    with pytest.raises(CaseRuleError, match="Medical advice is not due until"):
        walk.decide_to_issue()
    assert walk.refresh().status == AssessmentStatus.ASSESSING

    walk.review_advice("HEALTH", accept=False)
    assert open_names(walk) == ["decide_to_issue", "health_advice"]

    walk.submit_advice("HEALTH")

    assert open_names(walk) == ["decide_to_issue"]
    assert not CaseTask.objects.filter(case=walk.case, flow_task_type="JOIN").exists()
    walk.decide_to_issue()
    assert walk.case.status == AssessmentStatus.DRAFTING


def test_the_familys_views_need_no_review(cast):
    walk = CaseWalk(cast, advice=("PARENT_VIEWS",)).to(AssessmentStatus.ASSESSING)

    walk.submit_advice("PARENT_VIEWS")

    assert open_names(walk) == ["decide_to_issue"]
    assert walk.advice_request("PARENT_VIEWS").status == AdviceStatus.ACCEPTED
