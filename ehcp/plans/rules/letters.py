"""When a letter to the family was served, and the dates that run from its sending.

A decision letter (a refusal to assess, a decision not to issue, the draft plan's covering letter,
the final plan's covering letter) is sent by hand, by e-mail or by post. Two different dates
matter:

* the **date it was sent**: the 2 months to contact the mediation adviser (SEND Regulations 2014,
  reg 33) and to appeal (Tribunal Procedure (HESC) Rules 2008, r.20(1)(c)) run "after the written
  decision was sent" (ehcp.assessments.rules.deadlines `mediation_contact_deadline`,
  `appeal_deadline`);
* the **date it was served**: the 15 days for representations on the draft plan begin "with the day
  on which the draft plan was served" (reg 13(1)), so they end on served + 14.

`served_on` is the rule `LETTER-SERVED` (docs/rules.md). [INTERP] The 2014 Regulations have no
deemed-service rule. A letter handed over or e-mailed is served the day it is sent. For post, the
Interpretation Act 1978 s.7 deems service "at the time at which the letter would be delivered in
the ordinary course of post"; the product takes the civil courts' convention for first class post,
the **second working day after posting** (CPR 6.26 for first class post; the same as CPR 6.14 for
a claim form), with England and Wales bank holidays passed in by the caller. CPR 6.26 itself reads
"the second day after it was posted, if that is a business day, otherwise the next business day";
the second working day is never earlier, so the family never gets less time.

Pure: no ORM, no clock.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from ehcp.assessments.rules.deadlines import is_non_working_day

#: The rule code in docs/rules.md.
LETTER_SERVED = "LETTER-SERVED"

#: Working days after posting on which a letter sent by post is taken to be served.
POST_WORKING_DAYS = 2


class SendingMethod(enum.StrEnum):
    HAND = "HAND"
    EMAIL = "EMAIL"
    POST = "POST"


@dataclass(frozen=True)
class LetterSent:
    """How and when a letter was sent, as the caseworker records it."""

    sent_on: date
    method: SendingMethod


def served_on(sent_on: date, method: SendingMethod | str, bank_holidays: frozenset[date]) -> date:
    """The day a letter sent on `sent_on` by `method` is served (rule LETTER-SERVED).

    By hand or by e-mail: the day it was sent. By post: the second working day after the day
    it was posted (Interpretation Act 1978 s.7, read with the CPR 6.26 convention for first class
    post); Saturdays, Sundays and the given bank holidays are not working days. The day of posting
    never counts, even when it is a working day.
    """
    method = SendingMethod(method)
    if method in (SendingMethod.HAND, SendingMethod.EMAIL):
        return sent_on
    day, working_days = sent_on, 0
    while working_days < POST_WORKING_DAYS:
        day += timedelta(days=1)
        if not is_non_working_day(day, bank_holidays):
            working_days += 1
    return day
