"""Table tests for the statutory-date rules (ehcp/assessments/rules/deadlines.py). No database.

The tables are copied from the worked examples in the SEND rules reference (section 9: Table A,
Table B, 9.4 and 9.5). Dates are written as in those tables ("Mon 12 Jan 2026"); the helper
checks the weekday too, so a mistyped row fails loudly.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ehcp.assessments.rules import deadlines
from ehcp.assessments.rules.deadlines import (
    ADVICE,
    ALL_PERIODS,
    AMEND_COMMENTS,
    AMEND_FINAL,
    APPEAL,
    APPEAL_AFTER_CERTIFICATE,
    DECIDE_TO_ASSESS,
    DECISION_NOT_TO_ISSUE,
    DRAFT_COMMENTS,
    DRAFT_RECOMMENDED,
    EXCEPTION_LIMBS,
    FINAL_PLAN,
    MEDIATION_CONTACT,
    PERIODS_BY_CODE,
    PHASE_TRANSFER_POST16,
    PHASE_TRANSFER_POST16_MOVE,
    PHASE_TRANSFER_SCHOOL,
    REASSESS_DECIDE,
    REASSESS_DRAFT,
    REASSESS_FINAL,
    REVIEW_COMPLETE,
    REVIEW_DECISION,
    REVIEW_INVITATIONS,
    REVIEW_MEETING,
    REVIEW_REPORT,
    REVIEW_UNDER_FIVE,
    SETTING_CONSULTATION,
    Deadline,
    DeadlineState,
    DeadlineStatus,
    StatutoryPeriod,
    add_months,
    appeal_deadline,
    assessment_deadlines,
    back_plan_from,
    deadline_status,
    due_on,
    format_date,
    is_non_working_day,
    mediation_contact_deadline,
    phase_transfer_back_plan,
    phase_transfer_deadline,
    post16_move_deadline,
    previous_working_day,
    review_deadlines,
)

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def d(text: str) -> date:
    """Parse "Mon 12 Jan 2026" (weekday checked)."""
    weekday, day, month, year = text.split()
    parsed = date(int(year), _MONTHS.index(month) + 1, int(day))
    assert _WEEKDAYS[parsed.weekday()] == weekday, f"{text} is a {_WEEKDAYS[parsed.weekday()]}"
    return parsed


# ---------------------------------------------------------------------------------------------
# Table A (section 9.2): the 20-week timeline, 12 requests over 2026-2027.
# received (day 0) | decide (42) | advice if requested on day 42 (84) | not to issue (112)
# | draft recommended (98) | final (140)
# ---------------------------------------------------------------------------------------------
TABLE_A = {
    "A1": (
        "Mon 12 Jan 2026",
        "Mon 23 Feb 2026",
        "Mon 06 Apr 2026",
        "Mon 04 May 2026",
        "Mon 20 Apr 2026",
        "Mon 01 Jun 2026",
    ),  # noqa: E501
    "A2": (
        "Tue 03 Feb 2026",
        "Tue 17 Mar 2026",
        "Tue 28 Apr 2026",
        "Tue 26 May 2026",
        "Tue 12 May 2026",
        "Tue 23 Jun 2026",
    ),  # noqa: E501
    "A3": (
        "Fri 13 Mar 2026",
        "Fri 24 Apr 2026",
        "Fri 05 Jun 2026",
        "Fri 03 Jul 2026",
        "Fri 19 Jun 2026",
        "Fri 31 Jul 2026",
    ),  # noqa: E501
    "A4": (
        "Wed 22 Apr 2026",
        "Wed 03 Jun 2026",
        "Wed 15 Jul 2026",
        "Wed 12 Aug 2026",
        "Wed 29 Jul 2026",
        "Wed 09 Sep 2026",
    ),  # noqa: E501
    "A5": (
        "Mon 01 Jun 2026",
        "Mon 13 Jul 2026",
        "Mon 24 Aug 2026",
        "Mon 21 Sep 2026",
        "Mon 07 Sep 2026",
        "Mon 19 Oct 2026",
    ),  # noqa: E501
    "A6-summer": (
        "Thu 23 Jul 2026",
        "Thu 03 Sep 2026",
        "Thu 15 Oct 2026",
        "Thu 12 Nov 2026",
        "Thu 29 Oct 2026",
        "Thu 10 Dec 2026",
    ),  # noqa: E501
    "A7": (
        "Mon 07 Sep 2026",
        "Mon 19 Oct 2026",
        "Mon 30 Nov 2026",
        "Mon 28 Dec 2026",
        "Mon 14 Dec 2026",
        "Mon 25 Jan 2027",
    ),  # noqa: E501
    "A8": (
        "Fri 16 Oct 2026",
        "Fri 27 Nov 2026",
        "Fri 08 Jan 2027",
        "Fri 05 Feb 2027",
        "Fri 22 Jan 2027",
        "Fri 05 Mar 2027",
    ),  # noqa: E501
    "A9-christmas": (
        "Wed 23 Dec 2026",
        "Wed 03 Feb 2027",
        "Wed 17 Mar 2027",
        "Wed 14 Apr 2027",
        "Wed 31 Mar 2027",
        "Wed 12 May 2027",
    ),  # noqa: E501
    "A10": (
        "Mon 01 Feb 2027",
        "Mon 15 Mar 2027",
        "Mon 26 Apr 2027",
        "Mon 24 May 2027",
        "Mon 10 May 2027",
        "Mon 21 Jun 2027",
    ),  # noqa: E501
    "A11": (
        "Tue 04 May 2027",
        "Tue 15 Jun 2027",
        "Tue 27 Jul 2027",
        "Tue 24 Aug 2027",
        "Tue 10 Aug 2027",
        "Tue 21 Sep 2027",
    ),  # noqa: E501
    "A12-summer": (
        "Fri 30 Jul 2027",
        "Fri 10 Sep 2027",
        "Fri 22 Oct 2027",
        "Fri 19 Nov 2027",
        "Fri 05 Nov 2027",
        "Fri 17 Dec 2027",
    ),  # noqa: E501
}


def _table_a(column: int) -> list:
    return [pytest.param(d(row[0]), d(row[column]), id=key) for key, row in TABLE_A.items()]


# Our own edge cases: received on a Sunday, on 29 February, at the year end, before Christmas.
EDGE_CASES = {
    # received: (decide 42, not to issue 112, draft recommended 98, final 140)
    "sunday": (
        "Sun 11 Jan 2026",
        "Sun 22 Feb 2026",
        "Sun 03 May 2026",
        "Sun 19 Apr 2026",
        "Sun 31 May 2026",
    ),  # noqa: E501
    "29-feb-2028": (
        "Tue 29 Feb 2028",
        "Tue 11 Apr 2028",
        "Tue 20 Jun 2028",
        "Tue 06 Jun 2028",
        "Tue 18 Jul 2028",
    ),  # noqa: E501
    "29-feb-2024": (
        "Thu 29 Feb 2024",
        "Thu 11 Apr 2024",
        "Thu 20 Jun 2024",
        "Thu 06 Jun 2024",
        "Thu 18 Jul 2024",
    ),  # noqa: E501
    "31-dec": (
        "Thu 31 Dec 2026",
        "Thu 11 Feb 2027",
        "Thu 22 Apr 2027",
        "Thu 08 Apr 2027",
        "Thu 20 May 2027",
    ),  # noqa: E501
    "across-leap-year-end": (
        "Mon 20 Dec 2027",
        "Mon 31 Jan 2028",
        "Mon 10 Apr 2028",
        "Mon 27 Mar 2028",
        "Mon 08 May 2028",
    ),  # noqa: E501
}


def _edges(column: int) -> list:
    return [pytest.param(d(row[0]), d(row[column]), id=key) for key, row in EDGE_CASES.items()]


@pytest.mark.parametrize(("received", "expected"), _table_a(1) + _edges(1))
def test_EHCP_DECIDE_6W(received, expected):
    """Tell the parent or young person whether the council will assess within 6 weeks of
    receiving the request (regs 4(1), 5(1)): day 0 + 42."""
    assert due_on(DECIDE_TO_ASSESS, received) == expected
    assert assessment_deadlines(received)["decision_to_assess_due"].due_on == expected


@pytest.mark.parametrize(("received", "expected"), _table_a(2))
def test_EHCP_ADVICE_6W(received, expected):
    """A body asked for advice must reply within 6 weeks of receiving the request (reg 8(1)).
    Table A asks for advice on the last day for the decision (day 42), so it is due on day 84."""
    requested = received + timedelta(days=42)
    assert due_on(ADVICE, requested) == expected
    deadline = assessment_deadlines(received, advice_requested_on=requested)["advice_due"]
    assert deadline.due_on == expected
    assert deadline.start == requested


@pytest.mark.parametrize(
    ("requested", "expected"),
    [
        pytest.param(d("Mon 12 Jan 2026"), d("Mon 23 Feb 2026"), id="same-day-as-request"),
        pytest.param(d("Sat 31 Jan 2026"), d("Sat 14 Mar 2026"), id="month-end"),
        pytest.param(d("Mon 30 Nov 2026"), d("Mon 11 Jan 2027"), id="over-christmas"),
        pytest.param(d("Fri 21 Jan 2028"), d("Fri 03 Mar 2028"), id="across-29-feb"),
    ],
)
def test_EHCP_ADVICE_6W_edge_cases(requested, expected):
    """The advice clock starts when the request for advice was made, not when the case started."""
    assert due_on(ADVICE, requested) == expected


@pytest.mark.parametrize(("received", "expected"), _table_a(3) + _edges(2))
def test_EHCP_NOT_ISSUE_16W(received, expected):
    """Tell the parent or young person of a decision not to issue a plan within 16 weeks of
    receiving the request (reg 10(1)): day 0 + 112."""
    assert due_on(DECISION_NOT_TO_ISSUE, received) == expected
    assert assessment_deadlines(received)["decision_not_to_issue_due"].due_on == expected


@pytest.mark.parametrize(("received", "expected"), _table_a(4) + _edges(3))
def test_EHCP_DRAFT_14W(received, expected):
    """Send the draft plan within 14 weeks of the request, an internal target from IPSEA model
    letter 10 (not a legal time limit): day 0 + 98."""
    assert due_on(DRAFT_RECOMMENDED, received) == expected
    assert assessment_deadlines(received)["draft_recommended_by"].due_on == expected


@pytest.mark.parametrize(("received", "expected"), _table_a(5) + _edges(4))
def test_EHCP_FINAL_20W(received, expected):
    """Issue the final EHC plan within 20 weeks of receiving the request (reg 13(2)):
    day 0 + 140."""
    assert due_on(FINAL_PLAN, received) == expected
    assert assessment_deadlines(received)["final_plan_due"].due_on == expected


@pytest.mark.parametrize(
    ("served", "expected"),
    [
        pytest.param(d("Mon 01 Jun 2026"), d("Mon 15 Jun 2026"), id="conventions-example"),
        pytest.param(d("Tue 20 Jan 2026"), d("Tue 03 Feb 2026"), id="across-month-end"),
        pytest.param(d("Wed 17 Feb 2027"), d("Wed 03 Mar 2027"), id="february-2027"),
        pytest.param(d("Thu 17 Feb 2028"), d("Thu 02 Mar 2028"), id="february-2028-leap"),
        pytest.param(d("Sun 20 Dec 2026"), d("Sun 03 Jan 2027"), id="across-year-end"),
    ],
)
def test_EHCP_DRAFT_COMMENTS_15D(served, expected):
    """The parent or young person has at least 15 days, beginning with the day the draft plan
    was served, to comment (reg 13(1)): the day served is day 1, so the last day is served + 14."""
    assert due_on(DRAFT_COMMENTS, served) == expected
    received = served - timedelta(days=90)
    deadline = assessment_deadlines(received, draft_issued_on=served)["draft_comments_due"]
    assert deadline.due_on == expected
    assert (expected - served).days + 1 == 15


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        pytest.param(d("Sat 25 Jul 2026"), d("Sat 08 Aug 2026"), id="summer"),
        pytest.param(d("Mon 31 Aug 2026"), d("Mon 14 Sep 2026"), id="across-month-end"),
        pytest.param(d("Wed 23 Dec 2026"), d("Wed 06 Jan 2027"), id="across-year-end"),
    ],
)
def test_EHCP_CONSULT_15D(sent, expected):
    """A school or college consulted about being named should reply within 15 calendar days,
    counting the day sent as day 1 (CoP 9.83, guidance): sent + 14."""
    assert due_on(SETTING_CONSULTATION, sent) == expected
    received = sent - timedelta(days=100)
    deadline = assessment_deadlines(received, consultation_sent_on=sent)["consultation_reply_due"]
    assert deadline.due_on == expected


def test_EHCP_CONSULT_15D_arithmetic_latest_draft():
    """Section 9.1: a draft served on day 110 with the consultation sent the day after the comment
    period ends still leaves the final plan on day 140."""
    received = d("Mon 12 Jan 2026")
    served = received + timedelta(days=110)
    comments_end = due_on(DRAFT_COMMENTS, served)
    reply_due = due_on(SETTING_CONSULTATION, comments_end + timedelta(days=1))
    assert reply_due + timedelta(days=1) == due_on(FINAL_PLAN, received)


# ---------------------------------------------------------------------------------------------
# Weekends and bank holidays: statutory dates never move; we only suggest the previous
# working day. Table A note 1: Easter Monday 2026 and the early May bank holiday 2026.
# ---------------------------------------------------------------------------------------------
EASTER_MONDAY_2026 = date(2026, 4, 6)
GOOD_FRIDAY_2026 = date(2026, 4, 3)
EARLY_MAY_2026 = date(2026, 5, 4)
BANK_HOLIDAYS = frozenset({GOOD_FRIDAY_2026, EASTER_MONDAY_2026, EARLY_MAY_2026})


def test_due_dates_do_not_move_for_bank_holidays():
    """Table A row 1: advice due on Easter Monday and the 16-week date on the early May bank
    holiday stay where they are."""
    deadlines = assessment_deadlines(d("Mon 12 Jan 2026"), advice_requested_on=d("Mon 23 Feb 2026"))
    assert deadlines["advice_due"].due_on == EASTER_MONDAY_2026
    assert deadlines["decision_not_to_issue_due"].due_on == EARLY_MAY_2026


def test_due_dates_do_not_move_for_weekends():
    """A request received on a Sunday has its 20-week date on a Sunday."""
    final = assessment_deadlines(d("Sun 11 Jan 2026"))["final_plan_due"].due_on
    assert final == d("Sun 31 May 2026")
    assert is_non_working_day(final, frozenset())


@pytest.mark.parametrize(
    ("day", "holidays", "expected"),
    [
        pytest.param(d("Tue 07 Apr 2026"), BANK_HOLIDAYS, False, id="tuesday"),
        pytest.param(d("Sat 02 May 2026"), frozenset(), True, id="saturday"),
        pytest.param(d("Sun 03 May 2026"), frozenset(), True, id="sunday"),
        pytest.param(EASTER_MONDAY_2026, BANK_HOLIDAYS, True, id="easter-monday"),
        pytest.param(EASTER_MONDAY_2026, frozenset(), False, id="monday-without-calendar"),
        pytest.param(EARLY_MAY_2026, BANK_HOLIDAYS, True, id="early-may-bank-holiday"),
    ],
)
def test_is_non_working_day(day, holidays, expected):
    assert is_non_working_day(day, holidays) is expected


@pytest.mark.parametrize(
    ("day", "holidays", "expected"),
    [
        pytest.param(d("Wed 03 Jun 2026"), BANK_HOLIDAYS, d("Wed 03 Jun 2026"), id="working-day"),
        pytest.param(d("Sat 02 May 2026"), frozenset(), d("Fri 01 May 2026"), id="saturday"),
        pytest.param(d("Sun 31 May 2026"), frozenset(), d("Fri 29 May 2026"), id="sunday"),
        pytest.param(
            EASTER_MONDAY_2026,
            frozenset({EASTER_MONDAY_2026}),
            d("Fri 03 Apr 2026"),
            id="easter-monday",
        ),
        pytest.param(
            EASTER_MONDAY_2026,
            BANK_HOLIDAYS,
            d("Thu 02 Apr 2026"),
            id="easter-monday-and-good-friday",
        ),
        pytest.param(EARLY_MAY_2026, BANK_HOLIDAYS, d("Fri 01 May 2026"), id="early-may"),
        pytest.param(
            d("Mon 28 Dec 2026"),
            frozenset({date(2026, 12, 25), date(2026, 12, 28)}),
            d("Thu 24 Dec 2026"),
            id="boxing-day-substitute",
        ),
    ],
)
def test_previous_working_day(day, holidays, expected):
    """Where a date falls on a weekend or bank holiday, plan the work for the working day
    before it."""
    assert previous_working_day(day, holidays) == expected


# ---------------------------------------------------------------------------------------------
# Months
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        pytest.param(date(2026, 1, 31), 1, date(2026, 2, 28), id="31-jan-to-28-feb"),
        pytest.param(date(2028, 1, 31), 1, date(2028, 2, 29), id="31-jan-to-29-feb-leap"),
        pytest.param(date(2026, 3, 31), 1, date(2026, 4, 30), id="31-mar-to-30-apr"),
        pytest.param(date(2028, 2, 29), 12, date(2029, 2, 28), id="29-feb-plus-a-year"),
        pytest.param(date(2028, 2, 29), 48, date(2032, 2, 29), id="29-feb-plus-four-years"),
        pytest.param(date(2026, 11, 30), 2, date(2027, 1, 30), id="across-year-end"),
        pytest.param(date(2026, 12, 31), 2, date(2027, 2, 28), id="31-dec-plus-2"),
        pytest.param(date(2026, 3, 5), 2, date(2026, 5, 5), id="senguru-example"),
        pytest.param(date(2026, 1, 15), 0, date(2026, 1, 15), id="zero"),
        pytest.param(date(2026, 1, 15), -1, date(2025, 12, 15), id="back-across-year-end"),
        pytest.param(date(2026, 3, 31), -1, date(2026, 2, 28), id="back-to-short-month"),
        pytest.param(date(2026, 6, 1), 25, date(2028, 7, 1), id="more-than-a-year"),
    ],
)
def test_add_months(start, months, expected):
    """Calendar months: the same day of the month, or the last day of a shorter month."""
    assert add_months(start, months) == expected


def test_add_months_round_trips_for_days_every_month_has():
    for months in range(-30, 31):
        for start in (date(2026, 1, 1), date(2027, 7, 28), date(2028, 2, 15)):
            assert add_months(add_months(start, months), -months) == start


# ---------------------------------------------------------------------------------------------
# Table B (section 9.3): first annual reviews, each plan issued on its Table A 20-week date.
# issued | complete by | latest meeting | invitations | report | decision | amendment comments
# | final amended | next review | under-5 review by
# ---------------------------------------------------------------------------------------------
TABLE_B = {
    "B1": (
        "Mon 01 Jun 2026",
        "Mon 31 May 2027",
        "Mon 03 May 2027",
        "Mon 19 Apr 2027",
        "Mon 17 May 2027",
        "Mon 31 May 2027",
        "Mon 14 Jun 2027",
        "Mon 26 Jul 2027",
        "Tue 30 May 2028",
        "Mon 30 Nov 2026",
    ),  # noqa: E501
    "B2": (
        "Tue 23 Jun 2026",
        "Tue 22 Jun 2027",
        "Tue 25 May 2027",
        "Tue 11 May 2027",
        "Tue 08 Jun 2027",
        "Tue 22 Jun 2027",
        "Tue 06 Jul 2027",
        "Tue 17 Aug 2027",
        "Wed 21 Jun 2028",
        "Tue 22 Dec 2026",
    ),  # noqa: E501
    "B3": (
        "Fri 31 Jul 2026",
        "Fri 30 Jul 2027",
        "Fri 02 Jul 2027",
        "Fri 18 Jun 2027",
        "Fri 16 Jul 2027",
        "Fri 30 Jul 2027",
        "Fri 13 Aug 2027",
        "Fri 24 Sep 2027",
        "Sat 29 Jul 2028",
        "Sat 30 Jan 2027",
    ),  # noqa: E501
    "B4": (
        "Wed 09 Sep 2026",
        "Wed 08 Sep 2027",
        "Wed 11 Aug 2027",
        "Wed 28 Jul 2027",
        "Wed 25 Aug 2027",
        "Wed 08 Sep 2027",
        "Wed 22 Sep 2027",
        "Wed 03 Nov 2027",
        "Thu 07 Sep 2028",
        "Mon 08 Mar 2027",
    ),  # noqa: E501
    "B5": (
        "Mon 19 Oct 2026",
        "Mon 18 Oct 2027",
        "Mon 20 Sep 2027",
        "Mon 06 Sep 2027",
        "Mon 04 Oct 2027",
        "Mon 18 Oct 2027",
        "Mon 01 Nov 2027",
        "Mon 13 Dec 2027",
        "Tue 17 Oct 2028",
        "Sun 18 Apr 2027",
    ),  # noqa: E501
    "B6": (
        "Thu 10 Dec 2026",
        "Thu 09 Dec 2027",
        "Thu 11 Nov 2027",
        "Thu 28 Oct 2027",
        "Thu 25 Nov 2027",
        "Thu 09 Dec 2027",
        "Thu 23 Dec 2027",
        "Thu 03 Feb 2028",
        "Fri 08 Dec 2028",
        "Wed 09 Jun 2027",
    ),  # noqa: E501
    "B7": (
        "Mon 25 Jan 2027",
        "Mon 24 Jan 2028",
        "Mon 27 Dec 2027",
        "Mon 13 Dec 2027",
        "Mon 10 Jan 2028",
        "Mon 24 Jan 2028",
        "Mon 07 Feb 2028",
        "Mon 20 Mar 2028",
        "Tue 23 Jan 2029",
        "Sat 24 Jul 2027",
    ),  # noqa: E501
    "B8-leap": (
        "Fri 05 Mar 2027",
        "Sat 04 Mar 2028",
        "Sat 05 Feb 2028",
        "Sat 22 Jan 2028",
        "Sat 19 Feb 2028",
        "Sat 04 Mar 2028",
        "Sat 18 Mar 2028",
        "Sat 29 Apr 2028",
        "Sat 03 Mar 2029",
        "Sat 04 Sep 2027",
    ),  # noqa: E501
    "B9": (
        "Wed 12 May 2027",
        "Thu 11 May 2028",
        "Thu 13 Apr 2028",
        "Thu 30 Mar 2028",
        "Thu 27 Apr 2028",
        "Thu 11 May 2028",
        "Thu 25 May 2028",
        "Thu 06 Jul 2028",
        "Thu 10 May 2029",
        "Thu 11 Nov 2027",
    ),  # noqa: E501
    "B10": (
        "Mon 21 Jun 2027",
        "Tue 20 Jun 2028",
        "Tue 23 May 2028",
        "Tue 09 May 2028",
        "Tue 06 Jun 2028",
        "Tue 20 Jun 2028",
        "Tue 04 Jul 2028",
        "Tue 15 Aug 2028",
        "Tue 19 Jun 2029",
        "Mon 20 Dec 2027",
    ),  # noqa: E501
    "B11": (
        "Tue 21 Sep 2027",
        "Wed 20 Sep 2028",
        "Wed 23 Aug 2028",
        "Wed 09 Aug 2028",
        "Wed 06 Sep 2028",
        "Wed 20 Sep 2028",
        "Wed 04 Oct 2028",
        "Wed 15 Nov 2028",
        "Wed 19 Sep 2029",
        "Mon 20 Mar 2028",
    ),  # noqa: E501
    "B12": (
        "Fri 17 Dec 2027",
        "Sat 16 Dec 2028",
        "Sat 18 Nov 2028",
        "Sat 04 Nov 2028",
        "Sat 02 Dec 2028",
        "Sat 16 Dec 2028",
        "Sat 30 Dec 2028",
        "Sat 10 Feb 2029",
        "Sat 15 Dec 2029",
        "Fri 16 Jun 2028",
    ),  # noqa: E501
}


def _table_b(*columns: int) -> list:
    return [
        pytest.param(*(d(row[column]) for column in columns), id=key)
        for key, row in TABLE_B.items()
    ]


def test_table_b_plans_are_issued_on_their_table_a_final_dates():
    """Table B assumes each plan was issued on its Table A 20-week date."""
    finals = [d(row[5]) for row in TABLE_A.values()]
    assert [d(row[0]) for row in TABLE_B.values()] == finals


@pytest.mark.parametrize(("issued", "expected"), _table_b(0, 1))
def test_REVIEW_12M(issued, expected):
    """Review the plan within 12 months of it being issued: issue + 12 months - 1 day
    (s.44 CFA; CoP 9.168-9.169)."""
    assert due_on(REVIEW_COMPLETE, issued) == expected
    assert review_deadlines(issued)["review_complete_by"].due_on == expected


@pytest.mark.parametrize(("issued", "expected"), _table_b(0, 2))
def test_REVIEW_MEETING(issued, expected):
    """Hold the review meeting at least 4 weeks before the review must be complete:
    complete-by - 28 days (reg 20; CoP 9.169)."""
    deadlines = review_deadlines(issued)
    assert deadlines["latest_meeting"].due_on == expected
    assert deadlines["latest_meeting"].start == deadlines["review_complete_by"].due_on


@pytest.mark.parametrize(("issued", "expected"), _table_b(0, 3))
def test_REVIEW_INVITES_2W(issued, expected):
    """Invite everyone, and circulate the advice, at least 2 weeks before the meeting
    (regs 20(3)-(4), 21(3)-(4)): latest meeting - 14 days."""
    assert review_deadlines(issued)["invitations_by"].due_on == expected


def test_REVIEW_INVITES_2W_counts_back_from_the_actual_meeting():
    """Once a meeting date is set, invitations are due 2 weeks before that meeting."""
    deadlines = review_deadlines(d("Mon 01 Jun 2026"), meeting_on=d("Wed 10 Mar 2027"))
    assert deadlines["invitations_by"].due_on == d("Wed 24 Feb 2027")
    assert deadlines["invitations_by"].start == d("Wed 10 Mar 2027")
    assert deadlines["latest_meeting"].due_on == d("Mon 03 May 2027")


@pytest.mark.parametrize(("issued", "meeting", "expected"), _table_b(0, 2, 4))
def test_REVIEW_REPORT_2W(issued, meeting, expected):
    """Send the review report within 2 weeks of the meeting (reg 20; reg 21(7)): meeting + 14."""
    assert due_on(REVIEW_REPORT, meeting) == expected
    assert review_deadlines(issued, meeting_on=meeting)["report_due"].due_on == expected


@pytest.mark.parametrize(("issued", "meeting", "expected", "complete_by"), _table_b(0, 2, 5, 1))
def test_REVIEW_DECISION_4W(issued, meeting, expected, complete_by):
    """Notify the review decision within 4 weeks of the meeting (regs 20, 21; CoP 9.169):
    meeting + 28, which for the latest meeting is the last day of the 12 months."""
    assert review_deadlines(issued, meeting_on=meeting)["decision_due"].due_on == expected
    assert expected == complete_by


@pytest.mark.parametrize(("issued", "notice", "expected"), _table_b(0, 5, 6))
def test_AMEND_COMMENTS_15D(issued, notice, expected):
    """At least 15 days, beginning with the day the amendment notice was served, to comment
    (reg 22(2)(c)): notice + 14. Table B sends the notice with the decision (Devon)."""
    assert due_on(AMEND_COMMENTS, notice) == expected
    deadlines = review_deadlines(issued, amendment_notice_on=notice)
    assert deadlines["amendment_comments_due"].due_on == expected


@pytest.mark.parametrize(("issued", "meeting", "notice", "expected"), _table_b(0, 2, 5, 7))
def test_AMEND_FINAL_8W(issued, meeting, notice, expected):
    """Issue the final amended plan within 8 weeks of the amendment notice (reg 22(3)):
    notice + 56, so at most 12 weeks after the meeting."""
    deadlines = review_deadlines(issued, meeting_on=meeting, amendment_notice_on=notice)
    assert deadlines["amended_plan_due"].due_on == expected
    assert (expected - meeting).days == 84


@pytest.mark.parametrize(("decision", "expected"), _table_b(5, 8))
def test_REVIEW_12M_next_review(decision, expected):
    """The next review runs from the date of the review decision: decision + 12 months - 1 day."""
    assert review_deadlines(decision)["review_complete_by"].due_on == expected


@pytest.mark.parametrize(("issued", "expected"), _table_b(0, 9))
def test_REVIEW_UNDER5_6M(issued, expected):
    """For a child under 5, review at least every 6 months (CoP 9.178, guidance):
    issue + 6 months - 1 day."""
    assert due_on(REVIEW_UNDER_FIVE, issued) == expected
    deadlines = review_deadlines(issued, under_five=True)
    assert deadlines["review_complete_by"].due_on == expected
    assert deadlines["review_complete_by"].period is REVIEW_UNDER_FIVE
    assert deadlines["latest_meeting"].due_on == expected - timedelta(days=28)


@pytest.mark.parametrize(
    ("issued", "expected"),
    [
        # The convention adds 12 months first (29 Feb -> 28 Feb), then takes a day off.
        pytest.param(date(2028, 2, 29), date(2029, 2, 27), id="issued-29-feb"),
        pytest.param(date(2027, 3, 1), date(2028, 2, 29), id="ends-on-29-feb"),
        pytest.param(date(2026, 1, 1), date(2026, 12, 31), id="new-year"),
        pytest.param(date(2026, 12, 31), date(2027, 12, 30), id="year-end"),
    ],
)
def test_REVIEW_12M_edge_cases(issued, expected):
    """Month arithmetic at month and year ends."""
    assert review_deadlines(issued)["review_complete_by"].due_on == expected


def test_review_deadlines_keys_in_order():
    issued = d("Mon 01 Jun 2026")
    assert list(review_deadlines(issued)) == [
        "review_complete_by",
        "latest_meeting",
        "invitations_by",
    ]
    full = review_deadlines(
        issued, meeting_on=d("Mon 03 May 2027"), amendment_notice_on=d("Mon 17 May 2027")
    )
    assert list(full) == [
        "review_complete_by",
        "latest_meeting",
        "invitations_by",
        "report_due",
        "decision_due",
        "amendment_comments_due",
        "amended_plan_due",
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param(
            {"meeting_on": date(2026, 5, 1)},
            "The date of the review meeting (1 May 2026) cannot be before the date the plan was "
            "issued or last reviewed (1 June 2026)",
            id="meeting-before-issue",
        ),
        pytest.param(
            {"meeting_on": date(2027, 5, 3), "amendment_notice_on": date(2027, 4, 30)},
            "The date the amendment notice was sent (30 April 2027) cannot be before the date "
            "of the review meeting (3 May 2027)",
            id="notice-before-meeting",
        ),
    ],
)
def test_review_deadlines_rejects_inconsistent_dates(kwargs, message):
    with pytest.raises(ValueError) as error:
        review_deadlines(date(2026, 6, 1), **kwargs)
    assert str(error.value) == message


# ---------------------------------------------------------------------------------------------
# Section 9.4: phase transfer back-planning (reg 18).
# ---------------------------------------------------------------------------------------------
TABLE_9_4 = {
    "2027-school": (
        2027,
        False,
        "Sun 14 Feb 2027",
        "Sun 20 Dec 2026",
        "Sun 22 Nov 2026",
        "Sun 08 Nov 2026",
    ),  # noqa: E501
    "2027-post16": (
        2027,
        True,
        "Tue 30 Mar 2027",
        "Tue 02 Feb 2027",
        "Tue 05 Jan 2027",
        "Tue 22 Dec 2026",
    ),  # noqa: E501
    "2028-school": (
        2028,
        False,
        "Mon 14 Feb 2028",
        "Mon 20 Dec 2027",
        "Mon 22 Nov 2027",
        "Mon 08 Nov 2027",
    ),  # noqa: E501
    "2028-post16": (
        2028,
        True,
        "Thu 30 Mar 2028",
        "Thu 03 Feb 2028",
        "Thu 06 Jan 2028",
        "Thu 23 Dec 2027",
    ),  # noqa: E501
}


def _table_9_4(post16: bool) -> list:
    return [
        pytest.param(year, *(d(text) for text in dates), id=key)
        for key, (year, is_post16, *dates) in TABLE_9_4.items()
        if is_post16 is post16
    ]


@pytest.mark.parametrize(("year", "final", "notice", "meeting", "invitations"), _table_9_4(False))
def test_PHASE_TRANSFER_15FEB(year, final, notice, meeting, invitations):
    """Review and amend the plan before 15 February of the year of a school phase transfer
    (reg 18(1)); read strictly, by 14 February."""
    assert phase_transfer_deadline(year, post16=False) == final
    assert due_on(PHASE_TRANSFER_SCHOOL, date(year, 2, 15)) == final
    assert phase_transfer_back_plan(year, post16=False) == {
        "final_amended_plan_by": final,
        "amendment_notice_by": notice,
        "review_meeting_by": meeting,
        "invitations_by": invitations,
    }


@pytest.mark.parametrize(("year", "final", "notice", "meeting", "invitations"), _table_9_4(True))
def test_PHASE_TRANSFER_31MAR(year, final, notice, meeting, invitations):
    """Review and amend the plan before 31 March of the year of transfer from secondary school
    to a post-16 institution (reg 18(1)); read strictly, by 30 March."""
    assert phase_transfer_deadline(year, post16=True) == final
    assert due_on(PHASE_TRANSFER_POST16, date(year, 3, 31)) == final
    assert phase_transfer_back_plan(year, post16=True) == {
        "final_amended_plan_by": final,
        "amendment_notice_by": notice,
        "review_meeting_by": meeting,
        "invitations_by": invitations,
    }


@pytest.mark.parametrize(
    ("move_on", "final"),
    [
        (date(2028, 1, 8), date(2027, 8, 8)),  # across the new year
        (date(2028, 7, 31), date(2028, 2, 29)),  # 31 July: no 31 February; 2028 is a leap year
        (date(2027, 7, 31), date(2027, 2, 28)),  # and 2027 is not
        (date(2027, 8, 29), date(2027, 3, 29)),
        (date(2028, 3, 31), date(2027, 10, 31)),
        (date(2028, 4, 30), date(2027, 11, 30)),
        (date(2027, 10, 31), date(2027, 5, 31)),
        (date(2028, 5, 31), date(2027, 12, 31)),
        (date(2028, 2, 29), date(2027, 9, 29)),  # from 29 February
    ],
)
def test_PHASE_TRANSFER_POST16_5M(move_on, final):
    """A move between post-16 institutions at another time: the review, and any amended plan,
    at least 5 months before the move (reg 18(2)); the back plan works from that date as for
    the reg 18(1) transfers."""
    assert post16_move_deadline(move_on) == final
    assert due_on(PHASE_TRANSFER_POST16_MOVE, move_on) == final
    assert back_plan_from(final) == {
        "final_amended_plan_by": final,
        "amendment_notice_by": final - timedelta(days=56),
        "review_meeting_by": final - timedelta(days=56 + 28),
        "invitations_by": final - timedelta(days=56 + 28 + 14),
    }


# ---------------------------------------------------------------------------------------------
# Section 9.5: appeal windows (Tribunal rule 20(1)(c); reg 33).
# decision sent | 2 months after | certificate issued | 1 month after certificate | appeal by
# ---------------------------------------------------------------------------------------------
TABLE_9_5 = {
    "no-certificate": ("Thu 05 Mar 2026", "Tue 05 May 2026", None, None, "Tue 05 May 2026"),
    "certificate-later": (
        "Fri 20 Nov 2026",
        "Wed 20 Jan 2027",
        "Wed 27 Jan 2027",
        "Sat 27 Feb 2027",
        "Sat 27 Feb 2027",
    ),  # noqa: E501
    "two-months-later": (
        "Fri 29 Jan 2027",
        "Mon 29 Mar 2027",
        "Wed 10 Feb 2027",
        "Wed 10 Mar 2027",
        "Mon 29 Mar 2027",
    ),  # noqa: E501
}


def _table_9_5() -> list:
    return [
        pytest.param(*(d(text) if text else None for text in row), id=key)
        for key, row in TABLE_9_5.items()
    ]


@pytest.mark.parametrize(
    ("decision", "two_months", "certificate", "one_month", "appeal_by"), _table_9_5()
)
def test_APPEAL_2M(decision, two_months, certificate, one_month, appeal_by):
    """An appeal must reach the Tribunal within 2 months after the decision letter was sent, or
    within 1 month of the mediation certificate if later (HESC Rules 2008, r.20(1)(c))."""
    assert due_on(APPEAL, decision) == two_months
    assert appeal_deadline(decision, mediation_certificate_on=certificate) == appeal_by


@pytest.mark.parametrize(
    ("decision", "two_months", "certificate", "one_month", "appeal_by"),
    [row for row in _table_9_5() if row.values[2] is not None],
)
def test_APPEAL_CERT_1M(decision, two_months, certificate, one_month, appeal_by):
    """Where a mediation certificate is issued, the appeal may arrive up to 1 month after it,
    if that is later than the 2-month date."""
    assert due_on(APPEAL_AFTER_CERTIFICATE, certificate) == one_month
    assert appeal_by == max(two_months, one_month)


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        pytest.param(d("Fri 20 Nov 2026"), d("Wed 20 Jan 2027"), id="table-9.5-row-2"),
        pytest.param(d("Thu 31 Dec 2026"), d("Sun 28 Feb 2027"), id="31-dec-to-28-feb"),
        pytest.param(d("Thu 30 Dec 2027"), d("Tue 29 Feb 2028"), id="30-dec-to-29-feb-leap"),
    ],
)
def test_MEDIATION_CONTACT_2M(decision, expected):
    """To appeal, contact the mediation adviser within 2 months after the decision letter was
    sent (reg 33)."""
    assert mediation_contact_deadline(decision) == expected
    assert due_on(MEDIATION_CONTACT, decision) == expected


def test_appeal_deadline_rejects_a_certificate_before_the_decision():
    with pytest.raises(ValueError, match="mediation certificate"):
        appeal_deadline(date(2026, 11, 20), mediation_certificate_on=date(2026, 11, 1))


# ---------------------------------------------------------------------------------------------
# assessment_deadlines: shape and consistency checks
# ---------------------------------------------------------------------------------------------
def test_assessment_deadlines_always_has_the_four_request_dates():
    deadlines = assessment_deadlines(date(2026, 1, 12))
    assert list(deadlines) == [
        "decision_to_assess_due",
        "decision_not_to_issue_due",
        "draft_recommended_by",
        "final_plan_due",
    ]
    for deadline in deadlines.values():
        assert isinstance(deadline, Deadline)
        assert deadline.start == date(2026, 1, 12)
        assert deadline.source == deadline.period.source


def test_assessment_deadlines_adds_dates_for_the_facts_given():
    deadlines = assessment_deadlines(
        date(2026, 1, 12),
        advice_requested_on=date(2026, 2, 2),
        draft_issued_on=date(2026, 4, 20),
        consultation_sent_on=date(2026, 5, 5),
    )
    assert list(deadlines) == [
        "decision_to_assess_due",
        "advice_due",
        "decision_not_to_issue_due",
        "draft_recommended_by",
        "draft_comments_due",
        "consultation_reply_due",
        "final_plan_due",
    ]
    assert deadlines["advice_due"].due_on == date(2026, 3, 16)
    assert deadlines["advice_due"].period is ADVICE
    assert deadlines["draft_comments_due"].due_on == date(2026, 5, 4)
    assert deadlines["consultation_reply_due"].due_on == date(2026, 5, 19)
    assert deadlines["final_plan_due"].source == "SEND Regulations 2014, reg 13(2)"


def test_assessment_deadlines_accepts_facts_on_the_day_the_request_was_received():
    received = date(2026, 1, 12)
    deadlines = assessment_deadlines(received, advice_requested_on=received)
    assert deadlines["advice_due"].due_on == deadlines["decision_to_assess_due"].due_on


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param(
            {"advice_requested_on": date(2026, 1, 11)},
            "The date advice was requested (11 January 2026) cannot be before the date the "
            "request was received (12 January 2026)",
            id="advice",
        ),
        pytest.param(
            {"draft_issued_on": date(2025, 12, 1)},
            "The date the draft plan was issued (1 December 2025) cannot be before the date the "
            "request was received (12 January 2026)",
            id="draft",
        ),
        pytest.param(
            {"consultation_sent_on": date(2026, 1, 1)},
            "The date the school or college was consulted (1 January 2026) cannot be before the "
            "date the request was received (12 January 2026)",
            id="consultation",
        ),
    ],
)
def test_assessment_deadlines_rejects_facts_before_the_request(kwargs, message):
    with pytest.raises(ValueError) as error:
        assessment_deadlines(date(2026, 1, 12), **kwargs)
    assert str(error.value) == message


# ---------------------------------------------------------------------------------------------
# Property-style loops over every day of 2024-2028
# ---------------------------------------------------------------------------------------------
def _every_day(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def test_assessment_dates_hold_for_every_start_day_2024_to_2028():
    for received in _every_day(date(2024, 1, 1), date(2028, 12, 31)):
        deadlines = assessment_deadlines(received)
        decide = deadlines["decision_to_assess_due"].due_on
        draft = deadlines["draft_recommended_by"].due_on
        not_issue = deadlines["decision_not_to_issue_due"].due_on
        final = deadlines["final_plan_due"].due_on
        assert (final - received).days == 140
        assert decide < draft < not_issue < final
        # Whole weeks: every date falls on the weekday the request arrived.
        assert {decide.weekday(), draft.weekday(), not_issue.weekday(), final.weekday()} == {
            received.weekday()
        }


def test_review_dates_hold_for_every_start_day_2024_to_2028():
    for issued in _every_day(date(2024, 1, 1), date(2028, 12, 31)):
        complete_by = review_deadlines(issued)["review_complete_by"].due_on
        assert 364 <= (complete_by - issued).days <= 365
        assert add_months(issued, 12) - timedelta(days=1) == complete_by
        under_five = review_deadlines(issued, under_five=True)["review_complete_by"].due_on
        assert issued < under_five < complete_by


def test_add_months_keeps_the_day_or_clamps_for_every_day_2024_to_2028():
    for start in _every_day(date(2024, 1, 1), date(2028, 12, 31)):
        for months in (1, 2, 6, 12):
            result = add_months(start, months)
            assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
            next_day = result + timedelta(days=1)
            assert result.day == start.day or (result.day < start.day and next_day.day == 1)


# ---------------------------------------------------------------------------------------------
# deadline_status
# ---------------------------------------------------------------------------------------------
DUE = date(2026, 2, 23)


@pytest.mark.parametrize(
    ("kwargs", "state", "days", "label"),
    [
        pytest.param(
            {"today": DUE - timedelta(days=22)},
            DeadlineState.NOT_DUE,
            22,
            "Due in 22 days",
            id="not-due",
        ),
        pytest.param(
            {"today": DUE - timedelta(days=6)},
            DeadlineState.NOT_DUE,
            6,
            "Due in 6 days",
            id="one-day-before-warning",
        ),
        pytest.param(
            {"today": DUE - timedelta(days=5)},
            DeadlineState.DUE_SOON,
            5,
            "Due in 5 days",
            id="warning-boundary",
        ),
        pytest.param(
            {"today": DUE - timedelta(days=1)},
            DeadlineState.DUE_SOON,
            1,
            "Due in 1 day",
            id="due-tomorrow",
        ),
        pytest.param({"today": DUE}, DeadlineState.DUE_SOON, 0, "Due today", id="due-today"),
        pytest.param(
            {"today": DUE - timedelta(days=1), "warn_days": 0},
            DeadlineState.NOT_DUE,
            1,
            "Due in 1 day",
            id="no-warning-window",
        ),
        pytest.param(
            {"today": DUE, "warn_days": 0},
            DeadlineState.DUE_SOON,
            0,
            "Due today",
            id="no-warning-window-due-today",
        ),
        pytest.param(
            {"today": DUE - timedelta(days=10), "warn_days": 10},
            DeadlineState.DUE_SOON,
            10,
            "Due in 10 days",
            id="custom-warning",
        ),
        pytest.param(
            {"today": DUE + timedelta(days=1)},
            DeadlineState.OVERDUE,
            1,
            "Overdue by 1 day",
            id="overdue-1",
        ),
        pytest.param(
            {"today": DUE + timedelta(days=2)},
            DeadlineState.OVERDUE,
            2,
            "Overdue by 2 days",
            id="overdue-2",
        ),
        pytest.param(
            {"today": DUE + timedelta(days=2), "exception_recorded": True},
            DeadlineState.OVERDUE_EXCEPTION,
            2,
            "Overdue by 2 days, exception recorded",
            id="overdue-exception",
        ),
        pytest.param(
            {"today": DUE - timedelta(days=2), "exception_recorded": True},
            DeadlineState.DUE_SOON,
            2,
            "Due in 2 days",
            id="exception-does-not-change-open-work-before-due",
        ),
        pytest.param(
            {"today": DUE + timedelta(days=9), "done_on": DUE},
            DeadlineState.DONE_ON_TIME,
            0,
            "On time",
            id="done-on-due-date",
        ),
        pytest.param(
            {"today": DUE, "done_on": DUE - timedelta(days=20)},
            DeadlineState.DONE_ON_TIME,
            0,
            "On time",
            id="done-early",
        ),
        pytest.param(
            {"today": DUE, "done_on": DUE, "exception_recorded": True},
            DeadlineState.DONE_ON_TIME,
            0,
            "On time",
            id="on-time-with-exception",
        ),
        pytest.param(
            {"today": DUE + timedelta(days=30), "done_on": DUE + timedelta(days=1)},
            DeadlineState.DONE_LATE,
            1,
            "1 day late",
            id="late-1",
        ),
        pytest.param(
            {"today": DUE + timedelta(days=30), "done_on": DUE + timedelta(days=3)},
            DeadlineState.DONE_LATE,
            3,
            "3 days late",
            id="late-3",
        ),
        pytest.param(
            {
                "today": DUE + timedelta(days=30),
                "done_on": DUE + timedelta(days=3),
                "exception_recorded": True,
            },
            DeadlineState.DONE_LATE_EXCEPTION,
            3,
            "3 days late, exception recorded",
            id="late-exception",
        ),
        pytest.param(
            {
                "today": DUE + timedelta(days=30),
                "done_on": DUE + timedelta(days=1),
                "exception_recorded": True,
            },
            DeadlineState.DONE_LATE_EXCEPTION,
            1,
            "1 day late, exception recorded",
            id="late-exception-1",
        ),
    ],
)
def test_deadline_status(kwargs, state, days, label):
    """Open work is due soon from warn_days before the date up to the date itself, then overdue;
    finished work is on time if done on or before the date."""
    status = deadline_status(DUE, **kwargs)
    assert status == DeadlineStatus(state, days)
    assert status.label == label


@pytest.mark.parametrize(
    ("state", "is_late"),
    [
        (DeadlineState.NOT_DUE, False),
        (DeadlineState.DUE_SOON, False),
        (DeadlineState.OVERDUE, True),
        (DeadlineState.OVERDUE_EXCEPTION, True),
        (DeadlineState.DONE_ON_TIME, False),
        (DeadlineState.DONE_LATE, True),
        (DeadlineState.DONE_LATE_EXCEPTION, True),
    ],
)
def test_deadline_status_is_late(state, is_late):
    assert DeadlineStatus(state, 1).is_late is is_late


def test_deadline_state_values_are_the_words_shown_to_users():
    assert [state.value for state in DeadlineState] == [
        "Not yet due",
        "Due soon",
        "Overdue",
        "Overdue, exception recorded",
        "On time",
        "Late",
        "Late, exception recorded",
    ]


def test_deadline_status_rejects_negative_warn_days():
    with pytest.raises(ValueError):
        deadline_status(DUE, today=DUE, warn_days=-1)


# ---------------------------------------------------------------------------------------------
# The periods themselves
# ---------------------------------------------------------------------------------------------
def test_period_codes_are_unique_and_indexed():
    codes = [period.code for period in ALL_PERIODS]
    assert len(codes) == len(set(codes))
    assert PERIODS_BY_CODE == {period.code: period for period in ALL_PERIODS}


@pytest.mark.parametrize("period", ALL_PERIODS, ids=lambda period: period.code)
def test_every_period_is_described_and_cited(period):
    assert isinstance(period, StatutoryPeriod)
    assert period.text.endswith(".")
    assert period.source
    assert period.starts_from
    assert period.name
    for limb in period.exception_limbs:
        assert limb in EXCEPTION_LIMBS


@pytest.mark.parametrize(
    ("period", "days", "months"),
    [
        (DECIDE_TO_ASSESS, 42, 0),
        (ADVICE, 42, 0),
        (DECISION_NOT_TO_ISSUE, 112, 0),
        (DRAFT_RECOMMENDED, 98, 0),
        (DRAFT_COMMENTS, 14, 0),
        (SETTING_CONSULTATION, 14, 0),
        (FINAL_PLAN, 140, 0),
        (REVIEW_COMPLETE, -1, 12),
        (REVIEW_UNDER_FIVE, -1, 6),
        (REVIEW_MEETING, -28, 0),
        (REVIEW_INVITATIONS, -14, 0),
        (REVIEW_REPORT, 14, 0),
        (REVIEW_DECISION, 28, 0),
        (AMEND_COMMENTS, 14, 0),
        (AMEND_FINAL, 56, 0),
        (APPEAL, 0, 2),
        (APPEAL_AFTER_CERTIFICATE, 0, 1),
        (MEDIATION_CONTACT, 0, 2),
        (REASSESS_DECIDE, 15, 0),
        (REASSESS_DRAFT, 56, 0),
        (REASSESS_FINAL, 98, 0),
        (PHASE_TRANSFER_POST16_MOVE, 0, -5),
    ],
    ids=lambda value: value.code if isinstance(value, StatutoryPeriod) else None,
)
def test_period_lengths(period, days, months):
    assert (period.days, period.months) == (days, months)


def test_only_the_legal_time_limits_with_exceptions_have_them():
    with_exceptions = {period.code for period in ALL_PERIODS if period.exception_limbs}
    assert with_exceptions == {
        "EHCP-DECIDE-6W",
        "EHCP-ADVICE-6W",
        "EHCP-NOT-ISSUE-16W",
        "EHCP-FINAL-20W",
        "REASSESS-FINAL-14W",  # reg 27(3)
    }
    assert FINAL_PLAN.exception_limbs == DECISION_NOT_TO_ISSUE.exception_limbs


def test_guidance_periods_say_so():
    assert "not a legal time limit" in DRAFT_RECOMMENDED.text
    assert "guidance" in DRAFT_RECOMMENDED.source
    assert "guidance" in SETTING_CONSULTATION.source
    assert "guidance" in REVIEW_UNDER_FIVE.source


def test_format_date():
    assert format_date(date(2026, 1, 2)) == "2 January 2026"


# -- reg 13(1): the 15 days for representations are a minimum ----------------------------------

COMMENTS_DUE = date(2026, 3, 16)  # the 15th day, counting the day the draft was served


@pytest.mark.parametrize(
    ("no_further_comments_on", "on", "closed"),
    [
        (None, COMMENTS_DUE - timedelta(days=14), False),  # the day the draft was served
        (None, COMMENTS_DUE, False),  # the last of the 15 days
        (None, COMMENTS_DUE + timedelta(days=1), True),  # the day after
        (None, COMMENTS_DUE + timedelta(days=30), True),
        (
            COMMENTS_DUE - timedelta(days=10),
            COMMENTS_DUE - timedelta(days=11),
            False,
        ),  # before they said so
        (
            COMMENTS_DUE - timedelta(days=10),
            COMMENTS_DUE - timedelta(days=10),
            True,
        ),  # the day they said so
        (COMMENTS_DUE - timedelta(days=10), COMMENTS_DUE - timedelta(days=3), True),
        (
            COMMENTS_DUE + timedelta(days=5),
            COMMENTS_DUE + timedelta(days=1),
            True,
        ),  # a late statement changes nothing
    ],
)
def test_EHCP_DRAFT_COMMENTS_15D_representations_close_after_15_days_or_a_written_statement(
    no_further_comments_on, on, closed
):
    """SEND Regulations 2014, reg 13(1): at least 15 days; only the parent or young person saying
    in writing that they have nothing more to add ends them early (early comments do not)."""
    assert (
        deadlines.representations_closed(
            comments_due_on=COMMENTS_DUE, no_further_comments_on=no_further_comments_on, on=on
        )
        is closed
    )


# ---------------------------------------------------------------------------------------------
# Re-assessment (SEND Regulations 2014, regs 24-27): 15 days to decide from the request, then
# 14 weeks from the decision to the final amended or replacement plan.
# ---------------------------------------------------------------------------------------------

REASSESSMENT_CASES = {
    # received: (decision due, day 15 | final if decided on day 15, +98 | draft +56 and
    # final +98 if decided the day the request came)
    "monday": ("Mon 12 Jan 2026", "Tue 27 Jan 2026", "Tue 05 May 2026", "Mon 09 Mar 2026", "Mon 20 Apr 2026"),
    "sunday-1-march": ("Sun 01 Mar 2026", "Mon 16 Mar 2026", "Mon 22 Jun 2026", "Sun 26 Apr 2026", "Sun 07 Jun 2026"),
    "year-end": ("Sun 20 Dec 2026", "Mon 04 Jan 2027", "Mon 12 Apr 2027", "Sun 14 Feb 2027", "Sun 28 Mar 2027"),
    "leap-february": ("Sun 20 Feb 2028", "Mon 06 Mar 2028", "Mon 12 Jun 2028", "Sun 16 Apr 2028", "Sun 28 May 2028"),
    "february-2027": ("Sun 14 Feb 2027", "Mon 01 Mar 2027", "Mon 07 Jun 2027", "Sun 11 Apr 2027", "Sun 23 May 2027"),
    "summer": ("Mon 20 Jul 2026", "Tue 04 Aug 2026", "Tue 10 Nov 2026", "Mon 14 Sep 2026", "Mon 26 Oct 2026"),
}  # fmt: skip


def _reassessment(column: int) -> list:
    return [
        pytest.param(d(row[0]), d(row[column]), id=key) for key, row in REASSESSMENT_CASES.items()
    ]


@pytest.mark.parametrize(("received", "expected"), _reassessment(1))
def test_REASSESS_DECIDE_15D(received, expected):
    """Tell the parent or young person whether the council will re-assess within 15 days of
    receiving the request (reg 25(1)): day 0 is the day received, due on day 15 [INTERP]."""
    assert due_on(REASSESS_DECIDE, received) == expected
    assert deadlines.reassessment_deadlines(received)["decision_to_assess_due"].due_on == expected


@pytest.mark.parametrize(("received", "expected"), _reassessment(4))
def test_REASSESS_FINAL_14W(received, expected):
    """The final amended or replacement plan within 14 weeks of the decision to re-assess
    (reg 27(2)): decision + 98. A decision not to amend or replace is kept inside it."""
    due = deadlines.reassessment_deadlines(received, decided_on=received)
    assert due_on(REASSESS_FINAL, received) == expected
    assert due["final_plan_due"].due_on == expected
    assert due["decision_not_to_issue_due"].due_on == expected
    assert due["final_plan_due"].start == received


@pytest.mark.parametrize(("received", "expected"), _reassessment(3))
def test_REASSESS_DRAFT_8W(received, expected):
    """The product's target for the draft of a re-assessment: 8 weeks from the decision, leaving
    6 weeks for the 15 days of comments and the consultation (not a legal time limit)."""
    assert due_on(REASSESS_DRAFT, received) == expected
    assert (
        deadlines.reassessment_deadlines(received, decided_on=received)[
            "draft_recommended_by"
        ].due_on
        == expected
    )


@pytest.mark.parametrize(("received", "latest"), _reassessment(2))
def test_REASSESS_FINAL_14W_before_the_decision_is_the_latest_on_time_date(received, latest):
    """Before the decision, the 14 weeks are counted from the day the decision is due: the
    latest the final plan can be due if the decision is on time (reg 25(1) then reg 27(2)). There
    is no draft target yet."""
    due = deadlines.reassessment_deadlines(received)
    assert due["final_plan_due"].due_on == latest
    assert due["final_plan_due"].start == due["decision_to_assess_due"].due_on
    assert "draft_recommended_by" not in due


@pytest.mark.parametrize("days_after", [0, 1, 15, 40])
def test_REASSESS_FINAL_14W_runs_from_the_actual_decision(days_after):
    received = d("Mon 12 Jan 2026")
    decided = received + timedelta(days=days_after)
    due = deadlines.reassessment_deadlines(received, decided_on=decided)
    assert due["final_plan_due"].due_on == decided + timedelta(weeks=14)


def test_REASSESS_decision_before_the_request_is_refused():
    with pytest.raises(ValueError, match="cannot be before"):
        deadlines.reassessment_deadlines(d("Mon 12 Jan 2026"), decided_on=d("Sun 11 Jan 2026"))


def test_REASSESS_timetables_name_their_periods():
    assert deadlines.REASSESSMENT_TIMETABLE.decide is REASSESS_DECIDE
    assert deadlines.REASSESSMENT_TIMETABLE.final is REASSESS_FINAL
    assert deadlines.REASSESSMENT_TIMETABLE.not_issue is REASSESS_FINAL
    assert deadlines.INITIAL_TIMETABLE.final is FINAL_PLAN
    # Reg 27(3) applies the reg 10(4)(a)-(d) exceptions; the 15 days have none.
    assert REASSESS_FINAL.exception_limbs == ("10(4)(a)", "10(4)(b)", "10(4)(c)", "10(4)(d)")
    assert REASSESS_DECIDE.exception_limbs == ()


@pytest.mark.parametrize(
    ("last", "received", "may_refuse"),
    [
        pytest.param(None, "Mon 01 Mar 2027", False, id="never-assessed"),
        pytest.param("Tue 01 Sep 2026", "Mon 01 Mar 2027", True, id="exactly-6-months"),
        pytest.param("Mon 31 Aug 2026", "Mon 01 Mar 2027", False, id="a-day-over-6-months"),
        pytest.param("Mon 01 Mar 2027", "Mon 01 Mar 2027", True, id="same-day"),
        pytest.param("Tue 02 Mar 2027", "Mon 01 Mar 2027", False, id="after-the-request"),
        pytest.param("Fri 28 Aug 2026", "Sun 28 Feb 2027", True, id="from-28-february"),
        pytest.param("Thu 27 Aug 2026", "Sun 28 Feb 2027", False, id="before-28-august"),
        pytest.param("Wed 31 Mar 2027", "Thu 30 Sep 2027", True, id="month-end-30-september"),
        pytest.param("Tue 30 Mar 2027", "Thu 30 Sep 2027", True, id="30-march"),
        pytest.param("Mon 29 Mar 2027", "Thu 30 Sep 2027", False, id="29-march"),
        pytest.param("Tue 29 Feb 2028", "Tue 29 Aug 2028", True, id="leap-day"),
    ],
)
def test_REASSESS_within_6_months_of_the_last_assessment(last, received, may_refuse):
    """Reg 24: the council need not re-assess where an EHC needs assessment was conducted in the
    6 months before the request (the paragraph is unconfirmed). Calendar months, as add_months."""
    assert (
        deadlines.reassessment_may_be_refused(
            last_assessed_on=d(last) if last else None, received_on=d(received)
        )
        is may_refuse
    )
