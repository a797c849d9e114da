"""Who the party is, the child's parent or the young person: pure rules, no database.

A young person is over compulsory school age (Children and Families Act 2014, s.83(2)), which ends
on the last Friday in June of the school year (1 September to 31 August) in which the child turns
16 (Education Act 1996, s.8(3)-(4); Education (School Leaving Date) Order 1997).
"""

from datetime import date, timedelta

import pytest

from ehcp.children.rules.consent import ConsentFact
from ehcp.children.rules.young_person import (
    CopyReason,
    Party,
    RecordFact,
    RecordKind,
    became_young_person_during,
    compulsory_school_age_ends,
    consent_refusal,
    consent_to_confirm,
    is_young_person,
    last_friday_in_june,
    letter_addressees,
    may_record_on,
    requester_refusal,
    withdrawal_refusal,
    young_person_from,
)

# -- the school leaving date ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "friday"),
    [
        (2024, date(2024, 6, 28)),
        (2025, date(2025, 6, 27)),
        (2026, date(2026, 6, 26)),
        (2027, date(2027, 6, 25)),
        (2028, date(2028, 6, 30)),  # 30 June is itself a Friday
        (2029, date(2029, 6, 29)),
        (2032, date(2032, 6, 25)),
        (2033, date(2033, 6, 24)),  # the earliest it can be
        (2034, date(2034, 6, 30)),
    ],
)
def test_YP_OVER_SCHOOL_AGE_school_leaving_date_is_the_last_friday_in_june(year, friday):
    """Education (School Leaving Date) Order 1997: the school leaving date is the last Friday in
    June."""
    assert last_friday_in_june(year) == friday
    assert friday.weekday() == 4 and friday.month == 6 and friday.day > 23


# -- when compulsory school age ends -------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "ends"),
    [
        # The 2010/11 school year's children turn 16 in 2026/27: the leaving date is June 2027.
        (date(2010, 9, 1), date(2027, 6, 25)),  # 1 September: the oldest in the year
        (date(2010, 12, 25), date(2027, 6, 25)),
        (date(2011, 1, 1), date(2027, 6, 25)),
        (date(2011, 6, 25), date(2027, 6, 25)),  # 16 on the leaving date itself
        (date(2011, 6, 26), date(2027, 6, 25)),  # 16 the day after it
        (date(2011, 7, 15), date(2027, 6, 25)),  # 16 in the summer holiday
        (date(2011, 8, 31), date(2027, 6, 25)),  # 31 August: the youngest in the year
        # One day either side of 31 August / 1 September changes the school year.
        (date(2010, 8, 31), date(2026, 6, 26)),
        (date(2011, 9, 1), date(2028, 6, 30)),
        # Leap-day birthdays: the 16th anniversary is in the same school year either way.
        (date(2008, 2, 29), date(2024, 6, 28)),
        (date(2012, 2, 29), date(2028, 6, 30)),
        (date(2016, 2, 29), date(2032, 6, 25)),
        (date(2084, 2, 29), date(2100, 6, 25)),  # 2100 is not a leap year
        # Around the new year.
        (date(2009, 12, 31), date(2026, 6, 26)),
        (date(2010, 1, 1), date(2026, 6, 26)),
    ],
)
def test_YP_OVER_SCHOOL_AGE_compulsory_school_age_ends_on_the_leaving_date_of_the_year_they_turn_16(
    born, ends
):
    """Education Act 1996, s.8(3): compulsory school age ends on the school leaving date of the
    school year (1 September to 31 August) in which the child turns 16, whether the birthday is
    before the date, on it, or after it but before the next school year."""
    assert compulsory_school_age_ends(born) == ends
    assert young_person_from(born) == ends + timedelta(days=1)


