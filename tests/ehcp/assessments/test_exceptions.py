"""Tests for the exception rules (ehcp/assessments/rules/exceptions.py). No database."""

from __future__ import annotations

from datetime import date

import pytest

from ehcp.assessments.rules.deadlines import (
    ADVICE,
    ALL_PERIODS,
    DECIDE_TO_ASSESS,
    DECISION_NOT_TO_ISSUE,
    DRAFT_COMMENTS,
    EXCEPTION_LIMBS,
    FINAL_PLAN,
    REVIEW_COMPLETE,
)
from ehcp.assessments.rules.exceptions import (
    FOUR_WEEK_LIMBS,
    exception_choices,
    exception_limbs_for,
    validate_exception,
)

# Illustrative closures from section 9.1 of the SEND rules reference (first and last closed days).
SUMMER_2026 = (date(2026, 7, 22), date(2026, 9, 1))  # reopens Wed 2 September: 42 days
CHRISTMAS_2026 = (date(2026, 12, 21), date(2027, 1, 3))  # reopens Mon 4 January: 14 days


@pytest.mark.parametrize(
    ("period", "limbs"),
    [
        (DECIDE_TO_ASSESS, ("5(4)(a)", "5(4)(b)", "5(4)(c)", "5(4)(d)")),
        (ADVICE, ("8(2)(a)", "8(2)(b)", "8(2)(c)")),
        (DECISION_NOT_TO_ISSUE, ("10(4)(a)", "10(4)(b)", "10(4)(c)", "10(4)(d)")),
        (FINAL_PLAN, ("10(4)(a)", "10(4)(b)", "10(4)(c)", "10(4)(d)")),
        (DRAFT_COMMENTS, ()),
        (REVIEW_COMPLETE, ()),
    ],
    ids=lambda value: getattr(value, "code", None),
)
def test_exception_limbs_for(period, limbs):
    """Reg 5(4) for the decision whether to assess, reg 8(2) for advice, reg 10(4) for the
    decision not to issue and (through reg 13(3)) the final plan; none for the rest."""
    assert exception_limbs_for(period) == limbs


def test_every_limb_is_described_and_used():
    used = {limb for period in ALL_PERIODS for limb in period.exception_limbs}
    assert used == set(EXCEPTION_LIMBS)
    assert FOUR_WEEK_LIMBS <= used
    for description in EXCEPTION_LIMBS.values():
        assert description and not description.endswith(".")


def test_advice_has_no_school_closure_limb():
    """Reg 8(2) has no holiday exception: advice from health and social care is due in 6 weeks
    whatever the school calendar."""
    assert not any("closure" in EXCEPTION_LIMBS[limb] for limb in ADVICE.exception_limbs)


def test_exception_choices():
    assert exception_choices(ADVICE)[2] == (
        "8(2)(c)",
        "Reg 8(2)(c): The child or young person missed an appointment for an examination or "
        "test made by the body during the 6 weeks",
    )
    assert exception_choices(DRAFT_COMMENTS) == []


@pytest.mark.parametrize(
    ("period", "limb", "starts_on", "ends_on"),
    [
        pytest.param(FINAL_PLAN, "10(4)(a)", *SUMMER_2026, id="summer-closure-final-plan"),
        pytest.param(DECISION_NOT_TO_ISSUE, "10(4)(b)", *SUMMER_2026, id="early-years-closure"),
        pytest.param(DECIDE_TO_ASSESS, "5(4)(a)", *SUMMER_2026, id="summer-closure-decision"),
        pytest.param(
            FINAL_PLAN,
            "10(4)(c)",
            date(2026, 3, 2),
            date(2026, 3, 4),
            id="short-exceptional-circumstances",
        ),
        pytest.param(
            ADVICE, "8(2)(c)", date(2026, 3, 2), date(2026, 3, 2), id="missed-appointment"
        ),
        pytest.param(
            ADVICE, "8(2)(b)", date(2026, 8, 1), date(2026, 8, 28), id="absence-of-exactly-4-weeks"
        ),
        pytest.param(FINAL_PLAN, "10(4)(d)", date(2026, 8, 1), None, id="absence-still-going-on"),
        pytest.param(FINAL_PLAN, " 10(4)(d) ", date(2026, 8, 1), None, id="stray-spaces"),
    ],
)
def test_valid_exceptions(period, limb, starts_on, ends_on):
    assert validate_exception(period, limb, starts_on=starts_on, ends_on=ends_on) == []


