"""How on time each agency's advice was, from the facts of each request (pure: no ORM, no clock).

Advice must be given within 6 weeks of the council's request (reg 8(1); `EHCP-ADVICE-6W`):
late advice is the commonest cause of a late plan, so this is the figure health, social care
and the other advisers are held to. For the requests made in a period, by agency:

- **requested**: every request (cancelled requests and the family's own views are not counted);
- **on time**: returned on or before the due date; **late**: returned after it, of which **late
  with an exception** had a lawful exception recorded (reg 8(2));
- **outstanding**: not returned and not yet due; **overdue**: not returned and past its date;
- **percent on time**: on time out of those whose date has come (returned, or overdue);
- **median days**: from the request to the advice, over the requests returned;
- **escalated**: requests whose step went to the agency's managers for being late (workflows'
  escalations, counted by the caller): the agency's repeated lateness.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from statistics import median


@dataclass(frozen=True)
class AdviceFact:
    agency_id: int
    requested_on: date
    due_on: date
    received_on: date | None = None
    excused: bool = False  # a counting exception is recorded for this request


@dataclass(frozen=True)
class AdviceTimeliness:
    agency_id: int
    requested: int = 0
    on_time: int = 0
    late: int = 0
    late_excused: int = 0
    outstanding: int = 0
    overdue: int = 0
    median_days: float | None = None
    escalated: int = 0

    @property
    def returned(self) -> int:
        return self.on_time + self.late

    @property
    def percent_on_time(self) -> float | None:
        whole = self.on_time + self.late + self.overdue
        return round(100 * self.on_time / whole, 1) if whole else None


_COUNTED = ("requested", "on_time", "late", "late_excused", "outstanding", "overdue")


def advice_timeliness(
    facts: Iterable[AdviceFact], *, today: date, escalated: dict[int, int] | None = None
) -> list[AdviceTimeliness]:
    """The figures of each agency with a fact or an escalation, in the order first seen."""
    counts: dict[int, dict[str, int]] = {}
    days: dict[int, list[int]] = {}
    escalated = escalated or {}

    def row_of(agency_id: int) -> dict[str, int]:
        return counts.setdefault(agency_id, dict.fromkeys(_COUNTED, 0))

    for fact in facts:
        row = row_of(fact.agency_id)
        row["requested"] += 1
        if fact.received_on is not None:
            days.setdefault(fact.agency_id, []).append((fact.received_on - fact.requested_on).days)
            if fact.received_on <= fact.due_on:
                row["on_time"] += 1
            else:
                row["late"] += 1
                row["late_excused"] += fact.excused
        elif today > fact.due_on:
            row["overdue"] += 1
        else:
            row["outstanding"] += 1
    for agency_id in escalated:
        row_of(agency_id)
    return [
        AdviceTimeliness(
            agency_id=agency_id,
            median_days=median(days[agency_id]) if days.get(agency_id) else None,
            escalated=escalated.get(agency_id, 0),
            **row,
        )
        for agency_id, row in counts.items()
    ]
