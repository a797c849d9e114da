"""Statutory time limits for EHC needs assessments, plans, reviews and appeals.

These are pure rules: plain functions over plain dates. Nothing here reads the clock, the
database or a holiday calendar. The caller passes the facts (the date the request was received,
the date the draft plan was served, "today") and gets dates back.

Date conventions (the product's reading of the law; see docs/rules.md and the "Conventions this
product adopts for dates" in the SEND rules reference):

* **Day 0** is the start fact itself, for example the date the council received the request.
  "Within 6 weeks of receiving the request" ends on day 42.
* **Weeks are calendar weeks** of 7 days. Weekends, bank holidays and school holidays count.
* **"At least 15 days beginning with the day served"**: the day served is day 1, so the last day
  is the day served + 14.
* **Months** are calendar months: the same day of the month, or the last day of the month when
  that day does not exist (31 January + 1 month = 28 February, or 29 February in a leap year).
* **"Within 12 months of"** (reviews): add 12 months, then take away one day.
* **A due date on a weekend or bank holiday does not move.** The product warns, and suggests
  doing the work on the previous working day (:func:`previous_working_day`).
"""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = [
    "ADVICE",
    "ALL_PERIODS",
    "AMEND_COMMENTS",
    "AMEND_FINAL",
    "APPEAL",
    "APPEAL_AFTER_CERTIFICATE",
    "DECIDE_TO_ASSESS",
    "DECISION_NOT_TO_ISSUE",
    "DRAFT_COMMENTS",
    "DRAFT_RECOMMENDED",
    "EXCEPTION_LIMBS",
    "FINAL_PLAN",
    "FIRST_PHASE_TRANSFER_YEAR",
    "MEDIATION_CONTACT",
    "PERIODS_BY_CODE",
    "PHASE_TRANSFER_POST16",
    "PHASE_TRANSFER_POST16_MOVE",
    "PHASE_TRANSFER_SCHOOL",
    "REASSESS_DECIDE",
    "REASSESS_DRAFT",
    "REASSESS_FINAL",
    "REASSESSMENT_TIMETABLE",
    "INITIAL_TIMETABLE",
    "REVIEW_COMPLETE",
    "REVIEW_DECISION",
    "REVIEW_INVITATIONS",
    "REVIEW_MEETING",
    "REVIEW_REPORT",
    "REVIEW_UNDER_FIVE",
    "SETTING_CONSULTATION",
    "Deadline",
    "Timetable",
    "DeadlineState",
    "DeadlineStatus",
    "StatutoryPeriod",
    "add_months",
    "appeal_deadline",
    "assessment_deadlines",
    "deadline_status",
    "due_on",
    "format_date",
    "is_non_working_day",
    "mediation_contact_deadline",
    "next_review_due",
    "phase_transfer_back_plan",
    "phase_transfer_deadline",
    "previous_working_day",
    "reassessment_deadlines",
    "reassessment_may_be_refused",
    "review_deadlines",
    "under_five_on",
]


# ---------------------------------------------------------------------------------------------
# Time limits
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatutoryPeriod:
    """One time limit: how long, counted from what, and where the law (or guidance) says so.

    The due date is the start date plus ``months`` calendar months, then plus ``days`` calendar
    days (``days`` may be negative, for example "12 months, less one day"). Day 0 is the start
    date itself.
    """

    code: str
    """Stable id used in tests, logs and docs, for example ``"EHCP-DECIDE-6W"``."""
    days: int
    """Calendar days added to the start date (after any months)."""
    source: str
    """The legal source shown next to the date: ``"SEND Regulations 2014, reg 5(1)"``."""
    text: str
    """The duty in one plain-English sentence, as shown to caseworkers."""
    starts_from: str
    """The start fact in plain words, for example ``"the date the request was received"``."""
    exception_limbs: tuple[str, ...] = ()
    """Codes of the lawful exceptions (keys of :data:`EXCEPTION_LIMBS`); empty if none."""
    months: int = 0
    """Calendar months added to the start date before ``days``."""
    name: str = ""
    """Short name of the step, used inside sentences: "the decision whether to assess"."""


