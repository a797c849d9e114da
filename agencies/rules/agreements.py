"""The information sharing agreement as rules over plain values (LB-06, AC-07).

The caller passes "today" and the facts; nothing here reads the clock or the database.
"""

from collections.abc import Iterable
from datetime import date


def in_force(*, starts_on: date, ends_on: date | None, today: date) -> bool:
    """An agreement is in force from its first day to its last day (`ends_on`) inclusive; one
    with no end date stays in force until an end date is set."""
    return starts_on <= today and (ends_on is None or today <= ends_on)


def review_overdue(*, review_on: date | None, today: date) -> bool:
    """The review date has passed without the agreement being reviewed (its date moved on)."""
    return review_on is not None and review_on < today


def break_glass_agency_ids(
    memberships: Iterable[tuple[int, str, str]],
    *,
    allowed_roles: frozenset[str],
    party_agency_ids: frozenset[int],
) -> frozenset[int]:
    """The agencies through which this person may use break-glass: those where they hold an
    allowed role and which are parties to an agreement in force (AC-07)."""
    return frozenset(
        agency_id
        for agency_id, _kind, role in memberships
        if role in allowed_roles and agency_id in party_agency_ids
    )
