"""The dates of an annual review, of amending the plan after it and of a phase transfer, by the
conventions of the SEND rules reference (its date conventions table; sections 3 and 9.3-9.4).
Pure rules: no database.

Every expected date is written out by hand with its weekday ("Tue 27 Feb 2029"), so a table row
with a wrong weekday fails before the rule is even called.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ehcp.assessments.rules.deadlines import (
    AMEND_COMMENTS,
    AMEND_FINAL,
    FIRST_PHASE_TRANSFER_YEAR,
    PHASE_TRANSFER_POST16,
    PHASE_TRANSFER_SCHOOL,
    REVIEW_COMPLETE,
    REVIEW_DECISION,
    REVIEW_INVITATIONS,
    REVIEW_MEETING,
    REVIEW_REPORT,
    REVIEW_UNDER_FIVE,
    add_months,
    due_on,
    next_review_due,
    phase_transfer_back_plan,
    phase_transfer_deadline,
    review_deadlines,
    under_five_on,
)

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def d(text: str) -> date:
    """Parse "Tue 29 Feb 2028" (weekday checked)."""
    weekday, day, month, year = text.split()
    parsed = date(int(year), _MONTHS.index(month) + 1, int(day))
    assert _WEEKDAYS[parsed.weekday()] == weekday, f"{text} is a {_WEEKDAYS[parsed.weekday()]}"
    return parsed


def _rows(table: list[tuple[str, ...]]) -> list:
    return [pytest.param(*(d(text) for text in row), id=row[0][4:]) for row in table]


# ---------------------------------------------------------------------------------------------
# The review: 12 months less a day from the issue (or the last review decision)
# issued or last decision | review due | latest meeting (-28) | invitations and advice (-14)
# ---------------------------------------------------------------------------------------------
REVIEW = [
    # 29 February: add 12 months (28 February, the month has no 29th), then take a day off.
    ("Tue 29 Feb 2028", "Tue 27 Feb 2029", "Tue 30 Jan 2029", "Tue 16 Jan 2029"),
    ("Mon 28 Feb 2028", "Tue 27 Feb 2029", "Tue 30 Jan 2029", "Tue 16 Jan 2029"),
    ("Wed 01 Mar 2028", "Wed 28 Feb 2029", "Wed 31 Jan 2029", "Wed 17 Jan 2029"),
    ("Thu 29 Feb 2024", "Thu 27 Feb 2025", "Thu 30 Jan 2025", "Thu 16 Jan 2025"),
    # A review period that ends on 29 February, and one whose meeting does.
    ("Mon 01 Mar 2027", "Tue 29 Feb 2028", "Tue 01 Feb 2028", "Tue 18 Jan 2028"),
    ("Sun 28 Mar 2027", "Mon 27 Mar 2028", "Mon 28 Feb 2028", "Mon 14 Feb 2028"),
    ("Tue 28 Mar 2028", "Tue 27 Mar 2029", "Tue 27 Feb 2029", "Tue 13 Feb 2029"),
    # The last day of February in a year before a leap year: the same day exists, so 27 Feb.
    ("Sun 28 Feb 2027", "Sun 27 Feb 2028", "Sun 30 Jan 2028", "Sun 16 Jan 2028"),
    # Month ends: 31 January + 12 months - 1 day, 31 August, 30 April, 31 December.
    ("Sat 31 Jan 2026", "Sat 30 Jan 2027", "Sat 02 Jan 2027", "Sat 19 Dec 2026"),
    ("Mon 31 Jan 2028", "Tue 30 Jan 2029", "Tue 02 Jan 2029", "Tue 19 Dec 2028"),
    ("Mon 31 Aug 2026", "Mon 30 Aug 2027", "Mon 02 Aug 2027", "Mon 19 Jul 2027"),
    ("Thu 31 Aug 2028", "Thu 30 Aug 2029", "Thu 02 Aug 2029", "Thu 19 Jul 2029"),
    ("Thu 30 Apr 2026", "Thu 29 Apr 2027", "Thu 01 Apr 2027", "Thu 18 Mar 2027"),
    ("Thu 31 Dec 2026", "Thu 30 Dec 2027", "Thu 02 Dec 2027", "Thu 18 Nov 2027"),
    ("Fri 01 Jan 2027", "Fri 31 Dec 2027", "Fri 03 Dec 2027", "Fri 19 Nov 2027"),
    ("Thu 01 Apr 2027", "Fri 31 Mar 2028", "Fri 03 Mar 2028", "Fri 18 Feb 2028"),
    # Table B row 1 of the rules reference (the meeting is on the May Day bank holiday).
    ("Mon 01 Jun 2026", "Mon 31 May 2027", "Mon 03 May 2027", "Mon 19 Apr 2027"),
]


@pytest.mark.parametrize(("issued", "due", "meeting", "invitations"), _rows(REVIEW))
def test_review_due_latest_meeting_and_invitations(issued, due, meeting, invitations):
    """Review within 12 months (s.44; CoP 9.168-9.169): issue + 12 months - 1 day; the meeting
    4 weeks before (reg 20; CoP 9.169); invitations and advice 2 weeks before that (regs
    20(3)-(4), 21(3)-(4))."""
    deadlines = review_deadlines(issued)
    assert list(deadlines) == ["review_complete_by", "latest_meeting", "invitations_by"]
    assert deadlines["review_complete_by"].due_on == due
    assert deadlines["review_complete_by"].period is REVIEW_COMPLETE
    assert deadlines["review_complete_by"].start == issued
    assert deadlines["latest_meeting"].due_on == meeting
    assert deadlines["latest_meeting"].period is REVIEW_MEETING
    assert deadlines["invitations_by"].due_on == invitations
    assert deadlines["invitations_by"].period is REVIEW_INVITATIONS
    assert deadlines["invitations_by"].start == meeting


@pytest.mark.parametrize(("issued", "due", "meeting", "invitations"), _rows(REVIEW))
def test_a_meeting_on_the_latest_day_leaves_the_decision_on_the_review_date(
    issued, due, meeting, invitations
):
    """The latest meeting is 4 weeks before the review date, so the 4-week decision (regs 20,
    21) falls on the review date itself."""
    deadlines = review_deadlines(issued, meeting_on=meeting)
    assert deadlines["decision_due"].due_on == due
    assert deadlines["invitations_by"].due_on == invitations


# ---------------------------------------------------------------------------------------------
# Under-fives: 6 months less a day (CoP 9.178, guidance)
# issued or last decision | review due | latest meeting
# ---------------------------------------------------------------------------------------------
UNDER_FIVE = [
    ("Mon 31 Aug 2026", "Sat 27 Feb 2027", "Sat 30 Jan 2027"),  # 28 Feb 2027, less a day
    ("Tue 31 Aug 2027", "Mon 28 Feb 2028", "Mon 31 Jan 2028"),  # 29 Feb 2028, less a day
    ("Mon 30 Aug 2027", "Mon 28 Feb 2028", "Mon 31 Jan 2028"),
    ("Wed 01 Sep 2027", "Tue 29 Feb 2028", "Tue 01 Feb 2028"),
    ("Tue 01 Sep 2026", "Sun 28 Feb 2027", "Sun 31 Jan 2027"),
    ("Tue 29 Feb 2028", "Mon 28 Aug 2028", "Mon 31 Jul 2028"),
    ("Tue 31 Mar 2026", "Tue 29 Sep 2026", "Tue 01 Sep 2026"),
    ("Sat 31 Oct 2026", "Thu 29 Apr 2027", "Thu 01 Apr 2027"),
    ("Thu 31 Dec 2026", "Tue 29 Jun 2027", "Tue 01 Jun 2027"),
    ("Mon 01 Jun 2026", "Mon 30 Nov 2026", "Mon 02 Nov 2026"),  # Table B row 1
]


@pytest.mark.parametrize(("issued", "due", "meeting"), _rows(UNDER_FIVE))
def test_review_of_a_child_under_five(issued, due, meeting):
    """For a child under 5 the product reviews within 6 months (CoP 9.178, guidance): issue +
    6 months - 1 day, the meeting 4 weeks before it."""
    deadlines = review_deadlines(issued, under_five=True)
    assert deadlines["review_complete_by"].due_on == due
    assert deadlines["review_complete_by"].period is REVIEW_UNDER_FIVE
    assert deadlines["review_complete_by"].source == "SEND Code of Practice 9.178 (guidance)"
    assert deadlines["latest_meeting"].due_on == meeting
    assert deadlines["invitations_by"].due_on == meeting - timedelta(days=14)


# ---------------------------------------------------------------------------------------------
# The meeting: report within 2 weeks, decision within 4 weeks
# issued | meeting | invitations (-14) | report (+14) | decision (+28)
# ---------------------------------------------------------------------------------------------
MEETING = [
    # Across 29 February 2028 and the same dates in 2027.
    ("Mon 01 Mar 2027", "Tue 01 Feb 2028", "Tue 18 Jan 2028", "Tue 15 Feb 2028", "Tue 29 Feb 2028"),
    ("Mon 01 Mar 2027", "Tue 15 Feb 2028", "Tue 01 Feb 2028", "Tue 29 Feb 2028", "Tue 14 Mar 2028"),
    ("Mon 01 Mar 2027", "Wed 01 Mar 2028", "Wed 16 Feb 2028", "Wed 15 Mar 2028", "Wed 29 Mar 2028"),
    ("Sun 01 Mar 2026", "Mon 01 Feb 2027", "Mon 18 Jan 2027", "Mon 15 Feb 2027", "Mon 01 Mar 2027"),
    ("Sun 01 Mar 2026", "Mon 01 Mar 2027", "Mon 15 Feb 2027", "Mon 15 Mar 2027", "Mon 29 Mar 2027"),
    # Across the year end, and a meeting on the day the plan was issued.
    ("Fri 01 Jan 2027", "Mon 20 Dec 2027", "Mon 06 Dec 2027", "Mon 03 Jan 2028", "Mon 17 Jan 2028"),
    ("Mon 31 Aug 2026", "Mon 31 Aug 2026", "Mon 17 Aug 2026", "Mon 14 Sep 2026", "Mon 28 Sep 2026"),
    # Table B row 2 of the rules reference, at its latest meeting.
    ("Tue 23 Jun 2026", "Tue 25 May 2027", "Tue 11 May 2027", "Tue 08 Jun 2027", "Tue 22 Jun 2027"),
]


@pytest.mark.parametrize(("issued", "meeting", "invitations", "report", "decision"), _rows(MEETING))
def test_report_and_decision_count_from_the_meeting(issued, meeting, invitations, report, decision):
    """Invitations and advice 2 weeks before the meeting (regs 20(3)-(4), 21(3)-(4)); the report
    within 2 weeks of it (reg 20, 21(7)); the council's decision within 4 weeks of it (regs 20,
    21; CoP 9.169; Devon)."""
    deadlines = review_deadlines(issued, meeting_on=meeting)
    assert deadlines["invitations_by"].due_on == invitations
    assert deadlines["report_due"].due_on == report
    assert deadlines["report_due"].period is REVIEW_REPORT
    assert deadlines["decision_due"].due_on == decision
    assert deadlines["decision_due"].period is REVIEW_DECISION
    assert deadlines["report_due"].start == deadlines["decision_due"].start == meeting


# ---------------------------------------------------------------------------------------------
# Amending: 15 days for comments, the final amended plan within 8 weeks
# notice | comments end (+14) | final amended plan (+56)
# ---------------------------------------------------------------------------------------------
AMENDMENT = [
    ("Thu 17 Feb 2028", "Thu 02 Mar 2028", "Thu 13 Apr 2028"),  # across 29 February
    ("Wed 17 Feb 2027", "Wed 03 Mar 2027", "Wed 14 Apr 2027"),
    ("Mon 31 Jan 2028", "Mon 14 Feb 2028", "Mon 27 Mar 2028"),
    ("Sun 31 Jan 2027", "Sun 14 Feb 2027", "Sun 28 Mar 2027"),
    ("Mon 20 Dec 2027", "Mon 03 Jan 2028", "Mon 14 Feb 2028"),  # across the year end
    ("Tue 31 Aug 2027", "Tue 14 Sep 2027", "Tue 26 Oct 2027"),
    ("Mon 31 May 2027", "Mon 14 Jun 2027", "Mon 26 Jul 2027"),  # Table B row 1
]


@pytest.mark.parametrize(("notice", "comments", "final"), _rows(AMENDMENT))
def test_amendment_comments_and_final_amended_plan(notice, comments, final):
    """At least 15 days beginning with the day the notice is served (reg 22(2)(c)): notice + 14;
    the final amended plan within 8 weeks of the notice (reg 22(3)): notice + 56."""
    deadlines = review_deadlines(date(2026, 6, 1), amendment_notice_on=notice)
    assert deadlines["amendment_comments_due"].due_on == comments
    assert deadlines["amendment_comments_due"].period is AMEND_COMMENTS
    assert deadlines["amended_plan_due"].due_on == final
    assert deadlines["amended_plan_due"].period is AMEND_FINAL
    assert "report_due" not in deadlines  # no meeting given: no meeting dates


def test_a_whole_review_from_a_plan_issued_on_29_february():
    """Issued 29 Feb 2028; the meeting on its latest day; the decision to amend, with the
    amendment notice, on its last day (Devon); the final amended plan 12 weeks after the
    meeting; the next review 12 months less a day from the decision."""
    issued, meeting, notice = d("Tue 29 Feb 2028"), d("Tue 30 Jan 2029"), d("Tue 27 Feb 2029")
    deadlines = review_deadlines(issued, meeting_on=meeting, amendment_notice_on=notice)
    assert {key: item.due_on for key, item in deadlines.items()} == {
        "review_complete_by": d("Tue 27 Feb 2029"),
        "latest_meeting": d("Tue 30 Jan 2029"),
        "invitations_by": d("Tue 16 Jan 2029"),
        "report_due": d("Tue 13 Feb 2029"),
        "decision_due": d("Tue 27 Feb 2029"),
        "amendment_comments_due": d("Tue 13 Mar 2029"),
        "amended_plan_due": d("Tue 24 Apr 2029"),
    }
    assert deadlines["amended_plan_due"].due_on - meeting == timedelta(days=84)
    next_review = review_deadlines(notice)["review_complete_by"].due_on
    assert next_review == d("Tue 26 Feb 2030")


def test_a_late_meeting_is_not_refused_its_decision_falls_after_the_review_date():
    """A meeting after the latest date is a fact, not bad input: the dates still follow from it."""
    deadlines = review_deadlines(d("Mon 01 Jun 2026"), meeting_on=d("Mon 24 May 2027"))
    assert deadlines["decision_due"].due_on == d("Mon 21 Jun 2027")
    assert deadlines["decision_due"].due_on > deadlines["review_complete_by"].due_on


def test_the_meeting_and_the_notice_may_be_on_the_day_the_plan_was_issued():
    issued = d("Mon 01 Jun 2026")
    deadlines = review_deadlines(issued, meeting_on=issued, amendment_notice_on=issued)
    assert deadlines["report_due"].due_on == d("Mon 15 Jun 2026")
    assert deadlines["amended_plan_due"].due_on == d("Mon 27 Jul 2026")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param(
            {"meeting_on": date(2026, 5, 31)},
            "The date of the review meeting (31 May 2026) cannot be before the date the plan was "
            "issued or last reviewed (1 June 2026)",
            id="meeting-the-day-before-the-issue",
        ),
        pytest.param(
            {"amendment_notice_on": date(2026, 1, 1)},
            "The date the amendment notice was sent (1 January 2026) cannot be before the date "
            "the plan was issued or last reviewed (1 June 2026)",
            id="notice-before-the-issue-without-a-meeting",
        ),
        pytest.param(
            {"meeting_on": date(2027, 5, 3), "amendment_notice_on": date(2027, 5, 2)},
            "The date the amendment notice was sent (2 May 2027) cannot be before the date of "
            "the review meeting (3 May 2027)",
            id="notice-the-day-before-the-meeting",
        ),
    ],
)
def test_inconsistent_review_dates_are_refused(kwargs, message):
    with pytest.raises(ValueError) as error:
        review_deadlines(date(2026, 6, 1), **kwargs)
    assert str(error.value) == message


# ---------------------------------------------------------------------------------------------
# The end of the calendar
# ---------------------------------------------------------------------------------------------
def test_a_review_can_end_on_the_last_day_of_the_calendar():
    """1 January 9999 + 12 months passes 1 January 10000 (which Python's calendar lacks) on
    its way back to 31 December 9999: the date is still worked out."""
    deadlines = review_deadlines(date(9999, 1, 1))
    assert deadlines["review_complete_by"].due_on == date(9999, 12, 31)
    assert deadlines["latest_meeting"].due_on == date(9999, 12, 3)
    under_five = review_deadlines(date(9999, 7, 1), under_five=True)
    assert under_five["review_complete_by"].due_on == date(9999, 12, 31)
    assert due_on(REVIEW_COMPLETE, date(9998, 12, 31)) == date(9999, 12, 30)


@pytest.mark.parametrize(
    ("issued", "kwargs", "start"),
    [
        pytest.param(date(9999, 1, 2), {}, "2 January 9999", id="review-past-the-calendar"),
        pytest.param(
            date(9999, 7, 2), {"under_five": True}, "2 July 9999", id="under-five-past-it"
        ),
        pytest.param(
            date(9999, 1, 1),
            {"meeting_on": date(9999, 12, 20)},
            "20 December 9999",
            id="decision-past-it",
        ),
        pytest.param(
            date(9999, 1, 1),
            {"amendment_notice_on": date(9999, 11, 30)},
            "30 November 9999",
            id="final-amended-plan-past-it",
        ),
    ],
)
def test_a_date_past_the_calendar_is_a_value_error(issued, kwargs, start):
    with pytest.raises(ValueError, match=f"cannot be worked out from {start}"):
        review_deadlines(issued, **kwargs)


def test_due_on_still_refuses_the_first_years_when_it_cannot_count():
    """The 400-year step back is only for dates near the end of the calendar: a period that
    would end before 1 January 1 is still refused."""
    with pytest.raises(ValueError, match="cannot be worked out from 1 January 1"):
        due_on(REVIEW_MEETING, date(1, 1, 1))


# ---------------------------------------------------------------------------------------------
# Under five, and the next review date of a plan
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("born", "on", "expected"),
    [
        pytest.param(date(2021, 6, 2), date(2026, 6, 1), True, id="the-day-before-5"),
        pytest.param(date(2021, 6, 1), date(2026, 6, 1), False, id="the-5th-birthday"),
        pytest.param(date(2024, 2, 29), date(2029, 2, 27), True, id="leap-day-birth-27-feb"),
        pytest.param(date(2024, 2, 29), date(2029, 2, 28), False, id="leap-day-birth-28-feb"),
        pytest.param(date(2023, 2, 28), date(2028, 2, 27), True, id="28-feb-birth-leap-year"),
        pytest.param(date(2023, 2, 28), date(2028, 2, 28), False, id="28-feb-birth-its-day"),
        pytest.param(date(2026, 6, 1), date(2026, 6, 1), True, id="a-newborn"),
    ],
)
def test_under_five_on(born, on, expected):
    """A child is under 5 until the 5th birthday (60 months, as add_months: a 29 February
    birthday falls on 28 February in other years)."""
    assert under_five_on(born, on) is expected


@pytest.mark.parametrize(
    ("start", "born", "expected"),
    [
        pytest.param(d("Mon 01 Jun 2026"), date(2021, 6, 2), d("Mon 30 Nov 2026"), id="aged-4"),
        pytest.param(d("Mon 01 Jun 2026"), date(2021, 6, 1), d("Mon 31 May 2027"), id="aged-5"),
        pytest.param(d("Mon 01 Jun 2026"), date(2012, 1, 1), d("Mon 31 May 2027"), id="aged-14"),
        pytest.param(
            d("Tue 27 Feb 2029"), date(2024, 2, 29), d("Sun 26 Aug 2029"), id="leapling-aged-4"
        ),
        pytest.param(
            d("Wed 28 Feb 2029"), date(2024, 2, 29), d("Wed 27 Feb 2030"), id="leapling-aged-5"
        ),
        pytest.param(
            d("Tue 31 Aug 2027"), date(2023, 1, 1), d("Mon 28 Feb 2028"), id="31-aug-under-5"
        ),
    ],
)
def test_next_review_due(start, born, expected):
    """The next review: 12 months less a day from the issue or the last review decision, or 6
    months less a day for a child under 5 on that day."""
    assert next_review_due(start, date_of_birth=born) == expected


# ---------------------------------------------------------------------------------------------
# Phase transfers (reg 18(1), read strictly)
# ---------------------------------------------------------------------------------------------
PHASE_TRANSFER = [
    # year: into or between schools (before 15 February) | secondary to post-16 (before 31 March)
    (2016, "Sun 14 Feb 2016", "Wed 30 Mar 2016"),
    (2020, "Fri 14 Feb 2020", "Mon 30 Mar 2020"),
    (2024, "Wed 14 Feb 2024", "Sat 30 Mar 2024"),
    (2025, "Fri 14 Feb 2025", "Sun 30 Mar 2025"),
    (2026, "Sat 14 Feb 2026", "Mon 30 Mar 2026"),
    (2027, "Sun 14 Feb 2027", "Tue 30 Mar 2027"),
    (2028, "Mon 14 Feb 2028", "Thu 30 Mar 2028"),
    (2029, "Wed 14 Feb 2029", "Fri 30 Mar 2029"),
    (2030, "Thu 14 Feb 2030", "Sat 30 Mar 2030"),
    (2031, "Fri 14 Feb 2031", "Sun 30 Mar 2031"),
    (2032, "Sat 14 Feb 2032", "Tue 30 Mar 2032"),
    (9999, "Sun 14 Feb 9999", "Tue 30 Mar 9999"),
]


@pytest.mark.parametrize(
    ("year", "school", "post16"),
    [
        pytest.param(year, d(school), d(post16), id=str(year))
        for year, school, post16 in PHASE_TRANSFER
    ],
)
def test_phase_transfer_due_14_february_or_30_march(year, school, post16):
    """ "Before 15 February" (any transfer but secondary to post-16) and "before 31 March"
    (secondary school to a post-16 institution) of the year of transfer, read strictly: the day
    before, whatever the weekday and whether or not the year is a leap year (reg 18(1))."""
    assert phase_transfer_deadline(year, post16=False) == school
    assert phase_transfer_deadline(year, post16=True) == post16
    assert due_on(PHASE_TRANSFER_SCHOOL, date(year, 2, 15)) == school
    assert due_on(PHASE_TRANSFER_POST16, date(year, 3, 31)) == post16


@pytest.mark.parametrize(
    ("year", "post16", "final", "notice", "meeting", "invitations"),
    [
        pytest.param(
            2029,
            False,
            *(
                d(t)
                for t in (
                    "Wed 14 Feb 2029",
                    "Wed 20 Dec 2028",
                    "Wed 22 Nov 2028",
                    "Wed 08 Nov 2028",
                )
            ),
            id="2029-school",
        ),
        pytest.param(
            2029,
            True,
            *(
                d(t)
                for t in (
                    "Fri 30 Mar 2029",
                    "Fri 02 Feb 2029",
                    "Fri 05 Jan 2029",
                    "Fri 22 Dec 2028",
                )
            ),
            id="2029-post16",
        ),
        pytest.param(
            2032,
            True,
            *(
                d(t)
                for t in (
                    "Tue 30 Mar 2032",
                    "Tue 03 Feb 2032",
                    "Tue 06 Jan 2032",
                    "Tue 23 Dec 2031",
                )
            ),
            id="2032-post16-across-29-february",
        ),
        pytest.param(
            2032,
            False,
            *(
                d(t)
                for t in (
                    "Sat 14 Feb 2032",
                    "Sat 20 Dec 2031",
                    "Sat 22 Nov 2031",
                    "Sat 08 Nov 2031",
                )
            ),
            id="2032-school",
        ),
    ],
)
def test_phase_transfer_back_plan(year, post16, final, notice, meeting, invitations):
    """Working back from the reg 18 date: the notice 8 weeks before (reg 22(3)), the meeting 4
    weeks before the notice (the decision goes with it), invitations 2 weeks before that."""
    assert phase_transfer_back_plan(year, post16=post16) == {
        "final_amended_plan_by": final,
        "amendment_notice_by": notice,
        "review_meeting_by": meeting,
        "invitations_by": invitations,
    }


def test_the_first_phase_transfer_year_is_2016():
    """Reg 18(3), now spent, set 31 May 2015 for transfers to post-16 on 1 September 2015:
    reg 18(1) alone sets the dates from 2016."""
    assert FIRST_PHASE_TRANSFER_YEAR == 2016


# ---------------------------------------------------------------------------------------------
# Every issue day of 2024-2032
# ---------------------------------------------------------------------------------------------
def test_review_dates_hold_for_every_issue_day_2024_to_2032():
    issued = date(2024, 1, 1)
    while issued <= date(2032, 12, 31):
        meeting = review_deadlines(issued)["latest_meeting"].due_on
        notice = meeting + timedelta(days=28)
        deadlines = review_deadlines(issued, meeting_on=meeting, amendment_notice_on=notice)
        due = deadlines["review_complete_by"].due_on
        assert due == add_months(issued, 12) - timedelta(days=1)
        assert 364 <= (due - issued).days <= 365
        assert deadlines["decision_due"].due_on == due
        assert deadlines["invitations_by"].due_on == due - timedelta(days=42)
        assert deadlines["amended_plan_due"].due_on == meeting + timedelta(days=84)
        under_five = review_deadlines(issued, under_five=True)["review_complete_by"].due_on
        assert under_five == add_months(issued, 6) - timedelta(days=1)
        assert issued < under_five < due
        issued += timedelta(days=1)
