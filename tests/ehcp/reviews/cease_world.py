"""A child's plan in force (issued by a real assessment, naming the cast's school) and a review
of it that reported recommending to cease: the starting points of the cease tests.

The child was born on 1 September 2011: 15 when the request comes (March 2027), 18 on
1 September 2029 and 25 on 1 September 2036, so one walk serves the under-18 and the adult rules.
"""

from __future__ import annotations

from datetime import date, timedelta

from ehcp.assessments.services.assessment import ChildDetails, ParentDetails
from ehcp.plans.models import EhcPlan
from ehcp.plans.rules.letters import LetterSent, SendingMethod
from ehcp.reviews.models import ArrangedUnder, Recommendation, Review, ReviewKind, ReviewStatus
from tests import factories

DATE_OF_BIRTH = date(2011, 9, 1)
#: The review meeting and report: the young person is 16.
MEETING_ON = date(2028, 6, 5)
REPORTED_ON = date(2028, 6, 12)
DECIDED_ON = date(2028, 6, 20)
#: The same for a review held when the young person is 18.
ADULT_MEETING_ON = date(2030, 3, 4)


def plan_in_force(cast, *, date_of_birth: date = DATE_OF_BIRTH, protected: bool = False) -> EhcPlan:
    """The final plan issued by a real assessment (naming the cast's school)."""
    walk = factories.CaseWalk(cast)
    walk.receive(
        child_details=ChildDetails(
            first_name="Zephyrine",
            last_name="Quillfeather",
            date_of_birth=date_of_birth,
            protected_whereabouts=protected,
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


def review_reported(
    cast, plan: EhcPlan, *, meeting_on: date = MEETING_ON, reported_on: date | None = None
) -> Review:
    """An annual review of `plan` whose report (recommending to cease) is in: waiting for the
    council's decision. Built in its state (the flow's steps are the flow's tests)."""
    reported_on = reported_on or meeting_on + timedelta(days=7)
    review = Review(
        ehc_plan=plan,
        child=plan.child,
        council=plan.council,
        caseworker=cast.caseworker,
        kind=ReviewKind.ANNUAL,
        status=ReviewStatus.REPORTED,
        started_on=meeting_on - timedelta(days=42),
        started_by=cast.caseworker,
        period_starts_on=plan.first_issued_on,
        arranged_under=ArrangedUnder.SETTING,
        arranged_by=cast.school,
        meeting_on=meeting_on,
        meeting_arranged_on=meeting_on - timedelta(days=40),
        invitations_sent_on=meeting_on - timedelta(days=30),
        advice_circulated_on=meeting_on - timedelta(days=20),
        meeting_held_on=meeting_on,
        attendance="Parent, SENCo, SEN officer",
        family_views="Happy with progress",
        report_received_on=reported_on,
        recommendation=Recommendation.CEASE,
        report_summary="Outcomes met; needs met at SEN support",
    )
    review.set_statutory_dates()
    review.save()
    return review


def emailed(on: date) -> LetterSent:
    return LetterSent(on, SendingMethod.EMAIL)


def posted(on: date) -> LetterSent:
    return LetterSent(on, SendingMethod.POST)
