"""Exceptions to the assessment time limits: which apply, and whether a recorded one is valid.

The regulations say the council "need not comply with the time limit ... if it is impractical
to do so because ..." one of a short list of reasons (reg 5(4), 8(2), 10(4), and reg 13(3) for
the final plan). An exception is not a clock-stop: the statutory date stays on the case, the
council must still act as soon as practicable, and it must be able to show that the reason made
the time limit impractical. These pure rules only check that the recorded reason is one the law
allows for that time limit, that its dates make sense and fall inside the time limit it excuses,
and whether a recorded exception is complete enough to count.
"""

from __future__ import annotations

from datetime import date

from ehcp.assessments.rules.deadlines import EXCEPTION_LIMBS, StatutoryPeriod, format_date

__all__ = [
    "ABSENCE_LIMBS",
    "CLOSURE_LIMBS",
    "FOUR_WEEK_LIMBS",
    "MINIMUM_ABSENCE_DAYS",
    "exception_choices",
    "exception_counts",
    "exception_limbs_for",
    "validate_exception",
]

#: The closure limbs: the head teacher, principal or early years provider was asked for advice
#: around a closure of at least 4 continuous weeks (reg 5(4)(a), (b); 10(4)(a), (b)). The
#: closure itself need not fall wholly inside the time limit (a summer holiday can outlast it).
CLOSURE_LIMBS: frozenset[str] = frozenset({"5(4)(a)", "5(4)(b)", "10(4)(a)", "10(4)(b)"})

#: The absence limbs: away from the council's area "for a continuous period of not less than
#: 4 weeks during that period" (reg 5(4)(d), 8(2)(b), 10(4)(d)): the 4 weeks must fall inside
#: the time limit.
ABSENCE_LIMBS: frozenset[str] = frozenset({"5(4)(d)", "8(2)(b)", "10(4)(d)"})

#: Limbs that need a closure or an absence of at least 4 continuous weeks.
FOUR_WEEK_LIMBS: frozenset[str] = CLOSURE_LIMBS | ABSENCE_LIMBS

#: 4 continuous weeks, in days.
MINIMUM_ABSENCE_DAYS = 28


def exception_limbs_for(period: StatutoryPeriod) -> tuple[str, ...]:
    """The exception limbs the law allows for this time limit (empty if there are none)."""
    return period.exception_limbs


def exception_choices(period: StatutoryPeriod) -> list[tuple[str, str]]:
    """(limb, "Reg 10(4)(a): description") pairs for a radio list on the exception form."""
    return [(limb, f"Reg {limb}: {EXCEPTION_LIMBS[limb]}") for limb in period.exception_limbs]


def exception_counts(*, ends_on: date | None, ongoing: bool) -> bool:
    """Whether a recorded exception counts: its circumstances have an end date, or the council
    has recorded, with evidence, that they are still going on.

    An exception recorded with neither (possible before the product asked for one) is not
    valid until it has one: until then a late step shows as plainly late.
    """
    return ends_on is not None or ongoing


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def validate_exception(
    period: StatutoryPeriod,
    limb: str,
    *,
    starts_on: date,
    ends_on: date | None,
    period_starts_on: date,
    period_due_on: date,
    today: date,
    ongoing: bool = False,
    require_end: bool = True,
) -> list[str]:
    """Error messages for an exception recorded against a time limit; empty if it is valid.

    ``starts_on`` and ``ends_on`` are the first and last days of the circumstance (the closure,
    the absence, the exceptional circumstances); both days count, so an absence from 1 to 28
    August lasts 28 days (4 weeks). ``ongoing`` says the circumstances are still going on
    today (so they have lasted at least until ``today``). ``period_starts_on`` and
    ``period_due_on`` are the start (day 0) and the statutory date of the time limit being
    excused. ``require_end=False`` checks an adviser's account given before the end is known
    (a request for more time), which is not yet an exception.

    Checks, in the words shown to caseworkers:

    * the limb is one the law allows for this time limit;
    * the circumstances have an end date, or are marked as still going on (not both);
    * they began no later than today, and the end date is not before the start date;
    * they fall inside the time limit: they began on or before its statutory date, and did not
      end before it started;
    * a closure or an absence lasts at least 4 continuous weeks, and for an absence at least 4
      continuous weeks of it fall inside the time limit (regs 5(4), 8(2)(b), 10(4)(d): "during
      that period"); an absence still going on counts only the days up to today.
    """
    errors: list[str] = []
    limb = (limb or "").strip()
    if not limb:
        errors.append("Select the exception that applies")
    elif limb not in EXCEPTION_LIMBS:
        errors.append(f"Reg {limb} is not a recognised exception to a time limit")
    elif limb not in period.exception_limbs:
        errors.append(f"Reg {limb} does not apply to {period.name or period.code}")

    if ends_on is not None and ongoing:
        errors.append(
            "Enter the date the circumstances ended or say they are still going on, not both"
        )
        return errors
    if require_end and ends_on is None and not ongoing:
        errors.append("Enter the date the circumstances ended, or say they are still going on")

    if starts_on > today:
        errors.append("The date the circumstances began must be today or in the past")
        return errors
    if ends_on is not None and ends_on < starts_on:
        errors.append("The end date must be the same as or after the start date")
        return errors

    # Known to have lasted until: the end date, or today while they are still going on.
    lasted_until = ends_on if ends_on is not None else (today if ongoing else None)
    if starts_on > period_due_on:
        errors.append(
            "The circumstances must have begun by "
            f"{format_date(period_due_on)}, the end of the time limit: circumstances that began "
            "later cannot have made it impractical to meet"
        )
        return errors
    if lasted_until is not None and lasted_until < period_starts_on:
        errors.append(
            "The circumstances must have lasted until at least "
            f"{format_date(period_starts_on)}, the start of the time limit: circumstances that "
            "ended before it cannot have made it impractical to meet"
        )
        return errors

    if lasted_until is None or limb not in FOUR_WEEK_LIMBS:
        return errors
    lasted = (lasted_until - starts_on).days + 1
    if lasted < MINIMUM_ABSENCE_DAYS:
        if ends_on is None:
            errors.append(
                "An absence or closure must last at least 4 continuous weeks: this one has "
                f"lasted {_days(lasted)} so far. Record it once it has lasted 4 weeks, or enter "
                "the date it ends"
            )
        else:
            errors.append("An absence or closure must last at least 4 continuous weeks")
        return errors
    if limb in ABSENCE_LIMBS:
        inside = (min(lasted_until, period_due_on) - max(starts_on, period_starts_on)).days + 1
        if inside < MINIMUM_ABSENCE_DAYS:
            errors.append(
                "At least 4 continuous weeks of the absence must fall inside the time limit, "
                f"from {format_date(period_starts_on)} to {format_date(period_due_on)}: "
                f"{_days(inside)} of it {'does' if inside == 1 else 'do'}"
            )
    return errors
