"""Whose consent opens the consent gate, and who may ask for an assessment, on the days around
the school leaving date: pure rules, no database.

A child is a young person from the day after compulsory school age ends: the last Friday in June
of the school year (1 September to 31 August) in which they turn 16 (Children and Families Act
2014, s.83(2); Education Act 1996, s.8(3)-(4)). From then the decisions in Part 3 are theirs:
they ask for an assessment (s.36(1)) and consent, unless a lack of capacity to decide is recorded
for them (Mental Capacity Act 2005 ss.2-3; CFA 2014 s.80; SEND Regulations 2014 reg 64), when
their parent acts for them.

The leaving dates used: Friday 25 June 2027 (born 1 September 2010 to 31 August 2011), Friday
30 June 2028 (born 1 September 2011 to 31 August 2012: the latest it can be), Friday 24 June 2033
(born 1 September 2016 to 31 August 2017: the earliest it can be).
"""

from datetime import date

import pytest

from ehcp.children.rules.consent import (
    ConsentFact,
    MissingConsent,
    Purpose,
    Step,
    WhoConsents,
    consent_counts,
    gate_is_open,
    gate_message,
    missing_consent,
)
from ehcp.children.rules.young_person import (
    RecordFact,
    RecordKind,
    requester_refusal,
    who_consents,
)

HEALTH, EP = 1, 2


def fact(given_on, *, by="PARENT", withdrawn_on=None, agencies=(HEALTH, EP)):
    return ConsentFact("STATUTORY_ASSESSMENT", frozenset(agencies), given_on, withdrawn_on, by)


def lacks(from_on, ended_on=None):
    return RecordFact(RecordKind.LACKS_CAPACITY, from_on=from_on, ended_on=ended_on)


def agreed(from_on):
    return RecordFact(RecordKind.PARENT_INCLUDED, from_on=from_on)


# (born, the last day of compulsory school age, the first day as a young person)
LEAVERS = [
    (date(2011, 1, 10), date(2027, 6, 25), date(2027, 6, 26)),
    (date(2010, 9, 1), date(2027, 6, 25), date(2027, 6, 26)),  # the oldest in the year: nearly 17
    (date(2011, 8, 31), date(2027, 6, 25), date(2027, 6, 26)),  # the youngest: still 15
    (date(2012, 2, 29), date(2028, 6, 30), date(2028, 7, 1)),  # the leaving date is 30 June
    (date(2017, 3, 3), date(2033, 6, 24), date(2033, 6, 25)),  # the leaving date is 24 June
]


def open_on(born, consents, on, facts=()):
    return gate_is_open(
        Step.REQUEST_ADVICE,
        consents,
        agency_ids=[HEALTH, EP],
        on=on,
        who=who_consents(born, facts),
    )


# -- YP-CONSENT-GATE: a parent's consent given for a child ------------------------------------------


@pytest.mark.parametrize(("born", "last_day", "first_day"), LEAVERS)
def test_YP_CONSENT_GATE_a_parents_consent_opens_the_gate_up_to_the_last_friday_in_june(
    born, last_day, first_day
):
    """CFA 2014 s.83(2): up to and including the school leaving date the child is not a young person,
    and the parent's consent is the consent; from the next day it no longer opens the gate."""
    given = date(last_day.year, 3, 1)
    assert open_on(born, [fact(given)], last_day)
    assert not open_on(born, [fact(given)], first_day)
    assert not open_on(born, [fact(given)], date(first_day.year, 9, 1))


@pytest.mark.parametrize(("born", "last_day", "first_day"), LEAVERS)
def test_YP_CONSENT_GATE_the_young_persons_own_consent_opens_it_from_the_first_day(
    born, last_day, first_day
):
    """CFA 2014 s.83(2): the young person consents for themselves."""
    assert open_on(
        born, [fact(date(last_day.year, 3, 1)), fact(first_day, by="YOUNG_PERSON")], first_day
    )
    # Given on the first day, it is not current the day before.
    assert not open_on(born, [fact(first_day, by="YOUNG_PERSON")], last_day)


