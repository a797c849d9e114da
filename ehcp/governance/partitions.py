"""The read audit's monthly partitions on PostgreSQL, made ahead of time.

Migration `governance.0003` makes `ehcp_accessevent` a table partitioned by month of
`occurred_at` (UTC months) with a DEFAULT partition that takes any row no month partition
covers, so an insert is never refused. `audit_partitions_ensure` makes the partitions for this
month and the next `months_ahead` (run by every tick and by `manage.py audit_partitions`), so rows
land in their month's partition rather than in DEFAULT.

If DEFAULT already holds rows of a month about to get its own partition (a clock far ahead, a
tick that did not run for a year), PostgreSQL would refuse to create the partition. Then, in one
transaction holding the table's lock (audit writes wait for it, they are not refused): DEFAULT is
detached and renamed aside, the new month partitions and a new, empty DEFAULT are created, the
old DEFAULT's rows are inserted again through the parent (each lands in its month, or in the new
DEFAULT), and the old DEFAULT is dropped. No row is updated or deleted, so the append-only
trigger has nothing to refuse, and a failure anywhere rolls the whole move back.

On SQLite (development and tests) the table is a plain table and this does nothing.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.db import connections, transaction
from django.utils import timezone

TABLE = "ehcp_accessevent"
DEFAULT_PARTITION = f"{TABLE}_default"
#: Months made ahead of the current one by the tick and the command (the migration makes 12).
MONTHS_AHEAD = 12
# One lock number for this job, so two ticks never create the same partition at once.
_LOCK = 7_250_312


@dataclass(frozen=True)
class PartitionsReport:
    created: list[str] = field(default_factory=list)
    moved: int = 0  # rows taken out of DEFAULT into their new month partitions
    partitioned: bool = True  # False: not PostgreSQL, or the table is not partitioned


def add_months(month: date, n: int) -> date:
    """The first day of the month `n` months after `month`'s (n may be negative)."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months_from(today: date, months_ahead: int) -> list[date]:
    """The first days of this month and the `months_ahead` months after it."""
    first = today.replace(day=1)
    return [add_months(first, n) for n in range(months_ahead + 1)]


def partition_name(month: date) -> str:
    return f"{TABLE}_y{month:%Y}m{month:%m}"


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """[start, end) of a partition: the UTC month."""
    start = datetime(month.year, month.month, 1, tzinfo=UTC)
    following = add_months(month, 1)
    return start, datetime(following.year, following.month, 1, tzinfo=UTC)


def _create_sql(month: date) -> str:
    start, end = month_bounds(month)
    return (
        f"CREATE TABLE IF NOT EXISTS {partition_name(month)} PARTITION OF {TABLE} "
        f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
    )


def _is_partitioned(cursor) -> bool:
    cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
    row = cursor.fetchone()
    return row is not None and row[0] == "p"


def existing_partitions(using: str = "default") -> list[str]:
    """The names of the audit table's partitions (DEFAULT included), oldest first."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s) ORDER BY c.relname",
            [TABLE],
        )
        return [name for (name,) in cursor.fetchall()]


def _rows_in_default(cursor, months: list[date]) -> int:
    if not months:
        return 0
    conditions = " OR ".join("(occurred_at >= %s AND occurred_at < %s)" for _ in months)
    params = [bound for month in months for bound in month_bounds(month)]
    cursor.execute(f"SELECT count(*) FROM {DEFAULT_PARTITION} WHERE {conditions}", params)
    return cursor.fetchone()[0]


def audit_partitions_ensure(
    *, today: date | None = None, months_ahead: int = MONTHS_AHEAD, using: str = "default"
) -> PartitionsReport:
    """Make the audit table's partitions for this month and the next `months_ahead`, moving out
    of DEFAULT any rows of those months. Idempotent: a second run creates and moves nothing."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return PartitionsReport(partitioned=False)
    today = today or timezone.now().astimezone(UTC).date()
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if not _is_partitioned(cursor):
            return PartitionsReport(partitioned=False)
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
        have = set(existing_partitions(using))
        missing = [
            month for month in months_from(today, months_ahead) if partition_name(month) not in have
        ]
        if not missing:
            return PartitionsReport()
        moved = _rows_in_default(cursor, missing) if DEFAULT_PARTITION in have else 0
        if not moved:
            for month in missing:
                cursor.execute(_create_sql(month))
            return PartitionsReport(created=[partition_name(month) for month in missing])
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        # Rows written earlier in this transaction have their (deferred) foreign keys still to
        # check, and PostgreSQL will not drop a table with checks pending: check them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {DEFAULT_PARTITION}")
        cursor.execute(f"ALTER TABLE {DEFAULT_PARTITION} RENAME TO {DEFAULT_PARTITION}_moving")
        for month in missing:
            cursor.execute(_create_sql(month))
        cursor.execute(f"CREATE TABLE {DEFAULT_PARTITION} PARTITION OF {TABLE} DEFAULT")
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {DEFAULT_PARTITION}_moving")
        cursor.execute(f"DROP TABLE {DEFAULT_PARTITION}_moving")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's keys are initially deferred
        return PartitionsReport(created=[partition_name(month) for month in missing], moved=moved)