#: Lawful exceptions to the assessment time limits, by limb code. "Impractical because ..."
#: (reg 5(4), 8(2), 10(4); reg 13(3) applies reg 10(4) to the final plan). An exception never
#: stops the clock: the council must still act as soon as practicable, and can rely on the
#: exception only if it made the time limit impractical.
EXCEPTION_LIMBS: dict[str, str] = {
    # Reg 5(4): the 6-week decision whether to assess. (a) is confirmed in the regulation text;
    # (c) and (d) by SEND Regulations 2014 Schedule 3 Part 3 (they name the young person, as
    # 10(4)(c) and (d) do); the wording of (b), the early years closure, is UNCONFIRMED (taken
    # from 10(4)(b)). docs/rules.md, "Reg 5(4) lettering".
    "5(4)(a)": (
        "The head teacher or principal of a school or post-16 institution was asked for advice "
        "during a closure of at least 4 continuous weeks (from one week before it closed until "
        "one week before it reopened)"
    ),
    "5(4)(b)": (
        "The person responsible for special educational needs, or for the child's education, at "
        "an early years provider was asked for advice during a closure of at least 4 continuous "
        "weeks (from one week before it closed until one week before it reopened)"
    ),
    "5(4)(c)": (
        "Exceptional personal circumstances affected the child, the child's parent or the young "
        "person during the 6 weeks"
    ),
    "5(4)(d)": (
        "The child, the child's parent or the young person was away from the council's area for "
        "a continuous period of at least 4 weeks during the 6 weeks"
    ),
    # Reg 8(2): replies to requests for advice (6 weeks). There is no school-closure limb.
    "8(2)(a)": (
        "Exceptional circumstances affected the child, the child's parent or the young person "
        "during the 6 weeks"
    ),
    "8(2)(b)": (
        "The child, the child's parent or the young person was away from the council's area for "
        "a continuous period of at least 4 weeks during the 6 weeks"
    ),
    "8(2)(c)": (
        "The child or young person missed an appointment for an examination or test made by the "
        "body during the 6 weeks"
    ),
    # Reg 10(4): the 16-week decision not to issue a plan, and (through reg 13(3)) the 20-week
    # final plan.
    "10(4)(a)": (
        "The head teacher or principal of a school or post-16 institution was asked for advice "
        "during a closure of at least 4 continuous weeks (from one week before it closed until "
        "one week before it reopened)"
    ),
    "10(4)(b)": (
        "The person responsible for special educational needs, or for the child's education, at "
        "an early years provider was asked for advice during a closure of at least 4 continuous "
        "weeks (from one week before it closed until one week before it reopened)"
    ),
    "10(4)(c)": (
        "Exceptional personal circumstances affected the child, the child's parent or the young "
        "person during the time limit"
    ),
    "10(4)(d)": (
        "The child, the child's parent or the young person was away from the council's area for "
        "a continuous period of at least 4 weeks during the time limit"
    ),
}

_REG_5_4 = ("5(4)(a)", "5(4)(b)", "5(4)(c)", "5(4)(d)")
_REG_8_2 = ("8(2)(a)", "8(2)(b)", "8(2)(c)")
_REG_10_4 = ("10(4)(a)", "10(4)(b)", "10(4)(c)", "10(4)(d)")

# --- EHC needs assessment and plan (the "20 weeks") -------------------------------------------

DECIDE_TO_ASSESS = StatutoryPeriod(
    code="EHCP-DECIDE-6W",
    days=42,
    source="SEND Regulations 2014, regs 4(1) and 5(1)",
    text=(
        "Tell the parent or young person whether the council will carry out an EHC needs "
        "assessment within 6 weeks of receiving the request."
    ),
    starts_from="the date the request was received (or the council became responsible)",
    exception_limbs=_REG_5_4,
    name="the decision whether to assess",
)

ADVICE = StatutoryPeriod(
    code="EHCP-ADVICE-6W",
    days=42,
    source="SEND Regulations 2014, reg 8(1)",
    text=(
        "A body asked for advice or information for the assessment must reply within 6 weeks "
        "of receiving the request."
    ),
    starts_from="the date the body received the request for advice",
    exception_limbs=_REG_8_2,
    name="the reply to a request for advice",
)

DECISION_NOT_TO_ISSUE = StatutoryPeriod(
    code="EHCP-NOT-ISSUE-16W",
    days=112,
    source="SEND Regulations 2014, reg 10(1)",
    text=(
        "If, after the assessment, the council decides not to issue an EHC plan, tell the parent "
        "or young person within 16 weeks of receiving the request."
    ),
    starts_from="the date the request was received (or the council became responsible)",
    exception_limbs=_REG_10_4,
    name="the decision not to issue a plan",
)

DRAFT_RECOMMENDED = StatutoryPeriod(
    code="EHCP-DRAFT-14W",
    days=98,
    source="IPSEA model letter 10 (guidance; not a legal time limit)",
    text=(
        "Send the draft plan within 14 weeks of the request, so that the 15-day comment period "
        "and the school consultation fit inside the 20 weeks. This is an internal target, not a "
        "legal time limit."
    ),
    starts_from="the date the request was received (or the council became responsible)",
    name="the recommended date for the draft plan",
)

DRAFT_COMMENTS = StatutoryPeriod(
    code="EHCP-DRAFT-COMMENTS-15D",
    days=14,
    source="SEND Regulations 2014, reg 13(1)",
    text=(
        "The parent or young person has at least 15 days, beginning with the day the draft plan "
        "was served, to comment on it, ask for a school or college to be named and ask for a "
        "meeting."
    ),
    starts_from="the day the draft plan was served (counted as day 1)",
    name="the 15-day comment period on the draft plan",
)

