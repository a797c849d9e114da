"""Consent gates, as pure functions over plain values.

A step that shares information with partner agencies needs current consent of the right scope:
the right purpose, covering every agency the information goes to. The gate is open when that
consent is on record, or when an authorised person has recorded a justified override (for example
a safeguarding concern, DPA 2018 Sch 1 para 18). Models and views both call these functions, so
the reason shown to a caseworker and the gate itself cannot drift apart. Who may give consent on
a given day (the parent of a child, or the young person) is `young_person.consent_refusal`.

**Whose consent counts on the day of a step.** From the day after the last Friday in June of the
school year in which the child turns 16, the child is a young person (Children and Families Act
2014, s.83(2); Education Act 1996, s.8) and the decisions in Part 3 of the Act are theirs. A
consent their parent gave earlier, while they were a child, was the parent's decision: it no longer
opens the gate for a step taken on or after that day. The young person's own consent does; so does
the parent's while a lack of capacity to make the decision is recorded for the young person (Mental
Capacity Act 2005 ss.2-3; CFA 2014 s.80 and SEND Regulations 2014 reg 64: the parent then acts for
them). Who gave each consent, when the child becomes a young person and when a lack of capacity is
recorded are passed in as `WhoConsents` (rule code YP-CONSENT-GATE in docs/rules.md).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Purpose(StrEnum):
    STATUTORY_ASSESSMENT = "STATUTORY_ASSESSMENT"
    HIGH_NEEDS_FUNDING = "HIGH_NEEDS_FUNDING"
    CONTINUING_CARE = "CONTINUING_CARE"
    CARE_TREATMENT_REVIEW = "CARE_TREATMENT_REVIEW"

    @property
    def label(self) -> str:
        return PURPOSE_LABELS[self]


PURPOSE_LABELS = {
    Purpose.STATUTORY_ASSESSMENT: "EHC needs assessment",
    Purpose.HIGH_NEEDS_FUNDING: "High-needs funding",
    Purpose.CONTINUING_CARE: "Continuing care",
    Purpose.CARE_TREATMENT_REVIEW: "Care and treatment review",
}
# The purpose as it reads inside a sentence ("Record consent for ...").
PURPOSE_PHRASES = {
    Purpose.STATUTORY_ASSESSMENT: "an EHC needs assessment",
    Purpose.HIGH_NEEDS_FUNDING: "high-needs funding",
    Purpose.CONTINUING_CARE: "continuing care",
    Purpose.CARE_TREATMENT_REVIEW: "a care and treatment review",
}


class Step(StrEnum):
    """Steps of casework that share information and so may need consent."""

    REQUEST_ADVICE = "REQUEST_ADVICE"
    # Sending a funding request to the Joint Agency Panel (its papers go to the partners on it).
    FUNDING_PANEL = "FUNDING_PANEL"
    CONTINUING_CARE_PANEL = "CONTINUING_CARE_PANEL"

    @property
    def label(self) -> str:
        return STEP_LABELS[self]


STEP_LABELS = {
    Step.REQUEST_ADVICE: "Request advice from agencies",
    Step.FUNDING_PANEL: "Send a funding request to the panel",
    Step.CONTINUING_CARE_PANEL: "Send a continuing care request to the panel",
}
# The step as it ends a sentence ("Record consent for ... before you ...").
STEP_ACTIONS = {
    Step.REQUEST_ADVICE: "request advice",
    Step.FUNDING_PANEL: "send the request to the panel",
    Step.CONTINUING_CARE_PANEL: "send the request to the panel",
}

# Which consent purpose each step needs.
REQUIRED_PURPOSE: dict[Step, Purpose] = {
    Step.REQUEST_ADVICE: Purpose.STATUTORY_ASSESSMENT,
    Step.FUNDING_PANEL: Purpose.HIGH_NEEDS_FUNDING,
    Step.CONTINUING_CARE_PANEL: Purpose.CONTINUING_CARE,
}


#: Who gives a consent: the values of `ConsentGiver` (and of `young_person.Party`).
PARENT = "PARENT"
YOUNG_PERSON = "YOUNG_PERSON"


@dataclass(frozen=True)
class ConsentFact:
    """One consent record, reduced to what the gate needs."""

    purpose: str
    agency_ids: frozenset[int]
    given_on: date
    withdrawn_on: date | None = None
    given_by: str = PARENT

    def is_current(self, on: date) -> bool:
        return self.given_on <= on and (self.withdrawn_on is None or self.withdrawn_on > on)


@dataclass(frozen=True)
class WhoConsents:
    """Who may consent for the child on a given day: the first day they are a young person
    (`young_person.young_person_from`), and the periods (from, ended or None) for which a lack of
    capacity to decide is recorded for them (YoungPersonRecord, kind LACKS_CAPACITY)."""

    young_person_from: date
    capacity_lacking: tuple[tuple[date, date | None], ...] = ()

    def is_young_person(self, on: date) -> bool:
        return on >= self.young_person_from

    def parent_acts_for_them(self, on: date) -> bool:
        """A lack of capacity is recorded, current on `on`: the parent decides for them."""
        return any(
            start <= on and (ended is None or ended > on) for start, ended in self.capacity_lacking
        )


def consent_counts(fact: ConsentFact, on: date, who: WhoConsents | None) -> bool:
    """Whether `fact` is consent on `on`: current, and given by the person who decides that day.

    Before the child is a young person any current consent counts (their parent's). From that day
    the young person's own consent counts, and a parent's only while a lack of capacity is recorded
    for them: a parent's consent given for a child no longer opens the gate (CFA 2014 s.83(2),
    s.80; MCA 2005). `who` None: nothing is known about the child's age (a consent with no child)."""
    if not fact.is_current(on):
        return False
    if who is None or not who.is_young_person(on) or fact.given_by == YOUNG_PERSON:
        return True
    return who.parent_acts_for_them(on)


