"""The read audit is partitioned by month on PostgreSQL (migration governance.0003): each row
lands in its month's partition, a row no partition covers lands in DEFAULT and is never refused,
the database refuses UPDATE and DELETE on the parent and on every partition, and
`audit_partitions_ensure` makes the months ahead, moving out of DEFAULT the rows of a month
that gets its own partition."""

from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from ehcp.governance import partitions
from ehcp.governance.audit import access_event_write
from ehcp.governance.models import AccessEvent
from ehcp.governance.partitions import add_months, audit_partitions_ensure, partition_name

pytestmark = pytest.mark.django_db


def postgres_only(test):
    test = pytest.mark.postgres(test)
    return pytest.mark.skipif(
        connection.vendor != "postgresql", reason="partitions are PostgreSQL only"
    )(test)


def _this_month() -> date:
    return timezone.now().astimezone(UTC).date().replace(day=1)


def _at(month: date, day: int = 15) -> datetime:
    return datetime(month.year, month.month, day, 10, 30, tzinfo=UTC)


def _write(user, when: datetime) -> AccessEvent:
    return access_event_write(user=user, what="case", request_id="req-part", now=when)


def _partition_of(event: AccessEvent) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM ehcp_accessevent WHERE id = %s", [event.pk]
        )
        return cursor.fetchone()[0]


def _refused(sql: str) -> None:
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)


# -- pure helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "month, n, expected",
    [
        (date(2026, 12, 1), 1, date(2027, 1, 1)),
        (date(2026, 1, 1), 12, date(2027, 1, 1)),
        (date(2026, 3, 1), -3, date(2025, 12, 1)),
        (date(2024, 2, 1), 0, date(2024, 2, 1)),
    ],
)
def test_add_months_crosses_year_ends(month, n, expected):
    assert add_months(month, n) == expected


def test_months_from_are_this_month_and_the_months_ahead():
    assert partitions.months_from(date(2026, 11, 20), 2) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
    ]
    assert partitions.month_bounds(date(2026, 12, 1)) == (
        datetime(2026, 12, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    )
    assert partition_name(date(2027, 3, 1)) == "ehcp_accessevent_y2027m03"


def test_the_table_is_partitioned_on_postgresql_only_and_takes_a_row_on_both(caseworker):
    """SQLite keeps a plain table and nothing is made; PostgreSQL's partitions are checked in
    detail below."""
    report = audit_partitions_ensure()
    assert report.partitioned == (connection.vendor == "postgresql")
    if connection.vendor != "postgresql":
        assert report == partitions.PartitionsReport(partitioned=False)
    _write(caseworker, timezone.now())
    assert AccessEvent.objects.count() == 1


# -- PostgreSQL --------------------------------------------------------------------------------


@postgres_only
def test_rows_land_in_their_months_partition(caseworker):
    now_month = _this_month()
    next_month = add_months(now_month, 1)
    this = _write(caseworker, _at(now_month))
    later = _write(caseworker, _at(next_month, 1))
    assert _partition_of(this) == partition_name(now_month)
    assert _partition_of(later) == partition_name(next_month)
    assert list(AccessEvent.objects.order_by("pk")) == [this, later]


@postgres_only
def test_a_row_for_a_month_without_a_partition_lands_in_default(caseworker):
    far = add_months(_this_month(), 40)
    event = _write(caseworker, _at(far))
    assert _partition_of(event) == "ehcp_accessevent_default"
    assert AccessEvent.objects.get(pk=event.pk).occurred_at == _at(far)


@postgres_only
def test_update_and_delete_are_refused_on_the_parent_and_on_each_partition(caseworker):
    _write(caseworker, _at(_this_month()))
    _write(caseworker, _at(add_months(_this_month(), 40)))
    for table in (
        "ehcp_accessevent",
        partition_name(_this_month()),
        "ehcp_accessevent_default",
    ):
        _refused(f"UPDATE {table} SET what = 'tampered'")
        _refused(f"DELETE FROM {table}")
    assert AccessEvent.objects.count() == 2


@postgres_only
def test_ensure_makes_the_months_ahead_once(caseworker):
    """The migration made this month and the next 12; asking for 14 ahead makes two more, and
    asking again makes nothing."""
    this_month = _this_month()
    first = audit_partitions_ensure(months_ahead=14)
    assert first.created == [
        partition_name(add_months(this_month, 13)),
        partition_name(add_months(this_month, 14)),
    ]
    assert first.moved == 0
    again = audit_partitions_ensure(months_ahead=14)
    assert again == partitions.PartitionsReport()
    names = partitions.existing_partitions()
    assert partition_name(add_months(this_month, 14)) in names
    assert "ehcp_accessevent_default" in names
    event = _write(caseworker, _at(add_months(this_month, 14)))
    assert _partition_of(event) == partition_name(add_months(this_month, 14))


@postgres_only
def test_ensure_moves_rows_out_of_default_into_their_new_month(caseworker):
    later = add_months(_this_month(), 30)
    stays = add_months(_this_month(), 45)
    moving = [_write(caseworker, _at(later, day)) for day in (1, 28)]
    staying = _write(caseworker, _at(stays))
    assert {_partition_of(event) for event in [*moving, staying]} == {"ehcp_accessevent_default"}

    report = audit_partitions_ensure(today=later, months_ahead=1)

    assert report.created == [partition_name(later), partition_name(add_months(later, 1))]
    assert report.moved == 2
    assert [_partition_of(event) for event in moving] == [partition_name(later)] * 2
    assert _partition_of(staying) == "ehcp_accessevent_default"
    assert list(AccessEvent.objects.order_by("pk")) == [*moving, staying]
    # The new partitions and the new DEFAULT are append-only too.
    _refused(f"DELETE FROM {partition_name(later)}")
    _refused("UPDATE ehcp_accessevent_default SET what = 'tampered'")
    # And a second run has nothing to do.
    assert audit_partitions_ensure(today=later, months_ahead=1) == partitions.PartitionsReport()


@postgres_only
def test_the_command_reports_what_it_made(caseworker):
    out = StringIO()
    call_command("audit_partitions", "--months", "13", stdout=out)
    made = partition_name(add_months(_this_month(), 13))
    assert out.getvalue().strip() == (
        f"Partitions created: 1 ({made}); rows moved out of DEFAULT: 0"
    )
    out = StringIO()
    call_command("audit_partitions", "--months", "13", stdout=out)
    assert out.getvalue().strip() == "Partitions created: 0; rows moved out of DEFAULT: 0"
