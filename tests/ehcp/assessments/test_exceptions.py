"""Tests for the exception rules (ehcp/assessments/rules/exceptions.py). No database.

The limbs are SEND Regulations 2014 reg 5(4) (the 6-week decision whether to assess), reg 8(2)
(replies to requests for advice) and reg 10(4) (the 16-week decision not to issue and, through
reg 13(3), the 20-week final plan). Dates follow section 9 of the SEND rules reference.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

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
    due_on,
)
from ehcp.assessments.rules.exceptions import (
    ABSENCE_LIMBS,
    CLOSURE_LIMBS,
    FOUR_WEEK_LIMBS,
    exception_choices,
    exception_counts,
    exception_limbs_for,
    validate_exception,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
DAY = timedelta(days=1)

# Illustrative closures from section 9.1 of the SEND rules reference (first and last closed days).
SUMMER_2026 = (date(2026, 7, 22), date(2026, 9, 1))  # reopens Wed 2 September: 42 days
CHRISTMAS_2026 = (date(2026, 12, 21), date(2027, 1, 3))  # reopens Mon 4 January: 14 days

# A wide time limit, for tests about something else than falling inside it.
WIDE = {"period_starts_on": date(2026, 1, 1), "period_due_on": date(2026, 12, 31)}
LATER = date(2027, 6, 1)


def check(period, limb, starts_on, ends_on, **kwargs):
    """validate_exception with a wide time limit and a "today" after everything, unless given."""
    return validate_exception(
        period, limb, starts_on=starts_on, ends_on=ends_on, **{**WIDE, "today": LATER, **kwargs}
    )


def window(period, received_on):
    """The time limit `period` for a request (or advice request) made on `received_on`."""
    return {"period_starts_on": received_on, "period_due_on": due_on(period, received_on)}


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
    assert FOUR_WEEK_LIMBS == CLOSURE_LIMBS | ABSENCE_LIMBS
    assert not CLOSURE_LIMBS & ABSENCE_LIMBS
    for description in EXCEPTION_LIMBS.values():
        assert description and not description.endswith(".")
    for limb in CLOSURE_LIMBS:
        assert "closure of at least 4 continuous weeks" in EXCEPTION_LIMBS[limb]
    for limb in ABSENCE_LIMBS:
        assert "away from the council's area" in EXCEPTION_LIMBS[limb]


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


# -- reg 5(4): what is known, pinned until the regulation text settles the letters ------------


def test_reg_5_4_lettering():
    """Reg 5(4) (SEND Regulations 2014): limb (a), the school or post-16 closure, is in the
    regulation text (legislation.gov.uk uksi/2014/1530/regulation/5); Schedule 3 Part 3
    (reg 64(1)(c)) lists "regulation 5(4)(c) and (d)" as naming the young person, as it lists
    10(4)(c) and (d), the exceptional personal circumstances and absence limbs. So the letters
    are (a)-(d) as coded; the wording of (b) (the early years closure, as in 10(4)(b)) is not
    seen and stays UNCONFIRMED in docs/rules.md. If the codes change, change the stored rows
    with a data migration."""
    assert DECIDE_TO_ASSESS.exception_limbs == ("5(4)(a)", "5(4)(b)", "5(4)(c)", "5(4)(d)")
    # (a): a school or post-16 institution closed for at least 4 continuous weeks.
    assert EXCEPTION_LIMBS["5(4)(a)"] == EXCEPTION_LIMBS["10(4)(a)"]
    assert "5(4)(a)" in CLOSURE_LIMBS
    # (c) and (d) name the young person: personal circumstances and absence, as 10(4)(c), (d).
    assert "Exceptional personal circumstances" in EXCEPTION_LIMBS["5(4)(c)"]
    assert "young person" in EXCEPTION_LIMBS["5(4)(c)"]
    assert "away from the council's area" in EXCEPTION_LIMBS["5(4)(d)"]
    assert "young person" in EXCEPTION_LIMBS["5(4)(d)"]
    # (b) does not name the young person; its wording mirrors 10(4)(b) (unconfirmed).
    assert EXCEPTION_LIMBS["5(4)(b)"] == EXCEPTION_LIMBS["10(4)(b)"]
    assert "young person" not in EXCEPTION_LIMBS["5(4)(b)"]
    register = (REPO_ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    rows = {line[:10]: line for line in register.splitlines() if line.startswith("| 5(4)(")}
    assert "UNCONFIRMED" in rows["| 5(4)(b) "]
    assert "UNCONFIRMED" not in rows["| 5(4)(c) "] + rows["| 5(4)(d) "]
    assert "uksi/2014/1530/schedule/3/made" in register


# -- the limb must fit the time limit ----------------------------------------------------------


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
        pytest.param(FINAL_PLAN, " 10(4)(c) ", date(2026, 8, 1), date(2026, 8, 1), id="spaces"),
    ],
)
def test_valid_exceptions(period, limb, starts_on, ends_on):
    assert check(period, limb, starts_on, ends_on) == []


def test_reg_8_2_a_does_not_apply_to_the_decision_whether_to_assess():
    errors = check(DECIDE_TO_ASSESS, "8(2)(a)", date(2026, 3, 2), date(2026, 3, 3))
    assert errors == ["Reg 8(2)(a) does not apply to the decision whether to assess"]


def test_school_closure_does_not_apply_to_advice():
    errors = check(ADVICE, "10(4)(a)", *SUMMER_2026)
    assert errors == ["Reg 10(4)(a) does not apply to the reply to a request for advice"]


def test_reg_5_4_does_not_apply_to_the_final_plan():
    errors = check(FINAL_PLAN, "5(4)(c)", date(2026, 3, 2), date(2026, 3, 3))
    assert errors == ["Reg 5(4)(c) does not apply to the final plan"]


def test_no_exception_applies_to_the_draft_comment_period():
    """Reg 13(1) sets a minimum of 15 days, not a time limit: no exception."""
    errors = check(DRAFT_COMMENTS, "10(4)(c)", date(2026, 3, 2), date(2026, 3, 3))
    assert errors == ["Reg 10(4)(c) does not apply to the 15-day comment period on the draft plan"]


def test_unknown_limb_is_rejected():
    errors = check(FINAL_PLAN, "10(4)(e)", date(2026, 3, 2), date(2026, 3, 3))
    assert errors == ["Reg 10(4)(e) is not a recognised exception to a time limit"]


def test_missing_limb_is_rejected():
    errors = check(FINAL_PLAN, "", date(2026, 3, 2), date(2026, 3, 3))
    assert errors == ["Select the exception that applies"]


# -- an end date, or still going on with evidence ----------------------------------------------

END_NEEDED = "Enter the date the circumstances ended, or say they are still going on"


@pytest.mark.parametrize("limb", ["10(4)(a)", "10(4)(b)", "10(4)(c)", "10(4)(d)"])
def test_an_exception_without_an_end_date_is_not_valid(limb):
    """An exception whose circumstances have no end date is not valid until it has one, or is
    recorded as still going on (regs 5(4), 8(2), 10(4): the circumstances must be shown)."""
    assert END_NEEDED in check(FINAL_PLAN, limb, date(2026, 3, 2), None)


@pytest.mark.parametrize(
    ("period", "limb"),
    [(period, limb) for period in ALL_PERIODS for limb in period.exception_limbs],
    ids=lambda value: getattr(value, "code", value),
)
def test_every_limb_needs_an_end_date_or_to_be_still_going_on(period, limb):
    assert check(period, limb, date(2026, 3, 2), None) == [END_NEEDED]


def test_an_adviser_may_give_circumstances_whose_end_is_not_known():
    """A request for more time (reg 8(2) reason given by the adviser) is not yet an exception:
    the council completes it when it records one."""
    assert check(ADVICE, "8(2)(a)", date(2026, 3, 2), None, require_end=False) == []


def test_end_date_and_still_going_on_cannot_both_be_given():
    errors = check(FINAL_PLAN, "10(4)(c)", date(2026, 3, 2), date(2026, 3, 3), ongoing=True)
    assert errors == [
        "Enter the date the circumstances ended or say they are still going on, not both"
    ]


@pytest.mark.parametrize(
    ("limb", "starts_on", "today"),
    [
        pytest.param(
            "10(4)(c)", date(2026, 3, 2), date(2026, 3, 2), id="circumstances-began-today"
        ),
        pytest.param("10(4)(c)", date(2026, 3, 2), date(2026, 6, 1), id="circumstances-long"),
        pytest.param("10(4)(d)", date(2026, 3, 2), date(2026, 3, 29), id="absence-4-weeks-so-far"),
        pytest.param("10(4)(a)", date(2026, 7, 22), date(2026, 8, 18), id="closure-4-weeks-so-far"),
    ],
)
def test_circumstances_still_going_on_are_valid(limb, starts_on, today):
    assert check(FINAL_PLAN, limb, starts_on, None, ongoing=True, today=today) == []


@pytest.mark.parametrize(
    ("limb", "today", "lasted"),
    [
        pytest.param("10(4)(d)", date(2026, 3, 28), "27 days", id="absence-27-days"),
        pytest.param("8(2)(b)", date(2026, 3, 2), "1 day", id="absence-began-today"),
        pytest.param("10(4)(a)", date(2026, 3, 15), "14 days", id="closure-2-weeks"),
        pytest.param("5(4)(d)", date(2026, 3, 20), "19 days", id="absence-decision"),
    ],
)
def test_an_absence_still_going_on_counts_only_once_it_has_lasted_four_weeks(limb, today, lasted):
    """Regs 5(4), 8(2)(b), 10(4)(a), (b), (d): "a continuous period of not less than 4 weeks".
    An absence or closure still going on has lasted only until today: it cannot be relied on
    before it has lasted 4 weeks (unless its end date is known)."""
    period = next(period for period in ALL_PERIODS if limb in period.exception_limbs)
    errors = check(period, limb, date(2026, 3, 2), None, ongoing=True, today=today)
    assert errors == [
        f"An absence or closure must last at least 4 continuous weeks: this one has lasted "
        f"{lasted} so far. Record it once it has lasted 4 weeks, or enter the date it ends"
    ]


def test_a_known_future_end_date_counts_for_the_four_weeks():
    """The school's reopening date or the family's return tickets: the end may be in the future."""
    assert (
        check(FINAL_PLAN, "10(4)(d)", date(2026, 3, 2), date(2026, 4, 30), today=date(2026, 3, 5))
        == []
    )


def test_circumstances_cannot_begin_in_the_future():
    errors = check(
        FINAL_PLAN, "10(4)(c)", date(2026, 3, 10), None, ongoing=True, today=date(2026, 3, 9)
    )
    assert errors == ["The date the circumstances began must be today or in the past"]


def test_end_before_start_is_rejected():
    errors = check(FINAL_PLAN, "10(4)(c)", date(2026, 3, 4), date(2026, 3, 2))
    assert errors == ["The end date must be the same as or after the start date"]


def test_christmas_closure_is_too_short():
    """Section 9 note 9: a 14-day Christmas closure never meets the 4-week test."""
    errors = check(FINAL_PLAN, "10(4)(a)", *CHRISTMAS_2026, period_due_on=date(2027, 5, 12))
    assert errors == ["An absence or closure must last at least 4 continuous weeks"]


@pytest.mark.parametrize("limb", sorted(FOUR_WEEK_LIMBS))
def test_absence_or_closure_of_27_days_is_too_short(limb):
    period = next(period for period in ALL_PERIODS if limb in period.exception_limbs)
    errors = check(period, limb, date(2026, 8, 1), date(2026, 8, 27))
    assert errors == ["An absence or closure must last at least 4 continuous weeks"]


@pytest.mark.parametrize("limb", ["5(4)(c)", "8(2)(a)", "8(2)(c)", "10(4)(c)"])
def test_limbs_without_a_4_week_test_accept_short_periods(limb):
    period = next(period for period in ALL_PERIODS if limb in period.exception_limbs)
    assert check(period, limb, date(2026, 8, 1), date(2026, 8, 2)) == []


def test_several_errors_are_reported_together():
    errors = check(ADVICE, "10(4)(a)", date(2026, 3, 4), date(2026, 3, 2))
    assert errors == [
        "Reg 10(4)(a) does not apply to the reply to a request for advice",
        "The end date must be the same as or after the start date",
    ]


# -- inside the time limit it excuses ----------------------------------------------------------

# Table A row 1 (send-rules.md section 9.2): received Mon 12 Jan 2026, decision due Mon 23 Feb.
ROW_1 = date(2026, 1, 12)
DECISION_ROW_1 = window(DECIDE_TO_ASSESS, ROW_1)
BEGAN_TOO_LATE = (
    "The circumstances must have begun by 23 February 2026, the end of the time limit: "
    "circumstances that began later cannot have made it impractical to meet"
)
ENDED_TOO_SOON = (
    "The circumstances must have lasted until at least 12 January 2026, the start of the time "
    "limit: circumstances that ended before it cannot have made it impractical to meet"
)


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "errors"),
    [
        pytest.param(ROW_1, ROW_1, [], id="one-day-on-day-0"),
        pytest.param(date(2026, 2, 23), date(2026, 2, 23), [], id="one-day-on-the-due-date"),
        pytest.param(date(2026, 2, 1), date(2026, 2, 10), [], id="wholly-inside"),
        pytest.param(date(2025, 12, 1), ROW_1, [], id="began-before-ended-on-day-0"),
        pytest.param(date(2026, 2, 20), date(2026, 3, 20), [], id="began-inside-ended-after"),
        pytest.param(date(2025, 12, 1), date(2026, 4, 1), [], id="covers-the-whole-limit"),
        pytest.param(date(2026, 2, 24), date(2026, 2, 28), [BEGAN_TOO_LATE], id="began-after"),
        pytest.param(date(2025, 12, 1), date(2026, 1, 11), [ENDED_TOO_SOON], id="ended-before"),
    ],
)
def test_the_circumstances_must_fall_inside_the_time_limit(starts_on, ends_on, errors):
    """Reg 5(4)(c): exceptional personal circumstances "during that period": circumstances that
    began after the 6 weeks ended, or ended before they began, excuse nothing."""
    assert (
        check(DECIDE_TO_ASSESS, "5(4)(c)", starts_on, ends_on, **DECISION_ROW_1, today=LATER)
        == errors
    )


def test_circumstances_still_going_on_that_began_after_the_time_limit_excuse_nothing():
    errors = check(
        DECIDE_TO_ASSESS,
        "5(4)(c)",
        date(2026, 3, 1),
        None,
        ongoing=True,
        today=date(2026, 3, 5),
        **DECISION_ROW_1,
    )
    assert errors == [BEGAN_TOO_LATE]


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "ongoing_today", "inside"),
    [
        pytest.param(date(2026, 1, 27), date(2026, 3, 31), None, 28, id="last-4-weeks-exactly"),
        pytest.param(date(2026, 1, 28), date(2026, 3, 31), None, 27, id="last-27-days"),
        pytest.param(date(2025, 12, 1), date(2026, 2, 8), None, 28, id="first-4-weeks-exactly"),
        pytest.param(date(2025, 12, 1), date(2026, 2, 7), None, 27, id="first-27-days"),
        pytest.param(date(2026, 2, 10), None, date(2026, 4, 1), 14, id="still-away-2-weeks-in"),
        pytest.param(date(2026, 1, 20), None, date(2026, 4, 1), 35, id="still-away-5-weeks-in"),
    ],
)
def test_four_weeks_of_an_absence_must_fall_inside_the_time_limit(
    starts_on, ends_on, ongoing_today, inside
):
    """Reg 5(4)(d) (as coded) and reg 10(4)(d): absent from the area "for a continuous period of
    not less than 4 weeks during that period": 4 weeks of the absence must fall inside it, not
    only overlap it."""
    kwargs = {"ongoing": True, "today": ongoing_today} if ongoing_today else {"today": LATER}
    errors = check(DECIDE_TO_ASSESS, "5(4)(d)", starts_on, ends_on, **DECISION_ROW_1, **kwargs)
    if inside >= 28:
        assert errors == []
    else:
        assert errors == [
            "At least 4 continuous weeks of the absence must fall inside the time limit, from "
            f"12 January 2026 to 23 February 2026: {inside} days of it do"
        ]


def test_a_summer_closure_may_outlast_the_time_limit():
    """Section 9 note 6 (Table A row 6, received Thu 23 Jul 2026): the summer closure (22 July to
    1 September 2026) runs past nothing it must fall inside; reg 5(4)(a) asks only that advice
    was requested around a closure of at least 4 weeks during the 6 weeks."""
    received = date(2026, 7, 23)
    assert (
        check(DECIDE_TO_ASSESS, "5(4)(a)", *SUMMER_2026, **window(DECIDE_TO_ASSESS, received)) == []
    )
    # Row 3 (received Fri 13 Mar 2026): the final plan is due Fri 31 Jul, in the holiday.
    row_3 = window(FINAL_PLAN, date(2026, 3, 13))
    assert check(FINAL_PLAN, "10(4)(a)", *SUMMER_2026, **row_3) == []
    # Row 2 (received Tue 3 Feb 2026): the final plan was due Tue 23 Jun, before the closure.
    row_2 = window(FINAL_PLAN, date(2026, 2, 3))
    assert check(FINAL_PLAN, "10(4)(a)", *SUMMER_2026, **row_2) == [
        "The circumstances must have begun by 23 June 2026, the end of the time limit: "
        "circumstances that began later cannot have made it impractical to meet"
    ]


def test_advice_exception_falls_inside_the_six_weeks_from_the_advice_request():
    """Reg 8(2): "during that 6 week period", counted from the day the body received the
    request (Table A row 1: advice requested Mon 23 Feb 2026, due Mon 6 Apr 2026)."""
    advice = window(ADVICE, date(2026, 2, 23))
    assert check(ADVICE, "8(2)(c)", date(2026, 4, 6), date(2026, 4, 6), **advice) == []
    assert check(ADVICE, "8(2)(c)", date(2026, 4, 7), date(2026, 4, 7), **advice) == [
        "The circumstances must have begun by 6 April 2026, the end of the time limit: "
        "circumstances that began later cannot have made it impractical to meet"
    ]
    assert check(ADVICE, "8(2)(c)", date(2026, 2, 20), date(2026, 2, 20), **advice) == [
        "The circumstances must have lasted until at least 23 February 2026, the start of the "
        "time limit: circumstances that ended before it cannot have made it impractical to meet"
    ]


# -- which recorded exceptions count -----------------------------------------------------------


@pytest.mark.parametrize(
    ("ends_on", "ongoing", "counts"),
    [
        pytest.param(date(2026, 3, 2), False, True, id="ended"),
        pytest.param(None, True, True, id="still-going-on"),
        pytest.param(None, False, False, id="no-end-date-recorded"),
    ],
)
def test_exception_counts(ends_on, ongoing, counts):
    """An exception counts towards "late, exception recorded" only once it has an end date or
    is recorded, with evidence, as still going on; before that the late step is plainly late."""
    assert exception_counts(ends_on=ends_on, ongoing=ongoing) is counts
