"""The information sharing agreement as data (LB-06), and who may use break-glass through it
(AC-07)."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from agencies.access import actor_for
from agencies.agreements import break_glass_agency_ids, party_agency_ids
from agencies.models import BREAK_GLASS_ROLES, AgencyKind, Membership, Role, SharingAgreement
from agencies.rules import agreements as rules
from tests import factories

TODAY = date(2027, 3, 10)


@pytest.mark.parametrize(
    "starts_on, ends_on, expected",
    [
        (date(2021, 6, 3), None, True),
        (date(2027, 3, 10), None, True),
        (date(2027, 3, 11), None, False),
        (date(2021, 6, 3), date(2027, 3, 10), True),
        (date(2021, 6, 3), date(2027, 3, 9), False),
    ],
)
def test_an_agreement_is_in_force_from_its_first_to_its_last_day(starts_on, ends_on, expected):
    assert rules.in_force(starts_on=starts_on, ends_on=ends_on, today=TODAY) is expected


@pytest.mark.parametrize(
    "review_on, expected", [(None, False), (date(2027, 3, 10), False), (date(2027, 3, 9), True)]
)
def test_a_review_is_overdue_once_its_date_has_passed(review_on, expected):
    assert rules.review_overdue(review_on=review_on, today=TODAY) is expected


def test_break_glass_roles_are_the_partners_advisers():
    assert BREAK_GLASS_ROLES == {
        Role.EDUCATIONAL_PSYCHOLOGIST,
        Role.HEALTH_ADVISER,
        Role.SOCIAL_CARE_ADVISER,
    }


def test_break_glass_agencies_need_an_allowed_role_at_a_party():
    memberships = [
        (1, "HEALTH", Role.HEALTH_ADVISER),
        (2, "SCHOOL", Role.SENCO),
        (3, "HEALTH", Role.HEALTH_ADVISER),
    ]
    assert rules.break_glass_agency_ids(
        memberships, allowed_roles=BREAK_GLASS_ROLES, party_agency_ids=frozenset({1, 2})
    ) == {1}


@pytest.mark.django_db
def test_the_database_agrees_with_the_rule_about_agreements_in_force():
    council = factories.AgencyFactory(kind=AgencyKind.SEN_TEAM)
    parties = {}
    for starts_on, ends_on in [
        (date(2021, 6, 3), None),
        (date(2027, 3, 10), None),
        (date(2027, 3, 11), None),
        (date(2021, 6, 3), date(2027, 3, 10)),
        (date(2021, 6, 3), date(2027, 3, 9)),
    ]:
        agency = factories.AgencyFactory(kind=AgencyKind.HEALTH)
        factories.agreement(council, [agency], starts_on=starts_on, ends_on=ends_on)
        parties[agency.pk] = rules.in_force(starts_on=starts_on, ends_on=ends_on, today=TODAY)
    assert party_agency_ids(today=TODAY) == {pk for pk, expected in parties.items() if expected}
    assert party_agency_ids(today=TODAY, council_id=council.pk + 1000) == frozenset()


@pytest.mark.django_db
def test_a_person_may_break_glass_only_through_a_party_agency(django_assert_num_queries):
    council = factories.AgencyFactory(kind=AgencyKind.SEN_TEAM)
    party = factories.AgencyFactory(kind=AgencyKind.HEALTH)
    stranger = factories.AgencyFactory(kind=AgencyKind.HEALTH)
    factories.agreement(council, [party])
    inside = factories.member(party, Role.HEALTH_ADVISER)
    outside = factories.member(stranger, Role.HEALTH_ADVISER)
    caseworker = factories.member(council, Role.CASEWORKER)

    assert break_glass_agency_ids(actor_for(inside), today=TODAY) == {party.pk}
    assert break_glass_agency_ids(actor_for(inside), today=TODAY, council_id=council.pk) == {
        party.pk
    }
    assert break_glass_agency_ids(actor_for(outside), today=TODAY) == frozenset()
    actor = actor_for(caseworker)
    with django_assert_num_queries(0):  # no allowed role: no need to read the agreements
        assert break_glass_agency_ids(actor, today=TODAY) == frozenset()


@pytest.mark.django_db
def test_administrators_edit_agreements_in_the_admin_with_history(client):
    council = factories.AgencyFactory(kind=AgencyKind.SEN_TEAM, name="Northshire SEN team")
    trust = factories.AgencyFactory(kind=AgencyKind.HEALTH, name="Northshire Trust")
    admin = get_user_model().objects.create_superuser(
        "root", "root@example.org", "a-long-admin-password"
    )
    # The support site is for staff who are also the council's administrators.
    Membership.objects.create(user=admin, agency=council, role=Role.ADMINISTRATOR)
    client.force_login(admin)
    assert client.get("/admin/agencies/sharingagreement/").status_code == 200
    response = client.post(
        "/admin/agencies/sharingagreement/add/",
        {
            "reference": "Northshire SEND ISA v4",
            "council": council.pk,
            "parties": [trust.pk],
            "starts_on": "2026-04-01",
            "review_on": "2027-04-01",
            "ends_on": "",
        },
    )
    assert response.status_code == 302
    agreement = SharingAgreement.objects.get()
    assert list(agreement.parties.all()) == [trust]
    ended = client.post(
        f"/admin/agencies/sharingagreement/{agreement.pk}/change/",
        {
            "reference": "Northshire SEND ISA v4",
            "council": council.pk,
            "parties": [trust.pk],
            "starts_on": "2026-04-01",
            "review_on": "2027-04-01",
            "ends_on": "2026-03-01",
        },
    )
    assert ended.status_code == 200  # an end before the start is refused
    assert "The end date must be the same as or after the start date" in ended.content.decode()
    assert agreement.history.filter(ends_on__isnull=False).count() == 0
    client.post(
        f"/admin/agencies/sharingagreement/{agreement.pk}/change/",
        {
            "reference": "Northshire SEND ISA v4",
            "council": council.pk,
            "parties": [trust.pk],
            "starts_on": "2026-04-01",
            "review_on": "2027-04-01",
            "ends_on": "2027-03-09",
        },
    )
    assert agreement.history.filter(ends_on=date(2027, 3, 9), history_user=admin).exists()
    assert party_agency_ids(today=TODAY) == frozenset()