SETTING_CONSULTATION = StatutoryPeriod(
    code="EHCP-CONSULT-15D",
    days=14,
    source="SEND Code of Practice 9.83 (guidance)",
    text=(
        "A school or college consulted about being named in the plan should reply within 15 "
        "calendar days. The final plan is still due at 20 weeks if it does not."
    ),
    starts_from="the day the consultation was sent (counted as day 1)",
    name="the reply to a school or college consultation",
)

FINAL_PLAN = StatutoryPeriod(
    code="EHCP-FINAL-20W",
    days=140,
    source="SEND Regulations 2014, reg 13(2)",
    text=(
        "Issue the final EHC plan within 20 weeks of receiving the request (exceptions: reg 13(3), "
        "applying reg 10(4))."
    ),
    starts_from="the date the request was received (or the council became responsible)",
    exception_limbs=_REG_10_4,
    name="the final plan",
)

# --- Re-assessment of a child or young person with a plan (regs 24-27) -------------------------

REASSESS_DECIDE = StatutoryPeriod(
    code="REASSESS-DECIDE-15D",
    days=15,
    source="SEND Regulations 2014, reg 25(1)",
    text=(
        "Tell the parent or young person whether the council will re-assess the child or young "
        "person's needs within 15 days of receiving the request for a re-assessment."
    ),
    starts_from="the date the request for a re-assessment was received",
    name="the decision whether to re-assess",
)

REASSESS_FINAL = StatutoryPeriod(
    code="REASSESS-FINAL-14W",
    days=98,
    source="SEND Regulations 2014, reg 27(2)",
    text=(
        "Issue the final amended or replacement EHC plan within 14 weeks of telling the parent "
        "or young person of the decision to re-assess (exceptions: reg 27(3), applying reg "
        "10(4)). A decision not to amend or replace the plan is kept inside the same 14 weeks."
    ),
    starts_from="the date of the decision to re-assess (the reg 25(1) notification)",
    exception_limbs=_REG_10_4,
    name="the final amended or replacement plan",
)

REASSESS_DRAFT = StatutoryPeriod(
    code="REASSESS-DRAFT-8W",
    days=56,
    source="Product target (not a legal time limit), as EHCP-DRAFT-14W for a first assessment",
    text=(
        "Send the draft amended or replacement plan within 8 weeks of the decision to re-assess, "
        "so that the 15-day comment period and the school consultation fit inside the 14 weeks. "
        "This is an internal target, not a legal time limit."
    ),
    starts_from="the date of the decision to re-assess",
    name="the recommended date for the draft plan of a re-assessment",
)

# --- Annual reviews and amendments ------------------------------------------------------------

REVIEW_COMPLETE = StatutoryPeriod(
    code="REVIEW-12M",
    months=12,
    days=-1,
    source="Children and Families Act 2014, s.44; SEND Code of Practice 9.168-9.169",
    text=(
        "Review the EHC plan, and tell the family the council's decision, within 12 months of the "
        "plan being issued or of the last review."
    ),
    starts_from="the date the plan was issued, or the date of the last review decision",
    name="the annual review",
)

REVIEW_UNDER_FIVE = StatutoryPeriod(
    code="REVIEW-UNDER5-6M",
    months=6,
    days=-1,
    source="SEND Code of Practice 9.178 (guidance)",
    text=(
        "For a child under 5, consider reviewing the plan every 3 to 6 months; the product uses "
        "6 months as the latest date (guidance, not a legal time limit)."
    ),
    starts_from="the date the plan was issued, or the date of the last review decision",
    name="the review for a child under 5",
)

REVIEW_MEETING = StatutoryPeriod(
    code="REVIEW-MEETING",
    days=-28,
    source="SEND Regulations 2014, reg 20; SEND Code of Practice 9.169",
    text=(
        "Hold the review meeting at least 4 weeks before the review must be complete, so that "
        "the council's decision still falls inside the 12 months."
    ),
    starts_from="the date the review must be completed by",
    name="the latest date for the review meeting",
)

REVIEW_INVITATIONS = StatutoryPeriod(
    code="REVIEW-INVITES-2W",
    days=-14,
    source="SEND Regulations 2014, regs 20(3)-(4) and 21(3)-(4)",
    text=(
        "Give everyone invited at least 2 weeks' notice of the review meeting, and send them the "
        "advice and information gathered at least 2 weeks before it."
    ),
    starts_from="the date of the review meeting (or the latest date it can be held)",
    name="the review meeting invitations",
)

REVIEW_REPORT = StatutoryPeriod(
    code="REVIEW-REPORT-2W",
    days=14,
    source="SEND Regulations 2014, reg 20 (school arranges the meeting) and reg 21(7) (council)",
    text="Send the review report to everyone invited within 2 weeks of the review meeting.",
    starts_from="the date of the review meeting",
    name="the review report",
)

REVIEW_DECISION = StatutoryPeriod(
    code="REVIEW-DECISION-4W",
    days=28,
    source=(
        "SEND Regulations 2014, regs 20 and 21; SEND Code of Practice 9.169; "
        "R (L, M and P) v Devon CC [2022] EWHC 493 (Admin)"
    ),
    text=(
        "Within 4 weeks of the review meeting, tell the parent or young person whether the "
        "council will keep, amend or cease the plan; if amending, send the proposed amendments "
        "with the decision."
    ),
    starts_from="the date of the review meeting",
    name="the review decision",
)

