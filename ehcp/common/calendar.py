"""England and Wales bank holidays, from the `holidays` library, as the plain set the rules take.

Statutory dates never move for a weekend or bank holiday; the product only warns and suggests the
previous working day (send-rules.md, date conventions). England and Wales share one list of bank
holidays (the library's "ENG" and "WLS" subdivisions agree); Scotland and Northern Ireland, whose
lists differ, are not used. Years far ahead are the library's projection of the usual pattern: a
one-off holiday is known only once it is announced and the library updated.
"""

from datetime import date
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def _named(year: int) -> dict[date, str]:
    if not date.min.year <= year <= date.max.year:  # outside the calendar: no holidays
        return {}
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year))


def bank_holiday_names(*years: int) -> dict[date, str]:
    """The bank holidays in England and Wales in these years, with their names ("Easter
    Monday", "Boxing Day (observed)" for a substitute day)."""
    result: dict[date, str] = {}
    for year in set(years):
        result.update(_named(year))
    return result


def bank_holidays(*years: int) -> frozenset[date]:
    return frozenset(bank_holiday_names(*years))


def bank_holidays_around(*dates: date | None) -> frozenset[date]:
    years = {d.year for d in dates if d is not None}
    return bank_holidays(*years, *(y - 1 for y in years), *(y + 1 for y in years))
