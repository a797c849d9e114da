#!/usr/bin/env python
"""Benchmark the read audit's queries at volume on PostgreSQL and print the figures.

    .venv/bin/python scripts/bench_audit.py                       # 5,000,000 rows
    .venv/bin/python scripts/bench_audit.py --rows 50000000 --children 1000000 --users 50000

Creates a throwaway database send_audit_bench_<pid> through the maintenance database (--pg-url,
default postgres://postgres@127.0.0.1:5432/postgres), runs `migrate` (the audit table becomes
partitioned by month), makes the monthly partitions for the 24 months back and 12 ahead
(`audit_partitions_ensure`), fills it with INSERT ... SELECT generate_series: --rows access
events spread evenly over the last 24 months, by --users people about --children children (one
in ten a list page naming 5 to 20 children), then ANALYZE. The database is dropped afterwards
unless --keep.

Then times (median and p95 of --repeat runs, a different child or person each run) the IG
reports' queries exactly as the pages run them (`ehcp.governance.selectors`): access to a
child's record ("who viewed this child") and everything a person saw, over one month and over
twelve; and a break-glass grant's events. Prints each query's plan once (EXPLAIN ANALYZE) with
the partitions it read. No assertions: it is a measuring tool.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def pg_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def step(label: str, started: float) -> float:
    now = time.perf_counter()
    print(f"  {label}: {now - started:.1f} s", flush=True)
    return now


def fill(cursor, *, rows: int, users: int, children: int, now: datetime) -> None:
    started = time.perf_counter()
    cursor.execute(
        "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, "
        "is_staff, is_active, date_joined) SELECT '!', false, 'bench' || n, 'Reader', 'No ' || n, "
        "'', false, true, now() FROM generate_series(1, %s) AS n",
        [users],
    )
    cursor.execute(
        "INSERT INTO ehcp_child (id, public_id, first_name, last_name, date_of_birth, upn, "
        "nhs_number, address, postcode, protected_whereabouts, primary_need, secondary_need, "
        "created_at) SELECT n, gen_random_uuid(), 'Child', 'No ' || n, DATE '2015-01-01' + mod(n, 4000),"
        " '', '', '', '', false, 'SLCN', '', now() FROM generate_series(1, %s) AS n",
        [children],
    )
    cursor.execute("SELECT setval(pg_get_serial_sequence('ehcp_child', 'id'), %s)", [children])
    started = step(f"{users:,} people and {children:,} children", started)
    cursor.execute("SELECT min(id), max(id) FROM auth_user")
    first_user, last_user = cursor.fetchone()
    span = 24 * 30 * 86400
    batch = 1_000_000
    for offset in range(0, rows, batch):
        size = min(batch, rows - offset)
        # Row n: evenly spread over the 24 months back; person and child pseudo-random; every
        # tenth a list page naming 5 to 20 children (child_id empty), the rest a case page.
        cursor.execute(
            "INSERT INTO ehcp_accessevent (roles, what, data_types, relationship, child_ids, "
            "severity, occurred_at, request_id, ip, user_id, child_id) "
            "SELECT '[\"CASEWORKER\"]', CASE WHEN mod(n, 10) = 0 THEN 'list' ELSE 'case' END, "
            "'[\"IDENTITY\"]', 'council', "
            "CASE WHEN mod(n, 10) = 0 THEN (SELECT jsonb_agg(1 + mod(n * 7919 + k * 104729, "
            "  %(c)s)) FROM generate_series(1, 5 + mod(n, 16)) AS k) ELSE '[]' END, "
            "'NORMAL', %(now)s - make_interval(secs => mod(n * 7727, %(span)s)), "
            "'bench-' || n, NULL, %(u0)s + mod(n * 2654435761, %(u1)s - %(u0)s + 1), "
            "CASE WHEN mod(n, 10) = 0 THEN NULL ELSE 1 + mod(n * 40503, %(c)s) END "
            "FROM generate_series(%(a)s::bigint, %(b)s::bigint) AS n",
            {
                "c": children,
                "now": now,
                "span": span,
                "u0": first_user,
                "u1": last_user,
                "a": offset + 1,
                "b": offset + size,
            },
        )
        started = step(f"access events {offset + size:,}", started)
    cursor.execute("ANALYZE")
    step("ANALYZE", started)


def timed(run, repeat: int) -> tuple[float, float, int]:
    times, found = [], 0
    for n in range(repeat):
        started = time.perf_counter()
        found = run(n)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, found


SCAN = re.compile(
    r"(Parallel )?(Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan|Bitmap Index Scan)"
    r"( using (?P<index>\S+))? on (?P<table>\S+)"
)


def explain(queryset, *, full: bool) -> str:
    """The plan's audit scans in brief: how many partitions, which, by which scan and index."""
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
        lines = [line for (line,) in cursor.fetchall()]
    if full:
        return "\n".join("      " + line for line in lines)
    scans, tables, indexes = Counter(), set(), Counter()
    for line in lines:
        found = SCAN.search(line)
        if not found or not found["table"].startswith("ehcp_accessevent"):
            continue
        scans[found[2]] += 1
        if found[2] == "Bitmap Index Scan":  # "Bitmap Index Scan on <index>"
            indexes[found["table"].split("_", 3)[-1]] += 1
            continue
        tables.add(found["table"])
        if found["index"]:
            indexes[found["index"].split("_", 3)[-1]] += 1
    months = sorted(t for t in tables if "_y" in t)
    return (
        f"      partitions read: {len(tables)} ({months[0] if months else ''} .. "
        f"{months[-1] if months else ''}{', DEFAULT' if any('default' in t for t in tables) else ''})\n"
        f"      scans: {dict(scans)}\n      indexes (partition name stripped): {dict(indexes)}\n"
        f"      {lines[-1].strip()}"
    )


