"""Walk the review flow with the real services: the school's SENCo arranges the meeting, invites,
circulates the advice, holds the meeting and sends the report (reg 20); a child in no school has
the council do it (reg 21); the council decides. After every step the open tasks are the ones the
review's status calls for, each in the right queue with its due date and rule, and the process
ends when the review is complete."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from viewflow.workflow.status import PROCESS, STATUS

from ehcp.common.services import CaseRuleError
from ehcp.plans.models import DocumentKind, DocumentRender
from ehcp.reviews.models import ReviewDecision, ReviewStatus
from ehcp.reviews.services import review as review_services
from notifications.models import Notification
from tests.factories import ReviewWalk, db_state, plan_for_review
from workflows import services as wf
from workflows.models import CaseTask
from workflows.timers import fire_due_timers

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")

#: The human step open while the review has each status.
OPEN_STEP = {
    ReviewStatus.DUE: "arrange_meeting",
    ReviewStatus.ARRANGED: "send_invitations",
    ReviewStatus.INVITED: "circulate_advice",
    ReviewStatus.ADVICE_CIRCULATED: "hold_meeting",
    ReviewStatus.MEETING_HELD: "write_report",
    ReviewStatus.REPORTED: "decide",
}


def assert_flow_agrees_with_review(walk: ReviewWalk) -> None:
    review = walk.refresh()
    process = review.processes.get()
    open_steps = [t.flow_task.name for t in walk.open_tasks()]
    if review.is_open:
        assert process.status == PROCESS.NEW
        assert open_steps == [OPEN_STEP[review.status]], (review.status, open_steps)
    else:
        assert process.status == PROCESS.DONE and process.finished is not None
        assert not open_steps
        assert (
            not CaseTask.objects.filter(process=process)
            .exclude(status__in=[STATUS.DONE, STATUS.CANCELED])
            .exists()
        )


def routing(walk: ReviewWalk, name: str) -> tuple:
    task = walk.task(name)
    return task.agency, task.owner, task.due_on, task.rule_code


def test_the_schools_senco_runs_the_meeting_and_the_council_keeps_the_plan(cast):
    """A school arranging the meeting as its SENCo (reg 20): each step waits in the school's
    queue until the SENCo claims it; the decision is the caseworker's."""
    walk = ReviewWalk(cast, plan_for_review(cast))
    walk.start()
    assert_flow_agrees_with_review(walk)
    # Arranged in time for the invitations to go 2 weeks before the latest meeting date.
    assert routing(walk, "arrange_meeting") == (
        cast.school,
        None,
        date(2028, 6, 6),
        "REVIEW-MEETING",
    )
    walk.arrange()
    assert_flow_agrees_with_review(walk)
    assert routing(walk, "send_invitations") == (
        cast.school,
        None,
        date(2028, 5, 29),
        "REVIEW-INVITES-2W",
    )
    walk.invite()
    assert routing(walk, "circulate_advice")[2:] == (date(2028, 5, 29), "REVIEW-INVITES-2W")
    walk.circulate()
    assert routing(walk, "hold_meeting") == (cast.school, None, date(2028, 6, 12), "REVIEW-MEETING")
    walk.hold()
    assert routing(walk, "write_report") == (
        cast.school,
        None,
        date(2028, 6, 26),
        "REVIEW-REPORT-2W",
    )
    walk.report()
    assert_flow_agrees_with_review(walk)
    assert routing(walk, "decide") == (
        cast.council,
        cast.caseworker,
        date(2028, 7, 10),
        "REVIEW-DECISION-4W",
    )
    done = CaseTask.objects.human().filter(review=walk.review, agency=cast.school)
    assert {t.owner for t in done} == {cast.senco} and done.count() == 5

    review = walk.decide(ReviewDecision.MAINTAIN, reasons="Outcomes on track")
    assert review.status == ReviewStatus.COMPLETE
    assert_flow_agrees_with_review(walk)
    end = CaseTask.objects.filter(review=review, flow_task_type="END", status=STATUS.DONE).get()
    assert end.flow_task.name == "kept"
    walk.plan.refresh_from_db()
    assert walk.plan.last_reviewed_on == date(2028, 7, 3)
    assert walk.plan.next_review_due_on == date(2029, 7, 2)
    letter = DocumentRender.objects.get(review=review)
    assert letter.kind == DocumentKind.REVIEW_DECISION_LETTER


