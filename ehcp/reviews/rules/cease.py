"""Ceasing to maintain an EHC plan (CFA 2014 s.45; SEND Regulations 2014, regs 29-31 and 44(2)(a)).

Pure rules over plain values: no ORM, no clock. The caller passes the dates and the facts.

* **Why a plan may cease** (s.45(1)): the council is no longer responsible (the child moved away)
  or the plan is no longer necessary. The reasons are the SEN2 cease reasons (item 4.6).
* **Reg 29** (under 18): a child under 18 who is not in education or training is not a reason to
  cease: the council must review the plan and amend it so that education or training resumes.
* **Reg 30** (18 or over): a young person who stopped attending may have the plan ceased only
  after a review that found they do not wish to return to education or training, or that
  returning would not be appropriate; if they wish to return and it is appropriate, the council
  must amend the plan.
* **Reg 31**: tell the parent or young person that ceasing is being considered and consult them
  and the head teacher or principal of the institution named in the plan; then notify the
  decision with the right to appeal, its time limits, mediation (reg 32), disagreement
  resolution and information and advice services.
* **When the plan ceases**: it stays in force until the time to appeal has passed or an appeal is
  decided (Explanatory Notes to s.45, para 247): the day after the appeal window when nobody
  appealed; at once when the Tribunal dismisses an appeal (reg 44(2)(a)); never when it upholds
  one. The window ends 2 months after the notice was sent, or 1 month after a mediation
  certificate if that is later (Tribunal Procedure (HESC) Rules 2008, r.20(1)(c)).
* **Without a review** only where the law leaves nothing to review: the young person has reached
  25 (s.46 lets the council go on only to the end of that academic year), the council is no
  longer responsible (moved to another council in England, whose plan it becomes under
  regs 15-17, or out of England), or the child has died.
* **CoP 9.207** (guidance, shown, never enforced): support should generally end at the end of
  the academic year, so that a young person can finish their course; for a further education
  institution the academic year ends on 31 July (reg 46(1)(a)).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from ehcp.assessments.rules import deadlines
from ehcp.children.rules.consent import age_on

#: Rule codes (docs/rules.md).
CEASE_AFTER_WINDOW = "CEASE-AFTER-WINDOW"
CEASE_APPEAL_DISMISSED = "CEASE-APPEAL-DISMISSED"

#: The legal sources shown next to the dates.
WINDOW_SOURCE = deadlines.APPEAL.source
CEASE_SOURCE = "Children and Families Act 2014, s.45 (Explanatory Notes, para 247)"
DISMISSED_SOURCE = "SEND Regulations 2014, reg 44(2)(a)"
ACADEMIC_YEAR_SOURCE = "SEND Code of Practice 2015, para 9.207; SEND Regulations 2014, reg 46(1)"

ADULT_AGE = 18
MAXIMUM_AGE = 25
#: The last day of the academic year of a further education institution (reg 46(1)(a)).
ACADEMIC_YEAR_ENDS = (7, 31)


class Reason(enum.StrEnum):
    """SEN2 cease reasons (item 4.6); the values of ehcp.reviews.models.CeaseReason."""

    MAX_AGE = "1"
    NEEDS_MET = "2"
    HIGHER_EDUCATION = "3"
    PAID_EMPLOYMENT = "4"
    TRANSFERRED_LA = "5"
    NOT_ENGAGING = "6"
    MOVED_OUT = "7"
    DECEASED = "8"
    OTHER = "9"


#: The reasons as caseworkers choose them (the labels of ehcp.reviews.models.CeaseReason).
REASON_LABELS: dict[Reason, str] = {
    Reason.MAX_AGE: "Reached the maximum age",
    Reason.NEEDS_MET: "Needs met without a plan (ongoing education or training)",
    Reason.HIGHER_EDUCATION: "Moved into higher education",
    Reason.PAID_EMPLOYMENT: "Moved into paid employment",
    Reason.TRANSFERRED_LA: "Moved to another council in England",
    Reason.NOT_ENGAGING: "No longer engaging in education or training",
    Reason.MOVED_OUT: "Moved outside England",
    Reason.DECEASED: "Died",
    Reason.OTHER: "Left for other reasons",
}

#: The reasons in the words of a letter, "the plan is to cease because ...": about the child or
#: young person (`{name}`, the letter to their parents), and to the young person themselves.
REASON_WORDS: dict[Reason, tuple[str, str]] = {
    Reason.MAX_AGE: ("{name} has reached the age of 25", "you have reached the age of 25"),
    Reason.NEEDS_MET: (
        "{name}'s special educational needs can now be met without an EHC plan, in ongoing "
        "education or training",
        "your special educational needs can now be met without an EHC plan, in ongoing "
        "education or training",
    ),
    Reason.HIGHER_EDUCATION: (
        "{name} has moved into higher education",
        "you have moved into higher education",
    ),
    Reason.PAID_EMPLOYMENT: (
        "{name} has moved into paid employment",
        "you have moved into paid employment",
    ),
    Reason.TRANSFERRED_LA: (
        "{name} has moved to another council's area in England",
        "you have moved to another council's area in England",
    ),
    Reason.NOT_ENGAGING: (
        "{name} is no longer taking part in education or training",
        "you are no longer taking part in education or training",
    ),
    Reason.MOVED_OUT: ("{name} has moved outside England", "you have moved outside England"),
    Reason.DECEASED: ("{name} has died", "{name} has died"),
    Reason.OTHER: ("of the other reasons given below", "of the other reasons given below"),
}


def reason_words(reason: str, *, first_name: str, to_young_person: bool) -> str:
    """The reason as a letter gives it after "because": to the young person ("you have moved
    into higher education") or about the child ("Sam has moved into higher education")."""
    about, to_them = REASON_WORDS[Reason(reason)]
    return (to_them if to_young_person else about).format(name=first_name)


#: Where the law leaves nothing to review: the plan may cease without a review.
WITHOUT_REVIEW = frozenset(
    {Reason.MAX_AGE, Reason.TRANSFERRED_LA, Reason.MOVED_OUT, Reason.DECEASED}
)

#: Of those, the plan ceases on the day, with no notice to appeal: the new council in England
#: maintains the plan from the transfer (regs 15-17), and after a death there is nobody to notify
#: of an appealable decision. [INTERP] The others follow reg 31 (consultation, then the notice).
AT_ONCE = frozenset({Reason.TRANSFERRED_LA, Reason.DECEASED})


class ReturnFinding(enum.StrEnum):
    """What the review found about a young person of 18 or over who stopped attending (reg 30)."""

    NOT_WISHING = "NOT_WISHING"
    NOT_APPROPRIATE = "NOT_APPROPRIATE"
    WISHES_TO_RETURN = "WISHES_TO_RETURN"


RETURN_FINDING_LABELS: dict[ReturnFinding, str] = {
    ReturnFinding.NOT_WISHING: "The young person does not wish to return to education or training",
    ReturnFinding.NOT_APPROPRIATE: (
        "Returning to education or training would not be appropriate for the young person"
    ),
    ReturnFinding.WISHES_TO_RETURN: (
        "The young person wishes to return to education or training, and it is appropriate"
    ),
}


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def birthday(date_of_birth: date, years: int) -> date:
    """The day a person born on `date_of_birth` turns `years` (a 29 February birthday falls on
    1 March in other years, as `age_on` counts it)."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + years)
    except ValueError:
        return date(date_of_birth.year + years, 3, 1)


def academic_year_end(on: date) -> date:
    """The last day of the academic year `on` falls in: 31 July (reg 46(1)(a))."""
    month, day = ACADEMIC_YEAR_ENDS
    end = date(on.year, month, day)
    return end if on <= end else date(on.year + 1, month, day)


def maximum_age_end(date_of_birth: date) -> date:
    """The last day a plan may be maintained for a young person who has turned 25: the end of
    the academic year in which they turned 25 (s.46; reg 46(1)(a))."""
    return academic_year_end(birthday(date_of_birth, MAXIMUM_AGE))


def cease_problems(
    *,
    reason: str,
    date_of_birth: date,
    on: date,
    with_review: bool,
    return_finding: str = "",
    first_name: str = "the young person",
) -> list[str]:
    """Why the plan may not cease for `reason` on `on` (empty: it may). `with_review`: the
    decision follows a review of the plan (regs 18-19); otherwise it is a cease without a review.
    `return_finding` is what the review found about a young person of 18 or over who stopped
    attending (reg 30)."""
    try:
        reason = Reason(reason)
    except ValueError:
        return ["Choose why the plan is to cease"]
    age = age_on(date_of_birth, on)
    if not with_review and reason not in WITHOUT_REVIEW:
        return [
            "A plan can cease without a review only when the young person has reached 25, the "
            "family has moved away, or the child has died. For any other reason the council must "
            "review the plan first and decide at the review (CFA 2014 s.45; SEND Regulations "
            "2014, regs 29-31): start an early review"
        ]
    if reason == Reason.MAX_AGE and age < MAXIMUM_AGE:
        return [
            f"{first_name} reaches 25 on {_day(birthday(date_of_birth, MAXIMUM_AGE))}: a plan "
            "cannot cease for reaching the maximum age before then"
        ]
    if reason == Reason.NOT_ENGAGING:
        if age < ADULT_AGE:
            return [
                f"{first_name} is under 18: not being in education or training is not a reason "
                "to cease the plan. The council must review the plan and amend it so that "
                "education or training resumes (SEND Regulations 2014, reg 29(2))"
            ]
        if return_finding == ReturnFinding.WISHES_TO_RETURN:
            return [
                f"{first_name} wishes to return to education or training and it is appropriate: "
                "the council must amend the plan, not cease it (SEND Regulations 2014, reg 30(2))"
            ]
        if return_finding not in (ReturnFinding.NOT_WISHING, ReturnFinding.NOT_APPROPRIATE):
            return [
                "Record what the review found: that the young person does not wish to return to "
                "education or training, or that returning would not be appropriate "
                "(SEND Regulations 2014, reg 30(1))"
            ]
    return []


def ceases_at_once(reason: str) -> bool:
    """A cease without a review that takes effect on the day, with no notice to appeal."""
    return reason in AT_ONCE


def appeal_window_ends_on(
    notice_sent_on: date, *, mediation_certificate_on: date | None = None
) -> date:
    """The last day the Tribunal can receive an appeal against the cease: 2 months after the
    notice was sent, or 1 month after a mediation certificate if that is later (r.20(1)(c))."""
    return deadlines.appeal_deadline(
        notice_sent_on, mediation_certificate_on=mediation_certificate_on
    )


def cease_on_without_appeal(window_ends_on: date) -> date:
    """Rule CEASE-AFTER-WINDOW: nobody appealed, so the plan ceases the day after the appeal
    window ends (it stays in force until the time for an appeal has passed)."""
    return window_ends_on + timedelta(days=1)


def cease_on_appeal_dismissed(decided_on: date) -> date:
    """Rule CEASE-APPEAL-DISMISSED: the Tribunal dismissed the appeal, so the plan ceases at once,
    on the day of the decision (reg 44(2)(a))."""
    return decided_on


@dataclass(frozen=True)
class CeaseDates:
    """When a proposed cease takes effect, as far as the facts so far allow."""

    window_ends_on: date | None
    """The last day to appeal (None until the notice's sending is recorded)."""
    ceases_on: date | None
    """The day the plan ceases (None while an appeal is open or the window is unknown)."""
    kept: bool = False
    """The Tribunal upheld the appeal: the plan stays in force."""


def cease_dates(
    *,
    notice_sent_on: date | None,
    mediation_certificate_on: date | None = None,
    appeal_lodged_on: date | None = None,
    appeal_decided_on: date | None = None,
    appeal_upheld: bool | None = None,
) -> CeaseDates:
    """The appeal window and the cease date from the facts recorded (see the module's rules)."""
    window = (
        appeal_window_ends_on(notice_sent_on, mediation_certificate_on=mediation_certificate_on)
        if notice_sent_on is not None
        else None
    )
    if appeal_lodged_on is not None:
        if appeal_decided_on is None:
            return CeaseDates(window, None)
        if appeal_upheld:
            return CeaseDates(window, None, kept=True)
        return CeaseDates(window, cease_on_appeal_dismissed(appeal_decided_on))
    return CeaseDates(window, cease_on_without_appeal(window) if window is not None else None)


def appeal_lodged_problems(
    *,
    lodged_on: date,
    notice_sent_on: date | None,
    window_ends_on: date | None,
    late_admitted: bool,
) -> list[str]:
    """Why an appeal lodged on `lodged_on` cannot be recorded (empty: it can). An appeal after
    the window is recorded only when the Tribunal has let it in late."""
    if notice_sent_on is None or window_ends_on is None:
        return [
            "Record how the cease notice was sent first: the time to appeal runs from the day it "
            "was sent"
        ]
    if lodged_on < notice_sent_on:
        return [f"The appeal cannot be before the notice was sent on {_day(notice_sent_on)}"]
    if lodged_on > window_ends_on and not late_admitted:
        return [
            f"The time to appeal ended on {_day(window_ends_on)}: record this appeal only if the "
            "Tribunal has allowed it to be made late"
        ]
    return []
