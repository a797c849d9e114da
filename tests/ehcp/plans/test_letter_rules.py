"""LETTER-SERVED: the day a letter to the family is served, and the dates that run from sending.

[INTERP] No deemed-service rule was found in the SEND Regulations 2014. By hand or e-mail a
letter is served the day it is sent; by post, the second working day after posting
(Interpretation Act 1978 s.7, "ordinary course of post", with the CPR 6.26 convention for first
class post), England and Wales bank holidays excluded. The 15 days for representations run from
the day the draft is served (reg 13(1)); mediation (reg 33) and appeal (Tribunal Procedure Rules
2008, r.20(1)(c)) run from the day the letter was sent."""

from datetime import date

import pytest

from ehcp.assessments.rules import deadlines
from ehcp.common.calendar import bank_holidays_around
from ehcp.plans.rules.letters import LetterSent, SendingMethod, served_on

POST, EMAIL, HAND = SendingMethod.POST, SendingMethod.EMAIL, SendingMethod.HAND


def _served(sent: date, method=POST) -> date:
    return served_on(sent, method, bank_holidays_around(sent))


# (posted, served, why)
POSTED = [
    (date(2026, 1, 12), date(2026, 1, 14), "Monday: Wednesday"),
    (date(2026, 1, 13), date(2026, 1, 15), "Tuesday: Thursday"),
    (date(2026, 1, 14), date(2026, 1, 16), "Wednesday: Friday"),
    (date(2026, 1, 15), date(2026, 1, 19), "Thursday: over the weekend to Monday"),
    (date(2026, 1, 16), date(2026, 1, 20), "Friday: Tuesday"),
    (date(2026, 1, 17), date(2026, 1, 20), "posted on a Saturday: Tuesday"),
    (date(2026, 1, 18), date(2026, 1, 20), "posted on a Sunday: Tuesday"),
    (date(2026, 4, 1), date(2026, 4, 7), "Easter 2026: Good Friday and Easter Monday skipped"),
    (date(2026, 4, 2), date(2026, 4, 8), "Maundy Thursday 2026: Wednesday after Easter"),
    (date(2026, 4, 3), date(2026, 4, 8), "posted on Good Friday"),
    (date(2026, 4, 30), date(2026, 5, 5), "Early May bank holiday 2026 skipped"),
    (date(2026, 5, 22), date(2026, 5, 27), "Spring bank holiday 2026 skipped"),
    (date(2026, 8, 28), date(2026, 9, 2), "Late summer bank holiday 2026 skipped"),
    (date(2026, 12, 23), date(2026, 12, 29), "Christmas 2026: 25th, weekend, Boxing Day observed"),
    (date(2026, 12, 24), date(2026, 12, 30), "Christmas Eve 2026"),
    (date(2026, 12, 30), date(2027, 1, 4), "year end: New Year's Day 2027 skipped"),
    (date(2026, 12, 31), date(2027, 1, 5), "New Year's Eve 2026"),
    (date(2027, 12, 23), date(2027, 12, 29), "Christmas 2027: both days observed on Mon and Tue"),
    (date(2027, 3, 25), date(2027, 3, 31), "Easter 2027 falls in March"),
    (date(2028, 2, 28), date(2028, 3, 1), "leap year: 29 February counts"),
    (date(2025, 12, 31), date(2026, 1, 5), "New Year's Eve 2025, across the year"),
]


@pytest.mark.parametrize(("posted", "served", "why"), POSTED, ids=[row[2] for row in POSTED])
def test_LETTER_SERVED_by_post_is_the_second_working_day_after_posting(posted, served, why):
    """[INTERP] Interpretation Act 1978 s.7; CPR 6.26 (first class post); E&W bank holidays."""
    assert _served(posted) == served


@pytest.mark.parametrize("method", [EMAIL, HAND, "EMAIL", "HAND"])
@pytest.mark.parametrize(
    "sent", [date(2026, 1, 12), date(2026, 1, 17), date(2026, 12, 25), date(2027, 1, 1)]
)
def test_LETTER_SERVED_by_hand_or_email_is_the_day_sent(sent, method):
    """Even on a weekend or a bank holiday: the family has the letter that day."""
    assert _served(sent, method) == sent


def test_LETTER_SERVED_uses_only_the_bank_holidays_it_is_given():
    """The rule reads no calendar: without the list, Easter Monday counts as a working day."""
    assert served_on(date(2026, 4, 2), POST, frozenset()) == date(2026, 4, 6)
    assert served_on(date(2026, 4, 2), POST, frozenset({date(2026, 4, 6)})) == date(2026, 4, 7)


def test_LETTER_SERVED_refuses_an_unknown_method():
    with pytest.raises(ValueError):
        served_on(date(2026, 1, 12), "PIGEON", frozenset())


@pytest.mark.parametrize(
    ("sent", "method", "comments_due"),
    [
        (date(2026, 6, 1), EMAIL, date(2026, 6, 15)),
        (date(2026, 6, 1), POST, date(2026, 6, 17)),
        (date(2026, 12, 23), POST, date(2027, 1, 12)),
        (date(2026, 4, 2), POST, date(2026, 4, 22)),
    ],
)
def test_EHCP_DRAFT_COMMENTS_15D_run_from_the_day_the_draft_was_served(sent, method, comments_due):
    """Reg 13(1): at least 15 days beginning with the day the draft was served (served + 14)."""
    served = _served(sent, method)
    assert deadlines.due_on(deadlines.DRAFT_COMMENTS, served) == comments_due


@pytest.mark.parametrize("method", [EMAIL, POST, HAND])
def test_mediation_and_appeal_run_from_the_day_sent_not_the_day_served(method):
    """Reg 33 and Tribunal rule 20(1)(c): 2 months after the written decision was *sent*."""
    sent = LetterSent(date(2026, 12, 30), method)
    assert deadlines.mediation_contact_deadline(sent.sent_on) == date(2027, 2, 28)
    assert deadlines.appeal_deadline(sent.sent_on) == date(2027, 2, 28)
