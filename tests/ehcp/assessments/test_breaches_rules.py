"""The date an open case next breaches (`ehcp.assessments.rules.breaches`): its step's own date,
or the reg 8(1) date of advice still owed, whichever is earlier; none once the case is closed."""

from datetime import date

import pytest

from ehcp.assessments.rules.breaches import AdviceOwedFact, breaches_on, current_due_on

DUE = {
    "decision_to_assess_due_on": date(2026, 3, 2),
    "decision_not_to_issue_due_on": date(2026, 5, 11),
    "final_plan_due_on": date(2026, 6, 8),
}
EARLY = date(2026, 4, 1)  # before the week-16 date
LATE = date(2026, 5, 20)  # after it, before the final plan's


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("REQUESTED", date(2026, 3, 2)),
        ("ASSESSING", date(2026, 5, 11)),
        ("DRAFTING", date(2026, 6, 8)),
        ("DRAFT_ISSUED", date(2026, 6, 8)),
        ("CONSULTING", date(2026, 6, 8)),
        ("FINAL_ISSUED", None),
        ("REFUSED", None),
        ("NOT_ISSUED", None),
        ("WITHDRAWN", None),
    ],
)
def test_the_current_step_date_follows_the_status(status, expected):
    assert current_due_on(status, **DUE) == expected
    assert breaches_on(status, advice=[], **DUE) == expected


@pytest.mark.parametrize(
    ("status", "advice", "expected"),
    [
        # Advice owed before the step's own date: the advice's date.
        ("ASSESSING", [AdviceOwedFact(due_on=EARLY)], EARLY),
        # Advice owed after it: the step's date still comes first.
        ("ASSESSING", [AdviceOwedFact(due_on=LATE)], date(2026, 5, 11)),
        ("DRAFTING", [AdviceOwedFact(due_on=LATE)], LATE),
        # The earliest of several.
        ("CONSULTING", [AdviceOwedFact(due_on=LATE), AdviceOwedFact(due_on=EARLY)], EARLY),
        # Received, cancelled or decided without: no longer owed.
        ("ASSESSING", [AdviceOwedFact(due_on=EARLY, received_on=EARLY)], date(2026, 5, 11)),
        ("ASSESSING", [AdviceOwedFact(due_on=EARLY, cancelled=True)], date(2026, 5, 11)),
        ("DRAFTING", [AdviceOwedFact(due_on=EARLY, proceeded_without_on=LATE)], date(2026, 6, 8)),
        # A closed case owes nothing, however much advice never came.
        ("FINAL_ISSUED", [AdviceOwedFact(due_on=EARLY)], None),
        ("WITHDRAWN", [AdviceOwedFact(due_on=EARLY)], None),
    ],
)
def test_advice_still_owed_brings_the_date_forward(status, advice, expected):
    assert breaches_on(status, advice=advice, **DUE) == expected
