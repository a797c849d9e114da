"""Who the signed-in person is, as the rest of the product needs to know it.

`actor_for(user)` reads the person's active memberships once per request and returns a frozen
value. Every permission decision is made from it (and, in ehcp/, from the relationship to the
case): never from anything the browser sends.
"""

from dataclasses import dataclass

from .models import (
    COUNCIL_CASEWORK_ROLES,
    MANAGER_ROLES,
    AgencyKind,
    DataAccessRule,
    DataType,
    Membership,
    Role,
)


@dataclass(frozen=True)
class Actor:
    user_id: int
    memberships: tuple[tuple[int, str, str], ...]  # (agency_id, agency_kind, role)
    whereabouts_agency_ids: frozenset[int] = frozenset()  # memberships with the explicit permission

    @property
    def agency_ids(self) -> frozenset[int]:
        return frozenset(agency_id for agency_id, _, _ in self.memberships)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(role for _, _, role in self.memberships)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def agency_ids_with_role(self, *roles: str) -> frozenset[int]:
        return frozenset(a for a, _, role in self.memberships if role in roles)

    @property
    def council_agency_ids(self) -> frozenset[int]:
        """The council SEN teams this person does casework for."""
        return frozenset(
            a
            for a, kind, role in self.memberships
            if kind == AgencyKind.SEN_TEAM and role in COUNCIL_CASEWORK_ROLES
        )

    @property
    def is_council_officer(self) -> bool:
        return bool(self.council_agency_ids)

    @property
    def is_ig_lead(self) -> bool:
        return self.has_role(Role.IG_LEAD)

    @property
    def is_manager(self) -> bool:
        return self.has_role(*MANAGER_ROLES)

    def can_manage_agency(self, agency_id: int) -> bool:
        return agency_id in self.agency_ids_with_role(*MANAGER_ROLES)

    def may_override_consent(self, council_id: int) -> bool:
        """Only an SEN manager of the council that holds the case may let a step go ahead
        without consent, with a written reason."""
        return council_id in self.agency_ids_with_role(Role.SEN_MANAGER)


ANONYMOUS = Actor(user_id=0, memberships=())


def actor_for(user) -> Actor:
    """The person's active memberships, read once and kept on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_send_actor", None)
    if cached is not None:
        return cached
    rows = list(
        Membership.objects.active()
        .filter(user_id=user.pk)
        .values_list("agency_id", "agency__kind", "role", "may_see_protected_whereabouts")
        .order_by("agency_id", "role")
    )
    actor = Actor(
        user_id=user.pk,
        memberships=tuple((agency, kind, role) for agency, kind, role, _ in rows),
        whereabouts_agency_ids=frozenset(agency for agency, _, _, allowed in rows if allowed),
    )
    user._send_actor = actor
    return actor


def data_types_for(agency_kinds, purpose: str) -> frozenset[str]:
    """What agencies of these kinds may see for a purpose, from the access table (one query)."""
    return frozenset().union(*data_types_by_kind(agency_kinds, purpose).values())


def data_types_by_kind(agency_kinds, purpose: str) -> dict[str, frozenset[str]]:
    """What agencies of each of these kinds may see for a purpose, from the access table (one
    query for all of them): `data_types_by_kind(kinds, p)[kind] == data_types_for([kind], p)`."""
    kinds = set(agency_kinds)
    by_kind: dict[str, set[str]] = {kind: set() for kind in kinds}
    if kinds:
        rows = DataAccessRule.objects.filter(agency_kind__in=kinds, purpose=purpose).values_list(
            "agency_kind", "data_type"
        )
        for kind, data_type in rows:
            by_kind[kind].add(data_type)
    return {kind: frozenset(data_types) for kind, data_types in by_kind.items()}


ALL_DATA_TYPES = frozenset(DataType.values)
