"""Break-glass rules (AC-07): identifying the child by more than a reference, and the rate limit.
Pure functions: no database, no clock."""

from datetime import UTC, date, datetime, timedelta

import pytest

from ehcp.governance.rules.break_glass import (
    LimitReached,
    RateLimit,
    identifies_child,
    limit_reached,
)

CHILD = {
    "last_name": "O'Neill-López",
    "date_of_birth": date(2018, 5, 14),
    "nhs_number": "9434765919",
}


@pytest.mark.parametrize(
    "given_dob, given, expected",
    [
        (date(2018, 5, 14), "O'Neill-López", True),
        (
            date(2018, 5, 14),
            "oneill lopez",
            True,
        ),  # case, accents, spaces and punctuation do not matter
        (date(2018, 5, 14), "  O’NEILL-LOPEZ ", True),
        (date(2018, 5, 14), "9434765919", True),
        (date(2018, 5, 14), "943 476 5919", True),
        (date(2018, 5, 14), "943-476-5919", True),
        (date(2018, 5, 15), "O'Neill-López", False),  # the date of birth must match
        (None, "O'Neill-López", False),
        (date(2018, 5, 14), "O'Neill", False),  # part of the name is not the name
        (date(2018, 5, 14), "9434765918", False),
        (date(2018, 5, 14), "", False),
        (date(2018, 5, 14), "   ", False),
        (date(2018, 5, 14), "'-", False),
    ],
)
def test_the_child_is_identified_by_date_of_birth_and_last_name_or_nhs_number(
    given_dob, given, expected
):
    assert (
        identifies_child(**CHILD, given_date_of_birth=given_dob, given_name_or_nhs_number=given)
        is expected
    )


def test_an_nhs_number_never_matches_a_child_without_one():
    child = {**CHILD, "nhs_number": ""}
    assert not identifies_child(
        **child, given_date_of_birth=date(2018, 5, 14), given_name_or_nhs_number="0000000000"
    )


NOW = datetime(2027, 3, 10, 14, 0, tzinfo=UTC)
LIMIT = RateLimit(grants=3, failures=3, period=timedelta(hours=24))


def ago(**kwargs):
    return NOW - timedelta(**kwargs)


@pytest.mark.parametrize(
    "grants, failures, expected",
    [
        ([], [], None),
        ([ago(hours=1), ago(hours=2)], [ago(hours=1), ago(hours=2)], None),
        (
            [],
            [ago(hours=1), ago(hours=2), ago(hours=3)],
            LimitReached("failures", NOW + timedelta(hours=21)),
        ),
        (
            [ago(hours=1), ago(hours=2), ago(hours=3)],
            [],
            LimitReached("grants", NOW + timedelta(hours=21)),
        ),
        # Events outside the rolling period do not count; one exactly a period ago has left it.
        ([], [ago(hours=24), ago(hours=1), ago(hours=2)], None),
        ([], [ago(hours=25), ago(days=3), ago(hours=2)], None),
        # An event stamped a moment after `now` (another request's grant, written while this
        # one waited for the lock) still counts.
        (
            [ago(hours=2), ago(hours=1), NOW + timedelta(milliseconds=5)],
            [],
            LimitReached("grants", NOW + timedelta(hours=22)),
        ),
        # With more than the limit, the retry time is when enough have left the period.
        (
            [],
            [ago(hours=4), ago(hours=3), ago(hours=2), ago(hours=1)],
            LimitReached("failures", NOW + timedelta(hours=21)),
        ),
    ],
)
def test_the_rate_limit_counts_a_rolling_period(grants, failures, expected):
    assert limit_reached(grants_at=grants, failures_at=failures, limit=LIMIT, now=NOW) == expected


def test_a_limit_of_zero_refuses_everything():
    limit = RateLimit(grants=0, failures=3, period=timedelta(hours=1))
    assert limit_reached(grants_at=[], failures_at=[], limit=limit, now=NOW) == LimitReached(
        "grants", NOW + timedelta(hours=1)
    )