@dataclass(frozen=True)
class MissingConsent:
    purpose: Purpose
    agency_ids: frozenset[int]  # agencies the step shares with that no current consent covers
    # The child has been a young person since this day, and a current consent that would
    # otherwise have covered the step was their parent's (given for them as a child, or with no
    # lack of capacity recorded today): the young person must consent.
    young_person_since: date | None = None


def missing_consent(
    step: Step,
    consents: Iterable[ConsentFact],
    *,
    agency_ids: Iterable[int],
    on: date,
    who: WhoConsents | None,
) -> MissingConsent | None:
    """What consent is missing before `step` can happen on `on` (None means the gate is open).

    Consent is per purpose and per agency: several records may together cover the agencies. Only
    consent that counts on `on` (`consent_counts`: given by the person who decides that day) does.
    """
    purpose = REQUIRED_PURPOSE[step]
    needed = frozenset(agency_ids)
    covered: set[int] = set()
    any_current = False
    not_theirs = False
    for fact in consents:
        if fact.purpose != purpose or not fact.is_current(on):
            continue
        if consent_counts(fact, on, who):
            any_current = True
            covered |= fact.agency_ids
        else:
            not_theirs = True
    uncovered = needed - covered
    if any_current and not uncovered:
        return None
    return MissingConsent(
        purpose=purpose,
        agency_ids=frozenset(uncovered),
        young_person_since=who.young_person_from if (not_theirs and who is not None) else None,
    )


def gate_is_open(
    step: Step,
    consents: Iterable[ConsentFact],
    *,
    agency_ids: Iterable[int],
    on: date,
    who: WhoConsents | None,
    overridden: bool = False,
) -> bool:
    return (
        overridden or missing_consent(step, consents, agency_ids=agency_ids, on=on, who=who) is None
    )


def age_on(date_of_birth: date, on: date) -> int:
    """Age in whole years on a date (a 29 February birthday counts from 1 March)."""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def gate_message(
    missing: MissingConsent,
    agency_names: dict[int, str],
    *,
    first_name: str = "the young person",
    step: Step = Step.REQUEST_ADVICE,
) -> str:
    """The sentence shown to a caseworker when a gate is shut."""
    purpose = PURPOSE_PHRASES[missing.purpose]
    action = STEP_ACTIONS[step]
    if missing.young_person_since is not None:
        since = missing.young_person_since
        return (
            f"{first_name[:1].upper()}{first_name[1:]} became a young person on "
            f"{since.day} {since:%B %Y}: confirm consent with them. The consent on record was "
            f"given by a parent or carer, and from that day {first_name} gives consent "
            "themselves (Children and Families Act 2014, s.83), unless a lack of capacity to "
            "decide is recorded for them (Mental Capacity Act 2005). Record consent for "
            f"{purpose} from {first_name} before you {action}"
        )
    if not missing.agency_ids:
        return f"Record consent for {purpose} before you {action}"
    names = ", ".join(sorted(agency_names.get(a, "an agency") for a in missing.agency_ids))
    return f"Record consent for {purpose} that covers {names} before you {action}"
