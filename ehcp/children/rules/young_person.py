"""Who the party is: the child's parent, or the young person themselves. Pure: dates in, answers out.

A child becomes a **young person** when they are over compulsory school age (Children and Families
Act 2014, s.83(2)). Compulsory school age ends on the school leaving date, the last Friday in June,
of the school year in which the child turns 16 (Education Act 1996, s.8(3) and (4); the Education
(School Leaving Date) Order 1997). The school year runs from 1 September to 31 August, so a child
born between 1 September 2010 and 31 August 2011 turns 16 in the 2026/27 school year, is of
compulsory school age until the end of Friday 25 June 2027, and is a young person from Saturday
26 June 2027, whatever the day of their birthday: someone born on 31 August is a young person
before they are 16, and someone born on 1 September is nearly 17. A 29 February birthday needs no
special case: its 16th anniversary falls in the same school year whichever day it is kept on.

From that day the rights in Part 3 of the Act are the young person's: they ask for an
assessment, give consent, receive the letters and may appeal. Their parent takes part only where
the young person agrees, or acts for them where the young person lacks capacity to decide
(Mental Capacity Act 2005; CFA 2014 s.80 and SEND Regulations 2014 regs 63-65 and Schedule 3).
Both are facts the council records, with dates, and pass in here.

s.83(2) also says "under 25". That is where the council's duty ends, and the request service
refuses a request from anyone 25 or over; it never makes the parent the party again, so
`is_young_person` asks only whether compulsory school age is over.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from ehcp.children.rules.consent import ConsentFact, WhoConsents, consent_counts

#: The rule codes in docs/rules.md ("Other rule codes").
YP_OVER_SCHOOL_AGE = "YP-OVER-SCHOOL-AGE"
YP_PARTY = "YP-PARTY"
YP_PARENT_CONSENT = "YP-PARENT-CONSENT"
YP_CONSENT_GATE = "YP-CONSENT-GATE"
YP_REQUESTER = "YP-REQUESTER"

FRIDAY = 4
SCHOOL_YEAR_STARTS = 9  # September
#: The Mental Capacity Act 2005's powers are for people aged 16 and over (s.2(5)).
CAPACITY_ACT_AGE = 16


def last_friday_in_june(year: int) -> date:
    """The school leaving date of a calendar year."""
    end = date(year, 6, 30)
    return end - timedelta(days=(end.weekday() - FRIDAY) % 7)


def compulsory_school_age_ends(date_of_birth: date) -> date:
    """The last day of compulsory school age: the last Friday in June of the school year
    (1 September to 31 August) in which the child turns 16."""
    school_year_born = (
        date_of_birth.year
        if date_of_birth.month >= SCHOOL_YEAR_STARTS
        else (date_of_birth.year - 1)
    )
    # Born in the school year starting in year Y, they turn 16 in the one starting in Y + 16,
    # whose June is in Y + 17.
    return last_friday_in_june(school_year_born + 17)


def young_person_from(date_of_birth: date) -> date:
    """The first day on which the child is a young person (the day after the school leaving date)."""
    return compulsory_school_age_ends(date_of_birth) + timedelta(days=1)


def is_young_person(date_of_birth: date, on: date) -> bool:
    """Whether the child is over compulsory school age on `on` (so a young person)."""
    return on >= young_person_from(date_of_birth)


def became_young_person_during(date_of_birth: date, started_on: date, on: date) -> date | None:
    """The day the child became a young person, if it was after `started_on` and by `on`
    (a child who became one during an episode: the case asks to confirm consent with them)."""
    became = young_person_from(date_of_birth)
    return became if started_on < became <= on else None


def consent_to_confirm(
    date_of_birth: date,
    *,
    started_on: date,
    on: date,
    consents: Iterable[ConsentFact],
    facts: Iterable["RecordFact"] = (),
) -> date | None:
    """The day the child became a young person during an episode that started on `started_on`,
    while no consent that counts on `on` is on record (so the caseworker should confirm consent
    with the young person); None when there is nothing to confirm. A consent counts as the consent
    gate counts it (`consent.consent_counts`): the young person's own, or their parent's while a
    lack of capacity is recorded for them (`facts`); a parent's consent given for the child does
    not (rule YP-CONSENT-GATE)."""
    became = became_young_person_during(date_of_birth, started_on, on)
    if became is None:
        return None
    who = who_consents(date_of_birth, facts)
    if any(consent_counts(fact, on, who) for fact in consents):
        return None
    return became


# -- what the council records about a young person ---------------------------------------------


class RecordKind(StrEnum):
    #: The young person lacks capacity to make decisions about their EHC needs assessment and
    #: plan (MCA 2005 ss.2-3): their parent (or a deputy or attorney) acts for them.
    LACKS_CAPACITY = "LACKS_CAPACITY"
    #: The young person agrees that their parent or carer is sent the letters too.
    PARENT_INCLUDED = "PARENT_INCLUDED"

    @property
    def label(self) -> str:
        return RECORD_LABELS[self]


RECORD_LABELS = {
    RecordKind.LACKS_CAPACITY: (
        "Lacks capacity to make decisions about their assessment and plan "
        "(Mental Capacity Act 2005): their parent or carer acts for them"
    ),
    RecordKind.PARENT_INCLUDED: "Agrees that their parent or carer is sent the letters too",
}


@dataclass(frozen=True)
class RecordFact:
    """One record about a young person, reduced to what the rules need."""

    kind: str
    from_on: date
    ended_on: date | None = None

    def is_current(self, on: date) -> bool:
        return self.from_on <= on and (self.ended_on is None or self.ended_on > on)


def who_consents(date_of_birth: date, facts: Iterable[RecordFact]) -> WhoConsents:
    """What the consent gate needs to know about who decides on a day (`consent.WhoConsents`)."""
    return WhoConsents(
        young_person_from=young_person_from(date_of_birth),
        capacity_lacking=tuple(
            (fact.from_on, fact.ended_on)
            for fact in facts
            if fact.kind == RecordKind.LACKS_CAPACITY
        ),
    )


def holds(facts: Iterable[RecordFact], kind: RecordKind, on: date) -> bool:
    """Whether a record of `kind` is current on `on`."""
    return any(fact.kind == kind and fact.is_current(on) for fact in facts)


def sixteenth_birthday(date_of_birth: date) -> date:
    """The day a child turns 16 (a 29 February birthday is kept on 1 March, as `age_on` counts)."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + CAPACITY_ACT_AGE)
    except ValueError:
        return date(date_of_birth.year + CAPACITY_ACT_AGE, 3, 1)