AMEND_COMMENTS = StatutoryPeriod(
    code="AMEND-COMMENTS-15D",
    days=14,
    source="SEND Regulations 2014, reg 22(2)(c)",
    text=(
        "The parent or young person has at least 15 days, beginning with the day the amendment "
        "notice was served, to comment, ask for a school or college to be named and ask for a "
        "meeting."
    ),
    starts_from="the day the amendment notice was served (counted as day 1)",
    name="the 15-day comment period on the proposed amendments",
)

AMEND_FINAL = StatutoryPeriod(
    code="AMEND-FINAL-8W",
    days=56,
    source="SEND Regulations 2014, reg 22(3)",
    text="Issue the final amended plan within 8 weeks of sending the amendment notice.",
    starts_from="the date the amendment notice was sent",
    name="the final amended plan",
)

# --- Phase transfers (reg 18) -----------------------------------------------------------------

PHASE_TRANSFER_SCHOOL = StatutoryPeriod(
    code="PHASE-TRANSFER-15FEB",
    days=-1,
    source="SEND Regulations 2014, reg 18(1)",
    text=(
        "When a child is moving between phases of education (other than secondary to post-16), "
        "review the plan and issue any amended plan before 15 February of the year of transfer, "
        "so by 14 February at the latest."
    ),
    starts_from="15 February in the calendar year of the transfer",
    name="the phase transfer review",
)

PHASE_TRANSFER_POST16 = StatutoryPeriod(
    code="PHASE-TRANSFER-31MAR",
    days=-1,
    source="SEND Regulations 2014, reg 18(1)",
    text=(
        "When a young person is moving from secondary school to a post-16 institution, review "
        "the plan and issue any amended plan before 31 March of the year of transfer, so by "
        "30 March at the latest."
    ),
    starts_from="31 March in the calendar year of the transfer",
    name="the post-16 transfer review",
)

PHASE_TRANSFER_POST16_MOVE = StatutoryPeriod(
    code="PHASE-TRANSFER-POST16-5M",
    days=0,
    months=-5,
    source="SEND Regulations 2014, reg 18(2)",
    text=(
        "When a young person is moving from one post-16 institution to another at any other "
        "time, review the plan and issue any amended plan at least 5 months before the move."
    ),
    starts_from="the day of the move between post-16 institutions",
    name="the review before a move between post-16 institutions",
)

# --- Mediation and appeals --------------------------------------------------------------------

_TRIBUNAL_RULES = (
    "Tribunal Procedure (First-tier Tribunal) (Health, Education and Social Care Chamber) "
    "Rules 2008, r.20(1)(c)"
)

APPEAL = StatutoryPeriod(
    code="APPEAL-2M",
    months=2,
    days=0,
    source=_TRIBUNAL_RULES,
    text=(
        "An appeal to the SEND Tribunal must be received within 2 months after the decision "
        "letter was sent, or within 1 month of a mediation certificate if that is later."
    ),
    starts_from="the date the decision letter was sent",
    name="the appeal",
)

APPEAL_AFTER_CERTIFICATE = StatutoryPeriod(
    code="APPEAL-CERT-1M",
    months=1,
    days=0,
    source=_TRIBUNAL_RULES,
    text=(
        "Where a mediation certificate is issued, the appeal may be received up to 1 month after "
        "the certificate was issued, if that is later than 2 months after the decision letter."
    ),
    starts_from="the date the mediation certificate was issued",
    name="the appeal after a mediation certificate",
)

MEDIATION_CONTACT = StatutoryPeriod(
    code="MEDIATION-CONTACT-2M",
    months=2,
    days=0,
    source="SEND Regulations 2014, reg 33",
    text=(
        "A parent or young person who wants to appeal must contact the mediation adviser within "
        "2 months after the decision letter was sent."
    ),
    starts_from="the date the decision letter was sent",
    name="contacting the mediation adviser",
)

#: Every time limit in this module, in the order of the process.
ALL_PERIODS: tuple[StatutoryPeriod, ...] = (
    DECIDE_TO_ASSESS,
    ADVICE,
    DECISION_NOT_TO_ISSUE,
    DRAFT_RECOMMENDED,
    DRAFT_COMMENTS,
    SETTING_CONSULTATION,
    FINAL_PLAN,
    REASSESS_DECIDE,
    REASSESS_DRAFT,
    REASSESS_FINAL,
    REVIEW_COMPLETE,
    REVIEW_UNDER_FIVE,
    REVIEW_MEETING,
    REVIEW_INVITATIONS,
    REVIEW_REPORT,
    REVIEW_DECISION,
    AMEND_COMMENTS,
    AMEND_FINAL,
    PHASE_TRANSFER_SCHOOL,
    PHASE_TRANSFER_POST16,
    PHASE_TRANSFER_POST16_MOVE,
    MEDIATION_CONTACT,
    APPEAL,
    APPEAL_AFTER_CERTIFICATE,
)

