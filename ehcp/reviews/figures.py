"""The DfE annual review figures of a council for a calendar year, from live data (read side).

Two queries whatever the number of plans: the reviews due in the year, and the live plans whose
review was due in the year and never started. The counting is the pure
`ehcp.reviews.rules.figures.annual_review_figures`.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef

from ehcp.common.replica import reporting_reads
from ehcp.plans.models import EhcPlan
from ehcp.reviews.models import Review, ReviewKind, ReviewStatus
from ehcp.reviews.rules.figures import ReviewFact, ReviewFigures, annual_review_figures

#: The reviews the DfE counts: the annual review, and an early review held instead of it. An
#: interim review (a child under 5 between reviews) and a cease without a review are not.
COUNTED_KINDS = (ReviewKind.ANNUAL, ReviewKind.EARLY)
#: The first year the figures can be asked for (the SEND Regulations 2014 came into force).
FIRST_YEAR = 2014


def _counted_reviews():
    return Review.objects.filter(kind__in=COUNTED_KINDS).exclude(status=ReviewStatus.CANCELLED)


def review_facts(council_ids, year: int) -> list[ReviewFact]:
    """One fact per review of the councils due in ``year``: the reviews started (not cancelled),
    and the live plans whose review was due in the year with none started."""
    span = (date(year, 1, 1), date(year, 12, 31))
    facts = [
        ReviewFact(due_on=due, decided_on=decided, decision=decision, meeting_held_on=held)
        for due, decided, decision, held in _counted_reviews()
        .filter(council_id__in=council_ids, review_due_on__range=span)
        .values_list("review_due_on", "decided_on", "decision", "meeting_held_on")
        .order_by()
    ]
    started = _counted_reviews().filter(
        ehc_plan=OuterRef("pk"), review_due_on=OuterRef("next_review_due_on")
    )
    open_review = Review.objects.open().filter(ehc_plan=OuterRef("pk"))
    never_started = (
        EhcPlan.objects.live()
        .filter(council_id__in=council_ids, next_review_due_on__range=span)
        .exclude(Exists(started))
        .exclude(Exists(open_review))
        .values_list("next_review_due_on", flat=True)
        .order_by()
    )
    facts += [ReviewFact(due_on=due) for due in never_started]
    return facts


@reporting_reads()
def review_figures(council_ids, year: int, *, today: date) -> ReviewFigures:
    """The council's annual review figures for ``year`` (from the read replica, if there is one
    and no transaction is open)."""
    return annual_review_figures(year, review_facts(council_ids, year), today=today)
