"""The working-day rules for reminders, escalations and statutory warnings (pure: no database)."""

from datetime import date, timedelta

import pytest

from ehcp.common.calendar import bank_holidays
from notifications.rules.reminders import (
    escalate_on,
    escalation_due,
    is_working_day,
    missed_on,
    remind_on,
    reminder_due,
    reminder_horizon,
    statutory_alert,
    working_days_after,
    working_days_before,
)

HOLIDAYS = bank_holidays(2026, 2027)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 12, 4), True),  # a Friday
        (date(2026, 12, 5), False),  # Saturday
        (date(2026, 12, 6), False),  # Sunday
        (date(2026, 12, 25), False),  # Christmas Day, a Friday
        (date(2026, 12, 28), False),  # Boxing Day (substitute day), a Monday
        (date(2026, 12, 29), True),
        (date(2027, 3, 26), False),  # Good Friday
        (date(2027, 3, 29), False),  # Easter Monday
    ],
)
def test_working_days_are_weekdays_that_are_not_bank_holidays(day, working):
    assert is_working_day(day, HOLIDAYS) is working


@pytest.mark.parametrize(
    ("due", "n", "expected"),
    [
        (date(2026, 12, 7), 1, date(2026, 12, 4)),  # Monday: 1 before is the Friday
        (date(2026, 12, 7), 2, date(2026, 12, 3)),
        (date(2026, 12, 9), 2, date(2026, 12, 7)),  # Wednesday: the Monday
        (date(2026, 12, 9), 5, date(2026, 12, 2)),  # a week before
        (date(2026, 12, 6), 1, date(2026, 12, 4)),  # due on a Sunday: the Friday
        (date(2026, 12, 5), 1, date(2026, 12, 4)),  # due on a Saturday: the Friday
        (date(2026, 12, 29), 1, date(2026, 12, 24)),  # over Christmas and Boxing Day
        (date(2026, 12, 29), 3, date(2026, 12, 22)),
        (date(2027, 3, 30), 1, date(2027, 3, 25)),  # over Easter: Thursday before Good Friday
        (date(2027, 3, 30), 2, date(2027, 3, 24)),
        (date(2027, 1, 4), 2, date(2026, 12, 30)),  # New Year's Day is a Friday in 2027
    ],
)
def test_working_days_before(due, n, expected):
    assert working_days_before(due, n, HOLIDAYS) == expected
    assert remind_on(due, n, HOLIDAYS) == expected


@pytest.mark.parametrize(
    ("due", "n", "expected"),
    [
        (date(2026, 12, 4), 1, date(2026, 12, 7)),  # Friday: the Monday
        (date(2026, 12, 4), 5, date(2026, 12, 11)),
        (date(2026, 12, 5), 1, date(2026, 12, 7)),  # due on a Saturday: Monday is the first
        (date(2026, 12, 24), 1, date(2026, 12, 29)),  # over Christmas and Boxing Day
        (date(2026, 12, 24), 2, date(2026, 12, 30)),
        (date(2027, 3, 25), 1, date(2027, 3, 30)),  # over Easter
    ],
)
def test_working_days_after(due, n, expected):
    assert working_days_after(due, n, HOLIDAYS) == expected
    assert escalate_on(due, n, HOLIDAYS) == expected


def test_no_figure_means_no_reminder_and_no_escalation():
    due = date(2026, 12, 9)
    assert remind_on(due, None) is None and remind_on(due, 0) is None
    assert escalate_on(due, None) is None
    assert not reminder_due(due, None, today=due)
    assert not escalation_due(due, None, today=date(2027, 6, 1))


def test_counts_below_one_are_refused():
    with pytest.raises(ValueError):
        working_days_before(date(2026, 12, 9), 0)
    with pytest.raises(ValueError):
        working_days_after(date(2026, 12, 9), -1)


@pytest.mark.parametrize(
    ("today", "due_now"),
    [
        (date(2026, 12, 3), False),  # the day before the reminder day
        (date(2026, 12, 4), True),  # the reminder day (2 working days before Tuesday 8th)
        (date(2026, 12, 5), True),  # a sweep that missed Friday catches up at the weekend
        (date(2026, 12, 8), True),  # the due date itself
        (date(2026, 12, 9), False),  # overdue: chased and escalated instead
    ],
)
def test_a_reminder_is_due_from_its_day_until_the_due_date(today, due_now):
    assert reminder_due(date(2026, 12, 8), 2, today=today, holidays=HOLIDAYS) is due_now


@pytest.mark.parametrize(
    ("today", "days", "expected"),
    [
        (date(2026, 12, 3), 2, date(2026, 12, 7)),  # Thursday + 2 working days is Monday
        (date(2026, 12, 5), 1, date(2026, 12, 7)),  # from a Saturday
        (date(2026, 12, 23), 2, date(2026, 12, 29)),  # over Christmas
        (date(2026, 12, 3), 0, date(2026, 12, 3)),
    ],
)
def test_the_horizon_bounds_every_due_date_whose_reminder_has_come(today, days, expected):
    assert reminder_horizon(today, days, HOLIDAYS) == expected


@pytest.mark.parametrize("today", [date(2026, 11, 2) + timedelta(days=d) for d in range(70)])
@pytest.mark.parametrize("days", [1, 2, 3, 5])
def test_the_horizon_is_exactly_the_last_due_date_reminded_by_today(today, days):
    """Against the definition, over ten weeks that include Christmas and New Year: every due
    date up to the horizon has its reminder on or before today, and the day after it has not."""
    horizon = reminder_horizon(today, days, HOLIDAYS)
    assert remind_on(horizon, days, HOLIDAYS) <= today
    assert remind_on(horizon + timedelta(days=1), days, HOLIDAYS) > today


def test_escalation_is_due_from_its_day_on():
    due = date(2026, 12, 24)  # Christmas Eve; 2 working days overdue is 30 December
    assert not escalation_due(due, 2, today=date(2026, 12, 29), holidays=HOLIDAYS)
    assert escalation_due(due, 2, today=date(2026, 12, 30), holidays=HOLIDAYS)
    assert escalation_due(due, 2, today=date(2027, 1, 15), holidays=HOLIDAYS)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 4, 2), None),  # Friday: the warning is due on Monday 5 April
        (date(2027, 4, 5), "at-risk"),
        (date(2027, 4, 12), "at-risk"),  # the statutory date itself: not yet missed
        (date(2027, 4, 13), "missed"),
        (date(2027, 6, 1), "missed"),
    ],
)
def test_a_statutory_date_is_at_risk_before_it_and_missed_the_day_after(today, expected):
    assert statutory_alert(date(2027, 4, 12), 5, today=today, holidays=HOLIDAYS) == expected


def test_a_statutory_date_with_no_warning_is_still_reported_when_missed():
    due = date(2027, 4, 12)
    assert statutory_alert(due, None, today=due) is None
    assert statutory_alert(due, None, today=missed_on(due)) == "missed"
    assert missed_on(date(2027, 2, 28)) == date(2027, 3, 1)
