"""Consulting schools and colleges about being named in the final plan, and when their silence
no longer holds the final plan back.

Pure rules over plain values: no ORM, no clock.

* The council must consult the school or college the parent or young person asks to be named
  (Children and Families Act 2014, s.39(2)); where none is requested, it names a school or a type
  of school after consulting (s.40(2)); it may consult its own alternatives as well.
* A setting consulted should reply within 15 days (SEND Code of Practice 9.83, guidance:
  ``deadlines.SETTING_CONSULTATION``, due on the day sent + 14). The final plan is still due by
  week 20 (SEND Regulations 2014, reg 13(2)): once a consultation's 15 days have passed without a
  reply, its silence no longer holds the final plan back (rule ``CONSULT-SILENCE``), and the
  silence is recorded as "no reply by <due date>".
* The final plan is never issued before the family's 15 days for representations on the draft
  have run (reg 13(1)): that is ``deadlines.representations_closed``, checked alongside.
* A setting named in the final plan must have been consulted (``CONSULT-NAMED``): its reply, or
  its silence, is on the record.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

__all__ = [
    "CONSULT_NAMED",
    "CONSULT_NONE",
    "CONSULT_SILENCE",
    "ConsultationFact",
    "final_blocked_by",
    "final_may_be_issued",
    "final_may_be_issued_from",
    "named_setting_problem",
    "silent_on",
]

CONSULT_NONE = "CONSULT-NONE"
CONSULT_SILENCE = "CONSULT-SILENCE"
CONSULT_NAMED = "CONSULT-NAMED"


@dataclass(frozen=True)
class ConsultationFact:
    """One consultation as the rules see it."""

    setting_id: int
    sent_on: date
    reply_due_on: date
    replied_on: date | None = None


def _settled_on(fact: ConsultationFact, on: date) -> bool:
    """The consultation no longer holds the final plan back on ``on``: the setting replied on or
    before that day, or its 15 days (to ``reply_due_on`` inclusive) have passed."""
    if fact.replied_on is not None and fact.replied_on <= on:
        return True
    return on > fact.reply_due_on


def final_blocked_by(
    consultations: Iterable[ConsultationFact], *, on: date
) -> list[ConsultationFact]:
    """The consultations still waiting for a reply inside their 15 days on ``on`` (CoP 9.83)."""
    return [fact for fact in consultations if not _settled_on(fact, on)]


def final_may_be_issued(consultations: Iterable[ConsultationFact], *, on: date) -> bool:
    """Whether the consultations let the final plan be issued on ``on``: at least one setting
    consulted (s.39(2), s.40(2) CFA 2014), and each has replied or its 15 days have passed
    (CoP 9.83; reg 13(2) keeps the final plan due by week 20). The reg 13(1) minimum for
    representations is a separate check (``deadlines.representations_closed``)."""
    facts = list(consultations)
    return bool(facts) and not final_blocked_by(facts, on=on)


def final_may_be_issued_from(consultations: Iterable[ConsultationFact]) -> date | None:
    """The first day the consultations let the final plan be issued (None without any): the
    latest, over the consultations, of the reply date or the day after the 15 days."""
    facts = list(consultations)
    if not facts:
        return None
    return max(
        fact.replied_on
        if fact.replied_on is not None and fact.replied_on <= fact.reply_due_on
        else _day_after(fact.reply_due_on)
        for fact in facts
    )


def _day_after(day: date) -> date:
    return date.fromordinal(day.toordinal() + 1)


def silent_on(consultations: Iterable[ConsultationFact], *, on: date) -> list[ConsultationFact]:
    """The consultations to record as "no reply by <due date>" when the final plan is issued on
    ``on``: no reply by then, and the 15 days have passed."""
    return [
        fact
        for fact in consultations
        if (fact.replied_on is None or fact.replied_on > on) and on > fact.reply_due_on
    ]


def named_setting_problem(
    consultations: Iterable[ConsultationFact], *, setting_id: int | None, setting_type: str
) -> str | None:
    """Why the final plan cannot name this (None when it can). Section I names a setting that
    was consulted (s.39(3)-(4), s.40(2) CFA 2014), or, where the council names none, a type of
    setting (s.40(2))."""
    if setting_id is None:
        if not setting_type.strip():
            return "Name a school or setting, or the type of setting, for section I"
        return None
    if setting_type.strip():
        return "Name either a school or setting, or a type of setting, not both"
    if setting_id not in {fact.setting_id for fact in consultations}:
        return "Consult the setting before naming it in the final plan"
    return None
