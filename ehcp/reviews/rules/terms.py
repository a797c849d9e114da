"""School terms, for "the reviews due this term": pure dates, no clock.

Term dates differ between councils and schools (and Easter moves), so the product uses fixed
calendar terms that together cover the whole year with no gap: autumn 1 September to
31 December, spring 1 January to 31 March, summer 1 April to 31 August. A review due on any day
of the year is in exactly one of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

_TERMS = (  # (name, first month, last month, last day of the last month)
    ("Spring", 1, 3, 31),
    ("Summer", 4, 8, 31),
    ("Autumn", 9, 12, 31),
)


@dataclass(frozen=True)
class Term:
    name: str
    starts_on: date
    ends_on: date

    @property
    def code(self) -> str:
        """A stable value for links and forms: "2027-spring"."""
        return f"{self.starts_on.year}-{self.name.lower()}"

    @property
    def label(self) -> str:
        """ "Spring term 2027 (1 January to 31 March)"."""
        return (
            f"{self.name} term {self.starts_on.year} "
            f"({self.starts_on.day} {self.starts_on:%B} to {self.ends_on.day} {self.ends_on:%B})"
        )

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def _term(year: int, index: int) -> Term:
    name, first, last, day = _TERMS[index]
    return Term(name, date(year, first, 1), date(year, last, day))


def term_of(day: date) -> Term:
    """The term a day falls in."""
    for index, (_name, first, last, _day) in enumerate(_TERMS):
        if first <= day.month <= last:
            return _term(day.year, index)
    raise AssertionError("every month is in a term")  # pragma: no cover


def terms_from(day: date, count: int) -> list[Term]:
    """The term of ``day`` and the ``count - 1`` terms after it."""
    term = term_of(day)
    found = [term]
    while len(found) < count:
        after = found[-1].ends_on
        nxt = (
            date(after.year + 1, 1, 1)
            if after.month == 12
            else date(after.year, after.month + 1, 1)
        )
        found.append(term_of(nxt))
    return found


def term_by_code(code: str) -> Term | None:
    """The term a code names ("2027-spring"), or None if it names none."""
    year, _, name = (code or "").partition("-")
    if not year.isdigit() or not 1900 <= int(year) <= 9998:
        return None
    for index, (term_name, *_rest) in enumerate(_TERMS):
        if term_name.lower() == name:
            return _term(int(year), index)
    return None
