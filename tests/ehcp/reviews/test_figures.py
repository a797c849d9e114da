"""The DfE annual review figures: the pure counting, and the selector on a known data set built
with factories (two queries however many plans)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ehcp.plans.models import EhcPlanStatus
from ehcp.reviews import figures
from ehcp.reviews.models import ReviewDecision, ReviewKind, ReviewStatus
from ehcp.reviews.rules.figures import ReviewFact, annual_review_figures
from tests.ehcp.reviews.pipeline_data import plan_for, review_at

TODAY = date(2027, 3, 1)


def fact(due, decided=None, decision="", held=None):
    return ReviewFact(due_on=due, decided_on=decided, decision=decision, meeting_held_on=held)


def test_the_figures_of_a_year_from_its_facts():
    facts = [
        # Maintained, decided 28 days after the meeting: within 4 weeks.
        fact(date(2026, 3, 31), date(2026, 3, 20), "MAINTAIN", date(2026, 2, 20)),
        # Not amended, 29 days: later.
        fact(date(2026, 5, 31), date(2026, 5, 30), "NOT_AMEND", date(2026, 5, 1)),
        # Amended, within 4 weeks.
        fact(date(2026, 1, 1), date(2025, 12, 20), "AMEND", date(2025, 12, 1)),
        # Ceased, no meeting recorded.
        fact(date(2026, 12, 31), date(2026, 12, 31), "CEASE", None),
        # Decided after the year ended: not completed (past its date).
        fact(date(2026, 11, 30), date(2027, 1, 5), "MAINTAIN", date(2026, 12, 10)),
        # Never started.
        fact(date(2026, 7, 1)),
        # Due in other years: ignored.
        fact(date(2025, 12, 31), date(2025, 12, 1), "MAINTAIN", date(2025, 11, 20)),
        fact(date(2027, 1, 1)),
    ]
    found = annual_review_figures(2026, facts, today=TODAY)
    assert (found.expected, found.completed, found.not_completed) == (6, 4, 2)
    assert (found.not_completed_past_due, found.not_completed_not_yet_due) == (2, 0)
    assert (found.maintained, found.amended, found.ceased) == (2, 1, 1)
    assert (found.decided_within_4_weeks, found.decided_later) == (2, 1)
    assert found.decided_without_meeting == 1
    assert found.completed_percent == 66.7 and found.not_completed_percent == 33.3
    assert found.within_4_weeks_percent == 66.7
    assert found.outcome_percent(found.maintained) == 50.0


def test_in_the_current_year_reviews_not_due_yet_are_counted_apart():
    facts = [fact(date(2027, 2, 28)), fact(date(2027, 3, 1)), fact(date(2027, 9, 1))]
    found = annual_review_figures(2027, facts, today=TODAY)
    assert (found.not_completed_past_due, found.not_completed_not_yet_due) == (1, 2)


def test_no_reviews_no_percentages():
    found = annual_review_figures(2020, [], today=TODAY)
    assert found.expected == 0 and found.completed_percent is None
    assert found.within_4_weeks_percent is None and found.outcome_percent(0) is None


def test_the_outcomes_name_every_review_decision():
    from ehcp.reviews.rules import figures as rules

    assert rules.MAINTAINED | rules.AMENDED | rules.CEASED == set(ReviewDecision.values)


# -- from live data ------------------------------------------------------------------------------


def add_year(cast, copies: int) -> None:
    """``copies`` times a known set of plans whose reviews were due in 2026."""
    council, worker = cast.council, cast.caseworker
    for _copy in range(copies):
        # Completed: maintained within 4 weeks; amended later than 4 weeks; ceased.
        for decision, held, decided in (
            (ReviewDecision.MAINTAIN, date(2026, 3, 1), date(2026, 3, 20)),
            (ReviewDecision.AMEND, date(2026, 4, 1), date(2026, 5, 1)),
            (ReviewDecision.CEASE, date(2026, 6, 1), date(2026, 6, 20)),
        ):
            plan = plan_for(
                council, next_review_due_on=date(2027, 6, 1), first_issued_on=date(2025, 7, 1)
            )
            status = {
                ReviewDecision.MAINTAIN: ReviewStatus.COMPLETE,
                ReviewDecision.AMEND: ReviewStatus.AMENDING,
                ReviewDecision.CEASE: ReviewStatus.CEASING,
            }[decision]
            review_at(
                plan,
                status,
                by=worker,
                meeting_on=held,
                meeting_held_on=held,
                decided_on=decided,
                decision=decision,
                amendment_notice_on=decided if decision == ReviewDecision.AMEND else None,
            )
        # Started, meeting held, no decision yet (due 30 June 2026: past).
        open_plan = plan_for(
            council, next_review_due_on=date(2026, 6, 30), first_issued_on=date(2025, 7, 1)
        )
        review_at(
            open_plan,
            ReviewStatus.MEETING_HELD,
            by=worker,
            meeting_on=date(2026, 6, 1),
            meeting_held_on=date(2026, 6, 1),
        )
        # Never started (due 31 August 2026), and one due next year (not counted).
        plan_for(council, next_review_due_on=date(2026, 8, 31), first_issued_on=date(2025, 9, 1))
        plan_for(council, next_review_due_on=date(2027, 1, 31))
        # Cancelled and started again: counted once. An interim review: not counted.
        again = plan_for(
            council, next_review_due_on=date(2026, 10, 31), first_issued_on=date(2025, 11, 1)
        )
        review_at(again, ReviewStatus.CANCELLED, by=worker, cancelled_on=date(2026, 9, 1))
        review_at(again, ReviewStatus.DUE, by=worker)
        interim = plan_for(
            council, next_review_due_on=date(2027, 5, 31), first_issued_on=date(2026, 6, 1)
        )
        review_at(
            interim,
            ReviewStatus.COMPLETE,
            by=worker,
            kind=ReviewKind.INTERIM,
            period_starts_on=date(2025, 12, 1),
            decided_on=date(2026, 5, 1),
            decision=ReviewDecision.MAINTAIN,
        )
        # A ceased plan whose review was never done is no longer counted as expected; another
        # council's plans are never counted.
        plan_for(council, next_review_due_on=date(2026, 5, 1), status=EhcPlanStatus.CEASED)
        plan_for(cast.outsider.memberships.get().agency, next_review_due_on=date(2026, 5, 1))


@pytest.mark.django_db
def test_the_figures_of_a_known_data_set(cast):
    add_year(cast, 1)
    found = figures.review_figures([cast.council.pk], 2026, today=TODAY)
    # 3 completed + 1 open + 1 never started + 1 started again
    assert (found.expected, found.completed, found.not_completed) == (6, 3, 3)
    assert (found.maintained, found.amended, found.ceased) == (1, 1, 1)
    assert (found.decided_within_4_weeks, found.decided_later) == (2, 1)
    assert (found.not_completed_past_due, found.not_completed_not_yet_due) == (3, 0)


@pytest.mark.django_db
def test_the_figures_take_two_queries_at_any_size(cast):
    add_year(cast, 1)
    with CaptureQueriesContext(connection) as small:
        one = figures.review_figures([cast.council.pk], 2026, today=TODAY)
    add_year(cast, 9)
    with CaptureQueriesContext(connection) as large:
        ten = figures.review_figures([cast.council.pk], 2026, today=TODAY)
    assert len(small) == len(large) == 2
    assert (ten.expected, ten.completed, ten.decided_later) == (
        10 * one.expected,
        10 * one.completed,
        10 * one.decided_later,
    )
