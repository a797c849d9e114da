"""Dates in the plan (ehcp.plans.rules.plan_dates): the adviser's "for how long" read as start and end
or review dates, a suggested outcome's "By when", and GOV.UK-style dates. No database."""

from datetime import date

import pytest

from ehcp.plans.rules.plan_dates import (
    find_duration,
    format_date,
    govuk_dates,
    outcome_by_when,
    provision_period,
)

START = date(2027, 2, 17)
REVIEW = date(2028, 2, 16)


@pytest.mark.parametrize(
    "words, ends_on",
    [
        ("Until the first annual review", REVIEW),
        ("until the next review", REVIEW),
        ("Ongoing", REVIEW),
        ("12 months", date(2028, 2, 17)),
        ("For six months.", date(2027, 8, 17)),
        ("for 12 weeks", date(2027, 5, 12)),
        ("a year", date(2028, 2, 17)),
        ("one academic year", date(2028, 2, 17)),
        ("2 terms", date(2027, 8, 18)),  # a term is 13 weeks
        ("30 days", date(2027, 3, 19)),
        ("until 31 July 2027", date(2027, 7, 31)),
        ("to July 2027", date(2027, 7, 31)),  # the last day of the month
        ("until 31/07/2027", date(2027, 7, 31)),
    ],
)
def test_for_how_long_gives_the_start_and_the_end_or_review_date(words, ends_on):
    period = provision_period(words, starts_on=START, review_on=REVIEW)
    assert period is not None, words
    assert (period.starts_on, period.ends_on) == (START, ends_on)


@pytest.mark.parametrize(
    "words",
    [
        "",
        "  ",
        "as needed",
        "20 minutes",
        "half a month",
        "until 1 January 2020",
        "until 31 February 2027",
        "until the end of the summer term",
    ],
)
def test_words_that_are_not_a_length_of_time_give_no_dates(words):
    assert provision_period(words, starts_on=START, review_on=REVIEW) is None


def test_a_length_of_time_is_found_inside_a_sentence_but_minutes_are_not():
    assert find_duration("Coaching twice a week for 15 minutes for 12 weeks") == "for 12 weeks"
    assert find_duration(
        "Provision: speech therapy; twice a week; Until the first annual review"
    ) == ("Until the first annual review")
    assert find_duration("Memory training 3 times a week for 20 minutes") == ""


def test_a_suggested_outcome_says_by_when_from_its_words_or_its_provision():
    assert (
        outcome_by_when("By the end of Year 5, follows a two-step instruction")
        == "By the end of Year 5"
    )
    assert outcome_by_when("Reads independently", ends_on=date(2028, 2, 5)) == "By 5 February 2028"
    assert outcome_by_when("Reads independently") == ""


def test_dates_are_written_the_gov_uk_way():
    assert format_date(date(2027, 7, 1)) == "1 July 2027"
    assert govuk_dates("By 2027-07-31") == "By 31 July 2027"
    assert govuk_dates("by 01/09/2027, then review") == "by 1 September 2027, then review"
    assert govuk_dates("By 31/02/2027") == "By 31/02/2027"  # not a date: left alone
    assert govuk_dates("By the end of Year 6") == "By the end of Year 6"
