"""Advice timeliness by agency (pure): on time, late, overdue, not yet due, median days."""

from datetime import date

from ehcp.assessments.rules.timeliness import AdviceFact, advice_timeliness

TODAY = date(2026, 11, 15)
HEALTH, EP = 1, 2


def fact(agency, requested, due, received=None, excused=False):
    return AdviceFact(agency, requested, due, received, excused)


FACTS = [
    fact(HEALTH, date(2026, 3, 2), date(2026, 4, 13), date(2026, 4, 10)),  # on time, 39 days
    fact(HEALTH, date(2026, 5, 4), date(2026, 6, 15), date(2026, 6, 25), True),  # late, 52 days
    fact(HEALTH, date(2026, 10, 1), date(2026, 11, 12)),  # overdue
    fact(HEALTH, date(2026, 11, 2), date(2026, 12, 14)),  # not yet due
    fact(EP, date(2026, 2, 2), date(2026, 3, 16), date(2026, 3, 30)),  # late, 56 days
]


def by_agency(rows):
    return {row.agency_id: row for row in rows}


def test_each_agency_is_counted_apart():
    rows = by_agency(advice_timeliness(FACTS, today=TODAY, escalated={HEALTH: 1}))

    health = rows[HEALTH]
    assert (health.requested, health.on_time, health.late, health.late_excused) == (4, 1, 1, 1)
    assert (health.overdue, health.outstanding, health.escalated) == (1, 1, 1)
    assert health.returned == 2
    assert health.percent_on_time == 33.3  # 1 of the 3 whose 6 weeks have ended
    assert health.median_days == 45.5
    ep = rows[EP]
    assert (ep.requested, ep.on_time, ep.late, ep.percent_on_time, ep.median_days) == (
        1,
        0,
        1,
        0.0,
        56,
    )
    assert ep.escalated == 0


def test_advice_on_its_due_date_is_on_time_and_the_day_after_is_late():
    due = date(2026, 6, 1)
    rows = advice_timeliness(
        [
            fact(HEALTH, date(2026, 4, 20), due, due),
            fact(EP, date(2026, 4, 20), due, date(2026, 6, 2)),
        ],
        today=TODAY,
    )
    assert [(r.on_time, r.late) for r in rows] == [(1, 0), (0, 1)]


def test_unreturned_advice_is_overdue_only_after_its_due_date():
    due = date(2026, 11, 15)
    [on_the_day] = advice_timeliness([fact(HEALTH, date(2026, 10, 4), due)], today=due)
    [day_after] = advice_timeliness(
        [fact(HEALTH, date(2026, 10, 4), due)], today=date(2026, 11, 16)
    )
    assert (on_the_day.outstanding, on_the_day.overdue, on_the_day.percent_on_time) == (1, 0, None)
    assert (day_after.outstanding, day_after.overdue, day_after.percent_on_time) == (0, 1, 0.0)


def test_nothing_returned_has_no_median_and_nothing_asked_is_no_row():
    [row] = advice_timeliness([fact(HEALTH, date(2026, 11, 2), date(2026, 12, 14))], today=TODAY)
    assert row.median_days is None
    assert advice_timeliness([], today=TODAY) == []


def test_an_agency_with_escalations_but_no_request_in_the_period_still_has_a_row():
    [row] = advice_timeliness([], today=TODAY, escalated={EP: 2})
    assert (row.agency_id, row.requested, row.escalated) == (EP, 0, 2)
