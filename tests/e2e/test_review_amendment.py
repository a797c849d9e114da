"""A review that amends the plan, in a real browser, only by clicking and typing (issue 10).

The school's SENCo holds the review meeting and sends the report recommending amendments
(SEND Regulations 2014, reg 20); the council's caseworker prepares the proposed amendments in
the review's working copy of the plan, decides to amend with the amendment notice (reg 22(2);
R (L, M and P) v Devon CC [2022]), records the family's comments (they say in writing that they
have nothing more to add, so the final plan may come before the 15 days end) and issues the final
amended plan (reg 22(3)). The child's page lists every version of the plan: the assessment's
draft (1) and final plan (2), the review's proposed amended plan (3) and its final amended plan
(4), in force; comparing 2 with 4 on the review's plan pages shows the amended outcome. axe-core
checks every page the browser lands on (tests/e2e/axe.py).

Only the starting state is made with the services: a plan issued by a real assessment (its
draft is version 1, its final plan version 2) for a child at the cast's school, and an annual
review of it, arranged by the school, its invitations sent and its advice circulated, waiting
for the meeting. The whole test runs on the meeting day (time_machine, ticking), so the dates
the pages check ("today or in the past") agree with the setup's fixed calendar.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from viewflow.workflow.status import PROCESS, STATUS

from ehcp.assessments.models import AssessmentStatus
from ehcp.assessments.services.assessment import ChildDetails
from ehcp.plans.models import DocumentKind, PlanDocument
from ehcp.reviews.models import Recommendation, Review, ReviewDecision, ReviewStatus
from tests.ehcp.reviews.amending import plan_made_by_assessment
from tests.factories import DATE_OF_BIRTH, CaseWalk, ReviewCalendar, ReviewWalk
from workflows.models import CaseTask

from .conftest import axe_context
from .test_whole_assessment import Browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "not-a-secret"  # tests.factories.UserFactory
LONDON = ZoneInfo("Europe/London")

# The plan in force was issued on 12 May 2027 (the case walk's final plan): its annual review
# meeting is due by spring 2028. The invitations go more than 2 weeks before the meeting, and
# the advice is circulated 2 weeks before it.
WHEN = ReviewCalendar(
    started_on=date(2028, 1, 5),
    arranged_on=date(2028, 1, 10),
    invited_on=date(2028, 2, 1),
    circulated_on=date(2028, 2, 15),
    meeting_on=date(2028, 3, 1),
)
TODAY = WHEN.meeting_on

FAMILY_VIEWS = "Zephyrine enjoys the reading group and wants to read a chapter book by herself."
REPORT = "Good progress in speech; reading is behind. The outcome for reading should be raised."
AMENDED_OUTCOME = "By the end of Year 5, reads a short chapter book aloud to the class."
DECISION_REASONS = "The review report recommends a more ambitious outcome for reading."
COMMENTS = "The family agree with the proposed amendments and ask for no meeting."


class Person(Browser):
    """A browser signed in as one of the cast (tests/conftest.py), with its factory password."""

    def sign_in(self, user):
        self.page.goto(f"{self.base_url}/sign-in/")
        self.axe.check()
        self.page.get_by_label("Username").fill(user.username)
        self.page.get_by_label("Password", exact=True).fill(PASSWORD)
        self.button("Sign in")
        self.see(f"Hello, {user.first_name} {user.last_name}")


class SchoolChildWalk(CaseWalk):
    """The case walk, for a child who attends the cast's school."""

    def receive(self, **overrides):
        child = ChildDetails(
            first_name="Zephyrine",
            last_name="Quillfeather",
            date_of_birth=DATE_OF_BIRTH,
            current_setting=self.cast.school,
        )
        return super().receive(child_details=child, **overrides)


def review_waiting_for_its_meeting(cast) -> Review:
    """A plan made by an assessment for a child at the cast's school, and its annual review,
    arranged by the school (reg 20), up to "hold the meeting"."""
    case = plan_made_by_assessment(SchoolChildWalk(cast), cast)
    assert case.status == AssessmentStatus.FINAL_ISSUED
    review_walk = ReviewWalk(cast, case.ehc_plan, when=WHEN)
    review_walk.start()
    review_walk.arrange()
    review_walk.invite()
    review = review_walk.circulate()
    assert review.status == ReviewStatus.ADVICE_CIRCULATED
    assert review.arranged_by == cast.school
    return review