def test_a_decision_not_to_amend_completes_the_review_with_its_letter(cast):
    walk = ReviewWalk(cast, plan_for_review(cast))
    walk.to_report(recommendation="AMEND")
    review = walk.decide(
        ReviewDecision.NOT_AMEND, reasons="The provision in section F already covers it"
    )
    assert review.status == ReviewStatus.COMPLETE and review.decision == ReviewDecision.NOT_AMEND
    assert_flow_agrees_with_review(walk)
    letter = DocumentRender.objects.get(review=review)
    assert letter.content["review_decision"] == "NOT_AMEND"
    assert "not to amend" in letter.content["appeal_decision"]
    assert letter.content["appeal_by"] == "2028-09-03"


def test_a_child_in_no_school_has_every_step_with_the_caseworker(cast):
    """Reg 21: the council arranges the meeting and writes the report."""
    walk = ReviewWalk(cast, plan_for_review(cast, at_school=False))
    walk.start()
    assert routing(walk, "arrange_meeting")[:2] == (cast.council, cast.caseworker)
    walk.arrange()
    walk.invite()
    walk.circulate()
    walk.hold()
    assert routing(walk, "write_report")[:2] == (cast.council, cast.caseworker)
    walk.report()
    walk.decide()
    assert_flow_agrees_with_review(walk)
    assert not CaseTask.objects.human().filter(review=walk.review).exclude(agency=cast.council)


def test_a_refused_step_changes_neither_the_review_nor_the_flow(cast):
    walk = ReviewWalk(cast, plan_for_review(cast))
    walk.start()
    walk.arrange()
    task = walk.task("send_invitations")
    wf.task_claim(task=task, user=cast.senco)
    before = db_state()
    late = date(2028, 6, 1)  # less than 2 weeks before the meeting on 12 June, with no reason
    with pytest.raises(CaseRuleError, match="less than 2 weeks' notice"):
        wf.task_complete(
            task=task,
            user=cast.senco,
            perform=lambda review: review_services.review_invitations_send(
                review=review, sent_on=late, by=cast.senco, today=late
            ),
        )
    assert db_state() == before


def test_only_the_queue_of_the_step_completes_it(cast):
    walk = ReviewWalk(cast, plan_for_review(cast))
    walk.start()
    task = walk.task("arrange_meeting")
    for person in (cast.health_adviser, cast.outsider, cast.caseworker):
        with pytest.raises(wf.TaskConflict):
            wf.task_claim(task=task, user=person)


def test_a_late_step_is_chased_the_morning_after(cast):
    walk = ReviewWalk(cast, plan_for_review(cast))
    walk.start()
    task = walk.task("arrange_meeting")  # due 6 June 2028
    assert fire_due_timers(datetime.combine(date(2028, 6, 6), time(9), tzinfo=LONDON)) == 0
    assert fire_due_timers(datetime.combine(date(2028, 6, 7), time(9), tzinfo=LONDON)) == 1
    task.refresh_from_db()
    assert task.last_chased_on == date(2028, 6, 7) and task.is_open
    chaser = Notification.objects.get(kind="TASK_OVERDUE")
    assert chaser.agency == cast.school


def test_a_second_review_is_refused_and_starts_no_flow(cast):
    walk = ReviewWalk(cast, plan_for_review(cast))
    walk.start()
    before = db_state()
    with pytest.raises(CaseRuleError, match="already has a review in progress"):
        wf.review_start(
            ehc_plan=walk.plan,
            kind="EARLY",
            reason="Change",
            by=cast.caseworker,
            today=date(2028, 4, 4),
        )
    assert db_state() == before
