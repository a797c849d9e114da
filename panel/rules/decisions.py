"""The panel's decision on a funding request: what it must record, review dates, appeal rights.

The caller passes the facts as typed (already parsed into dates and Decimals); nothing here
reads the clock or the database.
"""

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from panel.rules.money import MONEY_LIMIT, PENCE, Funder, share_errors


class Outcome(StrEnum):
    APPROVE = "APPROVE"
    APPROVE_WITH_CHANGES = "APPROVE_WITH_CHANGES"
    DECLINE = "DECLINE"
    DEFER = "DEFER"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    Outcome.APPROVE: "Approve",
    Outcome.APPROVE_WITH_CHANGES: "Approve with changes",
    Outcome.DECLINE: "Decline",
    Outcome.DEFER: "Defer: more information needed",
}

FUNDED_OUTCOMES = frozenset({Outcome.APPROVE, Outcome.APPROVE_WITH_CHANGES})

# Funding is reviewed no later than this many months after it starts.
REVIEW_WITHIN_MONTHS = 12


@dataclass(frozen=True)
class DecisionFacts:
    """What the panel decided about one request, as entered on the decision page."""

    outcome: str
    reasons: str
    agreed_cost: Decimal | None
    shares: Mapping[Funder, Decimal] | None
    starts_on: date | None
    ends_on: date | None
    review_on: date | None
    information_requested: str = ""
    changes: str = ""


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier, when negative), moved back to the last day of
    the month when that month is shorter: 31 January + 1 month = 28 or 29 February,
    29 February 2028 + 12 months = 28 February 2029."""
    year, month_index = divmod(day.month - 1 + months, 12)
    year += day.year
    month = month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_review_on(starts_on: date) -> date:
    """The review date offered by default: the same day 12 months after the funding starts
    (the month's last day when that day does not exist)."""
    return add_months(starts_on, REVIEW_WITHIN_MONTHS)


def _blank(text: str | None) -> bool:
    return not (text or "").strip()


def _outcome(value: str) -> Outcome | None:
    try:
        return Outcome(value)
    except ValueError:
        return None


def decision_errors(facts: DecisionFacts) -> dict[str, str]:
    """What must be corrected before the decision can be recorded: field name -> the first
    message for that field (empty dict = the decision can be recorded).

    Fields: outcome, reasons, agreed_cost, shares, starts_on, ends_on, review_on,
    information_requested, changes.
    """
    errors: dict[str, str] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, message)

    outcome = _outcome(facts.outcome)
    if outcome is None:
        add("outcome", "Choose the panel's decision")
    if _blank(facts.reasons):
        add("reasons", "Give the reasons for the decision")
    if outcome is None:
        return errors

    if outcome in FUNDED_OUTCOMES:
        _funding_errors(facts, add)
    if outcome is Outcome.APPROVE_WITH_CHANGES and _blank(facts.changes):
        add("changes", "Say what the panel changed")
    if outcome is Outcome.DEFER and _blank(facts.information_requested):
        add("information_requested", "Say what information the panel needs")
    if outcome in (Outcome.DECLINE, Outcome.DEFER) and facts.agreed_cost is not None:
        add("agreed_cost", "A declined or deferred request has no agreed cost")
    return errors


def _funding_errors(facts: DecisionFacts, add) -> None:
    cost = None if facts.agreed_cost is None else Decimal(facts.agreed_cost)
    if cost is None or not cost.is_finite() or cost <= 0:
        add("agreed_cost", "Enter the agreed cost a year")
    elif cost != cost.quantize(PENCE):
        add("agreed_cost", "Enter an amount of no more than 2 decimal places (pence)")
    elif cost >= MONEY_LIMIT:
        add("agreed_cost", "Enter an amount under £100,000,000")

    problems = share_errors(facts.shares or {})
    if problems:
        add("shares", problems[0])

    starts_on, ends_on, review_on = facts.starts_on, facts.ends_on, facts.review_on
    if starts_on is None:
        add("starts_on", "Enter the date the funding starts")
    if ends_on is not None and starts_on is not None and ends_on <= starts_on:
        add("ends_on", "The end date must be after the start date")
    if review_on is None:
        add("review_on", "Enter the date the funding is reviewed")
    elif starts_on is not None and review_on <= starts_on:
        add("review_on", "The review date must be after the start date")
    elif ends_on is not None and review_on > ends_on:
        add("review_on", "The review date must be on or before the end date")
    elif starts_on is not None and review_on > add_months(starts_on, REVIEW_WITHIN_MONTHS):
        add("review_on", "Review the funding within 12 months of its start")


PLACEMENT_KINDS = frozenset({"JOINT_PLACEMENT", "RESIDENTIAL_PLACEMENT", "HIGH_NEEDS_TOP_UP"})
APPEALABLE_KINDS = PLACEMENT_KINDS | {"PERSONAL_BUDGET"}
APPEALABLE_OUTCOMES = frozenset({Outcome.DECLINE, Outcome.APPROVE_WITH_CHANGES})


def appealable(outcome: str, kind: str) -> bool:
    """Whether the decision letter must tell the family about the right of appeal.

    A panel decision is not itself appealable: the right of appeal to the First-tier Tribunal
    (SEND) is against the contents of the EHC plan (Children and Families Act 2014, s.51),
    once the council changes, or refuses to change, the special educational provision
    (section F), the placement (section I) or the personal budget. So when the panel declines
    a personal budget or a placement request (joint, residential or a high needs top-up), or
    approves it with changes, the letter explains that route: the appeal is brought against the
    plan once the decision is reflected in it. Approving as asked leaves nothing to appeal,
    and deferring decides nothing yet.
    """
    return outcome in APPEALABLE_OUTCOMES and kind in APPEALABLE_KINDS
