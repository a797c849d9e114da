"""On PostgreSQL the database itself refuses to change or delete audit, disclosure and decision
rows, and to delete incidents, whatever SQL is sent (AU-03 in part: the trigger, not yet the hash
chain)."""

from datetime import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from ehcp.governance import services
from ehcp.governance.models import AccessEvent, DecisionNotToShare, Disclosure, SecurityIncident

from .conftest import consent, decide_to_assess, make_request

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the triggers are PostgreSQL only"
    ),
]


@pytest.fixture
def rows(cast, ig_lead, requested_case):
    from ehcp.governance.audit import audit_read

    consent(requested_case, cast, [cast.health, cast.ep])
    decide_to_assess(requested_case, cast)
    audit_read(make_request(cast.caseworker), what="case", case=requested_case)
    services.decision_not_to_share_record(
        case=requested_case,
        agency=cast.social_care,
        purpose="STATUTORY_ASSESSMENT",
        reason="Not needed",
        by=cast.caseworker,
    )
    now = timezone.make_aware(datetime(2027, 3, 10, 9, 0))
    services.incident_record(
        kind="C", description="Wrong recipient", aware_at=now, by=ig_lead, now=now
    )


def refused(sql):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)


@pytest.mark.parametrize(
    "table, column",
    [
        ("ehcp_accessevent", "what"),
        ("ehcp_disclosure", "channel"),
        ("ehcp_decisionnottoshare", "reason"),
    ],
)
def test_update_and_delete_are_refused_by_the_database(rows, table, column):
    refused(f"UPDATE {table} SET {column} = 'tampered'")
    refused(f"DELETE FROM {table}")
    assert AccessEvent.objects.count() == 1
    assert Disclosure.objects.count() == 2
    assert DecisionNotToShare.objects.count() == 1


def test_incidents_can_be_updated_but_not_deleted_by_the_database(rows):
    refused("DELETE FROM ehcp_securityincident")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE ehcp_securityincident SET actions = 'Recalled the letter'")
    assert SecurityIncident.objects.get().actions == "Recalled the letter"
