"""Two break-glass requests by one person at the same moment cannot both slip under the rate
limit (AC-07): the service locks the person's row, so the second sees the first's grant.

Needs PostgreSQL and real transactions: each thread has its own connection and commits for real.
"""

from django.contrib.auth import get_user_model
from django.test import override_settings

from agencies.models import AgencyKind, Role
from ehcp.governance import services
from ehcp.governance.models import BreakGlassAttempt, BreakGlassGrant
from ehcp.governance.services import BreakGlassRefused
from tests import factories
from tests.concurrency import POSTGRES_ONLY, outcome, race

pytestmark = POSTGRES_ONLY


@override_settings(BREAK_GLASS_MAX_GRANTS=1)
def test_two_requests_at_once_get_one_grant_when_one_is_the_limit(cast):
    trust = factories.AgencyFactory(kind=AgencyKind.HEALTH, name="Westshire Mental Health Trust")
    factories.agreement(cast.council, [trust])
    adviser = factories.member(trust, Role.HEALTH_ADVISER)
    cases = [factories.CaseFactory(council=cast.council) for _ in range(2)]

    def ask_for(case_id):
        def prepare():
            user = get_user_model().objects.get(pk=adviser.pk)
            reference = f"EHC{case_id:06d}"
            return lambda: services.break_glass_request(
                case_reference=reference,
                date_of_birth=factories.DATE_OF_BIRTH,
                child_identifier="Quillfeather",
                user=user,
                reason="URGENT_CARE",
                justification="Child presented at A&E; need the care plan now",
                request_id=f"race-{case_id}",
            )

        return prepare

    wins, errors = outcome(race(*(ask_for(case.pk) for case in cases)))

    assert len(wins) == 1, errors
    assert len(errors) == 1 and isinstance(errors[0], BreakGlassRefused), errors
    assert errors[0].outcome == "LIMITED"
    assert BreakGlassGrant.objects.count() == 1
    assert sorted(BreakGlassAttempt.objects.values_list("outcome", flat=True)) == [
        "GRANTED",
        "LIMITED",
    ]