#: The same periods, looked up by code.
PERIODS_BY_CODE: dict[str, StatutoryPeriod] = {period.code: period for period in ALL_PERIODS}


# ---------------------------------------------------------------------------------------------
# Date arithmetic
# ---------------------------------------------------------------------------------------------


def add_months(d: date, months: int) -> date:
    """The same day of the month, ``months`` calendar months later (or earlier, if negative).

    If that day does not exist in the target month, use the last day of that month:
    31 January 2026 + 1 month = 28 February 2026; 31 January 2028 + 1 month = 29 February 2028.
    """
    month_index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last_day))


def representations_closed(
    *, comments_due_on: date, no_further_comments_on: date | None, on: date
) -> bool:
    """Whether the parent or young person's time to make representations on the draft has run by
    ``on`` (SEND Regulations 2014, reg 13(1)): the 15 days are a minimum, so comments received
    early do not end them. They end early only when the parent or young person has said in
    writing that they have nothing more to add (``no_further_comments_on``). Pure."""
    if no_further_comments_on is not None and on >= no_further_comments_on:
        return True
    return on > comments_due_on


#: The Gregorian calendar repeats itself every 400 years, which are 146,097 days.
_CYCLE_YEARS, _CYCLE_DAYS = 400, 146_097


def due_on(period: StatutoryPeriod, start: date) -> date:
    """The statutory date for ``period`` when the start fact happened on ``start`` (day 0).

    Adds ``period.months`` calendar months, then ``period.days`` calendar days. The date is
    never moved for weekends or bank holidays.

    Raises ``ValueError`` if the date would fall outside the calendar (a start near 9999-12-31).
    """
    try:
        return add_months(start, period.months) + timedelta(days=period.days)
    except (OverflowError, ValueError):
        pass
    # "12 months, less one day" from 1 January 9999 passes 1 January 10000, a day Python's
    # calendar lacks, on its way back to 31 December 9999. The Gregorian calendar repeats every
    # 400 years (146,097 days): count from the same day 400 years earlier, then move the result
    # on by the whole cycle.
    try:
        earlier = start.replace(year=start.year - _CYCLE_YEARS)
        return add_months(earlier, period.months) + timedelta(days=period.days + _CYCLE_DAYS)
    except (OverflowError, ValueError) as error:
        raise ValueError(
            f"The statutory date cannot be worked out from {format_date(start)}: "
            "it would fall outside the calendar (1 January 1 to 31 December 9999)"
        ) from error


def is_non_working_day(d: date, bank_holidays: frozenset[date] = frozenset()) -> bool:
    """True if ``d`` is a Saturday, a Sunday or one of the given bank holidays."""
    return d.weekday() >= 5 or d in bank_holidays


def previous_working_day(d: date, bank_holidays: frozenset[date] = frozenset()) -> date:
    """The day to plan the work for: ``d`` itself if it is a working day, otherwise the last
    working day before it.

    Statutory dates do not move; this only suggests when to act so the date is not missed.
    """
    while is_non_working_day(d, bank_holidays):
        d -= timedelta(days=1)
    return d


def format_date(d: date) -> str:
    """A date as GOV.UK writes it: ``12 January 2026``."""
    return f"{d.day} {d:%B %Y}"


# ---------------------------------------------------------------------------------------------
# Deadlines for a case
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """A computed statutory date for one case, with the fact it was computed from."""

    key: str
    """Stable name of the date for this case, for example ``"decision_to_assess_due"``."""
    period: StatutoryPeriod
    due_on: date
    start: date
    """The start fact the date was computed from (day 0)."""

    @property
    def source(self) -> str:
        """The legal source to show next to the date."""
        return self.period.source


def _deadline(key: str, period: StatutoryPeriod, start: date) -> Deadline:
    return Deadline(key=key, period=period, due_on=due_on(period, start), start=start)


def _check_not_before(
    later: date | None, later_name: str, earlier: date | None, earlier_name: str
) -> None:
    if later is not None and earlier is not None and later < earlier:
        raise ValueError(
            f"The date {later_name} ({format_date(later)}) cannot be before the date "
            f"{earlier_name} ({format_date(earlier)})"
        )


