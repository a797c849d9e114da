"""Break-glass (AC-07) as rules over plain values: identifying the child, and the rate limit.

No ORM and no clock: the caller passes the facts and "now".
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

# Shown for every mismatch, whichever detail was wrong, and for a case the person may not ask
# for: it never tells a prober which part they guessed right.
NO_MATCH = (
    "The case reference, date of birth and last name or NHS number do not match a case "
    "you can ask for access to"
)


def _name_key(value: str) -> str:
    """A last name as compared: accents, case, spaces, hyphens and apostrophes do not matter
    (O'Neill = oneill, Lopez-Garcia = López García)."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s'’\-.]", "", letters).casefold()


def _nhs_key(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value or "")
    return digits if re.fullmatch(r"\d{10}", digits) else ""


def identifies_child(
    *,
    last_name: str,
    date_of_birth: date,
    nhs_number: str,
    given_date_of_birth: date | None,
    given_name_or_nhs_number: str,
) -> bool:
    """The person knows the child, not just a case reference: the date of birth, and either the
    last name or the NHS number, match the child's record."""
    if given_date_of_birth is None or given_date_of_birth != date_of_birth:
        return False
    given = (given_name_or_nhs_number or "").strip()
    if not given:
        return False
    given_nhs = _nhs_key(given)
    if given_nhs:
        return bool(nhs_number) and given_nhs == _nhs_key(nhs_number)
    key = _name_key(given)
    return bool(key) and key == _name_key(last_name)


@dataclass(frozen=True)
class RateLimit:
    """At most `grants` grants and `failures` failed attempts per person in any rolling `period`."""

    grants: int
    failures: int
    period: timedelta


@dataclass(frozen=True)
class LimitReached:
    reason: str  # "grants" or "failures"
    retry_at: datetime  # when the oldest counted event leaves the period


def limit_reached(
    *,
    grants_at: Iterable[datetime],
    failures_at: Iterable[datetime],
    limit: RateLimit,
    now: datetime,
) -> LimitReached | None:
    """Whether this person has used up their break-glass attempts, and when they may try again.

    Only events inside the rolling period (after `now - period`) count. An event stamped later
    than `now` counts too: a request whose clock was read just before another request's grant
    was written must still see that grant."""
    since = now - limit.period
    checks = (("failures", failures_at, limit.failures), ("grants", grants_at, limit.grants))
    for reason, times, most in checks:
        if most <= 0:
            return LimitReached(reason=reason, retry_at=now + limit.period)
        recent = sorted(t for t in times if since < t)
        if len(recent) >= most:
            # They may try again once enough of the counted events have left the period.
            oldest_that_counts = recent[len(recent) - most]
            return LimitReached(reason=reason, retry_at=oldest_that_counts + limit.period)
    return None
