"""What a person may see of a case, decided in one place from the database (AC-01 to AC-05, AC-07).

- The council that holds the case (its caseworkers and SEN managers) sees everything.
- A partner agency sees a case once it has (or had) a task on it: asked for advice, or consulted
  about being named. It sees the data types the access table allows its kind for the purpose.
- Anyone else sees nothing (a 404), unless they hold an unexpired break-glass grant, which shows
  what their own agency kind may see, and never protected whereabouts.
- Protected whereabouts (address, setting, family contacts) show only to someone whose membership
  of a related agency carries the explicit permission.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from agencies.access import ALL_DATA_TYPES, Actor, data_types_for
from agencies.models import BREAK_GLASS_ROLES, QUEUE_ROLES, DataType

from .models import AdviceRequest, BreakGlassGrant, Case, SettingConsultation
from .rules.consent import Purpose

NOTHING = frozenset()


def queue_agency_ids(actor: Actor) -> frozenset[int]:
    """The agencies whose queue this person works (their role does that agency's tasks): the only
    memberships through which a task on a case makes them a partner on it (AC-02, AC-04). So the
    council's panel members, IG lead and administrators are not partners because the family's
    views were asked for through the council; the council's own officers relate as the council."""
    return frozenset(a for a, kind, role in actor.memberships if role in QUEUE_ROLES.get(kind, ()))


def case_visible_to(actor: Actor, *, now=None) -> Q:
    """The cases a person has a relationship to (or an unexpired break-glass grant for)."""
    agency_ids = queue_agency_ids(actor)
    if not actor.user_id:
        return Q(pk__in=[])
    now = now or timezone.now()
    return (
        Q(council_id__in=actor.council_agency_ids)
        | Q(Exists(AdviceRequest.objects.filter(case=OuterRef("pk"), agency_id__in=agency_ids)))
        | Q(
            Exists(
                SettingConsultation.objects.filter(case=OuterRef("pk"), setting_id__in=agency_ids)
            )
        )
        | Q(
            Exists(
                BreakGlassGrant.objects.active(now).filter(
                    case=OuterRef("pk"), user_id=actor.user_id
                )
            )
        )
    )


@dataclass(frozen=True)
class CaseAccess:
    relationship: str  # "council", "partner" or "break-glass"
    data_types: frozenset[str]
    whereabouts: bool  # may see protected whereabouts (always True when the child has none)
    related_agency_ids: frozenset[int]
    break_glass: BreakGlassGrant | None = None

    def sees(self, data_type: str) -> bool:
        return data_type in self.data_types

    @property
    def shows(self) -> dict[str, bool]:
        """For templates: shows.HEALTH, shows.CONTACT ... (CONTACT already folds in whereabouts)."""
        flags = {name: name in self.data_types for name in DataType.values}
        flags["CONTACT"] = flags["CONTACT"] and self.whereabouts
        flags["WHEREABOUTS"] = self.whereabouts
        return flags


def case_access(actor: Actor, case: Case, *, now=None) -> CaseAccess | None:
    """How this person may see this case, or None when they may not see it at all."""
    if case.council_id in actor.council_agency_ids:
        return CaseAccess(
            relationship="council",
            data_types=ALL_DATA_TYPES,
            whereabouts=not case.child.protected_whereabouts
            or case.council_id in actor.whereabouts_agency_ids,
            related_agency_ids=frozenset({case.council_id}),
        )
    related = _related_agencies(actor, case)
    if related:
        kinds = {
            kind
            for agency, kind, role in actor.memberships
            if agency in related and role in QUEUE_ROLES.get(kind, ())
        }
        return CaseAccess(
            relationship="partner",
            data_types=data_types_for(kinds, Purpose.STATUTORY_ASSESSMENT),
            whereabouts=not case.child.protected_whereabouts
            or bool(related & actor.whereabouts_agency_ids),
            related_agency_ids=frozenset(related),
        )
    now = now or timezone.now()
    grant = BreakGlassGrant.objects.active(now).filter(case=case, user_id=actor.user_id).first()
    if grant is not None:
        # What the roles that may break glass may see: not what another membership of theirs
        # (a school's SENCo, say) would.
        kinds = {kind for _, kind, role in actor.memberships if role in BREAK_GLASS_ROLES}
        return CaseAccess(
            relationship="break-glass",
            data_types=data_types_for(kinds, Purpose.STATUTORY_ASSESSMENT),
            whereabouts=not case.child.protected_whereabouts,
            related_agency_ids=NOTHING,
            break_glass=grant,
        )
    return None


def _related_agencies(actor: Actor, case: Case) -> set[int]:
    """The agencies, worked by this person in a queue role, that were asked for advice on the case
    or consulted about it."""
    agency_ids = queue_agency_ids(actor)
    if not agency_ids:
        return set()
    asked = {a.agency_id for a in case.advice_requests.all() if a.agency_id in agency_ids}
    consulted = {c.setting_id for c in case.consultations.all() if c.setting_id in agency_ids}
    return asked | consulted
