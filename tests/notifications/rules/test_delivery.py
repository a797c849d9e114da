"""The retry rule: back-off after a failed attempt, and what each kind of failure becomes."""

from datetime import UTC, datetime, timedelta

import pytest

from notifications.rules.delivery import (
    MAX_ATTEMPTS,
    RETRY_CAP,
    Decision,
    Failure,
    Next,
    after_failure,
    next_attempt_at,
    retry_delay,
)

NOW = datetime(2026, 3, 29, 0, 59, tzinfo=UTC)  # the clock change does not matter to instants


@pytest.mark.parametrize(
    ("attempt", "minutes"),
    [(1, 1), (2, 5), (3, 25), (4, 125), (5, 240), (6, 240), (40, 240)],
)
def test_back_off_grows_fivefold_up_to_the_cap(attempt, minutes):
    assert retry_delay(attempt) == timedelta(minutes=minutes)
    assert RETRY_CAP == timedelta(hours=4)


def test_attempts_are_counted_from_one():
    with pytest.raises(ValueError):
        retry_delay(0)


@pytest.mark.parametrize(
    ("attempt", "expected"),
    [
        (1, NOW + timedelta(minutes=1)),
        (2, NOW + timedelta(minutes=5)),
        (MAX_ATTEMPTS - 1, NOW + RETRY_CAP),
        (MAX_ATTEMPTS, None),  # that was the last attempt
        (MAX_ATTEMPTS + 1, None),
    ],
)
def test_next_attempt_is_after_the_back_off_until_the_last(attempt, expected):
    assert next_attempt_at(attempt, now=NOW) == expected


@pytest.mark.parametrize(
    ("failure", "attempt", "expected"),
    [
        (Failure.TRANSIENT, 1, Decision(Next.RETRY, NOW + timedelta(minutes=1))),
        (Failure.TRANSIENT, 3, Decision(Next.RETRY, NOW + timedelta(minutes=25))),
        (Failure.TRANSIENT, MAX_ATTEMPTS, Decision(Next.FAILED)),
        (Failure.UNDELIVERABLE, 1, Decision(Next.UNDELIVERABLE)),
        (Failure.UNDELIVERABLE, MAX_ATTEMPTS, Decision(Next.UNDELIVERABLE)),
        (Failure.FATAL, 1, Decision(Next.FAILED)),
    ],
)
def test_a_failed_attempt_is_retried_undeliverable_or_failed(failure, attempt, expected):
    assert after_failure(failure, attempt=attempt, now=NOW) == expected
