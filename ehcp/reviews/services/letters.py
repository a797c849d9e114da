"""The review's decision letter (regs 20, 21; s.51(2) CFA 2014), queued by a keep decision
(`review.review_decide`) and by a decision not to cease after consulting (`cease.cease_withdraw`).
Apart from both so that neither imports the other."""

from __future__ import annotations

from datetime import date

from ehcp.plans.models import DocumentKind
from ehcp.plans.rules.letters import LetterSent
from ehcp.plans.services import letter_queue
from ehcp.reviews.models import Review, ReviewDecision

#: What the letter of each keep decision says the family may appeal against (s.51(2) CFA 2014).
APPEAL_DECISIONS = {
    ReviewDecision.MAINTAIN: "our decision after the review to keep the plan as it is",
    ReviewDecision.NOT_AMEND: "our decision after the review not to amend the plan",
}


def review_decision_letter_queue(
    *, review: Review, by, today: date, sent: LetterSent | None = None
):
    """The decision letter of a keep decision, with the right to mediation and to appeal (regs
    20, 21; s.51(2)(d) CFA 2014 for a decision not to amend): frozen now, rendered after the
    commit; with `sent`, its sending recorded too. In the caller's transaction.

    A review that proposed to cease the plan and, having consulted, decided not to
    (`cease.cease_withdraw`) keeps the plan as it is: this letter, dated that day, says so."""
    withdrawn = review.cease_withdrawn_on
    cease_facts = (
        {
            "cease_withdrawn_on": withdrawn.isoformat(),
            "withdrawn_reasons": review.cease_withdrawn_reasons,
            "consulted_on": review.cease_consulted_on.isoformat(),
        }
        if withdrawn
        else {}
    )
    return letter_queue(
        episode=review,
        kind=DocumentKind.REVIEW_DECISION_LETTER,
        issued_on=withdrawn or review.decided_on,
        by=by,
        sent=sent,
        today=today,
        facts={
            **cease_facts,
            "review_decision": review.decision,
            "review_kind": review.get_kind_display(),
            "meeting_on": review.meeting_held_on.isoformat() if review.meeting_held_on else None,
            "decided_on": review.decided_on.isoformat(),
            "recommendation": review.get_recommendation_display(),
            "reasons": review.decision_reasons,
            "next_review_due_on": review.ehc_plan.next_review_due_on.isoformat()
            if review.ehc_plan.next_review_due_on
            else None,
        },
        appeal_decision=APPEAL_DECISIONS[review.decision],
    )
