"""The date an open assessment next breaches: what the caseload's "overdue" filter reads.

Pure rules over plain values: no ORM, no clock. The case stores the result
(`Assessment.breaches_on`, refreshed by the services whenever a fact below changes), so that
"overdue" is one indexed comparison (`breaches_on < today`) instead of a search of every advice
request the case ever had.

The date is the earliest statutory date the open case is working towards or owes:

* the current step's own date: the decision whether to assess while the request is waiting for
  it (reg 4/5), the decision whether to issue a plan while assessing (reg 10), the final plan
  after that (reg 13(2));
* the reg 8(1) date of any advice still owed: asked for, not received, not cancelled
  (ADVICE-CANCEL) and not decided without (ADVICE-PROCEED).

A closed case owes nothing: no date. An exception to a time limit does not move the date (the
statutory date stays fixed; the exception is the reason it was missed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

__all__ = ["AdviceOwedFact", "breaches_on", "current_due_on", "is_owed"]

#: The statuses of an open case, as stored (`AssessmentStatus` values).
REQUESTED = "REQUESTED"
ASSESSING = "ASSESSING"
OPEN = frozenset({REQUESTED, ASSESSING, "DRAFTING", "DRAFT_ISSUED", "CONSULTING"})


@dataclass(frozen=True)
class AdviceOwedFact:
    """One advice request, as the breach date needs it."""

    due_on: date
    received_on: date | None = None
    cancelled: bool = False
    proceeded_without_on: date | None = None


def is_owed(advice: AdviceOwedFact) -> bool:
    """Asked for and still owed: not received, not cancelled and not decided without."""
    return (
        advice.received_on is None and not advice.cancelled and advice.proceeded_without_on is None
    )


def current_due_on(
    status: str,
    *,
    decision_to_assess_due_on: date,
    decision_not_to_issue_due_on: date,
    final_plan_due_on: date,
) -> date | None:
    """The statutory date of the step the case is at; None once it is closed."""
    if status == REQUESTED:
        return decision_to_assess_due_on
    if status == ASSESSING:
        return decision_not_to_issue_due_on
    if status in OPEN:
        return final_plan_due_on
    return None


def breaches_on(
    status: str,
    *,
    decision_to_assess_due_on: date,
    decision_not_to_issue_due_on: date,
    final_plan_due_on: date,
    advice: Iterable[AdviceOwedFact],
) -> date | None:
    """The earliest date the open case is working towards or owes (its step's date, or the date
    of advice still owed); None when it is closed. The case is overdue once the day has passed."""
    step = current_due_on(
        status,
        decision_to_assess_due_on=decision_to_assess_due_on,
        decision_not_to_issue_due_on=decision_not_to_issue_due_on,
        final_plan_due_on=final_plan_due_on,
    )
    if step is None:
        return None
    return min([step, *(item.due_on for item in advice if is_owed(item))])
