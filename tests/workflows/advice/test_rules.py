"""The advice rules (ehcp.assessments.rules.advice): pure, no database."""

from datetime import date

import pytest

from ehcp.assessments.rules import advice as rules
from ehcp.assessments.rules.deadlines import DeadlineState

NEED = rules.EntryFact("NEED", "B", "Finds spoken instructions hard to follow")
OUTCOME = rules.EntryFact("OUTCOME", "E", "Follows a three-step instruction by the end of Year 5")
QUANTIFIED = rules.EntryFact(
    "PROVISION",
    "F",
    "Language group",
    who="Speech and language therapist",
    frequency_count=2,
    frequency_period="WEEK",
)


def test_ADVICE_NEED_professional_advice_needs_at_least_one_need():
    """ADVICE-NEED: professional advice describes at least one need (section B, C or D)."""
    assert rules.submission_problems("HEALTH", [OUTCOME, QUANTIFIED]) == [
        "Add at least one need (section B, C or D)"
    ]
    assert rules.submission_problems("HEALTH", [NEED]) == []


def test_ADVICE_NEED_the_familys_views_need_any_entry():
    assert rules.submission_problems("PARENT_VIEWS", []) == [
        "Add the family's views, or at least one need, outcome or provision"
    ]
    assert (
        rules.submission_problems("PARENT_VIEWS", [rules.EntryFact("VIEWS", "A", "Loves music")])
        == []
    )


@pytest.mark.parametrize(
    "who, count, period, missing",
    [
        ("", 2, "WEEK", "who provides it"),
        ("A therapist", None, "WEEK", "how often"),
        ("A therapist", 2, "", "how often"),
        ("  ", None, "", "who provides it and how often"),
    ],
)
def test_ADVICE_QUANTIFIED_provision_says_who_and_how_often(who, count, period, missing):
    """ADVICE-QUANTIFIED: every provision says who provides it and how often (CoP 9.69)."""
    provision = rules.EntryFact(
        "PROVISION", "F", "Language group", who=who, frequency_count=count, frequency_period=period
    )
    assert not rules.is_quantified(provision)
    assert rules.submission_problems("EDUCATIONAL", [NEED, provision]) == [
        f"Say {missing} for the provision “Language group”"
    ]
    assert rules.is_quantified(QUANTIFIED)


@pytest.mark.parametrize(
    "entry, problem",
    [
        (
            rules.EntryFact("NEED", "F", "x"),
            "Choose the plan section (B, C, D) this need belongs in",
        ),
        (rules.EntryFact("OUTCOME", "E", "  "), "Enter the outcome sought"),
        (rules.EntryFact("PROVISION", "G", ""), "Enter what the provision is"),
        (rules.EntryFact("PROVISION", "G", "x", frequency_count=0), "How often must be 1 or more"),
        (
            rules.EntryFact("PROVISION", "G", "x", frequency_period="FORTNIGHT"),
            "Choose how often: a day, a week, a month, a term or a year",
        ),
    ],
)
def test_entry_shape_problems(entry, problem):
    assert problem in rules.entry_problems(entry)


def test_summary_has_one_labelled_line_per_entry_in_plan_order():
    provision = rules.EntryFact(
        "PROVISION",
        "G",
        "Speech and language therapy.",
        who="Speech and language therapist",
        frequency_count=1,
        frequency_period="MONTH",
        session_minutes=45,
        duration="for a year",
        links=("Finds spoken instructions hard",),
    )
    summary = rules.advice_summary([provision, OUTCOME, NEED])
    assert summary.splitlines() == [
        "Need: Finds spoken instructions hard to follow",
        "Outcome: Follows a three-step instruction by the end of Year 5",
        "Provision: Speech and language therapy; by the Speech and language therapist; once a month; "
        "45 minutes each time; for a year (for: Finds spoken instructions hard)",
    ]


@pytest.mark.parametrize(
    "count, period, text",
    [
        (1, "WEEK", "once a week"),
        (2, "DAY", "twice a day"),
        (3, "TERM", "3 times a term"),
        (None, "WEEK", ""),
    ],
)
def test_frequency_text(count, period, text):
    assert rules.frequency_text(count, period) == text


@pytest.mark.parametrize(
    "received_on, today, exception, state",
    [
        (None, date(2027, 5, 1), False, DeadlineState.DUE_SOON),
        (None, date(2027, 5, 10), False, DeadlineState.OVERDUE),
        (None, date(2027, 5, 10), True, DeadlineState.OVERDUE_EXCEPTION),
        (date(2027, 5, 6), date(2027, 5, 10), False, DeadlineState.DONE_ON_TIME),
        (date(2027, 5, 8), date(2027, 5, 10), False, DeadlineState.DONE_LATE),
        (date(2027, 5, 8), date(2027, 5, 10), True, DeadlineState.DONE_LATE_EXCEPTION),
    ],
)
def test_EHCP_ADVICE_6W_late_advice_is_flagged(received_on, today, exception, state):
    """Advice received after its reg 8(1) date is late; a recorded reg 8(2) exception shows."""
    status = rules.advice_deadline(
        date(2027, 5, 6), today=today, received_on=received_on, exception_recorded=exception
    )
    assert status.state is state


def test_only_the_reg_8_2_exceptions_excuse_late_advice():
    assert rules.ADVICE_LIMBS == ("8(2)(a)", "8(2)(b)", "8(2)(c)")