def assessment_deadlines(
    received_on: date,
    *,
    advice_requested_on: date | None = None,
    draft_issued_on: date | None = None,
    consultation_sent_on: date | None = None,
) -> dict[str, Deadline]:
    """The statutory dates of an EHC needs assessment, in the order the steps happen.

    Always: ``decision_to_assess_due`` (6 weeks), ``decision_not_to_issue_due`` (16 weeks),
    ``draft_recommended_by`` (14 weeks, an internal target) and ``final_plan_due`` (20 weeks),
    all counted from ``received_on`` (the date the request was received, or the council became
    responsible). When the facts are known, also ``advice_due`` (6 weeks from the advice
    request), ``draft_comments_due`` (15 days beginning with the day the draft was served) and
    ``consultation_reply_due`` (15 days beginning with the day the consultation was sent).

    Raises ``ValueError`` if a later fact is dated before the request was received.
    """
    received = "the request was received"
    _check_not_before(advice_requested_on, "advice was requested", received_on, received)
    _check_not_before(draft_issued_on, "the draft plan was issued", received_on, received)
    _check_not_before(
        consultation_sent_on, "the school or college was consulted", received_on, received
    )

    deadlines = [_deadline("decision_to_assess_due", DECIDE_TO_ASSESS, received_on)]
    if advice_requested_on is not None:
        deadlines.append(_deadline("advice_due", ADVICE, advice_requested_on))
    deadlines.append(_deadline("decision_not_to_issue_due", DECISION_NOT_TO_ISSUE, received_on))
    deadlines.append(_deadline("draft_recommended_by", DRAFT_RECOMMENDED, received_on))
    if draft_issued_on is not None:
        deadlines.append(_deadline("draft_comments_due", DRAFT_COMMENTS, draft_issued_on))
    if consultation_sent_on is not None:
        deadlines.append(
            _deadline("consultation_reply_due", SETTING_CONSULTATION, consultation_sent_on)
        )
    deadlines.append(_deadline("final_plan_due", FINAL_PLAN, received_on))
    return {deadline.key: deadline for deadline in deadlines}


@dataclass(frozen=True)
class Timetable:
    """The time limits one kind of episode runs on, by step: the decision whether to assess, the
    decision not to issue (or not to amend or replace), the recommended draft and the final plan."""

    decide: StatutoryPeriod
    not_issue: StatutoryPeriod
    draft: StatutoryPeriod
    final: StatutoryPeriod


#: A first EHC needs assessment: every date from the request (regs 5(1), 10(1), 13(2)).
INITIAL_TIMETABLE = Timetable(
    DECIDE_TO_ASSESS, DECISION_NOT_TO_ISSUE, DRAFT_RECOMMENDED, FINAL_PLAN
)
#: A re-assessment: the decision from the request (reg 25(1)); the rest from that decision
#: (reg 27(2)). No separate limit for a decision not to amend or replace the plan was found in
#: regs 24-27: the product keeps it inside the 14 weeks.
REASSESSMENT_TIMETABLE = Timetable(REASSESS_DECIDE, REASSESS_FINAL, REASSESS_DRAFT, REASSESS_FINAL)


def reassessment_deadlines(received_on: date, *, decided_on: date | None = None) -> dict:
    """The statutory dates of a re-assessment (SEND Regulations 2014, regs 25(1) and 27(2)).

    ``decision_to_assess_due``: 15 days from the day the request was received (day 0, as the
    week limits count: "within 15 days of receiving" ends on day 15). Once the council has
    decided to re-assess (``decided_on``, the day it told the parent or young person):
    ``draft_recommended_by`` (8 weeks, a product target), ``decision_not_to_issue_due`` and
    ``final_plan_due`` (14 weeks from the decision). Before the decision those two are counted
    from the day the decision is due: the latest they can be if the decision is on time
    (``Deadline.start`` says which).

    Raises ``ValueError`` if the decision is dated before the request was received."""
    _check_not_before(decided_on, "of the decision", received_on, "the request was received")
    decide = _deadline("decision_to_assess_due", REASSESS_DECIDE, received_on)
    start = decided_on if decided_on is not None else decide.due_on
    deadlines = [decide]
    if decided_on is not None:
        deadlines.append(_deadline("draft_recommended_by", REASSESS_DRAFT, decided_on))
    deadlines.append(_deadline("decision_not_to_issue_due", REASSESS_FINAL, start))
    deadlines.append(_deadline("final_plan_due", REASSESS_FINAL, start))
    return {deadline.key: deadline for deadline in deadlines}


#: A re-assessment may be refused when an EHC needs assessment was conducted within this many
#: months before the request (SEND Regulations 2014, reg 24).
REASSESSMENT_REFUSAL_MONTHS = 6


def reassessment_may_be_refused(*, last_assessed_on: date | None, received_on: date) -> bool:
    """Whether the council need not re-assess because an EHC needs assessment was conducted in
    the 6 months before the request (SEND Regulations 2014, reg 24; paragraph unconfirmed).

    [INTERP] An assessment counts from the day it was completed: the council's decision whether
    to issue (or amend or replace) the plan after it. "Within 6 months before" the request means
    on or after the same day of the month 6 calendar months earlier (1 September 2026 for a request
    of 1 March 2027; the last day of a shorter month, as :func:`add_months`), up to the request."""
    if last_assessed_on is None or last_assessed_on > received_on:
        return False
    return last_assessed_on >= add_months(received_on, -REASSESSMENT_REFUSAL_MONTHS)


