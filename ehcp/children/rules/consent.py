"""Consent gates, as pure functions over plain values.

A step that shares information with partner agencies needs current consent of the right scope:
the right purpose, covering every agency the information goes to. The gate is open when that
consent is on record, or when an authorised person has recorded a justified override (for example
a safeguarding concern, DPA 2018 Sch 1 para 18). Models and views both call these functions, so
the reason shown to a caseworker and the gate itself cannot drift apart. Who may give consent on
a given day (the parent of a child, or the young person) is `young_person.consent_refusal`.
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

    @property
    def label(self) -> str:
        return STEP_LABELS[self]


STEP_LABELS = {Step.REQUEST_ADVICE: "Request advice from agencies"}

# Which consent purpose each step needs.
REQUIRED_PURPOSE: dict[Step, Purpose] = {Step.REQUEST_ADVICE: Purpose.STATUTORY_ASSESSMENT}


@dataclass(frozen=True)
class ConsentFact:
    """One consent record, reduced to what the gate needs."""

    purpose: str
    agency_ids: frozenset[int]
    given_on: date
    withdrawn_on: date | None = None

    def is_current(self, on: date) -> bool:
        return self.given_on <= on and (self.withdrawn_on is None or self.withdrawn_on > on)


@dataclass(frozen=True)
class MissingConsent:
    purpose: Purpose
    agency_ids: frozenset[int]  # agencies the step shares with that no current consent covers


def missing_consent(
    step: Step, consents: Iterable[ConsentFact], *, agency_ids: Iterable[int], on: date
) -> MissingConsent | None:
    """What consent is missing before `step` can happen on `on` (None means the gate is open).

    Consent is per purpose and per agency: several records may together cover the agencies.
    """
    purpose = REQUIRED_PURPOSE[step]
    needed = frozenset(agency_ids)
    covered: set[int] = set()
    any_current = False
    for fact in consents:
        if fact.purpose == purpose and fact.is_current(on):
            any_current = True
            covered |= fact.agency_ids
    uncovered = needed - covered
    if any_current and not uncovered:
        return None
    return MissingConsent(purpose=purpose, agency_ids=frozenset(uncovered))


def gate_is_open(
    step: Step,
    consents: Iterable[ConsentFact],
    *,
    agency_ids: Iterable[int],
    on: date,
    overridden: bool = False,
) -> bool:
    return overridden or missing_consent(step, consents, agency_ids=agency_ids, on=on) is None


def age_on(date_of_birth: date, on: date) -> int:
    """Age in whole years on a date (a 29 February birthday counts from 1 March)."""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def gate_message(missing: MissingConsent, agency_names: dict[int, str]) -> str:
    """The sentence shown to a caseworker when a gate is shut."""
    purpose = PURPOSE_PHRASES[missing.purpose]
    if not missing.agency_ids:
        return f"Record consent for {purpose} before you request advice"
    names = ", ".join(sorted(agency_names.get(a, "an agency") for a in missing.agency_ids))
    return f"Record consent for {purpose} that covers {names} before you request advice"