def test_reg_8_2_a_does_not_apply_to_the_decision_whether_to_assess():
    errors = validate_exception(
        DECIDE_TO_ASSESS, "8(2)(a)", starts_on=date(2026, 3, 2), ends_on=None
    )
    assert errors == ["Reg 8(2)(a) does not apply to the decision whether to assess"]


def test_school_closure_does_not_apply_to_advice():
    errors = validate_exception(ADVICE, "10(4)(a)", starts_on=SUMMER_2026[0], ends_on=None)
    assert errors == ["Reg 10(4)(a) does not apply to the reply to a request for advice"]


def test_reg_5_4_does_not_apply_to_the_final_plan():
    errors = validate_exception(FINAL_PLAN, "5(4)(c)", starts_on=date(2026, 3, 2), ends_on=None)
    assert errors == ["Reg 5(4)(c) does not apply to the final plan"]


def test_no_exception_applies_to_the_draft_comment_period():
    errors = validate_exception(
        DRAFT_COMMENTS, "10(4)(c)", starts_on=date(2026, 3, 2), ends_on=None
    )
    assert errors == ["Reg 10(4)(c) does not apply to the 15-day comment period on the draft plan"]


def test_unknown_limb_is_rejected():
    errors = validate_exception(FINAL_PLAN, "10(4)(e)", starts_on=date(2026, 3, 2), ends_on=None)
    assert errors == ["Reg 10(4)(e) is not a recognised exception to a time limit"]


def test_missing_limb_is_rejected():
    errors = validate_exception(FINAL_PLAN, "", starts_on=date(2026, 3, 2), ends_on=None)
    assert errors == ["Select the exception that applies"]


def test_end_before_start_is_rejected():
    errors = validate_exception(
        FINAL_PLAN, "10(4)(c)", starts_on=date(2026, 3, 4), ends_on=date(2026, 3, 2)
    )
    assert errors == ["The end date must be the same as or after the start date"]


def test_christmas_closure_is_too_short():
    """Section 9 note 9: a 14-day Christmas closure never meets the 4-week test."""
    errors = validate_exception(
        FINAL_PLAN, "10(4)(a)", starts_on=CHRISTMAS_2026[0], ends_on=CHRISTMAS_2026[1]
    )
    assert errors == ["An absence or closure must last at least 4 continuous weeks"]


@pytest.mark.parametrize("limb", sorted(FOUR_WEEK_LIMBS))
def test_absence_or_closure_of_27_days_is_too_short(limb):
    period = next(period for period in ALL_PERIODS if limb in period.exception_limbs)
    errors = validate_exception(period, limb, starts_on=date(2026, 8, 1), ends_on=date(2026, 8, 27))
    assert errors == ["An absence or closure must last at least 4 continuous weeks"]


@pytest.mark.parametrize("limb", ["5(4)(c)", "8(2)(a)", "8(2)(c)", "10(4)(c)"])
def test_limbs_without_a_4_week_test_accept_short_periods(limb):
    period = next(period for period in ALL_PERIODS if limb in period.exception_limbs)
    assert (
        validate_exception(period, limb, starts_on=date(2026, 8, 1), ends_on=date(2026, 8, 2)) == []
    )


def test_several_errors_are_reported_together():
    errors = validate_exception(
        ADVICE, "10(4)(a)", starts_on=date(2026, 3, 4), ends_on=date(2026, 3, 2)
    )
    assert errors == [
        "Reg 10(4)(a) does not apply to the reply to a request for advice",
        "The end date must be the same as or after the start date",
    ]
