"""England and Wales bank holidays, from the `holidays` library, as the plain set the rules take.

Statutory dates never move for a weekend or bank holiday; the product only warns and suggests the
previous working day (send-rules.md, date conventions).
"""

from datetime import date
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def _year(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def bank_holidays(*years: int) -> frozenset[date]:
    result: frozenset[date] = frozenset()
    for year in set(years):
        result |= _year(year)
    return result


def bank_holidays_around(*dates: date | None) -> frozenset[date]:
    years = {d.year for d in dates if d is not None}
    return bank_holidays(*years, *(y - 1 for y in years), *(y + 1 for y in years))
