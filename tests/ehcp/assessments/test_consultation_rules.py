"""Consulting settings, and when their silence stops holding the final plan back: pure rules.

s.39(2) CFA 2014: the school or college the family asks for must be consulted; s.40(2): where
none is asked for, the council names a school or a type of school after consulting. SEND Code of
Practice 9.83: a setting consulted should reply within 15 days (due: sent + 14). Reg 13(2): the
final plan is still due by week 20, so a setting's silence does not block it once its 15 days
have passed. No database."""

from datetime import date, timedelta

import pytest

from ehcp.assessments.rules import deadlines
from ehcp.assessments.rules.consultation import (
    ConsultationFact,
    final_blocked_by,
    final_may_be_issued,
    final_may_be_issued_from,
    named_setting_problem,
    silent_on,
)

SENT = date(2027, 5, 3)
DUE = deadlines.due_on(deadlines.SETTING_CONSULTATION, SENT)  # 17 May 2027: 15 days, day 1 = sent
DAY = timedelta(days=1)


def consulted(setting_id=1, *, sent=SENT, replied=None):
    return ConsultationFact(
        setting_id=setting_id,
        sent_on=sent,
        reply_due_on=deadlines.due_on(deadlines.SETTING_CONSULTATION, sent),
        replied_on=replied,
    )


def test_the_15_days_count_the_day_sent_as_day_1():
    """CoP 9.83: sent 3 May, the 15th day is 17 May."""
    assert DUE == date(2027, 5, 17)


@pytest.mark.parametrize(
    ("consultations", "on", "allowed"),
    [
        # s.39(2)/s.40(2): a setting must have been consulted before the final plan.
        ((), DUE + DAY, False),
        # CoP 9.83: waiting inside the 15 days, even on the last day.
        ((consulted(),), SENT, False),
        ((consulted(),), DUE - DAY, False),
        ((consulted(),), DUE, False),
        # The 15 days have passed without a reply: the silence no longer holds the plan back.
        ((consulted(),), DUE + DAY, True),
        ((consulted(),), DUE + 30 * DAY, True),
        # A reply on or before the day of issue settles it early.
        ((consulted(replied=SENT + 2 * DAY),), SENT + 2 * DAY, True),
        ((consulted(replied=SENT + 2 * DAY),), SENT + DAY, False),
        # A late reply after the 15 days: silence counted from DUE + 1 anyway.
        ((consulted(replied=DUE + 5 * DAY),), DUE + DAY, True),
        # Several settings, each with its own 15 days: the latest one decides.
        ((consulted(1), consulted(2, sent=SENT + 7 * DAY)), DUE + DAY, False),
        ((consulted(1), consulted(2, sent=SENT + 7 * DAY)), DUE + 8 * DAY, True),
        ((consulted(1, replied=SENT + DAY), consulted(2)), DUE, False),
        ((consulted(1, replied=SENT + DAY), consulted(2, replied=SENT + 3 * DAY)), DUE, True),
        ((consulted(1, replied=SENT + DAY), consulted(2)), DUE + DAY, True),
    ],
)
def test_final_may_be_issued(consultations, on, allowed):
    assert final_may_be_issued(consultations, on=on) is allowed


def test_final_blocked_by_names_the_settings_still_inside_their_15_days():
    waiting = consulted(2, sent=SENT + 7 * DAY)
    assert final_blocked_by([consulted(1), waiting], on=DUE + DAY) == [waiting]
    assert final_blocked_by([consulted(1), waiting], on=DUE + 8 * DAY) == []


@pytest.mark.parametrize(
    ("consultations", "first_day"),
    [
        ((), None),
        ((consulted(),), DUE + DAY),
        ((consulted(replied=SENT + 4 * DAY),), SENT + 4 * DAY),
        ((consulted(replied=DUE + 9 * DAY),), DUE + DAY),
        ((consulted(1, replied=SENT), consulted(2, sent=SENT + 3 * DAY)), DUE + 4 * DAY),
    ],
)
def test_final_may_be_issued_from(consultations, first_day):
    assert final_may_be_issued_from(consultations) == first_day
    if first_day is not None:
        assert final_may_be_issued(consultations, on=first_day)
        assert not final_may_be_issued(consultations, on=first_day - DAY)


@pytest.mark.parametrize(
    ("fact", "on", "silent"),
    [
        (consulted(), DUE + DAY, True),  # no reply by the due date: recorded as silence
        (consulted(), DUE, False),  # still inside the 15 days
        (consulted(replied=SENT + DAY), DUE + DAY, False),  # replied
        (consulted(replied=DUE + 5 * DAY), DUE + DAY, True),  # reply came after the plan
    ],
)
def test_silent_on(fact, on, silent):
    assert (silent_on([fact], on=on) == [fact]) is silent


@pytest.mark.parametrize(
    ("setting_id", "setting_type", "problem"),
    [
        (1, "", None),  # s.39(3)/(4): a consulted setting
        (3, "", "Consult the setting before naming it in the final plan"),
        (None, "Special school for autism", None),  # s.40(2): a type of setting
        (None, "  ", "Name a school or setting, or the type of setting, for section I"),
        (1, "Special school", "Name either a school or setting, or a type of setting, not both"),
    ],
)
def test_named_setting_problem(setting_id, setting_type, problem):
    facts = [consulted(1), consulted(2, replied=SENT + DAY)]
    assert named_setting_problem(facts, setting_id=setting_id, setting_type=setting_type) == problem


def test_a_silent_setting_may_be_named():
    """Its silence is on the record: the council may still name it (s.39(4) duties apply)."""
    assert named_setting_problem([consulted(1)], setting_id=1, setting_type="") is None
