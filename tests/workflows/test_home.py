"""The start page: every role is told, in its own words, what is here for it."""

import pytest
from django.urls import reverse

from agencies.models import AgencyKind, Role
from tests import factories

pytestmark = pytest.mark.django_db

# role -> (kind of agency, phrases the start page must show, phrases it must not)
ROLES = {
    Role.CASEWORKER: (
        AgencyKind.SEN_TEAM,
        ["SEND caseworker, ", "Your cases", "Record a request"],
        ["Caseload", "Support site"],
    ),
    Role.SEN_MANAGER: (
        AgencyKind.SEN_TEAM,
        ["SEN manager, ", "Your cases", "Caseload and the 20-week dates"],
        ["Support site"],
    ),
    Role.EDUCATIONAL_PSYCHOLOGIST: (
        AgencyKind.EP_SERVICE,
        ["Educational psychologist, ", "Advice asked of your agency"],
        ["Your cases"],
    ),
    Role.HEALTH_ADVISER: (
        AgencyKind.HEALTH,
        ["Health adviser, ", "Advice asked of your agency"],
        ["Your cases"],
    ),
    Role.SOCIAL_CARE_ADVISER: (
        AgencyKind.SOCIAL_CARE,
        ["Social care adviser, ", "Advice asked of your agency"],
        ["Your cases"],
    ),
    Role.SENCO: (AgencyKind.SCHOOL, ["SENCo, ", "Advice asked of your agency"], ["Your cases"]),
    Role.PANEL_MEMBER: (
        AgencyKind.SEN_TEAM,
        ["Panel member, ", "Joint Agency Panel", "not in this service yet"],
        ["Your cases", "Advice asked"],
    ),
    Role.PANEL_CHAIR: (
        AgencyKind.SEN_TEAM,
        ["Panel chair, ", "Joint Agency Panel", "will appear on this page"],
        ["Your cases", "Advice asked"],
    ),
    Role.IG_LEAD: (
        AgencyKind.SEN_TEAM,
        ["Information governance lead, ", "Access reports"],
        ["Your cases", "Joint Agency Panel"],
    ),
    Role.ADMINISTRATOR: (
        AgencyKind.SEN_TEAM,
        ["Administrator, ", "Caseload and the 20-week dates", "cannot open the support site"],
        ["Joint Agency Panel"],
    ),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_has_a_start_page_that_speaks_to_it(client, role):
    kind, shown, hidden = ROLES[role]
    agency = factories.AgencyFactory(kind=kind, name="Somewhere agency")
    client.force_login(factories.member(agency, role))
    page = client.get(reverse("home")).content.decode()
    for phrase in shown:
        assert phrase in page, (role, phrase)
    for phrase in hidden:
        assert phrase not in page, (role, phrase)
    assert f"{Role(role).label}, Somewhere agency" in page
    assert Role(role).label.lower() + " for" not in page  # not "send caseworker for ..."


def test_an_administrator_with_staff_access_gets_a_link_to_the_support_site(client, council):
    admin = factories.member(council, Role.ADMINISTRATOR, is_staff=True)
    client.force_login(admin)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("admin:index")}"' in page and "Support site" in page


def test_someone_with_no_membership_is_told_to_ask_for_one(client):
    client.force_login(factories.UserFactory())
    page = client.get(reverse("home")).content.decode()
    assert "not a member of any agency yet" in page
    assert "Joint Agency Panel" not in page and "Support site" not in page
