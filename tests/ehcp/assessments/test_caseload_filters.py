"""The caseload's filters at national scale (issue 12): the agency list offers the partner
agencies but no school (there may be thousands); a school is typed, by its URN or its name, in its
own box, and keeps the agency filter's meaning (advice asked of it, or it was consulted). A school
typed that matches none or several is a message, and only that filter is dropped."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import AgencyKind
from ehcp.assessments.models import AdviceKind, AdviceRequest, SettingConsultation
from tests import factories
from tests.paging import walk_keyset

pytestmark = pytest.mark.django_db


def asked(case, agency, kind=AdviceKind.EDUCATIONAL):
    return AdviceRequest.objects.create(
        case=case,
        kind=kind,
        agency=agency,
        requested_on=factories.RECEIVED,
        due_on=factories.RECEIVED + timedelta(weeks=6),
    )


@pytest.fixture
def hill(db):
    return factories.AgencyFactory(kind=AgencyKind.SCHOOL, name="Hill Top Primary", urn="100002")


@pytest.fixture
def cases(cast, hill):
    """Riverside's and Hill Top's (their advice asked), the health trust's, and nobody's;
    the first two are the caseworker's, the others the manager's."""
    mine = {"caseworker": cast.caseworker}
    riverside = factories.CaseFactory(council=cast.council, **mine)
    asked(riverside, cast.school)
    hill_top = factories.CaseFactory(council=cast.council, **mine)
    asked(hill_top, hill)
    health = factories.CaseFactory(council=cast.council, caseworker=cast.manager)
    asked(health, cast.health, AdviceKind.HEALTH)
    nobody = factories.CaseFactory(council=cast.council, caseworker=cast.manager)
    return {"riverside": riverside, "hill": hill_top, "health": health, "nobody": nobody}


def shown(client, query: str = ""):
    response = client.get(f"/cases/caseload/?{query}")
    assert response.status_code == 200
    return response, {case.pk for case, _ in response.context["rows"]}


@pytest.mark.parametrize(
    "typed", ["100001", "Riverside Primary", "riverside", "Riverside Primary (URN 100001)"]
)
def test_the_caseload_is_filtered_by_a_school_typed_by_its_urn_or_name(client, cast, cases, typed):
    client.force_login(cast.manager)
    response, rows = shown(client, f"school={typed}")
    page = response.content.decode()
    assert rows == {cases["riverside"].pk}
    assert "There is a problem" not in page and "1 open case." in page
    assert f'value="{typed}"' in page  # the box keeps what was typed


def test_a_school_keeps_the_agency_filters_meaning_and_combines_with_the_others(
    client, cast, cases, hill
):
    client.force_login(cast.manager)
    consulted = factories.CaseFactory(council=cast.council, caseworker=cast.manager)
    SettingConsultation.objects.create(
        case=consulted,
        setting=hill,
        sent_on=factories.RECEIVED,
        reply_due_on=factories.RECEIVED + timedelta(days=15),
    )
    _, by_hill = shown(client, "school=100002")
    assert by_hill == {cases["hill"].pk, consulted.pk}  # advice asked of it, or consulted
    _, mine = shown(client, f"school=100002&caseworker={cast.caseworker.pk}")
    assert mine == {cases["hill"].pk}
    asked(cases["hill"], cast.health, AdviceKind.HEALTH)
    _, both = shown(client, f"school=hill&agency={cast.health.pk}")
    assert both == {cases["hill"].pk}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Nowhere School", "No school or setting matches “Nowhere School”"),
        ("999999", "No school or setting matches “999999”"),
        (
            "Primary",
            "2 schools match “Primary”: type more of the name, or the URN "
            "(Hill Top Primary (URN 100002), Riverside Primary (URN 100001))",
        ),
    ],
)
def test_a_school_matching_none_or_several_is_a_message_and_the_other_filters_still_apply(
    client, cast, cases, typed, message
):
    client.force_login(cast.manager)
    _, expected = shown(client, f"caseworker={cast.caseworker.pk}")
    response, rows = shown(client, f"caseworker={cast.caseworker.pk}&school={typed}")
    page = response.content.decode()
    assert rows == expected == {cases["riverside"].pk, cases["hill"].pk}
    assert "<title>Error: Caseload" in page and "There is a problem" in page
    assert message in page and 'href="#f-school"' in page and "govuk-input--error" in page
    assert f'value="{typed}"' in page
    assert f'<option value="{cast.caseworker.pk}" selected>' in page  # still applied


def test_the_agency_list_offers_partner_agencies_and_no_school(client, cast, cases, hill):
    client.force_login(cast.manager)
    page = client.get("/cases/caseload/").content.decode()
    select = re.search(r'<select[^>]*name="agency".*?</select>', page, re.S).group(0)
    offered = set(re.findall(r'<option value="(\d+)"', select))
    assert offered == {str(a.pk) for a in (cast.health, cast.ep, cast.social_care)}
    assert "Riverside" not in select and "Hill Top" not in select
    box = re.search(r'<input[^>]*name="school"[^>]*>', page).group(0)
    assert 'data-setting-search="/agencies/settings/search/"' in box
    # A stale link that chose a school from the old list: a message, and the list unfiltered.
    response, rows = shown(client, f"agency={cast.school.pk}")
    assert "Select an agency from the list" in response.content.decode()
    assert len(rows) == 4


def test_typing_a_school_costs_a_query_or_two_and_no_more_with_more_schools(client, cast, cases):
    client.force_login(cast.manager)

    def queries(query):
        client.get(f"/cases/caseload/?{query}")  # warm caches
        with CaptureQueriesContext(connection) as ctx:
            client.get(f"/cases/caseload/?{query}")
        return len(ctx)

    base = queries("")
    counts = {typed: queries(f"school={typed}") - base for typed in ("100001", "riverside")}
    assert counts == {"100001": 1, "riverside": 2}  # "riverside": the full name first, then words
    for n in range(300):
        factories.AgencyFactory(kind=AgencyKind.SCHOOL, name=f"School {n}", urn=str(200000 + n))
    assert queries("") == base
    assert {t: queries(f"school={t}") - base for t in counts} == counts


def test_the_caseload_pages_keep_the_school_filter(client, cast):
    many = [factories.CaseFactory(council=cast.council) for _ in range(130)]
    for case in many[:110]:
        asked(case, cast.school)
    client.force_login(cast.manager)
    seen, pages = walk_keyset(
        client,
        "/cases/caseload/",
        rows="rows",
        key=lambda row: row[0].pk,
        params={"school": cast.school.urn},
    )
    assert len(seen) == len(set(seen)) == 110 and pages[0].total == 110
    assert all("school=100001" in p.next_query for p in pages[:-1])
