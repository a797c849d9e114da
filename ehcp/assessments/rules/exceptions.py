"""Exceptions to the assessment time limits: which apply, and whether a recorded one is valid.

The regulations say the council "need not comply with the time limit ... if it is impractical
to do so because ..." one of a short list of reasons (reg 5(4), 8(2), 10(4), and reg 13(3) for
the final plan). An exception is not a clock-stop: the statutory date stays on the case, the
council must still act as soon as practicable, and it must be able to show that the reason made
the time limit impractical. These pure rules only check that the recorded reason is one the law
allows for that time limit and that its dates make sense.
"""

from __future__ import annotations

from datetime import date

from ehcp.assessments.rules.deadlines import EXCEPTION_LIMBS, StatutoryPeriod

__all__ = [
    "FOUR_WEEK_LIMBS",
    "MINIMUM_ABSENCE_DAYS",
    "exception_choices",
    "exception_limbs_for",
    "validate_exception",
]

#: Limbs that need a closure or an absence of at least 4 continuous weeks: the school and early
#: years closure limbs and the absence-from-the-area limbs.
FOUR_WEEK_LIMBS: frozenset[str] = frozenset(
    {"5(4)(a)", "5(4)(b)", "5(4)(d)", "8(2)(b)", "10(4)(a)", "10(4)(b)", "10(4)(d)"}
)

#: 4 continuous weeks, in days.
MINIMUM_ABSENCE_DAYS = 28


def exception_limbs_for(period: StatutoryPeriod) -> tuple[str, ...]:
    """The exception limbs the law allows for this time limit (empty if there are none)."""
    return period.exception_limbs


def exception_choices(period: StatutoryPeriod) -> list[tuple[str, str]]:
    """(limb, "Reg 10(4)(a): description") pairs for a radio list on the exception form."""
    return [(limb, f"Reg {limb}: {EXCEPTION_LIMBS[limb]}") for limb in period.exception_limbs]


def validate_exception(
    period: StatutoryPeriod, limb: str, *, starts_on: date, ends_on: date | None
) -> list[str]:
    """Error messages for an exception recorded against a time limit; empty if it is valid.

    ``starts_on`` and ``ends_on`` are the first and last days of the circumstance (the closure,
    the absence, the exceptional circumstances). ``ends_on`` may be left out while it is still
    going on. Both days count, so an absence from 1 to 28 August lasts 28 days (4 weeks).

    Checks, in the words shown to caseworkers:

    * the limb is one the law allows for this time limit;
    * the end date is not before the start date;
    * a closure or an absence lasts at least 4 continuous weeks (once its end date is known).
    """
    errors: list[str] = []
    limb = (limb or "").strip()
    if not limb:
        errors.append("Select the exception that applies")
    elif limb not in EXCEPTION_LIMBS:
        errors.append(f"Reg {limb} is not a recognised exception to a time limit")
    elif limb not in period.exception_limbs:
        errors.append(f"Reg {limb} does not apply to {period.name or period.code}")

    if ends_on is not None:
        if ends_on < starts_on:
            errors.append("The end date must be the same as or after the start date")
        elif limb in FOUR_WEEK_LIMBS and (ends_on - starts_on).days + 1 < MINIMUM_ABSENCE_DAYS:
            errors.append("An absence or closure must last at least 4 continuous weeks")
    return errors
