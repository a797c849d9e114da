"""A partner sees a case only while its lawful basis lasts (issue 9; ISA "Lawful basis"):
advice asked for under consent ends with the consent (UK GDPR Art 7(3)), an SEN manager's
override is a basis of its own, and a setting consultation is the council's statutory duty
(Children and Families Act 2014, ss.39 and 40), shown as such."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from agencies.access import actor_for
from ehcp.assessments.models import Assessment, AssessmentStatus
from ehcp.children import services as child_services
from ehcp.children.models import ConsentRecord
from ehcp.children.rules.consent import ConsentFact, Step
from ehcp.governance.access import case_visible_to
from ehcp.governance.rules.access_basis import Basis, partner_bases
from tests.factories import CaseWalk

ON = date(2026, 10, 1)
HEALTH, EP, SCHOOL = 1, 2, 3


def consent(agencies, *, given=ON - timedelta(days=30), withdrawn=None, purpose=None):
    return ConsentFact(
        purpose=purpose or "STATUTORY_ASSESSMENT",
        agency_ids=frozenset(agencies),
        given_on=given,
        withdrawn_on=withdrawn,
    )


@pytest.mark.parametrize(
    ("asked", "consulted", "consents", "overridden", "expected"),
    [
        ({HEALTH}, set(), [consent({HEALTH})], False, {HEALTH: Basis.CONSENT}),
        # withdrawn on or before the day: the basis is gone
        ({HEALTH}, set(), [consent({HEALTH}, withdrawn=ON)], False, {}),
        ({HEALTH}, set(), [consent({HEALTH}, withdrawn=ON - timedelta(days=1))], False, {}),
        # withdrawn later: still current today
        (
            {HEALTH},
            set(),
            [consent({HEALTH}, withdrawn=ON + timedelta(days=1))],
            False,
            {HEALTH: Basis.CONSENT},
        ),
        # another current consent still covers the agency
        (
            {HEALTH},
            set(),
            [consent({HEALTH, EP}, withdrawn=ON), consent({HEALTH})],
            False,
            {HEALTH: Basis.CONSENT},
        ),
        # consent for another purpose does not count
        ({HEALTH}, set(), [consent({HEALTH}, purpose="CONTINUING_CARE")], False, {}),
        # an override is a basis of its own
        (
            {HEALTH},
            set(),
            [consent({HEALTH}, withdrawn=ON)],
            True,
            {HEALTH: Basis.CONSENT_OVERRIDE},
        ),
        # a consulted setting keeps its statutory basis, also when it was asked for advice
        (
            {SCHOOL},
            {SCHOOL},
            [consent({SCHOOL}, withdrawn=ON)],
            False,
            {SCHOOL: Basis.STATUTORY_DUTY},
        ),
        (set(), {SCHOOL}, [], False, {SCHOOL: Basis.STATUTORY_DUTY}),
        (set(), set(), [consent({HEALTH})], True, {}),
    ],
)
def test_partner_bases(asked, consulted, consents, overridden, expected):
    assert (
        partner_bases(
            asked=asked, consulted=consulted, consents=consents, overridden=overridden, on=ON
        )
        == expected
    )


def visible(user, case) -> bool:
    return Assessment.objects.filter(case_visible_to(actor_for(user)), pk=case.pk).exists()


@pytest.mark.django_db
def test_withdrawn_consent_ends_an_advisers_view_but_not_a_consulted_settings(client, cast):
    walk = CaseWalk(cast).to(AssessmentStatus.CONSULTING)
    case = walk.case
    url = f"/cases/{case.public_id}/"
    with time_machine.travel(walk.when.replied_on + timedelta(days=1), tick=False):
        client.force_login(cast.health_adviser)
        page = client.get(url).content.decode()
        assert "Asked for advice, with the family&#x27;s consent" in page
        assert visible(cast.health_adviser, case)

        # The caseworker records the withdrawal on the case's page.
        today = timezone.localdate()
        client.force_login(cast.caseworker)
        consent = ConsentRecord.objects.get(child=case.child)
        response = client.post(
            f"{url}consent/{consent.public_id}/withdraw/",
            {
                "withdrawn_on_0": today.day,
                "withdrawn_on_1": today.month,
                "withdrawn_on_2": today.year,
                "reason": "Letter from the mother",
            },
        )
        assert response.status_code == 302

        # The health adviser no longer has a basis: the case does not exist for them.
        client.force_login(cast.health_adviser)
        assert client.get(url).status_code == 404
        assert not visible(cast.health_adviser, case)

        # The school was consulted about being named: the council's statutory duty, shown as such.
        client.force_login(cast.senco)
        page = client.get(url).content.decode()
        assert "the council&#x27;s statutory duty" in page
        assert "with the family&#x27;s consent" not in page
        assert visible(cast.senco, case)


@pytest.mark.django_db
def test_an_override_keeps_the_advisers_view_after_a_withdrawal(client, cast):
    walk = CaseWalk(cast).to(AssessmentStatus.ASSESSING)
    case = walk.case
    with time_machine.travel(walk.when.issue_decided_on, tick=False):
        child_services.consent_override_record(
            case=case,
            step=Step.REQUEST_ADVICE,
            justification="Safeguarding concern: the advice is needed to protect the child",
            by=cast.manager,
        )
        consent = ConsentRecord.objects.get(child=case.child)
        child_services.consent_withdraw(
            consent=consent,
            withdrawn_on=timezone.localdate(),
            reason="Phone call from the father",
            by=cast.caseworker,
        )
        client.force_login(cast.health_adviser)
        page = client.get(f"/cases/{case.public_id}/").content.decode()
        assert "under an SEN manager&#x27;s recorded decision to proceed without consent" in page
        assert visible(cast.health_adviser, case)