@pytest.mark.parametrize(
    ("born", "on", "young"),
    [
        # Born 1 September 2010 - 31 August 2011: a young person from Saturday 26 June 2027.
        (date(2010, 9, 1), date(2027, 6, 24), False),
        (date(2010, 9, 1), date(2027, 6, 25), False),  # the last Friday: still of school age
        (date(2010, 9, 1), date(2027, 6, 26), True),  # the day after it
        (date(2011, 8, 31), date(2027, 6, 26), True),  # a young person at 15
        (date(2011, 8, 31), date(2027, 6, 25), False),
        (date(2011, 3, 8), date(2027, 3, 8), False),  # the 16th birthday is not the day
        (date(2011, 3, 8), date(2027, 6, 26), True),
        # Born 1 September 2011 is in the next year: 16 on 1 September 2027, a young person in 2028.
        (date(2011, 9, 1), date(2027, 9, 1), False),
        (date(2011, 9, 1), date(2028, 6, 30), False),
        (date(2011, 9, 1), date(2028, 7, 1), True),
        # A leap-day birthday.
        (date(2012, 2, 29), date(2028, 2, 29), False),
        (date(2012, 2, 29), date(2028, 6, 30), False),
        (date(2012, 2, 29), date(2028, 7, 1), True),
        # Long after: 24, and past 25 (the party is never the parent again).
        (date(2002, 3, 2), date(2027, 3, 1), True),
        (date(1990, 1, 1), date(2027, 3, 1), True),
        # A small child.
        (date(2018, 5, 14), date(2027, 3, 1), False),
    ],
)
def test_YP_OVER_SCHOOL_AGE_is_young_person_from_the_day_after_the_leaving_date(born, on, young):
    """Children and Families Act 2014, s.83(2): a young person is a person over compulsory school
    age, so from the day after the school leaving date, not from the 16th birthday."""
    assert is_young_person(born, on) is young


@pytest.mark.parametrize(
    ("started", "on", "became"),
    [
        (date(2027, 3, 1), date(2027, 6, 25), None),  # not yet
        (date(2027, 3, 1), date(2027, 6, 26), date(2027, 6, 26)),  # that day
        (date(2027, 3, 1), date(2027, 9, 1), date(2027, 6, 26)),
        (date(2027, 6, 26), date(2027, 9, 1), None),  # already one when the episode began
        (date(2027, 7, 1), date(2027, 9, 1), None),
    ],
)
def test_YP_OVER_SCHOOL_AGE_a_child_who_becomes_a_young_person_during_an_episode(
    started, on, became
):
    """CFA 2014 s.83(2): the rights pass to the young person on the day after the leaving date,
    even in the middle of an assessment."""
    assert became_young_person_during(date(2011, 1, 10), started, on) == became


def _consent(given_on, withdrawn_on=None, given_by="PARENT"):
    return ConsentFact("STATUTORY_ASSESSMENT", frozenset({1}), given_on, withdrawn_on, given_by)


def _theirs(given_on, withdrawn_on=None):
    return _consent(given_on, withdrawn_on, given_by="YOUNG_PERSON")


_LACKING = RecordFact(RecordKind.LACKS_CAPACITY, from_on=date(2027, 6, 28))


@pytest.mark.parametrize(
    ("on", "consents", "facts", "to_confirm"),
    [
        (date(2027, 6, 25), [_consent(date(2027, 3, 2))], [], None),  # still a child
        (date(2027, 6, 26), [_consent(date(2027, 3, 2))], [], date(2027, 6, 26)),  # the parent's
        (date(2027, 6, 26), [], [], date(2027, 6, 26)),
        (date(2027, 7, 1), [_theirs(date(2027, 6, 26))], [], None),  # theirs since: confirmed
        (date(2027, 7, 1), [_theirs(date(2027, 6, 30), date(2027, 7, 1))], [], date(2027, 6, 26)),
        # The parent acts for a young person who lacks capacity: their consent counts again.
        (date(2027, 6, 27), [_consent(date(2027, 3, 2))], [_LACKING], date(2027, 6, 26)),
        (date(2027, 6, 28), [_consent(date(2027, 3, 2))], [_LACKING], None),
        (date(2027, 6, 28), [], [_LACKING], date(2027, 6, 26)),
    ],
)
def test_YP_OVER_SCHOOL_AGE_consent_is_to_be_confirmed_with_a_new_young_person(
    on, consents, facts, to_confirm
):
    """CFA 2014 s.83(2): consent given by a parent for a child is the parent's; once the child is a
    young person, the case asks for it to be confirmed with them until a consent the gate counts
    is on record (theirs, or their parent's while a lack of capacity is recorded, s.80)."""
    assert (
        consent_to_confirm(
            date(2011, 1, 10), started_on=date(2027, 3, 1), on=on, consents=consents, facts=facts
        )
        == to_confirm
    )


