"""Who the signed-in person is: active memberships only, read once per request."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from agencies.access import ANONYMOUS, actor_for, data_types_by_kind, data_types_for
from agencies.models import Agency, AgencyKind, Role
from agencies.queues import may_manage_queue, may_work_queue
from tests.factories import AgencyFactory, MembershipFactory, member

pytestmark = pytest.mark.django_db

User = get_user_model()


def fresh(user):
    return User.objects.get(pk=user.pk)


def test_actor_is_anonymous_when_nobody_is_signed_in():
    assert actor_for(None) is ANONYMOUS
    assert actor_for(AnonymousUser()) is ANONYMOUS


def test_actor_is_anonymous_when_the_account_is_deactivated(caseworker):
    User.objects.filter(pk=caseworker.pk).update(is_active=False)

    assert actor_for(fresh(caseworker)) is ANONYMOUS


def test_actor_has_the_memberships_when_they_are_active(council, health, caseworker):
    MembershipFactory(user=caseworker, agency=health, role=Role.HEALTH_ADVISER)

    actor = actor_for(fresh(caseworker))

    assert actor.agency_ids == {council.pk, health.pk}
    assert actor.roles == {Role.CASEWORKER, Role.HEALTH_ADVISER}
    assert actor.council_agency_ids == {council.pk}


def test_actor_leaves_out_a_membership_when_it_is_revoked(council, caseworker):
    caseworker.memberships.update(is_active=False)

    assert actor_for(fresh(caseworker)).memberships == ()


def test_actor_leaves_out_a_membership_when_its_agency_is_deactivated(council, caseworker):
    Agency.objects.filter(pk=council.pk).update(is_active=False)

    assert actor_for(fresh(caseworker)).agency_ids == frozenset()


def test_memberships_are_read_once_when_the_same_request_asks_again(
    caseworker, django_assert_num_queries
):
    user = fresh(caseworker)
    first = actor_for(user)

    with django_assert_num_queries(0):
        assert actor_for(user) is first


def test_revocation_is_seen_when_the_next_request_loads_the_user(council, caseworker):
    this_request = fresh(caseworker)
    assert actor_for(this_request).is_council_officer
    caseworker.memberships.update(is_active=False)

    assert actor_for(this_request).is_council_officer  # the request in flight keeps its reading
    assert not actor_for(fresh(caseworker)).is_council_officer


def test_panel_member_of_the_council_is_not_a_council_officer(council):
    panel = member(council, Role.PANEL_MEMBER)

    actor = actor_for(panel)

    assert not actor.is_council_officer
    assert actor.agency_ids == {council.pk}


def test_only_the_sen_manager_may_override_consent(caseworker, manager):
    council_id = manager.memberships.get().agency_id
    assert actor_for(manager).may_override_consent(council_id)
    assert not actor_for(caseworker).may_override_consent(council_id)
    assert not actor_for(manager).may_override_consent(council_id + 1000)


@pytest.mark.parametrize(
    "kind, role, works",
    [
        (AgencyKind.SEN_TEAM, Role.CASEWORKER, True),
        (AgencyKind.SEN_TEAM, Role.SEN_MANAGER, True),
        (AgencyKind.SEN_TEAM, Role.PANEL_MEMBER, False),
        (AgencyKind.HEALTH, Role.HEALTH_ADVISER, True),
        (AgencyKind.HEALTH, Role.CASEWORKER, False),
        (AgencyKind.EP_SERVICE, Role.EDUCATIONAL_PSYCHOLOGIST, True),
        (AgencyKind.SOCIAL_CARE, Role.SOCIAL_CARE_ADVISER, True),
        (AgencyKind.SCHOOL, Role.SENCO, True),
        (AgencyKind.SCHOOL, Role.ADMINISTRATOR, False),
        (AgencyKind.OTHER, Role.PANEL_MEMBER, True),
    ],
)
def test_queue_is_worked_only_when_the_role_does_that_agencys_casework(kind, role, works):
    agency = AgencyFactory(kind=kind)
    user = member(agency, role)

    assert may_work_queue(actor_for(user), agency.pk, agency.kind) is works


def test_queue_of_another_agency_is_not_worked_when_the_role_matches(health):
    other_trust = AgencyFactory(kind=AgencyKind.HEALTH)
    adviser = member(other_trust, Role.HEALTH_ADVISER)

    assert not may_work_queue(actor_for(adviser), health.pk, health.kind)


def test_queue_is_managed_only_when_the_person_manages_that_agency(
    council, manager, caseworker, outsider
):
    assert may_manage_queue(actor_for(manager), council.pk)
    assert not may_manage_queue(actor_for(caseworker), council.pk)
    assert not may_manage_queue(actor_for(outsider), council.pk)


def test_access_table_read_once_for_several_kinds_gives_each_kind_its_own_data_types():
    """`data_types_by_kind` (one query for every recipient of a share) gives each kind exactly
    what `data_types_for` gives it alone; a kind the table gives nothing has an empty set."""
    kinds = set(AgencyKind.values)
    purpose = "STATUTORY_ASSESSMENT"

    by_kind = data_types_by_kind(kinds, purpose)

    assert set(by_kind) == kinds
    assert all(by_kind[kind] == data_types_for([kind], purpose) for kind in kinds)
    assert by_kind[AgencyKind.HEALTH]
    assert data_types_by_kind([], purpose) == {}