def review_deadlines(
    issued_or_last_review_on: date,
    *,
    meeting_on: date | None = None,
    amendment_notice_on: date | None = None,
    under_five: bool = False,
) -> dict[str, Deadline]:
    """The statutory dates of an annual review (and of amending the plan after it).

    ``issued_or_last_review_on`` is the date the plan was issued (first review) or the date of
    the last review decision. Keys:

    * ``review_complete_by``: 12 months less one day (6 months less one day for a child
      under 5, CoP 9.178);
    * ``latest_meeting``: 4 weeks before that, so the decision still falls inside the period;
    * ``invitations_by``: 2 weeks before the meeting (the actual ``meeting_on`` if given,
      otherwise the latest meeting date);
    * with ``meeting_on``: ``report_due`` (2 weeks after) and ``decision_due`` (4 weeks after);
    * with ``amendment_notice_on``: ``amendment_comments_due`` (15 days beginning with the day
      served) and ``amended_plan_due`` (8 weeks).

    The next review is ``review_deadlines(<date of the review decision>)``.

    Raises ``ValueError`` if the meeting is before the start date, or the amendment notice is
    before the meeting (or the start date).
    """
    start = "the plan was issued or last reviewed"
    _check_not_before(meeting_on, "of the review meeting", issued_or_last_review_on, start)
    _check_not_before(
        amendment_notice_on, "the amendment notice was sent", issued_or_last_review_on, start
    )
    _check_not_before(
        amendment_notice_on, "the amendment notice was sent", meeting_on, "of the review meeting"
    )

    complete = _deadline(
        "review_complete_by",
        REVIEW_UNDER_FIVE if under_five else REVIEW_COMPLETE,
        issued_or_last_review_on,
    )
    latest_meeting = _deadline("latest_meeting", REVIEW_MEETING, complete.due_on)
    invitations = _deadline(
        "invitations_by",
        REVIEW_INVITATIONS,
        meeting_on if meeting_on is not None else latest_meeting.due_on,
    )
    deadlines = [complete, latest_meeting, invitations]
    if meeting_on is not None:
        deadlines.append(_deadline("report_due", REVIEW_REPORT, meeting_on))
        deadlines.append(_deadline("decision_due", REVIEW_DECISION, meeting_on))
    if amendment_notice_on is not None:
        deadlines.append(_deadline("amendment_comments_due", AMEND_COMMENTS, amendment_notice_on))
        deadlines.append(_deadline("amended_plan_due", AMEND_FINAL, amendment_notice_on))
    return {deadline.key: deadline for deadline in deadlines}


def under_five_on(date_of_birth: date, on: date) -> bool:
    """Whether a child born on ``date_of_birth`` is under 5 on ``on`` (a 29 February birthday
    falls on 28 February in other years, as :func:`add_months` reads it)."""
    return on < add_months(date_of_birth, 60)


def next_review_due(start: date, *, date_of_birth: date) -> date:
    """The day the next review must be complete by: 12 months less a day from ``start`` (the
    plan's issue or the last review decision), or 6 months less a day for a child under 5 on
    ``start`` (CoP 9.178)."""
    return review_deadlines(start, under_five=under_five_on(date_of_birth, start))[
        "review_complete_by"
    ].due_on


#: The first calendar year of transfer whose dates reg 18(1) alone sets. The regulations came into
#: force on 1 September 2014; reg 18(3), now spent, set 31 May 2015 for transfers from secondary
#: school to a post-16 institution on 1 September 2015.
FIRST_PHASE_TRANSFER_YEAR = 2016


def phase_transfer_deadline(transfer_year: int, *, post16: bool) -> date:
    """The latest date for the final amended plan before a phase transfer (reg 18(1)).

    "Before 15 February" (school phases) is read strictly as 14 February; "before 31 March"
    (secondary school to a post-16 institution) as 30 March, of the calendar year of transfer.
    """
    if post16:
        return due_on(PHASE_TRANSFER_POST16, date(transfer_year, 3, 31))
    return due_on(PHASE_TRANSFER_SCHOOL, date(transfer_year, 2, 15))


def post16_move_deadline(move_on: date) -> date:
    """The latest date for the final amended plan before a move between post-16 institutions
    at a time other than the reg 18(1) transfers: at least 5 months before the move (reg 18(2)),
    read as the same day of the month 5 months earlier (the last day of that month if it has no
    such day)."""
    return due_on(PHASE_TRANSFER_POST16_MOVE, move_on)


def back_plan_from(final_by: date) -> dict[str, date]:
    """The latest dates that still issue the final amended plan by ``final_by``: keys as
    `phase_transfer_back_plan`."""
    notice_by = final_by - timedelta(days=AMEND_FINAL.days)
    meeting_by = notice_by - timedelta(days=REVIEW_DECISION.days)
    invitations_by = meeting_by + timedelta(days=REVIEW_INVITATIONS.days)  # days is -14
    return {
        "final_amended_plan_by": final_by,
        "amendment_notice_by": notice_by,
        "review_meeting_by": meeting_by,
        "invitations_by": invitations_by,
    }


