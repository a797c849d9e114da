"""The commitments page's totals are summed in the database (one aggregate query): they are the
figures the panel's money rules give (`money.cost_in_year`, then `money.split_cost` by largest
remainder), package by package. Known answers for the edge cases (a penny left over, ties, half a
penny, a leap year, a package that starts or ends in the year), then many generated packages
whose totals must equal the sums of the rows the page shows, worked out by the rules."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from panel import selectors
from panel.models import Decision, FundingKind
from panel.rules import money
from panel.rules.money import FUNDERS, Funder
from panel.services import meetings

from .world import approve, at, in_session, meeting_with, panel_world, raise_ready

pytestmark = pytest.mark.django_db

YEAR = money.financial_year(date(2026, 6, 1))  # 2026-27: 365 days
LEAP_YEAR = money.financial_year(date(2027, 6, 1))  # 2027-28: 366 days (29 February 2028)
KINDS = [FundingKind.SHORT_BREAKS, FundingKind.RESIDENTIAL_PLACEMENT, FundingKind.OTHER]


@pytest.fixture
def packages(cast):
    """Three confirmed approvals of the council, one of each of three kinds; the tests then set
    each one's cost, shares and dates."""
    world = panel_world(cast)
    fundings = [raise_ready(world, kind=kind) for kind in KINDS]
    meeting = in_session(world, meeting_with(world, *fundings))
    for item in meeting.items.order_by("position"):
        approve(world, item, starts_on=date(2026, 4, 1), review_on=date(2027, 3, 31))
    meetings.meeting_close(meeting=meeting, by=world.chair, now=at(11))
    meetings.meeting_confirm(meeting=meeting, by=world.chair, now=at(12))
    decisions = list(Decision.objects.filter(request__in=fundings).order_by("request__kind", "pk"))
    assert len(decisions) == 3
    return cast.council.pk, decisions


