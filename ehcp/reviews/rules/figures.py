"""The DfE's annual review figures for a calendar year, from the facts of each review due in it.

Pure: the caller passes one `ReviewFact` per review that was due in the year (a plan whose review
was due and never started is a fact with nothing done), and ``today``.

The measures (the DfE's annual review statistics in "Education, health and care plans", from
SEN2 module 5a: review meeting, review decision and its date):

- **Expected**: reviews due in the year, by the date the review had to be complete
  (12 months from the plan's issue or the last review decision; 6 for a child under 5).
- **Completed**: of those, the ones whose decision (keep, amend or cease) was made by
  31 December of the year; **not completed**: the rest, split into those past their due date
  and (for the current year) those not due yet.
- **Outcome** of the completed ones: maintained (kept as it is, or a decision not to amend),
  amended, ceased.
- **Timeliness** of the completed ones: the decision within 4 weeks of the meeting (reg 20;
  `REVIEW-DECISION-4W`) or later; a decision with no meeting recorded is counted apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ehcp.assessments.rules import deadlines

#: Review decisions (`ehcp.reviews.models.ReviewDecision` values) by outcome.
MAINTAINED = frozenset({"MAINTAIN", "NOT_AMEND"})
AMENDED = frozenset({"AMEND"})
CEASED = frozenset({"CEASE"})


@dataclass(frozen=True)
class ReviewFact:
    """One review due in the year: when it was due, and what was done."""

    due_on: date
    decided_on: date | None = None
    decision: str = ""
    meeting_held_on: date | None = None


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class ReviewFigures:
    year: int
    expected: int
    completed: int
    not_completed_past_due: int
    not_completed_not_yet_due: int
    maintained: int
    amended: int
    ceased: int
    decided_within_4_weeks: int
    decided_later: int
    decided_without_meeting: int

    @property
    def not_completed(self) -> int:
        return self.not_completed_past_due + self.not_completed_not_yet_due

    @property
    def completed_percent(self) -> float | None:
        """Completed as a percentage of those expected (None when none were)."""
        return _percent(self.completed, self.expected)

    @property
    def not_completed_percent(self) -> float | None:
        return _percent(self.not_completed, self.expected)

    @property
    def within_4_weeks_percent(self) -> float | None:
        """Decisions within 4 weeks of the meeting, as a percentage of the completed reviews
        whose meeting is recorded."""
        return _percent(
            self.decided_within_4_weeks, self.decided_within_4_weeks + self.decided_later
        )

    def outcome_percent(self, count: int) -> float | None:
        return _percent(count, self.completed)


def annual_review_figures(year: int, facts: Iterable[ReviewFact], *, today: date) -> ReviewFigures:
    """The figures for ``year`` from the reviews due in it (facts due outside it are ignored)."""
    year_ends = date(year, 12, 31)
    counts = dict.fromkeys(
        (
            "expected",
            "completed",
            "past_due",
            "not_yet_due",
            "maintained",
            "amended",
            "ceased",
            "within",
            "later",
            "no_meeting",
        ),
        0,
    )
    for fact in facts:
        if fact.due_on.year != year:
            continue
        counts["expected"] += 1
        if fact.decided_on is None or fact.decided_on > year_ends:
            counts["past_due" if fact.due_on < today else "not_yet_due"] += 1
            continue
        counts["completed"] += 1
        if fact.decision in MAINTAINED:
            counts["maintained"] += 1
        elif fact.decision in AMENDED:
            counts["amended"] += 1
        elif fact.decision in CEASED:
            counts["ceased"] += 1
        if fact.meeting_held_on is None:
            counts["no_meeting"] += 1
        elif fact.decided_on <= deadlines.due_on(deadlines.REVIEW_DECISION, fact.meeting_held_on):
            counts["within"] += 1
        else:
            counts["later"] += 1
    return ReviewFigures(
        year=year,
        expected=counts["expected"],
        completed=counts["completed"],
        not_completed_past_due=counts["past_due"],
        not_completed_not_yet_due=counts["not_yet_due"],
        maintained=counts["maintained"],
        amended=counts["amended"],
        ceased=counts["ceased"],
        decided_within_4_weeks=counts["within"],
        decided_later=counts["later"],
        decided_without_meeting=counts["no_meeting"],
    )
