"""Who may work an agency's queue (claim a task, complete it, release it, reassign it), and who
is told about its work."""

from dataclasses import dataclass

from .access import Actor
from .models import MANAGER_ROLES, QUEUE_ROLES, Agency, AgencyKind, Membership, Role


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


@dataclass(frozen=True)
class AgencyPeople:
    """Who is told about an agency's work: the people who work its queue, the managers it names
    (a council's SEN team is managed by its SEN managers), and its shared mailbox. Each person
    is (user id, e-mail address); the address may be empty."""

    queue: tuple[tuple[int, str], ...] = ()
    managers: tuple[tuple[int, str], ...] = ()
    sen_managers: tuple[tuple[int, str], ...] = ()
    mailbox: str = ""


def agency_people(agency_ids) -> dict[int, AgencyPeople]:
    """Everyone active who works each agency's queue or manages it, in two queries for any
    number of agencies (an agency with nobody still has its mailbox)."""
    agencies = dict(Agency.objects.filter(pk__in=set(agency_ids)).values_list("pk", "email"))
    found: dict[int, dict[str, dict[int, str]]] = {
        pk: {"queue": {}, "managers": {}, "sen_managers": {}} for pk in agencies
    }
    rows = (
        Membership.objects.active()
        .filter(agency_id__in=agencies)
        .order_by("user_id")
        .values_list(
            "agency_id", "agency__kind", "role", "is_agency_manager", "user_id", "user__email"
        )
    )
    for agency_id, kind, role, is_manager, user_id, email in rows:
        people = found[agency_id]
        if role in QUEUE_ROLES.get(kind, frozenset()):
            people["queue"][user_id] = email
        sen_manager = kind == AgencyKind.SEN_TEAM and role == Role.SEN_MANAGER
        if sen_manager:
            people["sen_managers"][user_id] = email
        if is_manager or sen_manager:
            people["managers"][user_id] = email
    return {
        pk: AgencyPeople(
            queue=tuple(found[pk]["queue"].items()),
            managers=tuple(found[pk]["managers"].items()),
            sen_managers=tuple(found[pk]["sen_managers"].items()),
            mailbox=mailbox,
        )
        for pk, mailbox in agencies.items()
    }