def set_package(decision, cost, shares, starts_on, ends_on=None):
    education, health, social_care = (Decimal(share) for share in shares)
    Decision.objects.filter(pk=decision.pk).update(
        agreed_cost=Decimal(cost),
        education_share=education,
        health_share=health,
        social_care_share=social_care,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def pounds(*amounts) -> dict[Funder, Decimal]:
    return {funder: Decimal(amount) for funder, amount in zip(FUNDERS, amounts, strict=True)}


def by_the_rules(council_id, year):
    """The totals worked out row by row, as each row of the page is: the rules in Python."""
    funders = dict.fromkeys(FUNDERS, Decimal("0.00"))
    kinds = dict.fromkeys(FundingKind.values, Decimal("0.00"))
    total = Decimal("0.00")
    rows = list(selectors.commitments_in_year([council_id], year))
    for decision in rows:
        row = selectors.commitment(decision, year)
        for funder, amount in row.in_year_by_funder.items():
            funders[funder] += amount
        kinds[decision.request.kind] += row.in_year
        total += row.in_year
    return len(rows), funders, kinds, total


def summed(council_id, year):
    totals = selectors.commitment_totals([council_id], year)
    return totals.packages, totals.by_funder, totals.by_kind, totals.total


# (cost, shares, starts on, ends on, year) -> each funder's part of what falls in the year
KNOWN = [
    # The whole year: the annual cost, split with nothing left over.
    ("100.00", ("33.33", "33.33", "33.34"), date(2025, 9, 1), None, YEAR, ("33.33", "33.33", "33.34")),
    # A penny left over goes to the largest remainder (social care's 0.3334p).
    ("0.01", ("33.33", "33.33", "33.34"), date(2026, 4, 1), None, YEAR, ("0", "0", "0.01")),
    # Two pence left over: social care's 0.6668p, then education's 0.6666p before health's (a tie).
    ("0.02", ("33.33", "33.33", "33.34"), date(2026, 4, 1), None, YEAR, ("0.01", "0", "0.01")),
    # A tie for the penny goes to the funder that comes first; a 0% share gets nothing.
    ("0.01", ("0", "50", "50"), date(2026, 4, 1), None, YEAR, ("0", "0.01", "0")),
    ("0.03", ("50", "50", "0"), date(2026, 4, 1), None, YEAR, ("0.02", "0.01", "0")),
    ("12345.67", ("0", "0", "100"), date(2026, 4, 1), None, YEAR, ("0", "0", "12345.67")),
    # Starts on 2 April: 364 of 365 days.
    ("365.00", ("100", "0", "0"), date(2026, 4, 2), None, YEAR, ("364.00", "0", "0")),
    # Ends on 30 April: 30 days of 365 (1000.00 * 30 / 365 = 82.1917.. -> 82.19).
    ("1000.00", ("60", "40", "0"), date(2026, 1, 1), date(2026, 4, 30), YEAR, ("49.31", "32.88", "0")),
    # Half a penny rounds up: 183 of the 366 days of 2027-28 of 1p a year is 0.5p -> 1p.
    ("0.01", ("100", "0", "0"), date(2027, 10, 1), None, LEAP_YEAR, ("0.01", "0", "0")),
    # Just under half a penny rounds down: 182 of 366 days.
    ("0.01", ("100", "0", "0"), date(2027, 10, 2), None, LEAP_YEAR, ("0", "0", "0")),
    # 29 February counts: 1 March to 31 March is 31 days; 29 February to 31 March is 32.
    ("366.00", ("100", "0", "0"), date(2028, 2, 29), None, LEAP_YEAR, ("32.00", "0", "0")),
    # The largest cost a package may have, in thirds: education's and health's 0.6667p
    # remainders are larger than social care's 0.6666p, so the two pence left go to them.
    ("99999999.99", ("33.33", "33.33", "33.34"), date(2026, 4, 1), None, YEAR,
     ("33330000.00", "33330000.00", "33339999.99")),
]  # fmt: skip


@pytest.mark.parametrize(("cost", "shares", "starts_on", "ends_on", "year", "parts"), KNOWN)
def test_known_answers(packages, cost, shares, starts_on, ends_on, year, parts):
    council_id, (decision, *others) = packages
    Decision.objects.filter(pk__in=[other.pk for other in others]).update(
        outcome="DECLINE", agreed_cost=None
    )
    set_package(decision, cost, shares, starts_on, ends_on)
    count, funders, kinds, total = summed(council_id, year)
    assert count == 1
    assert funders == pounds(*parts)
    assert total == sum(funders.values())
    assert kinds[decision.request.kind] == total
    assert (count, funders, kinds, total) == by_the_rules(council_id, year)


def test_the_totals_are_the_sums_of_the_rows_by_the_rules(packages):
    """Many generated packages (costs in pence, shares in hundredths of a percent, dates in and
    around the year, some running on): the database's totals equal the rules' every time."""
    council_id, decisions = packages
    rng = random.Random(20261201)
    cases = 0
    for _round in range(120):
        year = rng.choice([YEAR, LEAP_YEAR])
        for decision in decisions:
            first = rng.randrange(0, 10001)
            second = rng.randrange(0, 10001 - first)
            shares = [Decimal(n).scaleb(-2) for n in (first, second, 10000 - first - second)]
            rng.shuffle(shares)
            cost = Decimal(rng.choice([1, 2, 3, 7, 99, rng.randrange(1, 10**10)])).scaleb(-2)
            starts_on = year.starts_on + timedelta(days=rng.randrange(-400, 366))
            ends_on = rng.choice(
                [None, starts_on + timedelta(days=rng.randrange(0, 500)), year.ends_on]
            )
            set_package(decision, cost, shares, starts_on, ends_on)
        expected = by_the_rules(council_id, year)
        assert summed(council_id, year) == expected
        cases += expected[0]
    assert cases > 200  # most packages fall in the year
