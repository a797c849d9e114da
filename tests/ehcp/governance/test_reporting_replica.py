"""Reporting pages read from the read replica when one is configured (`DATABASE_REPLICA_URL`,
`config.routers.ReportingReplicaRouter`, `ehcp.common.replica.reporting_reads`); their audit rows,
and every other read and write, go to the primary; with no replica everything is the primary's.

The replica here is a second connection to the primary's test database (what `TEST: {"MIRROR":
"default"}` gives), added for the test only: a replica alias configured for the whole suite would
send every transactional test's reporting reads to a database it has not declared. The tests
that use it are transactional, because a second connection sees only committed rows, as a real
replica does.
"""

from datetime import date, datetime

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.routers import ReportingReplicaRouter
from ehcp.common.replica import REPLICA, in_reporting_scope, reporting_reads
from ehcp.governance.audit import access_event_write
from ehcp.governance.models import AccessEvent
from ehcp.reviews.models import Review
from tests.workflows.test_task_views import d

both_databases = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
AUDIT = f'"{AccessEvent._meta.db_table}"'
WHEN = timezone.make_aware(datetime(2027, 3, 10, 9, 0))


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup, django_db_blocker):
    """A `replica` alias mirroring the primary's test database, for this module only. Module
    scoped so that it exists before each test declares the databases it uses."""
    added = REPLICA not in connections.settings
    if added:
        primary = connections[DEFAULT_DB_ALIAS].settings_dict
        connections.settings[REPLICA] = {
            **primary,
            "TEST": {**primary["TEST"], "MIRROR": DEFAULT_DB_ALIAS},
        }
    yield
    with django_db_blocker.unblock():
        connections[REPLICA].close()
    if added:
        del connections[REPLICA]
        del connections.settings[REPLICA]


@pytest.fixture
def replica():
    return connections[REPLICA]


def _sql(captured) -> list[str]:
    return [query["sql"] for query in captured.captured_queries]


def _reads_audit(queries) -> bool:
    return any(sql.startswith("SELECT") and f"FROM {AUDIT}" in sql for sql in queries)


def _writes_audit(queries) -> bool:
    return any(sql.startswith(f"INSERT INTO {AUDIT}") for sql in queries)


def _report(client, case, person):
    period = {**d(date(2027, 3, 1), "from_date"), **d(date(2027, 3, 31), "to_date")}
    by_child = client.post(
        "/governance/access/child/", {"case_reference": case.reference, **period}
    )
    by_person = client.post("/governance/access/person/", {"person": person.pk, **period})
    return by_child, by_person


@both_databases
def test_ig_reports_read_the_replica_and_write_their_audit_row_to_the_primary(
    replica, client, cast, ig_lead, requested_case
):
    access_event_write(
        user=cast.caseworker, what="case", case=requested_case, request_id="seen", now=WHEN
    )
    client.force_login(ig_lead)
    before = AccessEvent.objects.count()
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(replica) as read_replica,
    ):
        by_child, by_person = _report(client, requested_case, cast.caseworker)
    assert by_child.status_code == by_person.status_code == 200
    # What the replica read is on the pages: the caseworker's read, in both reports.
    assert len(by_child.context["events"]) == len(by_person.context["events"]) == 1
    assert _reads_audit(_sql(read_replica))
    assert not _writes_audit(_sql(read_replica))
    assert not _reads_audit(_sql(primary))
    assert _writes_audit(_sql(primary))
    assert AccessEvent.objects.count() == before + 2  # each report's own audit row


@both_databases
def test_the_review_figures_read_the_replica(replica, client, cast):
    client.force_login(cast.manager)
    reviews = f'"{Review._meta.db_table}"'
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(replica) as read_replica,
    ):
        response = client.get("/tasks/reviews/figures/", {"year": "2026"})
    assert response.status_code == 200
    assert any(reviews in sql for sql in _sql(read_replica))
    assert not any(reviews in sql for sql in _sql(primary))


@both_databases
def test_reads_stay_on_the_primary_outside_the_scope_and_inside_a_transaction(replica):
    assert AccessEvent.objects.all().db == DEFAULT_DB_ALIAS
    with reporting_reads():
        assert in_reporting_scope()
        assert AccessEvent.objects.all().db == REPLICA
        with transaction.atomic():
            # The transaction may have written: read its own writes.
            assert AccessEvent.objects.all().db == DEFAULT_DB_ALIAS
        assert AccessEvent.objects.all().db == REPLICA
    assert not in_reporting_scope()
    assert AccessEvent.objects.all().db == DEFAULT_DB_ALIAS


@both_databases
def test_writes_and_migrations_go_to_the_primary_only(replica):
    router = ReportingReplicaRouter()
    with reporting_reads():
        assert router.db_for_write(AccessEvent) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "governance")
    assert not router.allow_migrate(REPLICA, "governance")