def may_record_from(date_of_birth: date) -> date:
    """The first day a lack of capacity, or a young person's agreement, can be recorded: the 16th
    birthday (the Mental Capacity Act 2005 is for people aged 16 and over, s.2(5)) or the day they
    became a young person, if earlier (a child born in the summer is one at 15, and CFA 2014 s.80
    takes the Act's meaning of lacking capacity for every young person)."""
    return min(sixteenth_birthday(date_of_birth), young_person_from(date_of_birth))


def may_record_on(date_of_birth: date, on: date) -> bool:
    return on >= may_record_from(date_of_birth)


# -- who the letters go to ---------------------------------------------------------------------


class Party(StrEnum):
    PARENT = "PARENT"
    YOUNG_PERSON = "YOUNG_PERSON"


class CopyReason(StrEnum):
    NONE = ""
    AGREED = "AGREED"  # the young person agreed
    LACKS_CAPACITY = "LACKS_CAPACITY"  # the parent acts for the young person


@dataclass(frozen=True)
class Addressees:
    party: Party
    to_parents: bool  # the parents are sent the letter (as the party, or as a copy)
    copy_reason: CopyReason = CopyReason.NONE


def letter_addressees(date_of_birth: date, on: date, facts: Iterable[RecordFact]) -> Addressees:
    """Who a letter dated `on` goes to: the parents of a child; a young person, with a copy to
    their parents only where the young person agrees or lacks capacity (both recorded)."""
    if not is_young_person(date_of_birth, on):
        return Addressees(party=Party.PARENT, to_parents=True)
    facts = list(facts)
    if holds(facts, RecordKind.LACKS_CAPACITY, on):
        return Addressees(Party.YOUNG_PERSON, True, CopyReason.LACKS_CAPACITY)
    if holds(facts, RecordKind.PARENT_INCLUDED, on):
        return Addressees(Party.YOUNG_PERSON, True, CopyReason.AGREED)
    return Addressees(Party.YOUNG_PERSON, False)


# -- who gives consent -------------------------------------------------------------------------


