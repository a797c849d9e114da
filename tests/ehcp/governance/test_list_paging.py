"""The break-glass review queue and the incident register are paged, with totals, and every
row is reachable."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from agencies.models import Role
from ehcp.common.pagination import PAGE_SIZE as SIZE
from ehcp.governance import services
from ehcp.governance.models import BreakGlassAttempt, BreakGlassGrant, BreakGlassOutcome
from tests import factories
from tests.paging import spans, walk_keyset

pytestmark = pytest.mark.django_db

START = timezone.make_aware(datetime(2027, 3, 1, 9, 0))


def test_every_unreviewed_grant_is_reachable_oldest_first(
    client, cast, ig_lead, other_health, requested_case
):
    grants = BreakGlassGrant.objects.bulk_create(
        BreakGlassGrant(
            case=requested_case,
            user=other_health,
            reason="COVER",
            justification="Covering a colleague's caseload",
            granted_at=START + timedelta(hours=n // 3),  # three at a time: ties broken by id
            expires_at=START + timedelta(hours=n // 3 + 1),
        )
        for n in range(80)
    )
    client.force_login(ig_lead)
    seen, pages = walk_keyset(
        client, "/governance/break-glass/review/", rows="grants", key=lambda g: g.pk
    )
    assert len(seen) == len(set(seen)) == 80
    assert seen == [g.pk for g in sorted(grants, key=lambda g: (g.granted_at, g.pk))]
    assert pages[0].total == 80
    assert (
        f"Showing 1 to {SIZE} of 80 grants"
        in client.get("/governance/break-glass/review/").content.decode()
    )


def test_every_incident_is_reachable_newest_first(client, cast, ig_lead):
    for n in range(60):
        services.incident_record(
            kind="C",
            description=f"Letter {n} to the wrong address",
            aware_at=START + timedelta(days=n // 2),
            by=ig_lead,
            now=START + timedelta(days=n // 2, hours=1),
        )
    client.force_login(ig_lead)
    seen, pages = walk_keyset(
        client, "/governance/incidents/", rows="incidents", key=lambda row: row[0].pk
    )
    assert len(seen) == len(set(seen)) == 60
    from ehcp.governance.models import SecurityIncident

    expected = sorted(
        SecurityIncident.objects.all(), key=lambda i: (i.aware_at, i.pk), reverse=True
    )
    assert seen == [i.pk for i in expected]
    assert [(p.first_index, p.last_index, p.total) for p in pages] == spans(60, SIZE)


def test_every_person_refused_emergency_access_is_reachable(client, cast, ig_lead):
    """One row per person, 25 to a page, and the total shown: nobody refused is hidden."""
    now = timezone.now()
    people = [
        factories.member(cast.school, Role.SENCO, username=f"refused{n:02d}") for n in range(30)
    ]
    BreakGlassAttempt.objects.bulk_create(
        BreakGlassAttempt(
            user=person,
            attempted_at=now - timedelta(minutes=n),
            outcome=BreakGlassOutcome.NOT_ALLOWED,
            reference_entered="X",
        )
        for n, person in enumerate(people)
    )
    client.force_login(ig_lead)
    seen = []
    for number in (1, 2):
        response = client.get(f"/governance/break-glass/refused/?page={number}")
        assert (
            "Showing" in response.content.decode() and "of 30 people" in response.content.decode()
        )
        seen += [row["user__username"] for row in response.context["rows"]]
    assert sorted(seen) == sorted(person.username for person in people)
    assert len(seen) == 30
