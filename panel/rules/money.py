"""Money for the Joint Agency Panel: amounts, funders' shares, splitting a cost, financial years.

Amounts are Decimal pounds with 2 decimal places and never pass through float. Splitting a
cost works in whole pence so that the funders' parts always add up to exactly the total.
The caller passes the dates; nothing here reads the clock or the database.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from enum import StrEnum
from functools import lru_cache

PENCE = Decimal("0.01")
HUNDRED = Decimal(100)
MONEY_LIMIT = Decimal("100000000")


class Funder(StrEnum):
    EDUCATION = "EDUCATION"
    HEALTH = "HEALTH"
    SOCIAL_CARE = "SOCIAL_CARE"

    @property
    def label(self) -> str:
        return FUNDER_LABELS[self]


FUNDER_LABELS = {
    Funder.EDUCATION: "Education",
    Funder.HEALTH: "Health",
    Funder.SOCIAL_CARE: "Social care",
}

# The fixed order used everywhere: forms, letters, totals and tie-breaks when splitting pence.
FUNDERS = (Funder.EDUCATION, Funder.HEALTH, Funder.SOCIAL_CARE)


class MoneyError(ValueError):
    """An amount, share or financial year a person typed that we cannot use; the message says
    what to enter instead."""


# Whole pounds, written plainly ("12345") or grouped in thousands ("12,345"), with optional
# pence. Commas anywhere else ("12345,00", "1,2,3") are refused rather than guessed at.
_AMOUNT = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+", re.ASCII)
_PERCENT = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+", re.ASCII)

_MONEY_FORMAT = "Enter an amount in pounds and pence, like 12,500.00"
_MONEY_PENCE = "Enter an amount of no more than 2 decimal places (pence)"
_MONEY_NEGATIVE = "Enter an amount of 0 or more"
_MONEY_LIMIT = "Enter an amount under £100,000,000"

_PERCENT_FORMAT = "Enter a share as a percentage, like 33.33"
_PERCENT_RANGE = "Enter a share of 0 to 100%"
_PERCENT_PLACES = "Enter a share to no more than 2 decimal places"


def _whole_pence(value: Decimal) -> bool:
    """The value has no part smaller than a penny (12.500 is whole pence; 12.505 is not).
    Read from the digits, so no rounding context is involved however long the number."""
    if not value.is_finite():
        return False
    _sign, digits, exponent = value.as_tuple()
    if exponent >= -2:
        return True
    return not any(digits[len(digits) + exponent + 2 :])


def _pence(value: Decimal) -> int:
    """A finite amount in whole pence as an exact int (no rounding context involved)."""
    sign, digits, exponent = value.as_tuple()
    number = int("".join(map(str, digits)) or "0")
    shift = exponent + 2
    number = number * 10**shift if shift >= 0 else number // 10**-shift
    return -number if sign else number


def parse_money(text: str) -> Decimal:
    """An amount a person typed ("12345", "12,345.6", "£12,345.67", " 0.50 "), as Decimal pounds
    with 2 decimal places. Raises MoneyError with the message to show."""
    cleaned = (text or "").strip()
    negative = False
    if cleaned.startswith("-"):
        negative = True
        cleaned = cleaned[1:].lstrip()
    if cleaned.startswith("£"):
        cleaned = cleaned[1:].lstrip()
    if not negative and cleaned.startswith("-"):
        negative = True
        cleaned = cleaned[1:].lstrip()
    if not _AMOUNT.fullmatch(cleaned):
        raise MoneyError(_MONEY_FORMAT)
    try:
        value = Decimal(cleaned.replace(",", ""))
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only numbers
        raise MoneyError(_MONEY_FORMAT) from error
    if negative and value != 0:
        raise MoneyError(_MONEY_NEGATIVE)
    if not _whole_pence(value):
        raise MoneyError(_MONEY_PENCE)
    if value >= MONEY_LIMIT:
        raise MoneyError(_MONEY_LIMIT)
    return value.quantize(PENCE)


def format_money(amount: Decimal) -> str:
    """Pounds for a page or letter: "£12,345.67", "£0.00", a negative amount as "-£5.00".
    Rounds half up to the penny."""
    amount = Decimal(amount)
    with localcontext() as context:
        context.prec = max(28, len(amount.as_tuple().digits) + 4)
        rounded = amount.quantize(PENCE, rounding=ROUND_HALF_UP)
        if rounded == 0:
            return "£0.00"
        sign = "-" if rounded < 0 else ""
        return f"{sign}£{abs(rounded):,.2f}"


def parse_percent(text: str) -> Decimal:
    """A share a person typed ("33.33", "33.33%"), as a Decimal percentage from 0 to 100 with
    2 decimal places. Raises MoneyError with the message to show."""
    cleaned = (text or "").strip()
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1].rstrip()
    negative = False
    if cleaned.startswith("-"):
        negative = True
        cleaned = cleaned[1:].lstrip()
    if not _PERCENT.fullmatch(cleaned):
        raise MoneyError(_PERCENT_FORMAT)
    value = Decimal(cleaned)
    if (negative and value != 0) or value > HUNDRED:
        raise MoneyError(_PERCENT_RANGE)
    if not _whole_pence(value):
        raise MoneyError(_PERCENT_PLACES)
    return value.quantize(PENCE)


def _plain_number(value: Decimal) -> str:
    """A number without trailing zeros or exponent: 90, 99.99, 100.01, 0."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def share_errors(shares: Mapping[Funder, Decimal]) -> list[str]:
    """What is wrong with the funders' percentage shares (empty list = the shares can be used).

    Every funder needs a share, even a 0% one: a missing share is not taken as 0. Each share is
    0 to 100% with at most 2 decimal places, and together they make exactly 100%.
    Raises ValueError for a key that is not a funder (a programming error, not a typing one).
    """
    unknown = [key for key in shares if key not in FUNDERS]
    if unknown:
        raise ValueError(f"Not a funder: {unknown!r}")
    errors = []
    for funder in FUNDERS:
        share = shares.get(funder)
        if share is None:
            errors.append(f"Enter a share for {funder.label}")
            continue
        if isinstance(share, float) or not isinstance(share, Decimal | int):
            raise TypeError(f"A share must be a Decimal, not {type(share).__name__}")
        share = Decimal(share)
        if not share.is_finite() or share < 0 or share > HUNDRED:
            errors.append(f"Enter a share of 0 to 100% for {funder.label}")
        elif not _whole_pence(share):
            errors.append(f"Enter the share for {funder.label} to no more than 2 decimal places")
    if errors:
        return errors
    total = sum((Decimal(shares[funder]) for funder in FUNDERS), Decimal(0))
    if total != HUNDRED:
        errors.append(
            f"The shares must add up to exactly 100%: they add up to {_plain_number(total)}%"
        )
    return errors


