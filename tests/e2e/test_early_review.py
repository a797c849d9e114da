"""An early review started from the child's page, in a real browser, only by clicking and typing
(issue 10).

The council can review a plan at any time (SEND Code of Practice, para 9.174): the caseworker
finds the child from the reviews pipeline (the plan's annual review is more than 3 months away),
uses "Start an early or interim review" on the child's page, is asked for the reason she left
out, and starts an early review with it. The review's page says when the meeting is due. The
child attends the cast's school, so the school arranges the meeting (SEND Regulations 2014,
reg 20): its SENCo finds "Arrange the review meeting" in the school's queue and claims it. axe-core
checks every page the browser lands on (tests/e2e/axe.py).

Only the starting state is made with the services: a plan issued by a real assessment. The test
runs on one day (time_machine, ticking).
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from viewflow.workflow.status import STATUS

from ehcp.reviews.models import ArrangedUnder, Review, ReviewKind, ReviewStatus
from workflows.models import CaseTask

from .conftest import axe_context
from .test_cease_without_review import plan_in_force
from .test_review_amendment import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
# The plan was issued in May 2027: its annual review is due in May 2028, more than 3 months away.
TODAY = date(2027, 10, 5)
REASON = "Leopold has had two fixed-term exclusions this term: his needs have changed."


def test_an_early_review_started_from_the_childs_page_goes_to_the_schools_queue(
    live_server, chromium, cast
):
    with time_machine.travel(datetime.combine(TODAY, time(9, 30), tzinfo=LONDON), tick=True):
        plan = plan_in_force(cast, "Leopold")
        child = plan.child
        context = axe_context(chromium)
        me = Person(context, live_server.url)
        pages_checked = me.axe.pages
        try:
            # -- the caseworker finds Leopold and starts an early review ---------------------
            me.sign_in(cast.caseworker)
            me.link("Reviews", exact=True, within=me.page.get_by_role("navigation", name="Menu"))
            me.link("Next review more than 3 months away", exact=True)
            me.link(child.full_name, exact=True)
            assert me.heading() == child.full_name
            me.link(f"Start an early or interim review of {child.first_name}'s plan")
            assert (
                me.heading() == f"Start an early or interim review of {child.first_name}'s EHC plan"
            )
            me.choose("Early review", exact=True)
            me.button("Start the review")  # no reason: refused, nothing started
            assert me.page.title().startswith("Error:")
            me.see("Enter why the council is reviewing the plan now")
            assert not Review.objects.filter(ehc_plan=plan).exists()
            me.choose("Early review", exact=True)
            me.fill("Why is the council reviewing the plan now?", REASON)
            me.button("Start the review")
            assert me.heading() == child.full_name
            me.see("early review started. The meeting is to be held by")
            me.see(REASON)
            # The child's page: the review in progress, and no second one to start.
            me.link(f"{child.first_name}'s EHC plan and every episode")
            me.see("Review in progress")
            assert "Start an early or interim review" not in me.main()
            me.sign_out()

            # -- the school's SENCo arranges the meeting (reg 20) -----------------------------
            me.sign_in(cast.senco)
            me.open_task("Arrange the review meeting")
            me.axe.assert_all_checked()
        finally:
            context.close()

    review = Review.objects.get(ehc_plan=plan)
    assert review.kind == ReviewKind.EARLY and review.status == ReviewStatus.DUE
    assert review.reason == REASON
    assert review.started_on == TODAY and review.started_by == cast.caseworker
    assert review.arranged_under == ArrangedUnder.SETTING and review.arranged_by == cast.school
    (task,) = CaseTask.objects.human().filter(review=review)
    assert task.flow_task.name == "arrange_meeting" and task.agency == cast.school
    assert task.owner == cast.senco and task.status == STATUS.ASSIGNED
    print(f"axe-core checked {len(pages_checked)} pages ({len(set(pages_checked))} addresses)")