@pytest.mark.parametrize(
    ("born", "on", "allowed"),
    [
        (date(2011, 3, 8), date(2027, 3, 7), False),
        (date(2011, 3, 8), date(2027, 3, 8), True),
        (date(2012, 2, 29), date(2028, 2, 28), False),
        (date(2012, 2, 29), date(2028, 2, 29), True),
        (date(2011, 8, 31), date(2027, 6, 25), False),  # 15, still of school age
        (date(2011, 8, 31), date(2027, 6, 26), True),  # 15, but a young person
    ],
)
def test_YP_PARENT_CONSENT_capacity_is_recorded_from_16_or_from_becoming_a_young_person(
    born, on, allowed
):
    """Mental Capacity Act 2005, s.2(5): the Act's powers are for people aged 16 or over; CFA 2014
    s.80 applies its meaning of lacking capacity to every young person, some of whom are 15."""
    assert may_record_on(born, on) is allowed


# -- who the letters go to -----------------------------------------------------------------------

BORN = date(2011, 1, 10)  # a young person from 26 June 2027
CHILD_ON = date(2027, 6, 25)
YOUNG_ON = date(2027, 6, 26)
AGREED = RecordFact(RecordKind.PARENT_INCLUDED, from_on=date(2027, 7, 1))
LACKS = RecordFact(RecordKind.LACKS_CAPACITY, from_on=date(2027, 5, 1))
LACKED = RecordFact(RecordKind.LACKS_CAPACITY, from_on=date(2027, 5, 1), ended_on=date(2027, 8, 1))


@pytest.mark.parametrize(
    ("on", "facts", "party", "to_parents", "why"),
    [
        (CHILD_ON, [], Party.PARENT, True, CopyReason.NONE),
        (CHILD_ON, [LACKS, AGREED], Party.PARENT, True, CopyReason.NONE),
        (YOUNG_ON, [], Party.YOUNG_PERSON, False, CopyReason.NONE),
        (YOUNG_ON, [AGREED], Party.YOUNG_PERSON, False, CopyReason.NONE),  # agreed later
        (date(2027, 7, 1), [AGREED], Party.YOUNG_PERSON, True, CopyReason.AGREED),
        (YOUNG_ON, [LACKS], Party.YOUNG_PERSON, True, CopyReason.LACKS_CAPACITY),
        (date(2027, 7, 31), [LACKED], Party.YOUNG_PERSON, True, CopyReason.LACKS_CAPACITY),
        (date(2027, 8, 1), [LACKED], Party.YOUNG_PERSON, False, CopyReason.NONE),  # regained
        (date(2027, 8, 1), [LACKED, AGREED], Party.YOUNG_PERSON, True, CopyReason.AGREED),
        (date(2027, 7, 1), [LACKS, AGREED], Party.YOUNG_PERSON, True, CopyReason.LACKS_CAPACITY),
    ],
)
def test_YP_PARTY_letters_go_to_the_young_person_and_to_parents_only_as_recorded(
    on, facts, party, to_parents, why
):
    """CFA 2014 s.83(2) and SEND Regulations 2014 reg 64 and Schedule 3: a young person is the
    party and gets the letters; their parent too only where the young person agrees (SEND Code
    of Practice 8.13-8.15) or lacks capacity (Mental Capacity Act 2005), as of the letter's date."""
    addressees = letter_addressees(BORN, on, facts)

    assert addressees.party == party
    assert addressees.to_parents is to_parents
    assert addressees.copy_reason == why


# -- who gives consent, who may request ----------------------------------------------------------