def _hundredths(shares: Mapping[Funder, Decimal]) -> dict[Funder, int]:
    """Each funder's share in hundredths of a percent, so that the exact share of a total in
    pence is total_pence * hundredths / 10000: integer arithmetic, nothing rounded. Raises
    ValueError when the shares are not valid (see share_errors)."""
    errors = share_errors(shares)
    if errors:
        raise ValueError("; ".join(errors))
    return {funder: _pence(Decimal(shares[funder])) for funder in FUNDERS}


@lru_cache(maxsize=256)
def _checked_hundredths(items: tuple) -> dict[Funder, int]:
    """`_hundredths` of the shares given as (funder, share) pairs, remembered (the caller must
    not change the dict it gets)."""
    return _hundredths(dict(items))


def split_cost(total: Decimal, shares: Mapping[Funder, Decimal]) -> dict[Funder, Decimal]:
    """Split `total` between the funders by their percentage shares, in whole pence, so that
    the parts add up to exactly `total`.

    Each funder first gets the whole pence of its exact share (rounded down); the pence left
    over go one each to the funders with the largest remainders, ties going to the funder that
    comes first in FUNDERS. A 0% share always gets £0.00. Raises ValueError when the shares are
    not valid (see share_errors) or the total is negative or not whole pence.
    """
    try:
        # A year's totals split thousands of packages that share a handful of splits: each
        # split of the shares is checked once.
        hundredths = _checked_hundredths(tuple(shares.items()))
    except TypeError:  # a share that cannot be a key (a signalling NaN): checked as it comes
        hundredths = _hundredths(shares)
    total = Decimal(total)
    if not total.is_finite() or total < 0 or not _whole_pence(total):
        raise ValueError(f"The total must be 0 or more in whole pence, not {total}")
    total_pence = _pence(total)
    pence = {}
    remainders = {}
    for funder in FUNDERS:
        pence[funder], remainders[funder] = divmod(total_pence * hundredths[funder], 10000)
    leftover = total_pence - sum(pence.values())
    by_remainder = sorted(FUNDERS, key=lambda funder: (-remainders[funder], FUNDERS.index(funder)))
    for funder in by_remainder[:leftover]:
        pence[funder] += 1
    assert sum(pence.values()) == total_pence
    assert all(pence[funder] == 0 for funder in FUNDERS if hundredths[funder] == 0)
    return {funder: Decimal(pence[funder]).scaleb(-2) for funder in FUNDERS}


