"""Dates in the plan: how long provision lasts, and by when an outcome is to be met.

`provision_period` reads the adviser's "for how long" as a start and an end or review date;
`outcome_by_when` gives a suggested outcome its "By when"; `govuk_dates` writes dates in
the GOV.UK style ("31 July 2027") wherever they appear in a line of text.

Pure rules over plain values: no ORM, no clock. The caller passes the date the provision starts
(for a suggestion, the date the final plan is due, or today if that has passed) and the date of
the plan's first annual review; `provision_period` reads the adviser's words and returns the
dates the plan's provision records ("End or review date"), or None when the words are not a
length of time it can read, so nothing is guessed.

Read, case-insensitive, with or without a leading "for" or "over":

* a number of days, weeks, months, terms or years: "12 weeks", "for six months", "a year",
  "one academic year", "2 terms" (a school term is taken as 13 weeks: 39 weeks a school year);
* "until the (first / next) annual review", "to the review", "ongoing", "throughout",
  "until reviewed", "long term": the review date (provision runs until the plan is reviewed);
* "until 31 July 2027", "to July 2027" (the last day of that month), "until 31/07/2027": that date.

Months and years are calendar months (ehcp.assessments.rules.deadlines.add_months).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from ehcp.assessments.rules.deadlines import add_months

__all__ = [
    "WEEKS_PER_TERM",
    "ProvisionPeriod",
    "find_duration",
    "format_date",
    "govuk_dates",
    "outcome_by_when",
    "provision_period",
]

WEEKS_PER_TERM = 13

_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "eighteen": 18,
    "twenty": 20,
    "twenty-four": 24,
    "half a": 0.5,
}
_UNIT = r"(day|week|month|term|year)s?"
_NUMBER = rf"(\d+(?:\.\d+)?|{'|'.join(sorted(map(re.escape, _NUMBERS), key=len, reverse=True))})"
_LENGTH = rf"{_NUMBER}\s*(?:-\s*)?(?:school\s+|academic\s+|calendar\s+)?{_UNIT}\b"
_AMOUNT = re.compile(
    rf"^(?:for|over|lasting)?\s*(?:the\s+next\s+|a\s+period\s+of\s+)?{_LENGTH}", re.IGNORECASE
)
#: A length of time inside a longer sentence ("... twice a week for 12 weeks").
_WITHIN = re.compile(
    rf"\b(?:for|over)\s+(?:the\s+next\s+)?{_LENGTH}"
    r"|\b(?:until|to)\s+(?:the\s+)?(?:first\s+|next\s+)?(?:annual\s+)?review\b",
    re.IGNORECASE,
)
_REVIEW = re.compile(
    r"^(?:until|till|to|up to)\s+(?:the\s+)?(?:first\s+|next\s+)?(?:annual\s+)?review\b"
    r"|^(?:ongoing|throughout|long[\s-]term|until reviewed|until it is reviewed|for the life of the plan)\b",
    re.IGNORECASE,
)
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_UNTIL_DATE = re.compile(
    r"^(?:until|till|to|up to|by|ending|ends)\s+(?:the\s+end\s+of\s+)?"
    r"(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?([a-z]+)\s+(\d{4})\b",
    re.IGNORECASE,
)
_UNTIL_NUMERIC = re.compile(
    r"^(?:until|till|to|up to|by)\s+(\d{1,2})/(\d{1,2})/(\d{4})\b", re.IGNORECASE
)


@dataclass(frozen=True)
class ProvisionPeriod:
    starts_on: date
    ends_on: date


def _end_after(amount: float, unit: str, starts_on: date) -> date | None:
    unit = unit.lower()
    if unit == "day":
        return starts_on + timedelta(days=round(amount))
    if unit == "week":
        return starts_on + timedelta(weeks=amount)
    if unit == "term":
        return starts_on + timedelta(weeks=amount * WEEKS_PER_TERM)
    months = amount * (12 if unit == "year" else 1)
    if months != int(months):
        return None  # "half a month": not a length the plan can date honestly
    return add_months(starts_on, int(months))


def _named_date(text: str) -> date | None:
    if match := _UNTIL_NUMERIC.match(text):
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            return None
    if match := _UNTIL_DATE.match(text):
        day, month_name, year = match.groups()
        month = _MONTHS.get(month_name.lower())
        if month is None:
            return None
        year = int(year)
        try:
            last = calendar.monthrange(year, month)[1]
            return date(year, month, int(day)) if day else date(year, month, last)
        except ValueError:
            return None
    return None


def provision_period(duration: str, *, starts_on: date, review_on: date) -> ProvisionPeriod | None:
    """The start and the end or review date that `duration` ("for 12 weeks", "until the first
    annual review") gives provision starting on `starts_on`; None when it cannot be read, or
    when it would end on or before the day it starts."""
    text = " ".join((duration or "").split()).strip(" .")
    if not text:
        return None
    ends_on = None
    if _REVIEW.match(text):
        ends_on = review_on
    elif match := _AMOUNT.match(text):
        word = match.group(1).lower()
        amount = _NUMBERS[word] if word in _NUMBERS else float(word)
        if amount > 0:
            ends_on = _end_after(amount, match.group(2), starts_on)
    else:
        ends_on = _named_date(text)
    if ends_on is None or ends_on <= starts_on:
        return None
    return ProvisionPeriod(starts_on=starts_on, ends_on=ends_on)


def find_duration(text: str) -> str:
    """The words in a sentence of advice that say how long provision lasts ("for 12 weeks",
    "until the annual review"), or "" (minutes per session are not a duration)."""
    match = _WITHIN.search(text or "")
    return match.group(0) if match else ""


def format_date(value: date) -> str:
    """The GOV.UK style: "5 January 2027" (no leading zero, the month in full)."""
    return f"{value.day} {calendar.month_name[value.month]} {value.year}"


_BY_PHRASE = re.compile(r"\bby (the end of [^,.;:]+|\d{1,2} [A-Z][a-z]+ \d{4})", re.IGNORECASE)


def outcome_by_when(text: str, *, ends_on: date | None = None) -> str:
    """A suggested outcome's "By when": what the outcome itself says ("By the end of Year 5, ..."),
    otherwise the end or review date of the provision that serves it ("By 16 February 2028"),
    otherwise "" (the caseworker says)."""
    match = _BY_PHRASE.search(text or "")
    if match and len(phrase := " ".join(match.group(1).split())) <= 80:
        return f"By {phrase}"
    return f"By {format_date(ends_on)}" if ends_on else ""


_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_SLASHED = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


def govuk_dates(text: str) -> str:
    """`text` with dates written as numbers (2027-07-31, 31/07/2027) in the GOV.UK style
    (31 July 2027); anything that is not a real date is left as it is."""

    def iso(match):
        try:
            return format_date(date(int(match[1]), int(match[2]), int(match[3])))
        except ValueError:
            return match[0]

    def slashed(match):
        try:
            return format_date(date(int(match[3]), int(match[2]), int(match[1])))
        except ValueError:
            return match[0]

    return _SLASHED.sub(slashed, _ISO.sub(iso, text or ""))