def measure(args, now: datetime) -> None:
    from django.contrib.auth import get_user_model

    from ehcp.children.models import Child
    from ehcp.governance import selectors

    users = list(get_user_model().objects.order_by("pk").values_list("pk", flat=True))
    children = args.children
    month_end = now
    periods = {"1 month": timedelta(days=30), "12 months": timedelta(days=365)}
    print(f"\nQueries ({args.repeat} runs each; milliseconds, rows loaded):")
    for label, length in periods.items():
        start = month_end - length

        def child_report(n, start=start):
            child = Child(pk=1 + (n * 7_654_321) % children)
            return len(list(selectors.access_events_for_child(child, start=start, end=now)))

        def person_report(n, start=start):
            user = get_user_model()(pk=users[(n * 7919) % len(users)])
            return len(list(selectors.access_events_by_user(user, start=start, end=now)))

        for name, run in (
            ("who viewed a child", child_report),
            ("what a person saw", person_report),
        ):
            median, p95, found = timed(run, args.repeat)
            print(f"  {name:<20} {label:<10} median {median:8.1f}  p95 {p95:8.1f}  rows {found}")
        if args.plans:
            child = Child(pk=1)
            user = get_user_model()(pk=users[0])
            print(f"    plan, who viewed a child, {label}:")
            print(
                explain(
                    selectors.access_events_for_child(child, start=start, end=now),
                    full=args.full_plans,
                )
            )
            print(f"    plan, what a person saw, {label}:")
            print(
                explain(
                    selectors.access_events_by_user(user, start=start, end=now),
                    full=args.full_plans,
                )
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--users", type=int, default=5_000)
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards")
    parser.add_argument("--no-plans", dest="plans", action="store_false")
    parser.add_argument("--full-plans", action="store_true", help="Print whole EXPLAIN ANALYZE")
    args = parser.parse_args()

    name = f"send_audit_bench_{os.getpid()}"
    pg_admin(args.pg_url, f'CREATE DATABASE "{name}"')
    database_url = urlunsplit(urlsplit(args.pg_url)._replace(path=f"/{name}"))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    try:
        print(f"PostgreSQL database {name}: {args.rows:,} access events", flush=True)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        step("migrate", started)
        os.environ.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings.test")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.db import connection

        from ehcp.governance.partitions import add_months, audit_partitions_ensure

        now = datetime.now(UTC).replace(microsecond=0)
        back = add_months(now.date().replace(day=1), -25)
        made = audit_partitions_ensure(today=back, months_ahead=37)
        print(f"  partitions made for the months back: {len(made.created)}")
        with connection.cursor() as cursor:
            fill(cursor, rows=args.rows, users=args.users, children=args.children, now=now)
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            print(f"  database size: {cursor.fetchone()[0]}")
        measure(args, now)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"Kept {name}")
        else:
            pg_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
