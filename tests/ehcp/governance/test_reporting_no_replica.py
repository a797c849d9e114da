"""With no read replica configured (no `DATABASE_REPLICA_URL`), the reporting pages read from the
primary, like every other page (the replica's tests are in test_reporting_replica.py)."""

from datetime import date

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext

from config.routers import ReportingReplicaRouter
from ehcp.common.replica import REPLICA, reporting_reads
from ehcp.governance.models import AccessEvent
from tests.workflows.test_task_views import d

AUDIT = f'"{AccessEvent._meta.db_table}"'


@pytest.mark.django_db(transaction=True)
def test_without_a_replica_the_reports_read_the_primary(client, cast, ig_lead, requested_case):
    assert REPLICA not in connections.settings
    with reporting_reads():  # no transaction open: only the missing alias keeps the primary
        assert ReportingReplicaRouter().db_for_read(AccessEvent) is None
        assert AccessEvent.objects.all().db == DEFAULT_DB_ALIAS
    client.force_login(ig_lead)
    period = {**d(date(2027, 3, 1), "from_date"), **d(date(2027, 3, 31), "to_date")}
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary:
        response = client.post(
            "/governance/access/person/", {"person": cast.caseworker.pk, **period}
        )
    assert response.status_code == 200
    queries = [query["sql"] for query in primary.captured_queries]
    assert any(sql.startswith("SELECT") and f"FROM {AUDIT}" in sql for sql in queries)
    assert any(sql.startswith(f"INSERT INTO {AUDIT}") for sql in queries)
