"""When to remind, escalate and warn about a step's due date (pure: plain dates, no ORM, no clock).

Every figure is a count of **working days**: Monday to Friday, less the bank holidays the caller
passes (`ehcp.common.calendar.bank_holidays_around`). A due date itself never moves (a statutory
date on a Saturday is still that Saturday); only the day someone is told is a working day.

- A **reminder** goes on the n-th working day before the due date, to whoever holds the step (or
  its agency's queue). A step that falls due in the reminder period (a consultation with 15 days,
  a step created late) is reminded on the first sweep that sees it, never after its due date.
- An **escalation** goes on the n-th working day after the due date, to the agency's managers.
- A **warning** that a statutory date is about to be missed goes on the n-th working day before
  it, to the council's SEN managers; a **missed** statutory date is reported the day after it.

A sweep that missed a day (the machine was off) catches up: each rule asks "is the day on or
before today?", not "is it today?", and the caller records what it has sent so that nothing is
sent twice.
"""

from datetime import date, timedelta


def is_working_day(d: date, holidays: frozenset[date] = frozenset()) -> bool:
    return d.weekday() < 5 and d not in holidays


def working_days_before(d: date, n: int, holidays: frozenset[date] = frozenset()) -> date:
    """The n-th working day before `d` (n >= 1): 2 working days before a Monday is the
    Thursday."""
    if n < 1:
        raise ValueError("n must be at least 1")
    while n:
        d -= timedelta(days=1)
        if is_working_day(d, holidays):
            n -= 1
    return d


def working_days_after(d: date, n: int, holidays: frozenset[date] = frozenset()) -> date:
    """The n-th working day after `d` (n >= 1): 1 working day after a Friday is the Monday."""
    if n < 1:
        raise ValueError("n must be at least 1")
    while n:
        d += timedelta(days=1)
        if is_working_day(d, holidays):
            n -= 1
    return d


def remind_on(due: date, days_before: int | None, holidays: frozenset[date] = frozenset()):
    """The day to remind the holder of a step due on `due`, or None if its rule sends none."""
    if not days_before:
        return None
    return working_days_before(due, days_before, holidays)


def reminder_due(
    due: date, days_before: int | None, *, today: date, holidays: frozenset[date] = frozenset()
) -> bool:
    """Whether a reminder is due today for a step due on `due`: its day has come and the step is
    not yet overdue (an overdue step is chased and escalated instead)."""
    day = remind_on(due, days_before, holidays)
    return day is not None and day <= today <= due


def reminder_horizon(
    today: date, days_before: int, holidays: frozenset[date] = frozenset()
) -> date:
    """The latest due date whose reminder falls on or before `today`: every step due from today
    to this date is within its reminder period (a query's upper bound)."""
    if days_before < 1:
        return today
    return working_days_after(today, days_before, holidays)


def escalate_on(due: date, days_overdue: int | None, holidays: frozenset[date] = frozenset()):
    """The day a step due on `due` and still open goes to its agency's managers, or None."""
    if not days_overdue:
        return None
    return working_days_after(due, days_overdue, holidays)


def escalation_due(
    due: date, days_overdue: int | None, *, today: date, holidays: frozenset[date] = frozenset()
) -> bool:
    day = escalate_on(due, days_overdue, holidays)
    return day is not None and day <= today


def missed_on(due: date) -> date:
    """A statutory date is missed on the day after it (the law's "within" includes the date)."""
    return due + timedelta(days=1)


def statutory_alert(
    due: date, warn_days_before: int | None, *, today: date, holidays: frozenset[date] = frozenset()
) -> str | None:
    """What to tell the SEN manager today about an open statutory step due on `due`: "missed"
    once the date has passed, "at-risk" from the warning day to the date itself, else None."""
    if today >= missed_on(due):
        return "missed"
    if reminder_due(due, warn_days_before, today=today, holidays=holidays):
        return "at-risk"
    return None
