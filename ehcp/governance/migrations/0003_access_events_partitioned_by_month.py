"""On PostgreSQL the read audit (`ehcp_accessevent`, one row per page read, the fastest-growing
table) becomes a table partitioned by month of `occurred_at`, with a DEFAULT partition so that
no row is ever refused. SQLite keeps a plain table; Django's state does not change.

Forwards, on PostgreSQL, in the migration's transaction:

1. a new partitioned table with the same columns, defaults and check constraints (`LIKE`);
2. one partition a month (UTC months) from the oldest row's month to 12 months ahead, and the
   DEFAULT partition;
3. every row copied across;
4. the old table dropped, after noting its indexes, foreign keys and the position of its id
   sequence; the new table takes the old name, its id is fed by `ehcp_accessevent_id_seq`
   (owned by the column) from where the old one stopped, so no id is ever reused;
5. the primary key becomes (id, occurred_at) (PostgreSQL requires the partition key in it;
   Django still treats `id` as the primary key, and the sequence keeps ids unique); the same
   indexes, with the same names, as partitioned indexes; the same foreign keys; and one more
   index, GIN on `child_ids` (PostgreSQL only, not in Django's state), so that "who saw this
   child" finds the list pages that named the child without reading every row of the period;
6. the append-only trigger re-created on the partitioned table: PostgreSQL clones it onto every
   partition, present and future, so UPDATE and DELETE are refused on the parent and on any
   partition named directly.

Backwards: a plain table again (identity id continuing from the sequence), with its rows,
indexes, foreign keys and trigger.

Partitions for the months ahead are kept by `ehcp.governance.partitions.audit_partitions_ensure`
(`manage.py audit_partitions`, and every tick). See docs/adr/0010-read-audit-partitioned-by-month.md.
"""

from datetime import UTC, date, datetime

from django.db import migrations

TABLE = "ehcp_accessevent"
SEQUENCE = "ehcp_accessevent_id_seq"
MONTHS_AHEAD = 12
# "Who saw this child" also finds the list pages that listed the child (`child_ids @> [id]`); a
# btree cannot answer that, so without this every partition in the period is read in full.
LISTED_INDEX = "ehcp_accessevent_child_ids_gin"
LISTED_INDEX_SQL = f"CREATE INDEX {LISTED_INDEX} ON {TABLE} USING gin (child_ids jsonb_path_ops)"
TRIGGER = (
    f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION ehcp_refuse_audit_change()"
)


def _add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def _stamp(month: date) -> str:
    return f"{month:%Y-%m-%d} 00:00:00+00"


def _fetch(cursor, sql, params=None):
    cursor.execute(sql, params)
    return cursor.fetchall()


def _indexes_and_foreign_keys(cursor, table: str):
    """The table's indexes (but the primary key) and foreign keys, as SQL that re-creates them
    on whatever table then has the name `table`."""
    indexes = [
        definition.replace(" ON ONLY ", " ON ")
        for (definition,) in _fetch(
            cursor,
            "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary ORDER BY 1",
            [table],
        )
    ]
    foreign_keys = [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for name, definition in _fetch(
            cursor,
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY 1",
            [table],
        )
    ]
    return indexes, foreign_keys


def _next_id(cursor, table: str) -> int:
    """The id the table's sequence would give next (never below max(id) + 1)."""
    ((sequence,),) = _fetch(cursor, "SELECT pg_get_serial_sequence(%s, 'id')", [table])
    ((last, called),) = _fetch(cursor, f"SELECT last_value, is_called FROM {sequence}")
    ((highest,),) = _fetch(cursor, f"SELECT coalesce(max(id), 0) FROM {table}")
    return max(last + 1 if called else last, highest + 1)


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        ((kind,),) = _fetch(cursor, "SELECT relkind FROM pg_class WHERE oid = %s::regclass", [TABLE])
        if kind == "p":
            return
        indexes, foreign_keys = _indexes_and_foreign_keys(cursor, TABLE)
        next_id = _next_id(cursor, TABLE)
        ((oldest,),) = _fetch(cursor, f"SELECT min(occurred_at) FROM {TABLE}")
        now = datetime.now(UTC)
        first = (oldest or now).astimezone(UTC).date().replace(day=1)
        last = _add_months(now.date().replace(day=1), MONTHS_AHEAD)

        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(
            f"CREATE TABLE {TABLE}_partitioned (LIKE {TABLE} INCLUDING DEFAULTS "
            "INCLUDING CONSTRAINTS) PARTITION BY RANGE (occurred_at)"
        )
        month = first
        while month <= last:
            following = _add_months(month, 1)
            cursor.execute(
                f"CREATE TABLE {TABLE}_y{month:%Y}m{month:%m} PARTITION OF {TABLE}_partitioned "
                f"FOR VALUES FROM ('{_stamp(month)}') TO ('{_stamp(following)}')"
            )
            month = following
        cursor.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE}_partitioned DEFAULT")
        cursor.execute(f"INSERT INTO {TABLE}_partitioned SELECT * FROM {TABLE}")
        cursor.execute(f"DROP TABLE {TABLE}")  # its indexes, keys, trigger and identity
        cursor.execute(f"ALTER TABLE {TABLE}_partitioned RENAME TO {TABLE}")
        cursor.execute(f"CREATE SEQUENCE {SEQUENCE} AS bigint START WITH {next_id}")
        cursor.execute(f"ALTER SEQUENCE {SEQUENCE} OWNED BY {TABLE}.id")
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{SEQUENCE}')")
        cursor.execute(
            f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id, occurred_at)"
        )
        for sql in indexes + foreign_keys:
            cursor.execute(sql)
        cursor.execute(LISTED_INDEX_SQL)
        cursor.execute(TRIGGER)


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        ((kind,),) = _fetch(cursor, "SELECT relkind FROM pg_class WHERE oid = %s::regclass", [TABLE])
        if kind != "p":
            return
        indexes, foreign_keys = _indexes_and_foreign_keys(cursor, TABLE)
        indexes = [sql for sql in indexes if LISTED_INDEX not in sql]
        next_id = _next_id(cursor, TABLE)
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(
            f"CREATE TABLE {TABLE}_plain (LIKE {TABLE} INCLUDING CONSTRAINTS)"
        )
        cursor.execute(f"INSERT INTO {TABLE}_plain SELECT * FROM {TABLE}")
        cursor.execute(f"DROP TABLE {TABLE}")  # its partitions, indexes, keys, sequence, trigger
        cursor.execute(f"ALTER TABLE {TABLE}_plain RENAME TO {TABLE}")
        cursor.execute(
            f"ALTER TABLE {TABLE} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY "
            f"(START WITH {next_id})"
        )
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id)")
        for sql in indexes + foreign_keys:
            cursor.execute(sql)
        cursor.execute(TRIGGER)


class Migration(migrations.Migration):

    dependencies = [
        ("governance", "0002_disclosure_outside_an_assessment"),
    ]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
