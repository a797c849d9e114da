"""The panel's decision: what must be recorded for each outcome, review dates, appeal rights."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from panel.rules.decisions import (
    FUNDED_OUTCOMES,
    OUTCOME_LABELS,
    DecisionFacts,
    Outcome,
    add_months,
    appealable,
    decision_errors,
    default_review_on,
)
from panel.rules.money import Funder

E, H, S = Funder.EDUCATION, Funder.HEALTH, Funder.SOCIAL_CARE
D = Decimal

SHARES = {E: D("50"), H: D("25"), S: D("25")}

APPROVED = DecisionFacts(
    outcome="APPROVE",
    reasons="The placement meets the needs in section B.",
    agreed_cost=D("52000.00"),
    shares=SHARES,
    starts_on=date(2026, 9, 1),
    ends_on=None,
    review_on=date(2027, 9, 1),
)
DECLINED = DecisionFacts(
    outcome="DECLINE",
    reasons="The needs can be met by the current school.",
    agreed_cost=None,
    shares=None,
    starts_on=None,
    ends_on=None,
    review_on=None,
)
DEFERRED = replace(DECLINED, outcome="DEFER", information_requested="The OT report.")


def test_outcomes_and_labels():
    assert [outcome.label for outcome in Outcome] == [
        "Approve",
        "Approve with changes",
        "Decline",
        "Defer: more information needed",
    ]
    assert OUTCOME_LABELS[Outcome.DEFER] == "Defer: more information needed"
    assert FUNDED_OUTCOMES == frozenset({Outcome.APPROVE, Outcome.APPROVE_WITH_CHANGES})


@pytest.mark.parametrize(
    "facts",
    [
        APPROVED,
        replace(APPROVED, outcome=Outcome.APPROVE),
        replace(APPROVED, ends_on=date(2027, 8, 31), review_on=date(2027, 6, 1)),
        replace(APPROVED, ends_on=date(2027, 6, 1), review_on=date(2027, 6, 1)),
        replace(APPROVED, review_on=date(2026, 9, 2)),
        replace(APPROVED, agreed_cost=D("0.01")),
        replace(APPROVED, agreed_cost=D("99999999.99")),
        replace(APPROVED, agreed_cost=D("12.500")),
        replace(APPROVED, shares={E: D(100), H: D(0), S: D(0)}),
        replace(APPROVED, outcome="APPROVE_WITH_CHANGES", changes="Two days, not three."),
        DECLINED,
        # A decline or deferral is only checked for a cost; other fields are ignored.
        replace(DECLINED, shares=SHARES, starts_on=date(2026, 9, 1), review_on=date(2026, 1, 1)),
        DEFERRED,
        replace(DEFERRED, shares=SHARES, ends_on=date(2020, 1, 1)),
    ],
)
def test_decisions_that_can_be_recorded(facts):
    assert decision_errors(facts) == {}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # Outcome and reasons.
        ({"outcome": ""}, {"outcome": "Choose the panel's decision"}),
        ({"outcome": "approve"}, {"outcome": "Choose the panel's decision"}),
        ({"outcome": "MAYBE"}, {"outcome": "Choose the panel's decision"}),
        (
            {"outcome": "", "reasons": ""},
            {
                "outcome": "Choose the panel's decision",
                "reasons": "Give the reasons for the decision",
            },
        ),
        ({"reasons": ""}, {"reasons": "Give the reasons for the decision"}),
        ({"reasons": "  \n "}, {"reasons": "Give the reasons for the decision"}),
        # Cost.
        ({"agreed_cost": None}, {"agreed_cost": "Enter the agreed cost a year"}),
        ({"agreed_cost": D("0")}, {"agreed_cost": "Enter the agreed cost a year"}),
        ({"agreed_cost": D("-1.00")}, {"agreed_cost": "Enter the agreed cost a year"}),
        ({"agreed_cost": D("NaN")}, {"agreed_cost": "Enter the agreed cost a year"}),
        (
            {"agreed_cost": D("1.234")},
            {"agreed_cost": "Enter an amount of no more than 2 decimal places (pence)"},
        ),
        ({"agreed_cost": D("100000000")}, {"agreed_cost": "Enter an amount under £100,000,000"}),
        # Shares: the first message.
        ({"shares": None}, {"shares": "Enter a share for Education"}),
        ({"shares": {}}, {"shares": "Enter a share for Education"}),
        ({"shares": {E: D(50), S: D(50)}}, {"shares": "Enter a share for Health"}),
        (
            {"shares": {E: D(50), H: D(25), S: D("24.99")}},
            {"shares": "The shares must add up to exactly 100%: they add up to 99.99%"},
        ),
        # Start and end.
        ({"starts_on": None}, {"starts_on": "Enter the date the funding starts"}),
        (
            {"ends_on": date(2026, 9, 1)},
            {
                "ends_on": "The end date must be after the start date",
                "review_on": "The review date must be on or before the end date",
            },
        ),
        (
            {"ends_on": date(2026, 8, 1), "review_on": date(2026, 12, 1)},
            {
                "ends_on": "The end date must be after the start date",
                "review_on": "The review date must be on or before the end date",
            },
        ),
        # Review.
        ({"review_on": None}, {"review_on": "Enter the date the funding is reviewed"}),
        (
            {"review_on": date(2026, 9, 1)},
            {"review_on": "The review date must be after the start date"},
        ),
        (
            {"review_on": date(2026, 8, 1)},
            {"review_on": "The review date must be after the start date"},
        ),
        (
            {"ends_on": date(2027, 3, 31), "review_on": date(2027, 4, 1)},
            {"review_on": "The review date must be on or before the end date"},
        ),
        (
            {"review_on": date(2027, 9, 2)},
            {"review_on": "Review the funding within 12 months of its start"},
        ),
        (
            {"review_on": date(2028, 9, 1)},
            {"review_on": "Review the funding within 12 months of its start"},
        ),
        (
            {"ends_on": date(2030, 1, 1), "review_on": date(2027, 9, 2)},
            {"review_on": "Review the funding within 12 months of its start"},
        ),
        # With no start date the review is still checked against the end date.
        (
            {"starts_on": None, "ends_on": date(2027, 1, 1), "review_on": date(2027, 2, 1)},
            {
                "starts_on": "Enter the date the funding starts",
                "review_on": "The review date must be on or before the end date",
            },
        ),
        # Everything missing at once.
        (
            {"agreed_cost": None, "shares": None, "starts_on": None, "review_on": None},
            {
                "agreed_cost": "Enter the agreed cost a year",
                "shares": "Enter a share for Education",
                "starts_on": "Enter the date the funding starts",
                "review_on": "Enter the date the funding is reviewed",
            },
        ),
        # Approve with changes needs the changes, and everything an approval needs.
        ({"outcome": "APPROVE_WITH_CHANGES"}, {"changes": "Say what the panel changed"}),
        (
            {"outcome": "APPROVE_WITH_CHANGES", "changes": "   "},
            {"changes": "Say what the panel changed"},
        ),
        (
            {"outcome": "APPROVE_WITH_CHANGES", "agreed_cost": None},
            {
                "agreed_cost": "Enter the agreed cost a year",
                "changes": "Say what the panel changed",
            },
        ),
    ],
)
def test_approval_errors(changes, expected):
    assert decision_errors(replace(APPROVED, **changes)) == expected


@pytest.mark.parametrize(
    ("starts_on", "review_on", "ok"),
    [
        (date(2028, 2, 29), date(2029, 2, 28), True),
        (date(2028, 2, 29), date(2029, 3, 1), False),
        (date(2027, 2, 28), date(2028, 2, 28), True),
        (date(2027, 2, 28), date(2028, 2, 29), False),
        (date(2026, 1, 31), date(2027, 1, 31), True),
        (date(2026, 1, 31), date(2027, 2, 1), False),
        (date(2026, 12, 31), date(2027, 12, 31), True),
        (date(2026, 12, 31), date(2028, 1, 1), False),
    ],
)
def test_review_within_12_months_across_leap_years(starts_on, review_on, ok):
    errors = decision_errors(replace(APPROVED, starts_on=starts_on, review_on=review_on))
    expected = {} if ok else {"review_on": "Review the funding within 12 months of its start"}
    assert errors == expected


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (replace(DECLINED, reasons=""), {"reasons": "Give the reasons for the decision"}),
        (
            replace(DECLINED, agreed_cost=D("100")),
            {"agreed_cost": "A declined or deferred request has no agreed cost"},
        ),
        (
            replace(DECLINED, agreed_cost=D("0")),
            {"agreed_cost": "A declined or deferred request has no agreed cost"},
        ),
        (
            replace(DEFERRED, information_requested=""),
            {"information_requested": "Say what information the panel needs"},
        ),
        (
            replace(DEFERRED, information_requested=" "),
            {"information_requested": "Say what information the panel needs"},
        ),
        (
            replace(DEFERRED, agreed_cost=D("100")),
            {"agreed_cost": "A declined or deferred request has no agreed cost"},
        ),
        (
            replace(DEFERRED, reasons="", information_requested="", agreed_cost=D("1")),
            {
                "reasons": "Give the reasons for the decision",
                "information_requested": "Say what information the panel needs",
                "agreed_cost": "A declined or deferred request has no agreed cost",
            },
        ),
        # A decline needs no information requested and no changes.
        (replace(DECLINED, information_requested="", changes=""), {}),
    ],
)
def test_decline_and_defer_errors(facts, expected):
    assert decision_errors(facts) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2028, 2, 29), 48, date(2032, 2, 29)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
        (date(2026, 5, 31), 0, date(2026, 5, 31)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
        (date(2026, 10, 31), 14, date(2027, 12, 31)),
        (date(2026, 3, 15), -15, date(2024, 12, 15)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2099, 12, 31), 2, date(2100, 2, 28)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("starts_on", "expected"),
    [
        (date(2026, 9, 1), date(2027, 9, 1)),
        (date(2028, 2, 29), date(2029, 2, 28)),
        (date(2027, 3, 31), date(2028, 3, 31)),
        (date(2026, 1, 1), date(2027, 1, 1)),
        (date(2026, 12, 31), date(2027, 12, 31)),
    ],
)
def test_default_review_on(starts_on, expected):
    assert default_review_on(starts_on) == expected
    facts = replace(APPROVED, starts_on=starts_on, review_on=default_review_on(starts_on))
    assert decision_errors(facts) == {}


APPEAL_KINDS = ["PERSONAL_BUDGET", "JOINT_PLACEMENT", "RESIDENTIAL_PLACEMENT", "HIGH_NEEDS_TOP_UP"]
OTHER_KINDS = ["EQUIPMENT", "SHORT_BREAKS", "", "personal_budget"]


@pytest.mark.parametrize("kind", APPEAL_KINDS + OTHER_KINDS)
@pytest.mark.parametrize("outcome", [*Outcome, "", "UNKNOWN"])
def test_appealable(outcome, kind):
    expected = kind in APPEAL_KINDS and outcome in ("DECLINE", "APPROVE_WITH_CHANGES")
    assert appealable(outcome, kind) is expected


@pytest.mark.parametrize(
    ("outcome", "kind", "expected"),
    [
        ("DECLINE", "PERSONAL_BUDGET", True),
        ("APPROVE_WITH_CHANGES", "RESIDENTIAL_PLACEMENT", True),
        ("DECLINE", "HIGH_NEEDS_TOP_UP", True),
        ("APPROVE", "JOINT_PLACEMENT", False),
        ("DEFER", "PERSONAL_BUDGET", False),
        ("DECLINE", "EQUIPMENT", False),
    ],
)
def test_appealable_examples(outcome, kind, expected):
    assert appealable(outcome, kind) is expected


def test_appealable_docstring_names_the_route():
    doc = appealable.__doc__
    assert "s.51" in doc and "First-tier Tribunal" in doc and "not itself appealable" in doc