@pytest.mark.parametrize(("born", "last_day", "first_day"), LEAVERS)
def test_YP_CONSENT_GATE_a_parent_acts_for_a_young_person_who_lacks_capacity(
    born, last_day, first_day
):
    """MCA 2005 ss.2-3; CFA 2014 s.80 and SEND Regs 2014 reg 64: where a lack of capacity to decide
    is recorded, the parent acts for the young person, and their consent counts, whether given
    before or after the child became a young person; it stops counting when the record ends."""
    before = fact(date(last_day.year, 3, 1))
    after = fact(first_day)
    recorded = lacks(first_day)
    assert open_on(born, [before], first_day, [recorded])
    assert open_on(born, [after], first_day, [recorded])
    ended = lacks(first_day, ended_on=date(first_day.year, 8, 1))
    assert open_on(born, [before], date(first_day.year, 7, 31), [ended])
    assert not open_on(born, [before], date(first_day.year, 8, 1), [ended])
    # A record made later does not count for a step taken before it.
    later = lacks(date(first_day.year, 7, 15))
    assert not open_on(born, [before], date(first_day.year, 7, 14), [later])
    assert open_on(born, [before], date(first_day.year, 7, 15), [later])


def test_YP_CONSENT_GATE_an_agreement_to_copy_the_parent_is_not_a_lack_of_capacity():
    """A young person's agreement that their parent is sent the letters (PARENT_INCLUDED) does not
    let the parent decide for them: only a recorded lack of capacity does (CFA 2014 s.80)."""
    born = date(2011, 1, 10)
    assert not open_on(
        born, [fact(date(2027, 3, 1))], date(2027, 7, 1), [agreed(date(2027, 6, 26))]
    )


@pytest.mark.parametrize(
    ("on", "consents", "is_open"),
    [
        # The parent's covers both agencies, the young person's only one: the other is missing.
        (
            date(2027, 6, 26),
            [fact(date(2027, 3, 1)), fact(date(2027, 6, 26), by="YOUNG_PERSON", agencies=[HEALTH])],
            False,
        ),
        # Two consents of the young person's together cover both.
        (
            date(2027, 7, 2),
            [
                fact(date(2027, 6, 28), by="YOUNG_PERSON", agencies=[HEALTH]),
                fact(date(2027, 7, 2), by="YOUNG_PERSON", agencies=[EP]),
            ],
            True,
        ),
        # Withdrawn by the young person: shut again.
        (
            date(2027, 7, 3),
            [fact(date(2027, 6, 28), by="YOUNG_PERSON", withdrawn_on=date(2027, 7, 3))],
            False,
        ),
        (
            date(2027, 7, 2),
            [fact(date(2027, 6, 28), by="YOUNG_PERSON", withdrawn_on=date(2027, 7, 3))],
            True,
        ),
    ],
)
def test_YP_CONSENT_GATE_consent_is_per_agency_for_a_young_person_too(on, consents, is_open):
    assert open_on(date(2011, 1, 10), consents, on) is is_open


def test_YP_CONSENT_GATE_the_gate_says_the_child_became_a_young_person():
    """The shut gate tells the caseworker why: "X became a young person on D: confirm consent with
    them" (CFA 2014 s.83(2))."""
    born = date(2011, 1, 10)
    missing = missing_consent(
        Step.REQUEST_ADVICE,
        [fact(date(2027, 3, 1))],
        agency_ids=[HEALTH, EP],
        on=date(2027, 6, 28),
        who=who_consents(born, []),
    )
    assert missing == MissingConsent(
        Purpose.STATUTORY_ASSESSMENT, frozenset({HEALTH, EP}), young_person_since=date(2027, 6, 26)
    )
    message = gate_message(missing, {HEALTH: "Health", EP: "EP"}, first_name="Sam")
    assert message.startswith(
        "Sam became a young person on 26 June 2027: confirm consent with them"
    )
    assert (
        "Record consent for an EHC needs assessment from Sam before you request advice" in message
    )

    # No consent at all: the ordinary message.
    missing = missing_consent(
        Step.REQUEST_ADVICE,
        [],
        agency_ids=[HEALTH],
        on=date(2027, 6, 28),
        who=who_consents(born, []),
    )
    assert missing.young_person_since is None
    assert gate_message(missing, {HEALTH: "Health"}).startswith("Record consent for an EHC")