def phase_transfer_back_plan(transfer_year: int, *, post16: bool) -> dict[str, date]:
    """The latest dates that still meet reg 18, working back from the final amended plan.

    Keys: ``final_amended_plan_by``; ``amendment_notice_by`` (8 weeks earlier, reg 22(3));
    ``review_meeting_by`` (4 weeks before the notice, which goes with the review decision);
    ``invitations_by`` (2 weeks before the meeting). A council can, and usually should, finish
    sooner.
    """
    return back_plan_from(phase_transfer_deadline(transfer_year, post16=post16))


def mediation_contact_deadline(decision_sent_on: date) -> date:
    """The last day to contact the mediation adviser: 2 months after the decision letter was
    sent (reg 33)."""
    return due_on(MEDIATION_CONTACT, decision_sent_on)


def appeal_deadline(
    decision_sent_on: date, *, mediation_certificate_on: date | None = None
) -> date:
    """The last day for the SEND Tribunal to receive an appeal (rule 20(1)(c)).

    2 months after the decision letter was sent, or 1 month after the mediation certificate
    was issued if that is later. Raises ``ValueError`` if the certificate is dated before the
    decision letter.
    """
    _check_not_before(
        mediation_certificate_on,
        "the mediation certificate was issued",
        decision_sent_on,
        "the decision letter was sent",
    )
    deadline = due_on(APPEAL, decision_sent_on)
    if mediation_certificate_on is not None:
        deadline = max(deadline, due_on(APPEAL_AFTER_CERTIFICATE, mediation_certificate_on))
    return deadline


# ---------------------------------------------------------------------------------------------
# Where a piece of work stands against its date
# ---------------------------------------------------------------------------------------------


class DeadlineState(enum.Enum):
    """Where a piece of work stands against its statutory date. Values are shown to users."""

    NOT_DUE = "Not yet due"
    DUE_SOON = "Due soon"
    OVERDUE = "Overdue"
    OVERDUE_EXCEPTION = "Overdue, exception recorded"
    DONE_ON_TIME = "On time"
    DONE_LATE = "Late"
    DONE_LATE_EXCEPTION = "Late, exception recorded"


_LATE_STATES = frozenset(
    {
        DeadlineState.OVERDUE,
        DeadlineState.OVERDUE_EXCEPTION,
        DeadlineState.DONE_LATE,
        DeadlineState.DONE_LATE_EXCEPTION,
    }
)


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


@dataclass(frozen=True)
class DeadlineStatus:
    """The state of one piece of work, and how many days it is from (or past) its date.

    ``days`` is, for open work, the days left (not yet due, due soon) or the days overdue; for
    finished work, the days late (0 if on time). It is never negative.
    """

    state: DeadlineState
    days: int

    @property
    def is_late(self) -> bool:
        """True if the work is overdue or was finished late, with or without an exception."""
        return self.state in _LATE_STATES

    @property
    def label(self) -> str:
        """Short wording for lists and tags: "Due in 3 days", "Due today", "Overdue by 1 day",
        "2 days late", "On time"."""
        state, days = self.state, self.days
        if state in (DeadlineState.NOT_DUE, DeadlineState.DUE_SOON):
            return "Due today" if days == 0 else f"Due in {_days(days)}"
        if state is DeadlineState.OVERDUE:
            return f"Overdue by {_days(days)}"
        if state is DeadlineState.OVERDUE_EXCEPTION:
            return f"Overdue by {_days(days)}, exception recorded"
        if state is DeadlineState.DONE_LATE:
            return f"{_days(days)} late"
        if state is DeadlineState.DONE_LATE_EXCEPTION:
            return f"{_days(days)} late, exception recorded"
        return "On time"


def deadline_status(
    due: date,
    *,
    today: date,
    done_on: date | None = None,
    exception_recorded: bool = False,
    warn_days: int = 5,
) -> DeadlineStatus:
    """Where a piece of work stands against its due date.

    Finished work (``done_on`` given) is on time if done on or before the due date, otherwise
    late. Open work is overdue once the due date has passed; due soon from ``warn_days`` days
    before the due date up to and including the due date itself; otherwise not yet due.
    A recorded exception only changes the state of late work (it does not stop the clock).
    """
    if warn_days < 0:
        raise ValueError("warn_days cannot be negative")
    if done_on is not None:
        days_late = (done_on - due).days
        if days_late <= 0:
            return DeadlineStatus(DeadlineState.DONE_ON_TIME, 0)
        state = DeadlineState.DONE_LATE_EXCEPTION if exception_recorded else DeadlineState.DONE_LATE
        return DeadlineStatus(state, days_late)

    days_left = (due - today).days
    if days_left < 0:
        state = DeadlineState.OVERDUE_EXCEPTION if exception_recorded else DeadlineState.OVERDUE
        return DeadlineStatus(state, -days_left)
    if days_left <= warn_days:
        return DeadlineStatus(DeadlineState.DUE_SOON, days_left)
    return DeadlineStatus(DeadlineState.NOT_DUE, days_left)
