"""Advice timeliness by provider (/tasks/advice/figures/): the figures against a data set with
known answers, who sees which rows, the CSV, and a constant number of queries."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ehcp.assessments.models import AdviceRequest, AssessmentStatus, StatutoryException
from tests.factories import CaseWalk
from workflows.models import TaskAlert

pytestmark = pytest.mark.django_db

URL = reverse("workflows:advice:figures")
TODAY = datetime(2026, 11, 15, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _set(advice: AdviceRequest, requested, due, received=None, **fields):
    AdviceRequest.objects.filter(pk=advice.pk).update(
        requested_on=requested, due_on=due, received_on=received, **fields
    )


@pytest.fixture
def asked(cast):
    """Four cases asking health and the EP service, with these dates (2026 unless said):

    health: on time (2 Mar -> 10 Apr, 39 days); late with an exception (4 May -> 25 Jun, 52
    days); overdue since 12 Nov, escalated; not yet due (14 Dec). EP: late (2 Feb -> 30 Mar, 56
    days); cancelled; two asked in 2025. The family's views are never counted."""
    walks = [
        CaseWalk(cast, advice=("PARENT_VIEWS", "HEALTH", "PSYCHOLOGICAL")).to(
            AssessmentStatus.ASSESSING
        )
        for _ in range(4)
    ]
    health = [walk.advice_request("HEALTH") for walk in walks]
    ep = [walk.advice_request("PSYCHOLOGICAL") for walk in walks]
    _set(health[0], date(2026, 3, 2), date(2026, 4, 13), date(2026, 4, 10))
    _set(health[1], date(2026, 5, 4), date(2026, 6, 15), date(2026, 6, 25))
    StatutoryException.objects.create(
        case=walks[1].case,
        period_code="EHCP-ADVICE-6W",
        advice_request=health[1],
        limb="10(4)(a)",
        starts_on=date(2026, 5, 10),
        ends_on=date(2026, 6, 1),
        evidence="The clinic was closed.",
        reasoning="No appointment could be had.",
        family_told_on=date(2026, 5, 11),
        recorded_by=cast.caseworker,
    )
    _set(health[2], date(2026, 10, 1), date(2026, 11, 12))
    TaskAlert.objects.create(
        task=walks[2].advice_task("HEALTH"),
        kind=TaskAlert.Kind.ESCALATION,
        due_on=date(2026, 11, 12),
        sent_on=date(2026, 11, 14),
    )
    _set(health[3], date(2026, 11, 2), date(2026, 12, 14))
    _set(ep[0], date(2026, 2, 2), date(2026, 3, 16), date(2026, 3, 30))
    _set(ep[1], date(2026, 2, 2), date(2026, 3, 16), status=AdviceRequest.Status.CANCELLED)
    _set(ep[2], date(2025, 2, 2), date(2025, 3, 16))
    _set(ep[3], date(2025, 12, 31), date(2026, 2, 11))
    for walk in walks:
        _set(walk.advice_request("PARENT_VIEWS"), date(2026, 3, 2), date(2026, 4, 13))
    return walks


def _rows(response):
    return {name: row for name, row in response.context["rows"]}


def test_the_council_manager_sees_every_provider_with_known_figures(client, cast, asked):
    client.force_login(cast.manager)

    response = client.get(URL, {"year": 2026})

    assert response.status_code == 200
    rows = _rows(response)
    assert set(rows) == {cast.health.name, cast.ep.name}
    health = rows[cast.health.name]
    assert (health.requested, health.on_time, health.late, health.late_excused) == (4, 1, 1, 1)
    assert (health.overdue, health.outstanding, health.escalated) == (1, 1, 1)
    assert (health.percent_on_time, health.median_days) == (33.3, 45.5)
    ep = rows[cast.ep.name]
    assert (ep.requested, ep.late, ep.percent_on_time, ep.median_days) == (1, 1, 0.0, 56)
    total = response.context["total"]
    assert (total.requested, total.on_time, total.late, total.overdue, total.escalated) == (
        5,
        1,
        2,
        1,
        1,
    )
    page = response.content.decode()
    assert "33.3%" in page and "45.5" in page
    for walk in asked:  # counts only: no child is named
        assert walk.case.child.last_name not in page


def test_another_year_has_its_own_figures(client, cast, asked):
    client.force_login(cast.manager)

    rows = _rows(client.get(URL, {"year": 2025}))

    assert rows[cast.ep.name].requested == 2 and cast.health.name not in rows


def test_a_bad_year_is_refused_with_a_message_and_the_current_year_shown(client, cast, asked):
    client.force_login(cast.manager)

    response = client.get(URL, {"year": "1999"})

    assert response.status_code == 200
    assert "Enter a year from 2014 to 2026" in response.content.decode()
    assert response.context["year"] == 2026


def test_a_partner_sees_only_their_own_agency(client, cast, asked):
    client.force_login(cast.health_adviser)

    rows = _rows(client.get(URL, {"year": 2026}))

    assert set(rows) == {cast.health.name}
    assert rows[cast.health.name].requested == 4


def test_people_with_no_figures_to_see_are_refused(client, cast, asked):
    for person in (cast.caseworker,):
        client.force_login(person)
        assert client.get(URL).status_code == 403


def test_the_table_downloads_as_csv(client, cast, asked):
    client.force_login(cast.manager)

    response = client.get(URL, {"year": 2026, "format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="advice-timeliness-2026.csv"' in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("Agency,Requested,Returned within 6 weeks,Returned late")
    assert f"{cast.health.name},4,1,1,1,1,1,33.3,45.5,1" in lines
    assert f"{cast.ep.name},1,0,1,0,0,0,0.0,56,0" in lines


def test_schools_are_one_row_for_the_council(client, cast):
    walk = CaseWalk(cast, advice=("EDUCATIONAL",)).to(AssessmentStatus.ASSESSING)
    _set(walk.advice_request("EDUCATIONAL"), date(2026, 3, 2), date(2026, 4, 13))
    client.force_login(cast.manager)

    rows = _rows(client.get(URL, {"year": 2026}))

    assert set(rows) == {"Schools and settings"}
    client.force_login(cast.senco)  # the school's own adviser sees its name
    assert set(_rows(client.get(URL, {"year": 2026}))) == {cast.school.name}


def test_the_page_reads_the_same_number_of_queries_for_one_request_and_many(client, cast):
    client.force_login(cast.manager)

    def queries(expected_rows):
        AdviceRequest.objects.update(requested_on=date(2026, 3, 2), due_on=date(2026, 4, 13))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, {"year": 2026})
        assert len(response.context["rows"]) == expected_rows
        return len(captured)

    CaseWalk(cast, advice=("HEALTH",)).to(AssessmentStatus.ASSESSING)
    one = queries(1)
    for _ in range(3):
        CaseWalk(cast, advice=("HEALTH", "PSYCHOLOGICAL", "SOCIAL_CARE")).to(
            AssessmentStatus.ASSESSING
        )
    assert queries(3) == one
