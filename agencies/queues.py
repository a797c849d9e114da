"""Who may work an agency's queue: claim a task, complete it, release it, reassign it."""

from .access import Actor
from .models import MANAGER_ROLES, QUEUE_ROLES, AgencyKind


def may_work_queue(actor: Actor, agency_id: int, agency_kind: str) -> bool:
    """A member of the agency in one of the roles that does that agency's casework."""
    roles = QUEUE_ROLES.get(agency_kind, frozenset())
    return agency_id in actor.agency_ids_with_role(*roles)


def may_manage_queue(actor: Actor, agency_id: int) -> bool:
    """A manager of the agency may release or reassign anyone's task in its queue."""
    return agency_id in actor.agency_ids_with_role(*MANAGER_ROLES)


def works_partner_queue(actor: Actor) -> bool:
    """A member of a partner agency (not the council's SEN team) who writes its advice."""
    return any(
        kind != AgencyKind.SEN_TEAM and may_work_queue(actor, agency_id, kind)
        for agency_id, kind, _ in actor.memberships
    )