def annual_cost_per_funder(
    annual_cost: Decimal, shares: Mapping[Funder, Decimal]
) -> dict[Funder, Decimal]:
    """Each funder's part of the agreed cost a year (the same split as split_cost)."""
    return split_cost(annual_cost, shares)


@dataclass(frozen=True)
class FinancialYear:
    """A UK financial year: 1 April to 31 March the next year, both days included."""

    starts_on: date
    ends_on: date

    def __post_init__(self) -> None:
        if (self.starts_on.month, self.starts_on.day) != (4, 1) or self.ends_on != date(
            self.starts_on.year + 1, 3, 31
        ):
            raise ValueError(
                f"A financial year runs from 1 April to 31 March, not {self.starts_on} "
                f"to {self.ends_on}"
            )

    @property
    def label(self) -> str:
        """ "2026-27"; the year that crosses a century is "2099-00"."""
        year = self.starts_on.year
        return f"{year}-{(year + 1) % 100:02d}"

    @property
    def days(self) -> int:
        """365, or 366 when the year holds a 29 February."""
        return (self.ends_on - self.starts_on).days + 1

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def financial_year(on: date) -> FinancialYear:
    """The financial year (1 April to 31 March) that `on` falls in."""
    year = on.year if on.month >= 4 else on.year - 1
    return FinancialYear(date(year, 4, 1), date(year + 1, 3, 31))


_YEAR_LABEL = re.compile(r"([0-9]{4})\s*[-–/]\s*([0-9]{2})", re.ASCII)
_YEAR_MESSAGE = "Choose a financial year, like 2026-27"


def financial_year_from_label(label: str) -> FinancialYear:
    """The financial year called "2026-27". Raises MoneyError for anything else, including a
    second part that is not the next year ("2026-28")."""
    match = _YEAR_LABEL.fullmatch((label or "").strip())
    if not match:
        raise MoneyError(_YEAR_MESSAGE)
    year, second = int(match[1]), int(match[2])
    if not 1 <= year <= 9998 or second != (year + 1) % 100:
        raise MoneyError(_YEAR_MESSAGE)
    return FinancialYear(date(year, 4, 1), date(year + 1, 3, 31))


def overlap_days(
    starts_on: date, ends_on: date | None, period_start: date, period_end: date
) -> int:
    """How many days of [starts_on, ends_on] fall inside [period_start, period_end], counting
    both ends. No `ends_on` means the package carries on; 0 when they do not meet."""
    first = max(starts_on, period_start)
    last = period_end if ends_on is None else min(ends_on, period_end)
    return max(0, (last - first).days + 1)


def cost_in_year(
    annual_cost: Decimal, starts_on: date, ends_on: date | None, year: FinancialYear
) -> Decimal:
    """What a package costing `annual_cost` a year costs in `year`: the annual cost times the
    share of the year's days it runs, rounded half up to the penny. A package running the
    whole year costs exactly the annual cost."""
    annual_cost = Decimal(annual_cost)
    if not annual_cost.is_finite() or annual_cost < 0 or not _whole_pence(annual_cost):
        raise ValueError(f"The annual cost must be 0 or more in whole pence, not {annual_cost}")
    days = overlap_days(starts_on, ends_on, year.starts_on, year.ends_on)
    pence, remainder = divmod(_pence(annual_cost) * days, year.days)
    if 2 * remainder >= year.days:
        pence += 1
    return Decimal(pence).scaleb(-2)
