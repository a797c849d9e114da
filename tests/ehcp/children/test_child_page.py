"""The child's page: the plan in force, the episodes the reader may see, one timeline across them.
Access as an attacker tries it, whereabouts withheld, and a constant number of queries."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ehcp.assessments.models import Assessment, AssessmentStatus
from ehcp.children.selectors import ChildEvent, child_timeline
from ehcp.plans.models import EhcPlan
from tests import factories
from tests.factories import CaseWalk

pytestmark = pytest.mark.django_db


def page(client, user, child):
    client.force_login(user)
    return client.get(f"/children/{child.public_id}/")


@pytest.fixture
def issued(cast):
    """A child whose assessment issued a final plan, naming the child's school."""
    return CaseWalk(cast).to(AssessmentStatus.FINAL_ISSUED).refresh()


def test_the_council_sees_the_plan_in_force_and_the_episode(client, cast, issued):
    response = page(client, cast.caseworker, issued.child)
    body = response.content.decode()
    assert response.status_code == 200
    plan = EhcPlan.objects.get(child=issued.child)
    assert plan.reference in body and "In force" in body
    assert f"{issued.final_issued_on:%-d %B %Y}" in body
    assert issued.reference in body and f"/cases/{issued.public_id}/" in body
    for event in ("Request for an EHC needs assessment received", "Final plan issued"):
        assert event in body
    assert issued.named_setting.name in body
    assert "Consent" in body and "Morwenna Quillfeather" in body  # who gave consent
    assert f'href="/cases/{issued.public_id}/plan/documents/"' in body


def test_partners_see_no_consent_records(client, cast, issued):
    body = page(client, cast.health_adviser, issued.child).content.decode()
    assert "Morwenna Quillfeather" not in body


def test_the_case_page_links_to_the_childs_page(client, cast, issued):
    client.force_login(cast.caseworker)
    body = client.get(f"/cases/{issued.public_id}/").content.decode()
    assert f'href="/children/{issued.child.public_id}/"' in body


def test_a_child_without_a_plan_says_so(client, cast):
    case = CaseWalk(cast).to(AssessmentStatus.ASSESSING).refresh()
    body = page(client, cast.caseworker, case.child).content.decode()
    assert "has no EHC plan" in body
    assert case.reference in body and "Due " in body  # the open episode's final plan due date


def test_a_ceased_plan_is_shown_as_ceased_with_no_plan_in_force(client, cast, issued):
    EhcPlan.objects.filter(child=issued.child).update(status="CEASED", ceased_on="2026-07-31")
    body = page(client, cast.caseworker, issued.child).content.decode()
    assert "plan has ceased (31 July 2026). There is no plan in force." in body
    assert "EHC plan ceased" in body  # on the timeline
    assert 'id="ehc-plan"' not in body


def test_a_partner_sees_only_the_episodes_their_agency_works_on(client, cast, issued):
    """An earlier assessment the health trust had no part in is not listed for them."""
    earlier = factories.CaseFactory(
        child=issued.child,
        council=cast.council,
        request_received_on=date(2021, 3, 1),
    )
    Assessment.objects.filter(pk=earlier.pk).update(
        status=AssessmentStatus.REFUSED, closed_on="2021-04-01"
    )
    council_body = page(client, cast.caseworker, issued.child).content.decode()
    assert earlier.reference in council_body
    partner = page(client, cast.health_adviser, issued.child)
    assert partner.status_code == 200
    body = partner.content.decode()
    assert issued.reference in body
    assert earlier.reference not in body


def test_people_with_no_episode_of_the_child_get_not_found(client, cast, issued):
    for user in (cast.outsider, factories.member(cast.council, "PANEL_MEMBER")):
        assert page(client, user, issued.child).status_code == 404
    client.force_login(cast.caseworker)
    assert client.get(f"/children/{issued.public_id}/").status_code == 404  # a case's id


def test_a_protected_childs_named_setting_is_withheld_from_partners(client, cast, issued):
    issued.child.protected_whereabouts = True
    issued.child.save()
    school = issued.named_setting.name
    allowed = factories.member(cast.council, "CASEWORKER", username="allowed")
    allowed.memberships.update(may_see_protected_whereabouts=True)
    assert school in page(client, allowed, issued.child).content.decode()
    for user in (cast.caseworker, cast.health_adviser):  # no explicit permission
        body = page(client, user, issued.child).content.decode()
        assert school not in body
        assert "withheld" in body


def test_the_page_costs_the_same_queries_with_one_or_four_episodes(client, cast, issued):
    def count():
        client.force_login(cast.caseworker)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/children/{issued.child.public_id}/").status_code == 200
        return len(queries)

    count()  # the first page after signing in also touches the session
    one = count()
    for year in (2019, 2020, 2021):
        earlier = factories.CaseFactory(
            child=issued.child, council=cast.council, request_received_on=date(year, 1, 6)
        )
        Assessment.objects.filter(pk=earlier.pk).update(status=AssessmentStatus.REFUSED)
    assert count() == one


def test_the_timeline_runs_newest_first_across_episodes():
    older = factories.CaseFactory.build(
        pk=1,
        request_received_on=date(2020, 1, 6),
        assessment_decided_on=date(2020, 2, 10),
        status=AssessmentStatus.REFUSED,
    )
    newer = factories.CaseFactory.build(
        pk=2,
        request_received_on=date(2024, 1, 8),
        assessment_decided_on=date(2024, 2, 12),
        issue_decided_on=date(2024, 4, 1),
        draft_issued_on=date(2024, 4, 8),
        final_issued_on=date(2024, 5, 20),
        status=AssessmentStatus.FINAL_ISSUED,
    )
    plan = EhcPlan(pk=7, first_issued_on=date(2024, 5, 20))
    events = child_timeline([newer, older], [plan])
    assert events == [
        ChildEvent(date(2024, 5, 20), "PLAN000007", "EHC plan in force"),
        ChildEvent(date(2024, 5, 20), "EHC000002", "Final plan issued"),
        ChildEvent(date(2024, 4, 8), "EHC000002", "Draft plan sent to the family"),
        ChildEvent(date(2024, 4, 1), "EHC000002", "Decided to issue a plan"),
        ChildEvent(date(2024, 2, 12), "EHC000002", "Decided to assess; advice requested"),
        ChildEvent(date(2024, 1, 8), "EHC000002", "Request for an EHC needs assessment received"),
        ChildEvent(date(2020, 2, 10), "EHC000001", "Decided not to assess"),
        ChildEvent(date(2020, 1, 6), "EHC000001", "Request for an EHC needs assessment received"),
    ]