def consent_refusal(
    given_by: str,
    *,
    date_of_birth: date,
    on: date,
    facts: Iterable[RecordFact],
    first_name: str,
) -> str | None:
    """Why consent given on `on` by `given_by` ("PARENT" or "YOUNG_PERSON") cannot be recorded,
    or None. A young person consents for themselves; a parent, only for a child, or for a young
    person who lacks capacity to decide (recorded)."""
    facts = list(facts)
    young = is_young_person(date_of_birth, on)
    became = young_person_from(date_of_birth)
    if given_by == Party.YOUNG_PERSON:
        if not young:
            return (
                f"{first_name} is not a young person until {_day(became)} (the day after the "
                "last Friday in June of the school year they turn 16): record consent from a "
                "parent or carer"
            )
        if holds(facts, RecordKind.LACKS_CAPACITY, on):
            return (
                f"{first_name} lacks capacity to make this decision (recorded on the case): "
                "record consent from the parent or carer who acts for them"
            )
        return None
    if given_by == Party.PARENT and young and not holds(facts, RecordKind.LACKS_CAPACITY, on):
        return (
            f"{first_name} has been a young person since {_day(became)}, so they give consent "
            f"themselves: record consent from {first_name}, or first record that they lack "
            "capacity to decide (Mental Capacity Act 2005)"
        )
    return None


def withdrawal_refusal(
    withdrawn_by: str,
    *,
    date_of_birth: date,
    on: date,
    facts: Iterable[RecordFact],
    first_name: str,
) -> str | None:
    """Why a withdrawal of the request on `on` by `withdrawn_by` ("PARENT" or "YOUNG_PERSON")
    cannot be recorded, or None. The party withdraws, as the party consents: the parent of a
    child; a young person themselves (CFA 2014 s.83(2)), their parent only where a lack of
    capacity is recorded (Mental Capacity Act 2005)."""
    if withdrawn_by not in (Party.PARENT, Party.YOUNG_PERSON):
        return "Choose who withdrew the request: the parent or carer, or the young person"
    facts = list(facts)
    young = is_young_person(date_of_birth, on)
    became = young_person_from(date_of_birth)
    if withdrawn_by == Party.YOUNG_PERSON:
        if not young:
            return (
                f"{first_name} was not a young person on that day: they are one from "
                f"{_day(became)} (the day after the last Friday in June of the school year they "
                "turn 16). Only a parent or carer can withdraw a child's request"
            )
        if holds(facts, RecordKind.LACKS_CAPACITY, on):
            return (
                f"{first_name} lacks capacity to make this decision (recorded on the case): "
                "record the withdrawal by the parent or carer who acts for them"
            )
        return None
    if withdrawn_by == Party.PARENT and young and not holds(facts, RecordKind.LACKS_CAPACITY, on):
        return (
            f"{first_name} has been a young person since {_day(became)}, so the request is "
            f"theirs: only {first_name} can withdraw it, unless a lack of capacity to decide is "
            "recorded (Mental Capacity Act 2005)"
        )
    return None


def requester_refusal(
    *,
    date_of_birth: date,
    received_on: date,
    first_name: str,
    requested_by: str = Party.YOUNG_PERSON,
    facts: Iterable[RecordFact] = (),
) -> str | None:
    """Why a request for an EHC needs assessment cannot be recorded as made by `requested_by`
    ("YOUNG_PERSON", "PARENT", or another requester, who is never refused here), or None.

    CFA 2014 s.36(1): a request is made by the child's parent, the young person, or a school or
    setting. Who is the party turns on the day the request was received (s.83(2)): a request
    recorded as the young person's must come from someone who was a young person that day; one
    recorded as a parent's must be for a child, since from that day the young person makes it
    themselves, unless a lack of capacity to decide is recorded for them that day (`facts`; Mental
    Capacity Act 2005; CFA 2014 s.80 and SEND Regulations 2014 reg 64: the parent then acts for
    them). Rule YP-REQUESTER."""
    young = is_young_person(date_of_birth, received_on)
    became = young_person_from(date_of_birth)
    if requested_by == Party.YOUNG_PERSON and not young:
        return (
            f"{first_name} was not a young person when the request was received: they are one "
            f"from {_day(became)} (the day after the last Friday in June of the school year they "
            "turn 16). Record who made the request for them: a parent or carer, the school or "
            "setting, or someone else"
        )
    if (
        requested_by == Party.PARENT
        and young
        and not holds(facts, RecordKind.LACKS_CAPACITY, received_on)
    ):
        return (
            f"{first_name} was a young person when the request was received (from "
            f"{_day(became)}, the day after the last Friday in June of the school year they turn "
            f"16), so the request is {first_name}'s to make, not a parent's (Children and Families "
            f"Act 2014, ss.36(1) and 83): record it as made by the young person. If {first_name} "
            "lacks capacity to decide and a parent or carer asked on their behalf (Mental "
            "Capacity Act 2005), record it as made by the young person with the parent's name, "
            "then record the lack of capacity on the case"
        )
    return None


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"
