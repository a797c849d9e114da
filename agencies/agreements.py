"""Reading the information sharing agreements (LB-06): which agencies are parties to an
agreement in force, and through which of them a person may use break-glass (AC-07)."""

from datetime import date

from .access import Actor
from .models import BREAK_GLASS_ROLES, SharingAgreement
from .rules import agreements as rules


def party_agency_ids(*, today: date, council_id: int | None = None) -> frozenset[int]:
    """Agencies that are parties to an agreement in force on `today` (with that council, if
    given). One query."""
    agreements = SharingAgreement.objects.in_force(today)
    if council_id is not None:
        agreements = agreements.filter(council_id=council_id)
    return frozenset(agreements.filter(parties__isnull=False).values_list("parties__id", flat=True))


def break_glass_agency_ids(
    actor: Actor, *, today: date, council_id: int | None = None
) -> frozenset[int]:
    """The person's agencies through which they may use break-glass (on a case of that council,
    if given): an allowed role, at a party to an agreement in force. No query when they hold no
    allowed role."""
    if not any(role in BREAK_GLASS_ROLES for _, _, role in actor.memberships):
        return frozenset()
    return rules.break_glass_agency_ids(
        actor.memberships,
        allowed_roles=BREAK_GLASS_ROLES,
        party_agency_ids=party_agency_ids(today=today, council_id=council_id),
    )