def test_the_school_reports_and_the_council_amends_the_plan_by_clicking_and_typing(
    live_server, chromium, cast
):
    with time_machine.travel(datetime.combine(TODAY, time(9, 30), tzinfo=LONDON), tick=True):
        review = review_waiting_for_its_meeting(cast)
        invitees = [i.label(whereabouts=False) for i in review.invitees.order_by("pk")]

        context = axe_context(chromium)
        me = Person(context, live_server.url)
        pages_checked = me.axe.pages
        try:
            # -- the school's SENCo holds the meeting and sends the report (reg 20) -------------
            me.sign_in(cast.senco)
            me.open_task("Hold the review meeting and record it")
            me.date("Date the meeting was held", TODAY)
            for label in invitees:
                me.tick(label, exact=True)
            me.fill("The views, wishes and feelings of the child and family", FAMILY_VIEWS)
            me.button("Record the meeting")
            me.open_task("Send the review report")
            me.date("Date the report was sent to everyone invited", TODAY)
            me.choose("Amend the plan", exact=True)
            me.fill("Summary of the report", REPORT)
            me.button("Record the report")
            me.sign_out()

            # -- the caseworker prepares the proposed amendments ----------------------------------
            me.sign_in(cast.caseworker)
            me.open_task("Decide whether to keep, amend or cease the plan")
            me.see("The report recommends: amend the plan.")
            me.link("The review's page")
            me.link("Prepare the proposed amendments")
            me.button("Start from the plan in force")
            me.see("Nothing has changed yet")
            me.link("Change outcome E1", exact=True)
            me.fill("Outcome", AMENDED_OUTCOME, exact=True)
            me.button("Save")
            me.see("1 change proposed")
            me.link("Compare")
            me.see(AMENDED_OUTCOME)

            # -- the decision to amend, with the amendment notice e-mailed today ---------------
            me.open_task("Decide whether to keep, amend or cease the plan")
            me.choose("Amend the plan", exact=True)
            me.date("Date of the decision", TODAY)
            me.fill("Reasons for the decision", DECISION_REASONS)
            me.choose("By e-mail")
            me.button("Record the decision")

            # -- the family's comments: nothing more to add -----------------------------------
            me.open_task("Record comments on the proposed amendments")
            me.date("Date the comments were received", TODAY)
            me.fill("Summary of the comments on the proposed amendments", COMMENTS)
            me.tick("The parent or young person said in writing that they have nothing more")
            me.button("Record the comments")

            # -- the final amended plan ------------------------------------------------------
            me.open_task("Issue the final amended plan")
            me.date("Date the final amended plan was issued", TODAY)
            me.choose("By e-mail")
            me.button("Record that the amended plan was issued")
            assert me.heading() == "Zephyrine Quillfeather"
            me.see("Issue the final amended plan: done")

            # -- the child's page: every version, the amended plan in force ----------------------
            me.link("Zephyrine's EHC plan and every episode")
            rows = me.page.locator("#plan-versions tbody tr")
            assert rows.count() == 4, me.main()
            newest, in_force_before = rows.nth(0).inner_text(), rows.nth(2).inner_text()
            assert newest.startswith("Version 4") and "Final amended plan" in newest
            assert "In force" in newest and review.reference in newest
            assert in_force_before.startswith("Version 2") and "Final EHC plan" in in_force_before
            assert "In force" not in in_force_before
            assert "Proposed amended plan" in rows.nth(1).inner_text()

            # -- the amended plan (version 4) compared with the version it replaced (version 2) ---
            me.link(review.reference, exact=True)
            me.link("The amended plan: the review's working copy")
            me.link("Compare")
            # References come from sequences: read them, never assume them (other tests ran first).
            case = review.ehc_plan.assessments.order_by("pk").first()
            v2_label = f"Version 2: final EHC plan ({case.reference}) issued 12 May 2027"
            v4_label = (
                f"Version 4: final amended plan ({review.reference}) issued {TODAY:%-d %B %Y}"
            )
            me.page.get_by_label("Left", exact=True).select_option(label=v2_label)
            me.page.get_by_label("Right", exact=True).select_option(label=v4_label)
            me.button("Compare")
            me.see(f"{v2_label} and {v4_label}: 0 added, 1 changed, 0 removed.")
            outcomes = me.page.locator("table[data-section=E] tr[data-changed=yes]")
            assert outcomes.count() == 1
            assert AMENDED_OUTCOME in outcomes.inner_text()
            me.axe.assert_all_checked()
        finally:
            context.close()

    # What the pages did, as the services recorded it.
    review.refresh_from_db()
    assert review.status == ReviewStatus.COMPLETE
    assert (review.meeting_held_on, review.family_views) == (TODAY, FAMILY_VIEWS)
    assert review.invitees.filter(attended=True).count() == len(invitees)
    assert (review.recommendation, review.report_summary) == (Recommendation.AMEND, REPORT)
    assert (review.decision, review.decided_on) == (ReviewDecision.AMEND, TODAY)
    assert review.no_further_comments_on == TODAY and COMMENTS in review.comments_summary
    assert review.amended_plan_issued_on == TODAY
    issued = dict(PlanDocument.objects.filter(review=review).values_list("kind", "version"))
    assert issued[DocumentKind.DRAFT_PLAN] == 3 and issued[DocumentKind.FINAL_PLAN] == 4
    assert DocumentKind.AMENDMENT_NOTICE in issued and DocumentKind.AMENDED_PLAN_LETTER in issued
    plan = review.ehc_plan
    plan.refresh_from_db()
    assert plan.last_reviewed_on == TODAY
    # The school's steps were the SENCo's (reg 20), the decision and after the caseworker's.
    done = CaseTask.objects.human().filter(review=review, status=STATUS.DONE)
    assert {t.flow_task.name for t in done if t.owner == cast.senco} == {
        "arrange_meeting",
        "send_invitations",
        "circulate_advice",
        "hold_meeting",
        "write_report",
    }
    assert {t.flow_task.name for t in done if t.owner == cast.caseworker} == {
        "decide",
        "record_amendment_comments",
        "issue_amended_plan",
    }
    assert review.processes.get().status == PROCESS.DONE
    print(f"axe-core checked {len(pages_checked)} pages ({len(set(pages_checked))} addresses)")
