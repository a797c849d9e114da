"""Ceasing a plan without a review, in a real browser, only by clicking and typing (issue 10).

Two families tell the council they have moved outside England. For each, the caseworker finds the
child from the reviews pipeline, uses "Cease ... plan without a review" on the child's page (the
letter telling the family that ceasing is considered, e-mailed the same day: SEND Regulations
2014, reg 31(1)) and lands on the review's page, where she records the replies to the
consultation. For the first child the replies show the family has not moved after all: she
decides not to cease, and the plan stays in force as it is. For the second she decides to cease,
the notice e-mailed that day (reg 31(2)-(3)); the day after the 2 months to appeal end, nobody
having appealed, she records that the plan has ceased (CFA 2014 s.45), and the child's page says
so. axe-core checks every page the browser lands on (tests/e2e/axe.py).

Only the starting state is made with the services: two plans issued by real assessments. Each
day of the journey runs under time_machine (ticking), in its own browser context (a session
ends when idle, so the caseworker signs in again on the later day).
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ehcp.assessments.services.assessment import ChildDetails, ParentDetails
from ehcp.plans.models import DocumentKind, DocumentRender, EhcPlan, EhcPlanStatus
from ehcp.reviews.models import Review, ReviewKind, ReviewStatus
from ehcp.reviews.rules.cease import Reason
from tests.factories import DATE_OF_BIRTH, CaseWalk

from .conftest import axe_context
from .test_review_amendment import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
TODAY = date(2028, 3, 20)
APPEAL_WINDOW_ENDS = date(2028, 5, 20)  # 2 months from the notice, e-mailed on TODAY
CEASES_ON = date(2028, 5, 21)  # the day after the time to appeal ends
MOVED = "The family wrote on 15 March that they have moved to Cardiff, in Wales."
STAYED_REPLY = "The family have not moved after all; the school confirms Ottoline still attends."
STAYED_REASONS = "The family still live in the county and Ottoline still attends the school."
CEASED_REPLY = "The family confirm the move to Cardiff; the school says Peregrine has left."


def at(day: date):
    return time_machine.travel(datetime.combine(day, time(9, 30), tzinfo=LONDON), tick=True)


def plan_in_force(cast, first_name: str) -> EhcPlan:
    """The final plan issued by a real assessment (naming the cast's school)."""
    walk = CaseWalk(cast)
    walk.receive(
        child_details=ChildDetails(
            first_name=first_name,
            last_name="Quillfeather",
            date_of_birth=DATE_OF_BIRTH,
            current_setting=cast.school,
        ),
        parents=[ParentDetails(name="Morwenna Quillfeather", relationship="mother")],
    )
    for step in (
        walk.consent,
        walk.decide_to_assess,
        walk.gather_advice,
        walk.decide_to_issue,
        walk.issue_draft,
        walk.record_comments,
        walk.reply_to_consultation,
        walk.issue_final,
    ):
        step()
    return EhcPlan.objects.get(child=walk.case.child)


class Caseworker(Person):
    def child_from_the_pipeline(self, plan, stage=None):
        """Reviews (the navigation), the stage the plan is at, the child's link in its row."""
        self.link("Reviews", exact=True, within=self.page.get_by_role("navigation", name="Menu"))
        if stage:
            self.link(stage, exact=True)
        self.link(plan.child.full_name, exact=True)
        assert self.heading() == plan.child.full_name

    def cease_without_review(self, plan):
        first = plan.child.first_name
        self.link(f"Cease {first}'s plan without a review")
        assert self.heading() == "Cease the plan without a review"
        self.choose("Moved outside England", exact=True)
        self.fill("Reasons", MOVED, exact=True)
        self.date("Date of the decision", TODAY)
        self.choose("By e-mail")
        self.button("Cease the plan", exact=True)
        # The review's page: the family told, the replies next.
        assert self.heading() == plan.child.full_name
        self.see(f"{first}'s family has been told that ceasing the plan is being considered")
        self.see("Moved outside England")
        assert "Decide whether to cease the plan" not in self.main()

    def record_replies(self, reply):
        self.link("Record the replies to the consultation")
        assert self.heading() == "Record the replies to the consultation"
        self.date("Date of the replies", TODAY)
        self.fill("What the family and the school or college said", reply)
        self.button("Record the replies")
        self.see("The replies to the consultation are recorded")
        self.see(reply)


def test_a_cease_without_review_decided_against_and_one_carried_out(live_server, chromium, cast):
    pages = []
    with at(TODAY):
        stays = plan_in_force(cast, "Ottoline")
        goes = plan_in_force(cast, "Peregrine")
        context = axe_context(chromium)
        me = Caseworker(context, live_server.url)
        try:
            me.sign_in(cast.caseworker)

            # -- Ottoline: told, consulted, and the council decides not to cease ---------------
            me.child_from_the_pipeline(stays)
            me.cease_without_review(stays)
            me.record_replies(STAYED_REPLY)
            me.link("Decide whether to cease the plan")
            assert me.heading() == "Decide whether to cease the plan"
            me.choose("Not to cease the plan: it stays in force")
            me.date("Date of the decision, and of the notice or the letter", TODAY)
            me.button("Record the decision")  # no reasons: refused, nothing recorded
            assert me.page.title().startswith("Error:")
            me.see("Enter why the plan will not cease")
            me.choose("Not to cease the plan: it stays in force")
            me.date("Date of the decision, and of the notice or the letter", TODAY)
            me.fill("Why the plan will not cease", STAYED_REASONS)
            me.choose("By e-mail")
            me.button("Record the decision")
            me.see("The decision is recorded")
            me.see("Kept in force as it is: the council decided not to cease it")
            me.see(STAYED_REASONS)
            assert me.page.locator("#cease-actions").count() == 0
            me.link(f"{stays.child.first_name}'s EHC plan and every episode")
            assert me.page.locator("#ehc-plan").get_by_text("In force").count() >= 1
            assert me.page.locator("#plan-ceased").count() == 0

            # -- Peregrine: told, consulted, and the notice to cease ---------------------------
            me.child_from_the_pipeline(goes)
            me.cease_without_review(goes)
            me.record_replies(CEASED_REPLY)
            me.link("Decide whether to cease the plan")
            me.choose("To cease the plan: send the notice")
            me.date("Date of the decision, and of the notice or the letter", TODAY)
            me.choose("By e-mail")
            me.button("Record the decision")
            me.see("The decision is recorded")
            me.see(f"Issued {TODAY:%-d %B %Y}, sent {TODAY:%-d %B %Y}")
            facts = me.page.locator("#cease-facts").inner_text()
            assert "Time to appeal ends" in facts and f"{APPEAL_WINDOW_ENDS:%-d %B %Y}" in facts
            me.see(f"it ceases on {CEASES_ON:%-d %B %Y} if nobody appeals")
            me.see("Record an appeal to the SEND Tribunal")
            assert "Cease the plan: nobody appealed" not in me.main()  # the time is still open
            me.axe.assert_all_checked()
            me.sign_out()
        finally:
            pages += me.axe.pages
            context.close()

    # -- the day after the time to appeal ends: nobody appealed ------------------------------------
    reference = Review.objects.get(ehc_plan=goes).reference
    with at(CEASES_ON):
        context = axe_context(chromium)
        me = Caseworker(context, live_server.url)
        try:
            me.sign_in(cast.caseworker)
            me.child_from_the_pipeline(goes, stage="Ceasing")
            me.see("The appeal window ends")
            me.link(reference, exact=True, within=me.page.locator("#ehc-plan"))
            me.link("Cease the plan: nobody appealed")
            assert me.heading() == "Cease the plan: nobody appealed"
            me.date("Date the plan ceased", CEASES_ON)
            me.button("Cease the plan", exact=True)
            me.see("The plan has ceased")
            me.see(f"Ceased on {CEASES_ON:%-d %B %Y}")
            me.link(f"{goes.child.first_name}'s EHC plan and every episode")
            ceased = me.page.locator("#plan-ceased").inner_text()
            assert f"has ceased ({CEASES_ON:%-d %B %Y}): moved outside england" in ceased
            assert "There is no plan in force" in ceased
            me.axe.assert_all_checked()
        finally:
            pages += me.axe.pages
            context.close()

    # -- what the pages did, as the services recorded it ------------------------------------------
    stays.refresh_from_db()
    goes.refresh_from_db()
    kept = Review.objects.get(ehc_plan=stays)
    assert kept.kind == ReviewKind.CEASE_ONLY and kept.status == ReviewStatus.COMPLETE
    assert kept.cease_reason == Reason.MOVED_OUT
    assert kept.cease_withdrawn_on == TODAY and kept.cease_withdrawn_reasons == STAYED_REASONS
    assert stays.status == EhcPlanStatus.IN_FORCE and stays.ceased_on is None
    assert DocumentRender.objects.filter(
        review=kept, kind=DocumentKind.CEASE_WITHDRAWN_LETTER
    ).exists()
    ended = Review.objects.get(ehc_plan=goes)
    assert ended.kind == ReviewKind.CEASE_ONLY and ended.status == ReviewStatus.COMPLETE
    assert ended.cease_notice_on == TODAY and ended.appeal_window_ends_on == APPEAL_WINDOW_ENDS
    assert goes.status == EhcPlanStatus.CEASED and goes.ceased_on == CEASES_ON
    print(f"axe-core checked {len(pages)} pages ({len(set(pages))} addresses)")
