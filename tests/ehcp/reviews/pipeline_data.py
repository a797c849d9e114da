"""Plans and reviews at any stage, built directly (no flow) for the pipeline and the figures.

A plan gets its caseworker as the flow picks it: from an assessment of the plan. A review is
built at a status with its statutory dates worked out by the model (`set_statutory_dates`); a
protected FSM field still takes its first value on construction.
"""

from datetime import date, timedelta

from ehcp.assessments.rules import deadlines
from ehcp.plans.models import EhcPlan, EhcPlanStatus
from ehcp.reviews.models import ArrangedUnder, Review, ReviewKind, ReviewStatus
from tests import factories


def plan_for(
    council,
    *,
    next_review_due_on: date | None,
    caseworker=None,
    school=None,
    protected: bool = False,
    date_of_birth: date = date(2014, 1, 10),
    first_name: str | None = None,
    status: str = EhcPlanStatus.IN_FORCE,
    first_issued_on: date | None = None,
    last_reviewed_on: date | None = None,
) -> EhcPlan:
    """A live plan (in force unless ``status`` says otherwise) of a new child."""
    child = factories.ChildFactory(
        date_of_birth=date_of_birth,
        current_setting=school,
        protected_whereabouts=protected,
        **({"first_name": first_name} if first_name else {}),
    )
    issued = first_issued_on or (
        next_review_due_on - timedelta(days=364) if next_review_due_on else date(2025, 1, 1)
    )
    plan = EhcPlan.objects.create(
        child=child,
        council=council,
        status=status,
        first_issued_on=issued,
        last_reviewed_on=last_reviewed_on,
        next_review_due_on=next_review_due_on,
    )
    if caseworker is not None:
        factories.CaseFactory(child=child, council=council, caseworker=caseworker, ehc_plan=plan)
    return plan


def review_at(
    plan: EhcPlan,
    status: str,
    *,
    by,
    caseworker=None,
    kind: str = ReviewKind.ANNUAL,
    period_starts_on: date | None = None,
    **facts,
) -> Review:
    """A review of ``plan`` at ``status``, with the facts given (``meeting_on``,
    ``meeting_held_on``, ``decided_on``, ``decision``, ``amendment_notice_on`` ...) and the
    statutory dates that follow from them."""
    start = period_starts_on or plan.last_reviewed_on or plan.first_issued_on
    setting = plan.child.current_setting
    review = Review(
        ehc_plan=plan,
        child=plan.child,
        council=plan.council,
        caseworker=caseworker,
        kind=kind,
        status=status,
        started_on=facts.pop("started_on", start),
        started_by=by,
        period_starts_on=start,
        review_due_on=start,
        latest_meeting_on=start,
        arranged_under=ArrangedUnder.SETTING if setting else ArrangedUnder.COUNCIL,
        arranged_by=setting or plan.council,
        **facts,
    )
    review.set_statutory_dates()
    review.save()
    return review


def meeting_on_for(plan: EhcPlan) -> date:
    """The latest date for the meeting of the plan's next review."""
    due = deadlines.review_deadlines(plan.last_reviewed_on or plan.first_issued_on)
    return due["latest_meeting"].due_on


OPEN_STATUSES_WITH_FACTS = {
    ReviewStatus.DUE: {},
    ReviewStatus.ARRANGED: {"meeting": True},
    ReviewStatus.INVITED: {"meeting": True, "invited": True},
    ReviewStatus.ADVICE_CIRCULATED: {"meeting": True, "invited": True, "advice": True},
    ReviewStatus.MEETING_HELD: {"meeting": True, "invited": True, "advice": True, "held": True},
}
