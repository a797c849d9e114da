"""Who may see what of a panel's business, decided from the database on every request.

- The council's SEN team (caseworkers and SEN managers of the panel's council) clerks its panels:
  it sees every meeting, item, request and document of them, and the commitments.
- A current member of a panel sees that panel's meetings, and each item as their agency may see
  it (their own papers: `panel.rules.papers`), the minutes and the letters, and the council's
  commitments they decide.
- Anyone else sees nothing: a member of another council's panel, a partner who is on no panel, a
  member who has left. Pages answer 404, so nothing tells them the business exists.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from agencies.access import Actor, actor_for
from panel.models import Panel, PanelMember


@dataclass(frozen=True)
class PanelAccess:
    panel: Panel
    clerk: bool  # the council's SEN team
    seat: PanelMember | None  # their current seat on the panel

    @property
    def chairs(self) -> bool:
        return self.seat is not None and self.seat.chairs


def panel_access(user, panel: Panel) -> PanelAccess | None:
    actor = actor_for(user)
    clerk = panel.council_id in actor.council_agency_ids
    seat = (
        PanelMember.objects.current()
        .filter(panel=panel, user_id=actor.user_id)
        .select_related("agency", "user")
        .first()
        if actor.user_id
        else None
    )
    if not clerk and seat is None:
        return None
    return PanelAccess(panel=panel, clerk=clerk, seat=seat)


def panel_access_or_404(user, panel: Panel) -> PanelAccess:
    access = panel_access(user, panel)
    if access is None:
        raise Http404("No such page")
    return access


def panels_visible_to(actor: Actor) -> Q:
    """Panels the person clerks (their council's) or sits on now."""
    if not actor.user_id:
        return Q(pk__in=[])
    return Q(council_id__in=actor.council_agency_ids) | Q(
        members__user_id=actor.user_id, members__left_on__isnull=True
    )


def panels_for(user):
    actor = actor_for(user)
    return Panel.objects.filter(panels_visible_to(actor)).distinct()


def commitment_council_ids(user) -> frozenset[int]:
    """The councils whose commitments the person may see: their own council as its officer, and
    the councils whose panels they sit on."""
    actor = actor_for(user)
    seats = PanelMember.objects.current().filter(user_id=actor.user_id)
    return actor.council_agency_ids | frozenset(seats.values_list("panel__council_id", flat=True))


def is_clerk_of_council(user, council_id: int) -> bool:
    return council_id in actor_for(user).council_agency_ids
