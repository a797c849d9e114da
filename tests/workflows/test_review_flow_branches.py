"""The review flow after the council's decision to amend or to cease the plan, with the real
services: the amendment's comments and the final amended plan (reg 22), and the cease's replies,
notice, the end of the time to appeal and the Tribunal's decision (s.45; reg 31). Each step is in
the council's queue with its due date and rule; the flow ends when the review is complete."""

from datetime import date

import pytest
from viewflow.workflow.status import STATUS

from ehcp.plans.models import DocumentKind, DocumentRender, EhcPlanStatus
from ehcp.reviews.models import ReviewDecision, ReviewStatus
from ehcp.reviews.services import amendment as amendment_services
from ehcp.reviews.services import cease as cease_services
from tests.ehcp.reviews.amending import propose_amendments
from tests.ehcp.reviews.cease_world import plan_in_force
from tests.factories import ReviewCalendar, ReviewWalk, emailed
from workflows.models import CaseTask

pytestmark = pytest.mark.django_db

# The plan was issued on 12 May 2027 (the walk's final plan): the meeting must be held by
# 13 April 2028.
CALENDAR = ReviewCalendar(
    started_on=date(2028, 1, 10),
    arranged_on=date(2028, 1, 17),
    invited_on=date(2028, 2, 1),
    circulated_on=date(2028, 2, 15),
    meeting_on=date(2028, 3, 6),
    reported_on=date(2028, 3, 13),
    decided_on=date(2028, 3, 20),
)


def the_end(walk) -> str:
    process = walk.review.processes.get()
    assert process.status == "DONE"
    assert not walk.open_tasks().exists()
    end = CaseTask.objects.filter(process=process, flow_task_type="END", status=STATUS.DONE).get()
    return end.flow_task.name


def council_step(walk, name) -> tuple:
    task = walk.task(name)
    return task.agency, task.owner, task.due_on, task.rule_code


@pytest.fixture
def plan(cast):
    return plan_in_force(cast)


def test_amending_the_plan_ends_with_the_final_amended_plan(cast, plan):
    walk = ReviewWalk(cast, plan, when=CALENDAR)
    walk.to_report(recommendation="AMEND")
    propose_amendments(walk.review, cast)
    review = walk.decide(ReviewDecision.AMEND, reasons="More speech and language support")
    assert review.status == ReviewStatus.AMENDING
    # The 15 days for comments begin with the day the notice was served (e-mailed that day).
    assert council_step(walk, "record_amendment_comments") == (
        cast.council,
        cast.caseworker,
        date(2028, 4, 3),
        "AMEND-COMMENTS-15D",
    )
    on = date(2028, 3, 27)
    walk.complete(
        "record_amendment_comments",
        lambda r: amendment_services.amendment_comments_record(
            review=r, received_on=on, summary="Agree", by=cast.caseworker, today=on
        ),
    )
    # The final amended plan within 8 weeks of the notice (reg 22(3)).
    assert council_step(walk, "issue_amended_plan") == (
        cast.council,
        cast.caseworker,
        date(2028, 5, 15),
        "AMEND-FINAL-8W",
    )
    on = date(2028, 4, 4)
    walk.complete(
        "issue_amended_plan",
        lambda r: amendment_services.amended_plan_issue(
            review=r, issued_on=on, by=cast.caseworker, today=on, sent=emailed(on)
        ),
    )
    review = walk.refresh()
    assert review.status == ReviewStatus.COMPLETE and review.amended_plan_issued_on == on
    assert the_end(walk) == "amended"
    kinds = set(DocumentRender.objects.filter(review=review).values_list("kind", flat=True))
    assert {DocumentKind.AMENDMENT_NOTICE, DocumentKind.FINAL_PLAN} <= kinds


def test_a_phase_transfer_brings_the_amended_plan_forward(cast, plan):
    """Reg 18: before 15 February of the transfer year, if that comes before the 8 weeks."""
    walk = ReviewWalk(cast, plan, when=CALENDAR)
    walk.start(transfer_year=2028)
    for step in (walk.arrange, walk.invite, walk.circulate, walk.hold):
        step()
    walk.report("AMEND")
    propose_amendments(walk.review, cast)
    walk.decide(ReviewDecision.AMEND, reasons="Secondary school from September")
    on = date(2028, 3, 27)
    walk.complete(
        "record_amendment_comments",
        lambda r: amendment_services.amendment_comments_record(
            review=r, received_on=on, summary="Agree", by=cast.caseworker, today=on
        ),
    )
    task = walk.task("issue_amended_plan")
    # 14 February 2028 has gone: the task carries the phase transfer date and its rule.
    assert (task.due_on, task.rule_code) == (date(2028, 2, 14), "PHASE-TRANSFER-15FEB")


def ceasing(cast, plan) -> ReviewWalk:
    walk = ReviewWalk(cast, plan, when=CALENDAR)
    walk.to_report(recommendation="CEASE")
    review = walk.decide(ReviewDecision.CEASE, reasons="Needs met at SEN support", cease_reason="2")
    assert review.status == ReviewStatus.CEASING
    assert council_step(walk, "consult_on_cease")[:2] == (cast.council, cast.caseworker)
    on = date(2028, 3, 31)
    walk.complete(
        "consult_on_cease",
        lambda r: cease_services.cease_consultation_record(
            review=r, replied_on=on, reply="The school agrees", by=cast.caseworker, today=on
        ),
    )
    on = date(2028, 4, 3)
    walk.complete(
        "send_cease_notice",
        lambda r: cease_services.cease_notice_issue(
            review=r, issued_on=on, by=cast.caseworker, today=on, sent=emailed(on)
        ),
    )
    # Due when the time to appeal ends: 2 months after the notice was sent.
    assert council_step(walk, "confirm_cease") == (
        cast.council,
        cast.caseworker,
        date(2028, 6, 3),
        "APPEAL-2M",
    )
    return walk