@pytest.mark.parametrize(
    ("given_by", "on", "capacity_lacking", "counts"),
    [
        ("PARENT", date(2027, 6, 25), (), True),
        ("PARENT", date(2027, 6, 26), (), False),
        ("PARENT", date(2027, 6, 26), ((date(2027, 6, 26), None),), True),
        ("PARENT", date(2027, 6, 26), ((date(2027, 5, 1), date(2027, 6, 26)),), False),
        ("YOUNG_PERSON", date(2027, 6, 26), (), True),
        ("YOUNG_PERSON", date(2027, 6, 26), ((date(2027, 6, 26), None),), True),
    ],
)
def test_YP_CONSENT_GATE_consent_counts(given_by, on, capacity_lacking, counts):
    who = WhoConsents(young_person_from=date(2027, 6, 26), capacity_lacking=capacity_lacking)
    consent = ConsentFact(
        "STATUTORY_ASSESSMENT", frozenset({HEALTH}), date(2027, 3, 1), None, given_by
    )
    assert consent_counts(consent, on, who) is counts
    # Without anything known about the child, any current consent counts (and none that is not).
    assert consent_counts(consent, on, None) is True
    assert consent_counts(consent, date(2027, 2, 28), who) is False


# -- YP-REQUESTER: who may ask for an assessment ---------------------------------------------------


@pytest.mark.parametrize(("born", "last_day", "first_day"), LEAVERS)
@pytest.mark.parametrize(
    ("requested_by", "refused_on_last_day", "refused_on_first_day"),
    [
        ("PARENT", False, True),
        ("YOUNG_PERSON", True, False),
        ("SETTING", False, False),
        ("OTHER", False, False),
    ],
)
def test_YP_REQUESTER_who_may_ask_turns_on_the_day_the_request_was_received(
    born, last_day, first_day, requested_by, refused_on_last_day, refused_on_first_day
):
    """CFA 2014 s.36(1): a request is made by the child's parent, the young person, or a school or
    setting; s.83(2): the young person is one from the day after the school leaving date, and from
    then the request is theirs, not their parent's."""

    def refused(on):
        return requester_refusal(
            requested_by=requested_by, date_of_birth=born, received_on=on, first_name="Sam"
        )

    assert (refused(last_day) is not None) is refused_on_last_day
    assert (refused(first_day) is not None) is refused_on_first_day


def test_YP_REQUESTER_a_parents_request_for_a_young_person_is_refused_with_what_to_do():
    message = requester_refusal(
        requested_by="PARENT",
        date_of_birth=date(2011, 1, 10),
        received_on=date(2027, 6, 28),
        first_name="Sam",
    )
    assert message.startswith(
        "Sam was a young person when the request was received (from 26 June 2027"
    )
    assert "record it as made by the young person" in message
    assert "Mental Capacity Act 2005" in message


@pytest.mark.parametrize(
    ("facts", "refused"),
    [
        ([], True),
        ([lacks(date(2027, 6, 26))], False),  # the parent acts for them
        ([lacks(date(2027, 7, 1))], True),  # recorded only after the request was received
        ([lacks(date(2027, 5, 1), ended_on=date(2027, 6, 28))], True),  # ended by then
        ([agreed(date(2027, 6, 26))], True),  # agreeing to copies is not a lack of capacity
    ],
)
def test_YP_REQUESTER_a_parent_asks_for_a_young_person_who_lacks_capacity(facts, refused):
    """MCA 2005; CFA 2014 s.80 and SEND Regs 2014 reg 64: a parent may make the request for a young
    person for whom a lack of capacity to decide is recorded on the day it is received."""
    message = requester_refusal(
        requested_by="PARENT",
        date_of_birth=date(2011, 1, 10),
        received_on=date(2027, 6, 28),
        first_name="Sam",
        facts=facts,
    )
    assert (message is not None) is refused