@pytest.mark.parametrize(
    ("given_by", "on", "facts", "refused"),
    [
        ("PARENT", CHILD_ON, [], None),
        ("YOUNG_PERSON", CHILD_ON, [], "Sam is not a young person until 26 June 2027"),
        ("YOUNG_PERSON", YOUNG_ON, [], None),
        ("PARENT", YOUNG_ON, [], "Sam has been a young person since 26 June 2027"),
        ("PARENT", YOUNG_ON, [LACKS], None),
        ("PARENT", date(2027, 8, 1), [LACKED], "they give consent themselves"),
        ("YOUNG_PERSON", YOUNG_ON, [LACKS], "Sam lacks capacity to make this decision"),
        ("YOUNG_PERSON", date(2027, 8, 1), [LACKED], None),
        ("PARENT", YOUNG_ON, [RecordFact(RecordKind.PARENT_INCLUDED, YOUNG_ON)], "themselves"),
    ],
)
def test_YP_PARENT_CONSENT_a_parent_consents_for_a_young_person_only_if_they_lack_capacity(
    given_by, on, facts, refused
):
    """CFA 2014 s.83(2); Mental Capacity Act 2005 ss.1-3 (capacity is presumed from 16); CFA 2014
    s.80 and SEND Regulations 2014 regs 63-65: a parent acts for a young person only where the
    young person lacks capacity."""
    message = consent_refusal(given_by, date_of_birth=BORN, on=on, facts=facts, first_name="Sam")

    if refused is None:
        assert message is None
    else:
        assert refused in message


@pytest.mark.parametrize(
    ("received_on", "refused"),
    [(CHILD_ON, True), (YOUNG_ON, False), (date(2030, 1, 1), False)],
)
def test_YP_OVER_SCHOOL_AGE_a_request_by_the_young_person_is_from_a_young_person(
    received_on, refused
):
    """CFA 2014 s.36(1): a request is made by the child's parent, the young person, or a school;
    the young person is one only from the day after the school leaving date (s.83(2))."""
    message = requester_refusal(date_of_birth=BORN, received_on=received_on, first_name="Sam")

    assert (message is not None) is refused
    if refused:
        assert "Sam was not a young person when the request was received" in message
        assert "26 June 2027" in message


# -- who may withdraw the request ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("withdrawn_by", "on", "facts", "refused"),
    [
        ("PARENT", CHILD_ON, [], None),
        ("PARENT", CHILD_ON, [LACKS], None),
        ("YOUNG_PERSON", CHILD_ON, [], "Only a parent or carer can withdraw a child's request"),
        ("YOUNG_PERSON", YOUNG_ON, [], None),
        ("YOUNG_PERSON", date(2030, 1, 1), [AGREED], None),
        ("PARENT", YOUNG_ON, [], "only Sam can withdraw it"),
        ("PARENT", YOUNG_ON, [AGREED], "only Sam can withdraw it"),
        ("PARENT", YOUNG_ON, [LACKS], None),
        ("PARENT", date(2027, 8, 1), [LACKED], "only Sam can withdraw it"),  # capacity regained
        ("YOUNG_PERSON", YOUNG_ON, [LACKS], "Sam lacks capacity to make this decision"),
        ("YOUNG_PERSON", date(2027, 8, 1), [LACKED], None),
        ("SETTING", CHILD_ON, [], "Choose who withdrew the request"),
        ("", YOUNG_ON, [], "Choose who withdrew the request"),
    ],
)
def test_YP_WITHDRAWAL_only_the_party_withdraws_a_request(withdrawn_by, on, facts, refused):
    """CFA 2014 s.36(1) (the request is the parent's or the young person's) and s.83(2) (the young
    person is the party from the end of compulsory school age); Mental Capacity Act 2005: the
    parent acts for a young person only where a lack of capacity is recorded."""
    message = withdrawal_refusal(
        withdrawn_by, date_of_birth=BORN, on=on, facts=facts, first_name="Sam"
    )

    if refused is None:
        assert message is None
    else:
        assert refused in message
