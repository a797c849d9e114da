"""Finding a school among many by what was typed (agencies.schools), and the suggestions page
the school boxes read (agencies:setting-search)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies import schools
from agencies.models import AgencyKind, Role
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/agencies/settings/search/"


def school(name, urn="", **kwargs):
    return AgencyFactory(kind=AgencyKind.SCHOOL, name=name, urn=urn, **kwargs)


@pytest.fixture
def towns():
    return {
        "hill": school("Marker Hill Primary School", "100001"),
        "hill_academy": school("Marker Hill Academy", "100002"),
        "meadow": school("Meadow Special School", "100003"),
        "closed": school("Old Meadow School", "100004", is_active=False),
        "clinic": AgencyFactory(kind=AgencyKind.HEALTH, name="Meadow Clinic"),
    }


def find(text, queryset=None):
    return schools.setting_find(schools.settings_offered() if queryset is None else queryset, text)


def test_an_exact_urn_finds_its_school(towns):
    assert find("100003").agency == towns["meadow"]
    assert find(" 100003 ").agency == towns["meadow"]


def test_the_label_a_box_shows_finds_its_school_again(towns):
    label = schools.setting_label(towns["hill"])
    assert label == "Marker Hill Primary School (URN 100001)"
    assert find(label).agency == towns["hill"]
    assert schools.setting_label(school("No Urn Nursery")) == "No Urn Nursery"


def test_a_name_in_full_in_any_case_finds_its_school_before_longer_names(towns):
    extra = school("Meadow", "100009")  # "Meadow" is also inside two longer names
    assert find("meadow").agency == extra
    assert find("MARKER HILL ACADEMY").agency == towns["hill_academy"]


def test_the_one_name_containing_every_word_typed_finds_its_school(towns):
    assert find("hill primary").agency == towns["hill"]
    assert find("special meadow").agency == towns["meadow"]


def test_a_name_several_schools_share_is_refused_with_the_candidates(towns):
    found = find("marker hill")
    assert found.agency is None and found.count == 2
    assert list(found.candidates) == [towns["hill_academy"], towns["hill"]]


def test_nothing_is_found_for_a_name_or_urn_no_school_has(towns):
    assert find("Riverside").count == 0
    assert find("999999").count == 0


def test_an_inactive_school_another_kind_of_agency_or_one_the_form_does_not_offer_is_not_found(
    towns,
):
    assert find("100004").count == 0  # closed
    assert find("Old Meadow School").count == 0
    assert find("Meadow Clinic").count == 0  # not a school
    assert find("meadow").agency == towns["meadow"]  # neither the closed school nor the clinic
    offered = schools.settings_offered().filter(pk=towns["hill"].pk)
    assert find("100003", offered).count == 0
    assert find("Marker Hill Academy", offered).count == 0
    assert find("marker hill", offered).agency == towns["hill"]


def test_a_urn_copied_to_several_schools_is_told_apart_by_the_name_shown_with_it(towns):
    """The scale data copies a council's schools, URNs included, under other names."""
    copy = school("Meadow Special School (council 2)", "100003")
    assert find("100003").count == 2
    assert find(schools.setting_label(copy)).agency == copy
    assert find(schools.setting_label(towns["meadow"])).agency == towns["meadow"]


def test_suggestions_need_two_characters_and_stop_at_twenty(towns):
    for n in range(25):
        school(f"Oak Tree School {n:02d}", f"2000{n:02d}")
    offered = schools.settings_offered()
    assert schools.setting_suggest(offered, "o") == []
    found = schools.setting_suggest(offered, "oak tree")
    assert len(found) == schools.SUGGESTIONS == 20
    assert found[0].name == "Oak Tree School 00"
    assert [a.name for a in schools.setting_suggest(offered, "20001")] == [
        f"Oak Tree School {n}" for n in range(10, 20)
    ]
    assert schools.setting_suggest(offered, "meadow") == [towns["meadow"]]


# -- the suggestions page ------------------------------------------------------------------------


def signed_in(client, kind, role):
    user = UserFactory()
    MembershipFactory(user=user, agency=AgencyFactory(kind=kind), role=role)
    client.force_login(user)
    return user


def test_a_council_officer_gets_matching_active_schools_as_json(client, towns):
    signed_in(client, AgencyKind.SEN_TEAM, Role.CASEWORKER)
    response = client.get(URL, {"q": "meadow"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert response.json() == {
        "results": [
            {
                "label": "Meadow Special School (URN 100003)",
                "name": "Meadow Special School",
                "urn": "100003",
            }
        ]
    }
    assert client.get(URL, {"q": "m"}).json() == {"results": []}
    assert client.get(URL).json() == {"results": []}


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        (AgencyKind.SCHOOL, Role.SENCO),
        (AgencyKind.HEALTH, Role.HEALTH_ADVISER),
        (AgencyKind.SEN_TEAM, Role.PANEL_MEMBER),
    ],
)
def test_people_whose_forms_offer_no_school_are_refused(client, towns, kind, role):
    signed_in(client, kind, role)
    assert client.get(URL, {"q": "meadow"}).status_code == 403


def test_someone_signed_out_is_sent_to_sign_in(client, towns):
    response = client.get(URL, {"q": "meadow"})
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_the_suggestions_read_the_same_number_of_queries_however_many_schools(client, towns):
    signed_in(client, AgencyKind.SEN_TEAM, Role.CASEWORKER)

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(URL, {"q": "school"}).status_code == 200
        return len(context.captured_queries)

    few = queries()
    for n in range(60):
        school(f"Birch School {n:02d}", f"3000{n:02d}")
    assert queries() == few
    assert len(client.get(URL, {"q": "school"}).json()["results"]) == 20
