"""The health body finds the section G provision it must agree from its start page.

Without this, a health adviser whose advice was accepted had no link to the plan: the only way
to the agreement page was typing its address.
"""

from datetime import timedelta

import pytest

from agencies.access import actor_for
from agencies.models import AgencyKind, Role
from ehcp.assessments.models import Assessment, AssessmentStatus
from ehcp.governance.models import AccessEvent
from ehcp.plans import selectors as plan_selectors
from ehcp.plans import services
from ehcp.plans.models import PlanProvision
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafting(walk):
    """A case with accepted advice and a plan built from it: one G provision not yet agreed."""
    walk.to(AssessmentStatus.DRAFTING)
    case = walk.case
    services.plan_fill_from_advice(case=case, by=walk.cast.caseworker)
    services.suggestions_accept_all(plan=case.plan, by=walk.cast.caseworker)
    return walk


def _health_section(client, user):
    client.force_login(user)
    html = client.get("/").content.decode()
    if "Health provision for your agreement" not in html:
        return None
    return html[html.index("Health provision for your agreement") :]


def test_the_health_adviser_sees_the_case_and_follows_the_link_to_agree(client, drafting):
    case = drafting.case
    provision = PlanProvision.objects.get(plan__case=case, section="G")
    section = _health_section(client, drafting.cast.health_adviser)
    assert section is not None
    link = f'href="/cases/{case.public_id}/plan/documents/"'
    assert link in section and case.child.full_name in section and "(1 to agree)" in section
    # Listing the child on the start page is a read of their record: it is in the audit.
    event = AccessEvent.objects.filter(user=drafting.cast.health_adviser, what="list").latest("pk")
    assert event.child_ids == [case.child_id]

    documents = client.get(f"/cases/{case.public_id}/plan/documents/").content.decode()
    agree = f"/cases/{case.public_id}/plan/provisions/{provision.public_id}/health-agreement/"
    assert agree in documents


def test_the_case_leaves_the_list_once_the_provision_is_agreed(client, drafting):
    provision = PlanProvision.objects.get(plan__case=drafting.case, section="G")
    agreed_on = drafting.when.issue_decided_on + timedelta(days=1)
    services.provision_health_agree(
        provision=provision, agreed_on=agreed_on, by=drafting.cast.health_adviser, today=agreed_on
    )
    assert _health_section(client, drafting.cast.health_adviser) is None


def test_nobody_else_sees_it(client, drafting):
    other_trust = factories.AgencyFactory(kind=AgencyKind.HEALTH, name="Southshire Health Trust")
    other = factories.member(other_trust, Role.HEALTH_ADVISER, username="other_health")
    for user in (other, drafting.cast.caseworker, drafting.cast.psychologist):
        assert _health_section(client, user) is None, user.username


def test_a_plan_that_can_no_longer_change_is_not_listed(drafting):
    case = drafting.case
    actor = actor_for(drafting.cast.health_adviser)
    assert plan_selectors.cases_awaiting_health_agreement(actor)
    Assessment.objects.filter(pk=case.pk).update(status=AssessmentStatus.FINAL_ISSUED)
    assert not plan_selectors.cases_awaiting_health_agreement(actor)


def test_the_list_is_two_queries_however_many_cases(drafting, cast, django_assert_max_num_queries):
    actor = actor_for(cast.health_adviser)
    with django_assert_max_num_queries(2):
        assert len(plan_selectors.cases_awaiting_health_agreement(actor)) == 1


def test_every_plan_waiting_for_agreement_is_reachable_a_page_at_a_time(
    client, drafting, monkeypatch
):
    """The list on the start page is paged with its total; no plan is hidden."""
    from workflows import views

    monkeypatch.setattr(views, "HEALTH_AGREEMENTS_PAGE", 1)
    second = factories.CaseWalk(drafting.cast).to(AssessmentStatus.DRAFTING)
    services.plan_fill_from_advice(case=second.case, by=drafting.cast.caseworker)
    services.suggestions_accept_all(plan=second.case.plan, by=drafting.cast.caseworker)
    client.force_login(drafting.cast.health_adviser)
    shown = []
    for number in (1, 2):
        response = client.get(f"/?page={number}")
        assert "of 2 plans" in response.content.decode()
        shown += [case.pk for case in response.context["health_agreements"].object_list]
    assert sorted(shown) == sorted([drafting.case.pk, second.case.pk])