def test_a_cease_nobody_appeals_ends_with_the_plan_ceased(cast, plan):
    walk = ceasing(cast, plan)
    on = date(2028, 6, 4)
    walk.complete(
        "confirm_cease",
        lambda r: cease_services.cease_carry_out(review=r, on=on, by=cast.caseworker, today=on),
    )
    review = walk.refresh()
    assert review.status == ReviewStatus.COMPLETE and review.ceased_on == on
    plan.refresh_from_db()
    assert plan.status == EhcPlanStatus.CEASED
    assert the_end(walk) == "ceased"


def test_an_appeal_upheld_keeps_the_plan(cast, plan):
    walk = ceasing(cast, plan)
    on = date(2028, 5, 20)
    walk.complete(
        "confirm_cease",
        lambda r: cease_services.cease_appeal_record(
            review=r, lodged_on=on, by=cast.caseworker, today=on
        ),
    )
    assert walk.refresh().status == ReviewStatus.CEASING
    on = date(2028, 9, 1)
    walk.complete(
        "record_tribunal_decision",
        lambda r: cease_services.cease_appeal_decide(
            review=r, decided_on=on, upheld=True, by=cast.caseworker, today=on
        ),
    )
    review = walk.refresh()
    assert review.status == ReviewStatus.COMPLETE and review.appeal_upheld
    plan.refresh_from_db()
    assert plan.status == EhcPlanStatus.IN_FORCE
    assert the_end(walk) == "ceased"


def test_an_appeal_recorded_on_the_reviews_page_lets_the_flow_move_on(cast, plan):
    """The cease's own page recorded the appeal while the flow's step was open: the step records
    nothing twice and goes on to the Tribunal's decision."""
    from ehcp.reviews.forms import APPEALED
    from workflows.steps import step_for

    walk = ceasing(cast, plan)
    on = date(2028, 5, 20)
    cease_services.cease_appeal_record(
        review=walk.review, lodged_on=on, by=cast.caseworker, today=on
    )
    task = walk.task("confirm_cease")
    step = step_for(task)
    walk.complete(
        "confirm_cease",
        lambda r: step.perform(r, task, {"outcome": APPEALED, "on": on}, cast.caseworker, on),
    )
    assert [t.flow_task.name for t in walk.open_tasks()] == ["record_tribunal_decision"]
    assert walk.refresh().appeal_lodged_on == on


def test_a_mediation_certificate_moves_the_open_steps_due_date_and_its_chaser(cast, plan):
    """The time to appeal ends 1 month after a mediation certificate if that is later than 2
    months after the notice (r.20(1)(c)): "Confirm the cease" is then due later, and its chaser
    waits for the new date."""
    from workflows.flows.nodes import chase_moment

    walk = ceasing(cast, plan)
    task = walk.task("confirm_cease")
    timer = CaseTask.objects.get(previous=task, flow_task_type="TIMER")
    assert timer.scheduled == chase_moment(date(2028, 6, 3))
    on = date(2028, 5, 20)
    cease_services.cease_mediation_certificate_record(
        review=walk.review, issued_on=on, by=cast.caseworker, today=on
    )
    task.refresh_from_db()
    timer.refresh_from_db()
    assert (task.due_on, task.rule_code) == (date(2028, 6, 20), "APPEAL-2M")
    assert timer.status == STATUS.SCHEDULED and timer.scheduled == chase_moment(date(2028, 6, 20))
    assert task.owner == cast.caseworker and task.agency == cast.council
    # The other open steps of other episodes are untouched; nothing moves a second time.
    from workflows.due_dates import episode_due_dates_follow

    assert episode_due_dates_follow(None, episode=walk.review) == 0


def test_a_council_that_decides_not_to_cease_ends_the_review_with_the_plan_kept(cast, plan):
    """Having consulted, the council decides not to cease: the decision step ends the review
    (no cease to confirm); the plan stays in force and the review counts as maintained."""
    from ehcp.reviews.forms import NOT_CEASING
    from workflows.steps import step_for

    walk = ReviewWalk(cast, plan, when=CALENDAR)
    walk.to_report(recommendation="CEASE")
    walk.decide(ReviewDecision.CEASE, reasons="Needs met at SEN support", cease_reason="2")
    on = date(2028, 3, 31)
    walk.complete(
        "consult_on_cease",
        lambda r: cease_services.cease_consultation_record(
            review=r, replied_on=on, reply="The school disagrees", by=cast.caseworker, today=on
        ),
    )
    task = walk.task("send_cease_notice")
    on = date(2028, 4, 3)
    data = {
        "outcome": NOT_CEASING,
        "issued_on": on,
        "withdrawn_reasons": "The school's evidence shows the support is still needed",
        "letter_sent": emailed(on),
    }
    walk.complete(
        "send_cease_notice",
        lambda r: step_for(task).perform(r, task, data, cast.caseworker, on),
    )
    review = walk.refresh()
    assert review.status == ReviewStatus.COMPLETE
    assert review.decision == ReviewDecision.MAINTAIN and review.cease_withdrawn_on == on
    plan.refresh_from_db()
    assert plan.status == EhcPlanStatus.IN_FORCE
    assert the_end(walk) == "not_ceased"
    assert DocumentRender.objects.filter(
        review=review, kind=DocumentKind.REVIEW_DECISION_LETTER
    ).exists()
